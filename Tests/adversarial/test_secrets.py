"""T-SECRET: no secret on a command line, none left on disk, none readable by other local users
(issue 13 item 6). The attacker is a local user: it reads /proc/PID/cmdline of every process,
lists /dev/shm, ptraces what it may, and waits for `strongroom run` to be killed."""
import ctypes
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import srlib
from conftest import (ATTACKERS, assert_audited, assert_not_leaked, assert_refused, clean_env, make_policy, python_service,
                      unique, wait_for)

PYTHON = os.path.realpath(sys.executable)
DUMP = str(ATTACKERS / "workload_dump.py")
NOBODY = 65534


def test_T_SECRET_01_secret_template_in_arguments_is_refused(cas, python_measurement, identities):
    """argv is world-readable (/proc/PID/cmdline): a policy may not put a secret there."""
    alice = identities("alice")
    name = unique("sec01")
    svc = python_service("svc", python_measurement, arguments=["--password={{secret:db}}"])
    answer = cas.apply(make_policy(name, [alice], services=[svc], secrets=[{"name": "db", "kind": "random", "size": 16}]), [alice])
    assert_refused(answer, 400, "malformed-request", "visible to every local user")
    assert_audited(cas, "policy.refused", reason="visible to every local user")


def test_T_SECRET_02_injected_file_path_leaving_the_private_directory(cas, python_measurement, identities):
    """A policy author (a tenant) tries to make `strongroom run` write outside its private directory."""
    alice = identities("alice")
    for path in ("../../etc/cron.d/evil", "/etc/passwd", "./a/../../b"):
        svc = python_service("svc", python_measurement, files={path: "x"})
        answer = cas.apply(make_policy(unique("sec02"), [alice], services=[svc]), [alice])
        assert answer.status == 400, answer


@pytest.fixture
def initialised(sr, tmp_path):
    """A CAS data directory and its recovery shares (3 of 5)."""
    data = tmp_path / "cas"
    init = sr.ok("cas", "init", "--data-dir", data)
    shares = [line for line in init.stdout.splitlines() if line.startswith("srs1-")]
    assert len(shares) == 5
    return data, shares


def test_T_SECRET_03_unseal_share_on_the_command_line_is_refused(sr, initialised):
    data, shares = initialised
    r = sr.run("cas", "serve", "--data-dir", data, "--listen", "127.0.0.1:0", "--unseal-share", shares[0],
               "--unseal-share", shares[1], "--unseal-share", shares[2], timeout=30)
    assert r.returncode != 0 and "readable by every local user" in r.stderr, r.describe()
    assert "--unseal-shares" in r.stderr, "the message says what to do instead"
    assert_not_leaked(shares, r.stdout, r.stderr.replace("--unseal-share ", ""))
    r = sr.run("cas", "unseal", "--cas", "http://127.0.0.1:1", shares[0], timeout=30)
    assert r.returncode != 0 and "/proc/PID/cmdline" in r.stderr, r.describe()
    assert_not_leaked(shares, r.stdout, r.stderr)


def serve_with_shares_from(sr, data, port_file, source, pass_fds=()):
    return subprocess.Popen([sr.binary, "cas", "serve", "--data-dir", str(data), "--listen", "127.0.0.1:0", "--insecure-http",
                             "--port-file", str(port_file), "--unseal-shares", source], pass_fds=pass_fds, env=clean_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def stop(process):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    return process.communicate(timeout=30)[0].decode(errors="replace")


def test_T_SECRET_04_control_shares_from_a_descriptor_or_standard_input(sr, initialised, tmp_path):
    """The ways that keep shares out of argv work: serve --unseal-shares /dev/fd/N (an open file)
    and `cas unseal` with the share on standard input."""
    data, shares = initialised
    (data / "cas-master.key").rename(tmp_path / "offline.key")
    port_file = tmp_path / "port"
    share_file = tmp_path / "shares"
    share_file.write_text("\n".join(shares[:3]) + "\n")
    fd = os.open(share_file, os.O_RDONLY)
    process = serve_with_shares_from(sr, data, port_file, f"/dev/fd/{fd}", pass_fds=[fd])
    os.close(fd)
    try:
        wait_for(port_file.exists, 60, "CAS unsealed from a descriptor", alive=process)
        assert_not_leaked(shares, Path(f"/proc/{process.pid}/cmdline").read_bytes())
    finally:
        output = stop(process)
    assert_not_leaked(shares, output)
    port_file.unlink()
    process = subprocess.Popen([sr.binary, "cas", "serve", "--data-dir", str(data), "--listen", "127.0.0.1:0", "--insecure-http",
                                "--port-file", str(port_file)], env=clean_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        wait_for(port_file.exists, 60, "sealed CAS", alive=process)
        url = f"http://127.0.0.1:{port_file.read_text().strip()}"
        outputs = [sr.ok("cas", "unseal", "--cas", url, input=share + "\n").stdout for share in shares[:3]]
        assert "unsealed" in outputs[-1], outputs
        assert_not_leaked(shares, *outputs)
    finally:
        stop(process)


def test_T_SECRET_05_shares_through_a_pipe_descriptor(sr, initialised, tmp_path):
    """`--unseal-shares /dev/fd/N` with N a pipe (bash `<(…)`, a secret manager): the documented way
    (found by this suite: only regular files were read)."""
    data, shares = initialised
    (data / "cas-master.key").rename(tmp_path / "offline.key")
    port_file = tmp_path / "port"
    read_end, write_end = os.pipe()
    os.write(write_end, ("\n".join(shares[:3]) + "\n").encode())
    os.close(write_end)
    process = serve_with_shares_from(sr, data, port_file, f"/dev/fd/{read_end}", pass_fds=[read_end])
    os.close(read_end)
    try:
        wait_for(port_file.exists, 60, "CAS unsealed from a pipe", alive=process)
    finally:
        output = stop(process)
    assert_not_leaked(shares, output)


# ---------------------------------------------------------------- strongroom run's private directory

def pinned_sleeper(cas, sr, alice, measurement, tmp_path, seconds=60):
    """A policy pinning `python workload_dump.py --sleep N --pid-file F`, with a secret in env and file."""
    pid_file = tmp_path / "child.pid"
    command = [PYTHON, DUMP, "--sleep", str(seconds), "--pid-file", str(pid_file)]
    job = sr.ok("run", "--print-job-hash", "--", *command).stdout.strip()
    name = unique("sec")
    svc = {"name": "svc", "attestation": [{"kind": "simulated", "measurements": [measurement]}], "allow_simulation": True,
           "job_hash": job, "environment": {"TOKEN": "{{secret:s}}"}, "files": {"conf/secret.txt": "{{secret:s}}"}}
    cas.apply_ok(make_policy(name, [alice], services=[svc], secrets=[{"name": "s", "kind": "given"}]), [alice])
    secret = f"SECRET-{unique('v')}"
    cas.http.put_secret(alice, name, "s", secret.encode())
    return name, secret, command, pid_file


def start_run(sr, cas, agent, name, command, preexec_fn=None, ca=None):
    process = subprocess.Popen([sr.binary, "run", "--cas", cas.url, "--ca", ca or cas.ca, "--policy", name, "--service", "svc",
                                "--agent", agent.socket, "--", *command], env=clean_env(), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, preexec_fn=preexec_fn)
    line = process.stdout.readline()
    if not line.startswith("{"):
        process.kill()
        raise AssertionError(f"the workload did not start: {line} {process.communicate(timeout=10)[1]}")
    return process, json.loads(line)


def children(pid):
    out = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            out |= {int(c) for c in (task / "children").read_text().split()}
        except OSError:
            pass
    return out


def alive(pid):
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        return state not in ("Z", "X")
    except OSError:
        return False


@pytest.fixture
def sleeper(cas_sqlite, sr, agent, strongroom_measurement, identities, tmp_path):
    alice = identities("alice")
    name, secret, command, pid_file = pinned_sleeper(cas_sqlite, sr, alice, strongroom_measurement, tmp_path)
    started = []

    def start(**kw):
        process, view = start_run(sr, cas_sqlite, agent, name, command, **kw)
        started.append(process)
        wait_for(pid_file.exists, 10, "workload pid file")
        return process, view, int(pid_file.read_text())
    yield start, secret
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


def test_T_SECRET_06_kill_9_of_strongroom_run_leaves_no_secret_behind(sleeper):
    """SIGKILL gives strongroom run no chance to clean up: its guardian wipes the private
    directory and the workload (holding the secret in its environment) dies with it."""
    start, secret = sleeper
    process, view, child = start()
    private = Path(view["env"]["STRONGROOM_PRIVATE_DIR"])
    assert view["private"]["conf/secret.txt"] == secret and private.is_dir(), "control: the workload got its file"
    assert str(private).startswith("/dev/shm/strongroom-run.") or not Path("/dev/shm").is_dir()
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    wait_for(lambda: not private.exists(), 3, "the private directory to be wiped")
    wait_for(lambda: not alive(child), 3, "the workload to die with strongroom run")


def test_T_SECRET_07_run_and_its_guardian_killed_then_the_next_run_sweeps(sleeper):
    """Kill strongroom run and its guardian together (the workload dies with its parent); the
    directory stays until the next strongroom run of that user sweeps it."""
    start, secret = sleeper
    process, view, child = start()
    private = Path(view["env"]["STRONGROOM_PRIVATE_DIR"])
    guardian = [pid for pid in children(process.pid) if pid != child]
    assert len(guardian) == 1, f"expected one guardian beside the workload: {children(process.pid)}"
    os.kill(guardian[0], signal.SIGKILL)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    wait_for(lambda: not alive(child), 3, "the workload to die with strongroom run")
    time.sleep(0.5)
    assert private.exists(), "with both killed, nobody wiped it yet (the sweep is the next run's job)"
    second, view2, child2 = start()
    assert view2["env"]["STRONGROOM_PRIVATE_DIR"] != str(private)
    assert not private.exists(), "the next run swept the stale private directory"
    second.kill()


def as_user(uid, probe, *args):
    """Runs probe(*args) in a forked child that became `uid` (no exec: nothing to be executable
    by that user) and returns what it returned (JSON-able)."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(read_end)
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
            result = probe(*args)
        except BaseException as e:  # noqa: BLE001 - reported to the parent
            result = {"probe_error": repr(e)}
        os.write(write_end, json.dumps(result).encode())
        os._exit(0)
    os.close(write_end)
    data = b""
    while chunk := os.read(read_end, 65536):
        data += chunk
    os.close(read_end)
    os.waitpid(pid, 0)
    return json.loads(data)


def read_attempts(*paths):
    out = {}
    for p in paths:
        try:
            out[p] = open(p).read() if os.path.isfile(p) else os.listdir(p)
        except OSError as e:
            out[p] = f"DENIED {e.errno}"
    return out


def test_T_SECRET_08_private_directory_is_closed_to_other_users(sleeper):
    """Another local user lists the private directory and reads the injected secret file."""
    if os.getuid() != 0:
        pytest.skip("needs root to probe as another user")
    start, secret = sleeper
    process, view, child = start()
    private = Path(view["env"]["STRONGROOM_PRIVATE_DIR"])
    assert private.stat().st_mode & 0o777 == 0o700
    assert (private / "conf" / "secret.txt").stat().st_mode & 0o777 == 0o600
    assert (private / ".owner").exists()
    result = as_user(NOBODY, read_attempts, str(private / "conf" / "secret.txt"), str(private), str(private / "conf"))
    assert all(str(v).startswith("DENIED") for v in result.values()), result
    assert_not_leaked([secret], json.dumps(result))


def test_T_SECRET_09_no_secret_on_any_command_line(sleeper):
    """While the workload holds the secret, no process's argv carries it."""
    start, secret = sleeper
    process, view, child = start()
    assert view["env"]["TOKEN"] == secret
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            assert_not_leaked([secret], cmdline)


def peek(pid):
    """What another process of the same user tries against strongroom run (ctypes is loaded before
    the fork: the interpreter's files may not be readable by that user)."""
    out = {}
    for what in ("environ", "mem", "maps"):
        try:
            with open(f"/proc/{pid}/{what}", "rb") as f:
                f.read(16)
            out[what] = "READ"
        except OSError as e:
            out[what] = f"DENIED {e.errno}"
    out["ptrace"] = "ATTACHED" if LIBC.ptrace(0x4206, pid, None, None) == 0 else f"DENIED {ctypes.get_errno()}"  # PTRACE_SEIZE
    return out


LIBC = ctypes.CDLL(None, use_errno=True)
LIBC.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]


def test_T_SECRET_10_same_user_cannot_read_strongroom_runs_memory(cas_sqlite, sr, agent, strongroom_measurement,
                                                                  identities, root):
    """strongroom run holds the token and the runtime keys: it is non-dumpable, so another process
    of the same (non-root) user can neither ptrace it nor read its /proc/PID/mem or environ. (The
    workload's own environment is readable by that user; README says so.)"""
    if os.getuid() != 0:
        pytest.skip("needs root to run the job as another user")
    if as_user(NOBODY, lambda path: os.access(path, os.X_OK), sr.binary) is not True:
        pytest.skip(f"{sr.binary} is not executable by uid {NOBODY}")
    cas, alice = cas_sqlite, identities("alice")
    shared = root / unique("nobody")  # pytest's own temporary directories are closed to other users
    shared.mkdir()
    shared.chmod(0o755)
    ca = shared / "ca.pem"
    ca.write_bytes(Path(cas.ca).read_bytes())
    ca.chmod(0o644)
    command = ["/bin/sh", "-c", 'echo "{\\"pid\\": $$}"; exec sleep 60']
    job = sr.ok("run", "--print-job-hash", "--", *command).stdout.strip()
    name = unique("sec10")
    svc = {"name": "svc", "attestation": [{"kind": "simulated", "measurements": [strongroom_measurement]}],
           "allow_simulation": True, "job_hash": job, "environment": {"TOKEN": "{{secret:s}}"}}
    cas.apply_ok(make_policy(name, [alice], services=[svc], secrets=[{"name": "s", "kind": "given"}]), [alice])
    secret = f"SECRET-{unique('v')}"
    cas.http.put_secret(alice, name, "s", secret.encode())

    def become_nobody():
        os.setgroups([])
        os.setgid(NOBODY)
        os.setuid(NOBODY)
    process, view = start_run(sr, cas, agent, name, command, preexec_fn=become_nobody, ca=str(ca))
    try:
        assert Path(f"/proc/{process.pid}/status").read_text().count(f"\t{NOBODY}\t") >= 1, "strongroom runs as nobody"
        result = as_user(NOBODY, peek, process.pid)
        assert all(v.startswith("DENIED") for v in result.values()), result
        control = as_user(NOBODY, peek, view["pid"])
        assert control["environ"] == "READ", f"control: the same user reads a dumpable process: {control}"
    finally:
        process.kill()
        process.wait(timeout=10)


def test_T_SECRET_11_another_process_of_the_user_asks_a_jobs_kms_proxy(cas_sqlite, sr, agent, strongroom_measurement,
                                                                      identities, tmp_path):
    """A job runs with --kms-proxy; another process of the same user finds the socket (its path is
    in the job's environment, readable by that user) and asks it to unwrap the job's data key."""
    cas, alice = cas_sqlite, identities("alice")
    name = unique("sec11")
    cas.apply_ok(make_policy(name, [alice], master_keys=["data"]), [alice])
    dek = os.urandom(32)
    wrapped = cas.http.owner_wrap(alice, "data", dek, policy=name).json["wrapped_key"]
    pid_file = tmp_path / "child.pid"
    command = [PYTHON, DUMP, "--kms-unwrap", "data", wrapped, "--sleep", "30", "--pid-file", str(pid_file)]
    job = sr.ok("run", "--print-job-hash", "--kms-proxy", "--", *command).stdout.strip()
    v1 = cas.http.signed(alice, "GET", f"/v1/policies/{name}").json["hash"]
    svc = {"name": "svc", "attestation": [{"kind": "simulated", "measurements": [strongroom_measurement]}],
           "allow_simulation": True, "job_hash": job, "unwrap": ["data"]}
    cas.apply_ok(make_policy(name, [alice], master_keys=["data"], services=[svc], version=2, previous=v1), [alice])
    process = subprocess.Popen([sr.binary, "run", *cas.cli, "--policy", name, "--service", "svc", "--agent", agent.socket,
                                "--kms-proxy", "--", *command], env=clean_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    try:
        view = json.loads(process.stdout.readline())
        assert view["kms"] == {"key": srlib.b64(dek)}, f"control: the workload unwraps through its proxy: {view['kms']}"
        socket_path = view["env"]["STRONGROOM_KMS_SOCKET"]
        import socket as sockets
        s = sockets.socket(sockets.AF_UNIX, sockets.SOCK_STREAM)
        s.settimeout(10)
        s.connect(socket_path)
        try:
            s.sendall(json.dumps({"op": "unwrap", "master_key_id": "data", "wrapped_key": wrapped}).encode() + b"\n")
        except BrokenPipeError:
            pass  # the proxy answers (and hangs up) before reading a request from a process it does not serve
        answer = json.loads(srlib._read_line(s) or b'{"error": "(closed without an answer)"}')
        s.close()
        assert "key" not in answer and "serves only the attested workload" in answer.get("error", ""), answer
        assert_not_leaked([dek], json.dumps(answer))
    finally:
        process.kill()
        process.wait(timeout=10)
