"""T-AGENT: the simulated TEE's evidence is bound to the process that asks, and only to a process
running the code it measured (issue 13 item 2). Local attackers (same machine, same or other
uid, not root) try to obtain evidence carrying a trusted measurement for code of their own,
or to pass off evidence CAS did not ask for."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import srlib
from conftest import (ATTACKERS, Agent, assert_audited, assert_not_leaked, assert_refused, clean_env, make_policy, python_service,
                      run_python, start_agent, stop_process, unique, wait_for)


def agent_attack(agent, mode, *args, env=None, python=None):
    p = run_python("agent_attacks.py", mode, agent.socket, *args, env=env, python=python, timeout=30)
    assert p.returncode == 0, p.stderr
    lines = [line for line in p.stdout.splitlines() if line.startswith("{")]
    assert lines, f"no answer printed: {p.stdout} {p.stderr}"
    return json.loads(lines[-1])


def assert_agent_refused(answer, reason):
    assert "evidence" not in answer, f"the agent issued evidence: {answer}"
    assert reason.lower() in answer.get("error", "").lower(), answer


def test_T_AGENT_00_control_honest_process_gets_evidence_of_its_own_executable(agent, python_measurement):
    answer = agent_attack(agent, "ask")
    assert "evidence" in answer, answer
    assert answer["measurement"] == python_measurement


def test_T_AGENT_01_forked_child_speaks_for_the_measured_parent(agent):
    """Connect, fork; the parent would exec the trusted binary, the child sends report data for
    its own key: the evidence would carry the trusted measurement and the attacker's key."""
    answer = agent_attack(agent, "fork")
    assert_agent_refused(answer, f"sent by process {answer['sender']}, not by process {answer['connector']}")
    assert "request refused" in agent.log_text()


def test_T_AGENT_02_socket_passed_to_another_process(agent):
    """The connected socket travels over SCM_RIGHTS to an unrelated process, which asks."""
    answer = agent_attack(agent, "pass-fd")
    assert_agent_refused(answer, "forked or passed socket")


def test_T_AGENT_03_executable_changed_after_connect(agent, tmp_path):
    """Connect as one program, execve another (here: a different python file), ask from it."""
    first = tmp_path / "python-first"
    shutil.copy2(os.path.realpath(sys.executable), first)
    answer = agent_attack(agent, "exec", os.path.realpath(sys.executable), python=str(first))
    assert_agent_refused(answer, "executed another program after connecting")


def test_T_AGENT_04_traced_process(agent):
    """A debugger attached to the measured process could change what runs after measurement."""
    answer = agent_attack(agent, "traced")
    assert answer["tracer"] > 0, "the attack did not get traced"
    assert_agent_refused(answer, f"is traced by process {answer['tracer']}")


LOADER_VARIABLES = {
    "LD_PRELOAD": "", "LD_LIBRARY_PATH": "/nonexistent", "LD_AUDIT": "", "GCONV_PATH": "/nonexistent",
    "GLIBC_TUNABLES": "glibc.malloc.check=0", "LOCPATH": "/nonexistent", "NLSPATH": "/nonexistent", "MALLOC_TRACE": "",
}


@pytest.mark.parametrize("variable", sorted(LOADER_VARIABLES))
def test_T_AGENT_05_loader_injection_environment(agent, variable):
    """Variables that make ld.so or libc load code the measurement of the executable misses."""
    answer = agent_attack(agent, "ask", env=clean_env(**{variable: LOADER_VARIABLES[variable]}))
    assert_agent_refused(answer, f"started with {variable} in its environment")


def test_T_AGENT_06_loader_variable_removed_after_start(agent):
    """The library is already loaded; unsetenv afterwards must not make the process clean."""
    answer = agent_attack(agent, "unsetenv", "LD_PRELOAD", env=clean_env(LD_PRELOAD=""))
    assert answer["env_has"] is False
    assert_agent_refused(answer, "started with LD_PRELOAD")


def library_copy(directory):
    """A copy of a harmless system library, outside the node's trusted library directories."""
    for candidate in ("/lib/x86_64-linux-gnu/libz.so.1", "/usr/lib/x86_64-linux-gnu/libz.so.1", "/lib/aarch64-linux-gnu/libz.so.1",
                      "/usr/lib/aarch64-linux-gnu/libz.so.1", "/usr/lib64/libz.so.1", "/lib64/libz.so.1"):
        if os.path.exists(candidate):
            copy = Path(directory) / "libz-preloaded.so.1"
            shutil.copy2(candidate, copy)
            return str(copy)
    pytest.skip("no libz.so.1 to preload")


def test_T_AGENT_07_preloaded_library_that_scrubbed_its_variable(agent, tmp_path):
    """What a preloaded library's constructor does first: erase its own trace from the
    environment block /proc/PID/environ shows. Its mapping stays."""
    preloaded = library_copy(tmp_path)
    answer = agent_attack(agent, "scrub", "LD_PRELOAD", env=clean_env(LD_PRELOAD=preloaded))
    assert answer["still_visible"] is False
    assert_agent_refused(answer, f"maps executable code from {preloaded}")


@pytest.mark.parametrize("mode,reason", [("wrong-challenge", "does not answer this connection's challenge"),
                                         ("no-challenge", "must echo the agent's challenge")])
def test_T_AGENT_08_request_not_answering_this_connections_challenge(agent, mode, reason):
    """A request prepared before the connection (or for another one) is refused: the agent looks
    at the process before it challenges, so the request is later than the look."""
    assert_agent_refused(agent_attack(agent, mode), reason)


# ---------------------------------------------------------------- evidence at CAS

def python_policy(cas, owner, measurement, prefix, **service):
    name = unique(prefix)
    svc = python_service("svc", measurement, environment={"TOKEN": "{{secret:s}}"}, **service)
    cas.apply_ok(make_policy(name, [owner], services=[svc], secrets=[{"name": "s", "kind": "given"}]), [owner])
    secret = f"SECRET-{unique('v')}"
    assert cas.http.put_secret(owner, name, "s", secret.encode()).status == 204
    return name, secret


def test_T_AGENT_09_evidence_replayed_for_another_nonce_or_keys(cas, agent, python_measurement, identities):
    """Evidence captured from an honest attestation, sent again with a fresh nonce, with the
    attacker's own runtime keys, or with its own (already consumed) nonce."""
    alice = identities("alice")
    name, secret = python_policy(cas, alice, python_measurement, "agt09")
    keys, job = srlib.RuntimeKeys(), b"\0" * 32
    nonce = cas.http.challenge()
    evidence = srlib.agent_evidence(agent.socket, srlib.report_data(nonce, keys, job))
    first = cas.http.attest_raw(name, "svc", nonce, evidence, keys, job)
    assert first.status == 200, f"control: {first}"
    attacker_keys = srlib.RuntimeKeys()
    answers = [cas.http.attest_raw(name, "svc", cas.http.challenge(), evidence, keys, job),
               cas.http.attest_raw(name, "svc", cas.http.challenge(), evidence, attacker_keys, job),
               cas.http.attest_raw(name, "svc", nonce, evidence, attacker_keys, job)]
    for answer in answers[:2]:
        assert_refused(answer, 403, "attestation-refused", "report data does not bind")
    assert_refused(answers[2], 403, "attestation-refused", "nonce unknown, already used or expired")
    assert_not_leaked([secret], *(a.text for a in answers))
    assert_audited(cas, "attest.refused", name, "report data does not bind")


def test_T_AGENT_10_evidence_signed_by_an_agent_cas_does_not_trust(cas, agent, root, sr, python_measurement, identities):
    """The attacker runs a node agent of its own (its own node key) and sends its evidence."""
    alice = identities("alice")
    name, secret = python_policy(cas, alice, python_measurement, "agt10")
    rogue = start_agent(sr, root / unique("rogue"))
    try:
        w, refusal = cas.attest_python(rogue, name, "svc")
    finally:
        stop_process(rogue.process)
    assert w is None and refusal["status"] == 403 and refusal["problem"] == "attestation-refused", refusal
    assert "evidence" in refusal["detail"], refusal
    assert_not_leaked([secret], json.dumps(refusal))
    assert_audited(cas, "attest.refused", name, "evidence")


def test_T_AGENT_11_report_bytes_edited_to_the_pinned_measurement(cas, agent, python_measurement, identities, tmp_path):
    """A report measuring other code, with its measurement field overwritten by the pinned value."""
    alice = identities("alice")
    name, secret = python_policy(cas, alice, "ab" * 48, "agt11")
    keys, job = srlib.RuntimeKeys(), b"\0" * 32
    nonce = cas.http.challenge()
    evidence = srlib.agent_evidence(agent.socket, srlib.report_data(nonce, keys, job))
    report = bytearray(srlib.unb64(evidence["report"]))
    report[16:64] = bytes.fromhex("ab" * 48)
    answer = cas.http.attest_raw(name, "svc", nonce, {"kind": "simulated", "report": srlib.b64(bytes(report))}, keys, job)
    assert_refused(answer, 403, "attestation-refused", "evidence")
    assert_not_leaked([secret], answer.text)
    assert_audited(cas, "attest.refused", name, "evidence")


def test_T_AGENT_12_modified_binary_is_measured_as_what_it_is(cas, agent, python_measurement, identities, tmp_path):
    """A copy of the pinned interpreter with bytes appended (a patched binary)."""
    alice = identities("alice")
    name, secret = python_policy(cas, alice, python_measurement, "agt12")
    patched = tmp_path / "python-patched"
    shutil.copy2(os.path.realpath(sys.executable), patched)
    with open(patched, "ab") as f:
        f.write(b"\0patched")
    w, refusal = cas.attest_python(agent, name, "svc", python=str(patched),
                                   env=clean_env(PYTHONHOME=sys.base_prefix))
    assert w is None and refusal.get("status") == 403, refusal
    assert "measurement" in refusal["detail"] and "not in" in refusal["detail"], refusal
    assert_not_leaked([secret], json.dumps(refusal))
    entries = assert_audited(cas, "attest.refused", name, "measurement")
    assert entries[-1]["details"]["measurement"] == srlib.sha384_file(patched)
    ok, _ = cas.attest_python(agent, name, "svc")
    assert ok and ok.config["environment"]["TOKEN"] == secret, "control: the unmodified interpreter is served"


def test_T_AGENT_13_debug_agent_reports_are_refused(cas, agent, root, sr, python_measurement, identities):
    """An operator runs the agent in debug mode (reports flagged debug); the policy does not allow debug."""
    alice = identities("alice")
    name, secret = python_policy(cas, alice, python_measurement, "agt13")
    debug_agent = start_agent(sr, root / unique("debug-agent"), extra=["--debug"])
    try:
        cas.trust_node(unique("debug-node"), debug_agent.public_key)
        w, refusal = cas.attest_python(debug_agent, name, "svc")
    finally:
        stop_process(debug_agent.process)
    assert w is None and refusal.get("status") == 403 and "debug" in refusal["detail"], refusal
    assert_not_leaked([secret], json.dumps(refusal))
    assert_audited(cas, "attest.refused", name, "debug")


def compiler():
    for candidate in ("cc", "gcc", "clang", "/opt/swift/usr/bin/clang"):
        found = shutil.which(candidate)
        if found:
            return found
    return None


EVIL_LIBRARY = r"""
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
__attribute__((constructor)) static void attacker(void) {
    int fd = open(MARKER, O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) { dprintf(fd, "attacker code inside pid %d\n", getpid()); close(fd); }
}
"""


def test_T_AGENT_14_trusted_binary_copied_next_to_attacker_libraries(cas_sqlite, agent, sr, strongroom_measurement,
                                                                       identities, tmp_path):
    cc = compiler()
    if cc is None:
        pytest.skip("no C compiler to build the attacker's library")
    cas = cas_sqlite
    evil = tmp_path / "evil"
    evil.mkdir()
    copy = evil / "strongroom"
    shutil.copy2(sr.binary, copy)
    marker = tmp_path / "PWNED"
    source = tmp_path / "evil.c"
    source.write_text(f'#define MARKER "{marker}"\n' + EVIL_LIBRARY)
    built = subprocess.run([cc, "-shared", "-fPIC", "-o", str(evil / "liblz4.so.1"), str(source), "-Wl,-soname,liblz4.so.1"],
                           capture_output=True, text=True)
    if built.returncode != 0:
        pytest.skip(f"cannot build the attacker's library: {built.stderr[-300:]}")
    alice = identities("alice")
    command = ["/bin/true"]
    job = sr.ok("run", "--print-job-hash", "--", *command).stdout.strip()
    name = unique("agt14")
    secret = f"SECRET-{unique('v')}"
    svc = {"name": "svc", "attestation": [{"kind": "simulated", "measurements": [strongroom_measurement]}],
           "allow_simulation": True, "job_hash": job, "environment": {"TOKEN": "{{secret:s}}"}}
    cas.apply_ok(make_policy(name, [alice], services=[svc], secrets=[{"name": "s", "kind": "given"}]), [alice])
    assert cas.http.put_secret(alice, name, "s", secret.encode()).status == 204
    r = subprocess.run([str(copy), "run", *cas.cli, "--policy", name, "--service", "svc", "--agent", agent.socket, "--", *command],
                       capture_output=True, text=True, env=clean_env(), timeout=120)
    attacker_ran = marker.exists()
    allowed = cas.audit(policy=name, type="attest.allowed")
    assert not (attacker_ran and allowed), (
        f"CAS admitted a strongroom process running attacker code ({marker.read_text().strip()}); exit {r.returncode}; "
        f"agent: {agent.log_text()[-600:]}")


def test_T_AGENT_15_strongroom_traced_from_its_start_detached_before_the_request(cas_sqlite, agent, sr,
                                                                                strongroom_measurement, identities):
    cas, alice = cas_sqlite, identities("alice")
    command = [os.path.realpath(sys.executable), str(ATTACKERS / "workload_dump.py")]
    job = sr.ok("run", "--print-job-hash", "--", *command).stdout.strip()
    name = unique("agt15")
    secret = f"SECRET-{unique('v')}"
    svc = {"name": "svc", "attestation": [{"kind": "simulated", "measurements": [strongroom_measurement]}],
           "allow_simulation": True, "job_hash": job, "environment": {"TOKEN": "{{secret:s}}"}}
    cas.apply_ok(make_policy(name, [alice], services=[svc], secrets=[{"name": "s", "kind": "given"}]), [alice])
    cas.http.put_secret(alice, name, "s", secret.encode())
    upstream = cas.url.split("://", 1)[1]
    p = run_python("traced_launch.py", upstream, sr.binary, "run", "--cas", "{PROXY}", "--ca", cas.ca, "--policy", name,
                   "--service", "svc", "--agent", agent.socket, "--", *command, timeout=120)
    report = json.loads([line for line in p.stdout.splitlines() if "tracer_pid_at_first_connection" in line][-1])
    # Either strongroom noticed its tracer when it hardened itself (before any connection) and
    # stopped, or the tracer was still there at its first CAS connection and the agent refused.
    noticed = "this process is traced by process" in p.stderr and report["tracer_pid_at_first_connection"] is None
    assert noticed or report["tracer_pid_at_first_connection"] == report["tracer"], f"the launch was not traced: {report} {p.stderr[-500:]}"
    assert report["status"] != 0, p.stderr[-500:]
    allowed = cas.audit(policy=name, type="attest.allowed")
    assert not allowed and secret not in p.stdout, (
        f"strongroom run, traced until its first CAS connection, was attested and its job got the secret: {p.stdout[-300:]}")
