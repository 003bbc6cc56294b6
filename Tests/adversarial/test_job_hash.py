"""T-JOB: the job hash is the code that runs, computed by strongroom from what it is about to run
and domain-separated by kind; nobody claims it (issue 13 item 1). The owner pins one job; the
attacker (who may run strongroom and anything else on the machine, and edit files it can write)
tries to run other code under that pin. Secrets are given values the test knows, so a leak
anywhere (child output, errors) is seen."""
import hashlib
import json
import os
import shutil
import sys

import pytest

from conftest import (ATTACKERS, assert_audited, assert_not_leaked, clean_env, make_policy, unique)

PYTHON = os.path.realpath(sys.executable)
DUMP = str(ATTACKERS / "workload_dump.py")


def job_hash(sr, *args, env=None, cwd=None):
    return sr.ok("run", "--print-job-hash", *args, env=env, cwd=cwd).stdout.strip()


def strongroom_service(measurement, job, **extra):
    svc = {"name": "svc", "attestation": [{"kind": "simulated", "measurements": [measurement]}], "allow_simulation": True,
           "job_hash": job, "environment": {"TOKEN": "{{secret:s}}"}, "files": {"conf/secret.txt": "{{secret:s}}"}}
    svc.update(extra)
    return svc


def pin(cas, owner, measurement, job, prefix, master_keys=(), **extra):
    """A policy pinning strongroom's measurement and `job`, with a given secret in env and a file."""
    name = unique(prefix)
    cas.apply_ok(make_policy(name, [owner], services=[strongroom_service(measurement, job, **extra)],
                             secrets=[{"name": "s", "kind": "given"}], master_keys=master_keys), [owner])
    secret = f"SECRET-{unique('v')}"
    assert cas.http.put_secret(owner, name, "s", secret.encode()).status == 204
    return name, secret


def run(sr, cas, agent, name, *args, env=None, cwd=None):
    return sr.run("run", *cas.cli, "--policy", name, "--service", "svc", "--agent", agent.socket, *args, env=env, cwd=cwd)


def child_view(result):
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    assert lines, result.describe()
    return json.loads(lines[0])


def assert_run_refused(cas, result, name, secret, reason="job hash differs", since=0):
    assert result.returncode != 0, f"the attack ran: {result.describe()}"
    assert "refused" in result.stderr.lower(), result.describe()
    assert reason in result.stderr, result.describe()
    assert not result.stdout.strip(), f"the workload ran: {result.stdout[:300]}"
    assert_not_leaked([secret], result.stdout, result.stderr)
    assert_audited(cas, "attest.refused", name, reason, since=since)
    assert not cas.audit(policy=name, type="secret.released", since=since), "a secret was released"


def test_T_JOB_01_run_has_no_job_hash_flag(cas_sqlite, sr, agent, strongroom_measurement, identities):
    """The original attack: `strongroom run --job-hash <pinned query's hash> --kms-proxy -- any-program`."""
    cas, alice = cas_sqlite, identities("alice")
    query_job = sr.ok("query", "--sql", "SELECT count(*) FROM trips", "--print-job-hash").stdout.strip()
    name, secret = pin(cas, alice, strongroom_measurement, query_job, "job01")
    r = run(sr, cas, agent, name, "--job-hash", query_job, "--kms-proxy", "--", PYTHON, DUMP)
    assert r.returncode != 0 and "Unknown option '--job-hash'" in r.stderr, r.describe()
    assert_not_leaked([secret], r.stdout, r.stderr)
    assert not cas.audit(policy=name, type="attest.allowed")
    # Without the flag the program's own job is attested, which is not the pinned query.
    r = run(sr, cas, agent, name, "--kms-proxy", "--", PYTHON, DUMP)
    assert_run_refused(cas, r, name, secret)


def manifest_hash(description):
    canonical = json.dumps(description, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(b"strongroom-job-v1\n" + canonical.encode()).hexdigest()


def test_T_JOB_02_kinds_are_domain_separated(cas_sqlite, sr, agent, strongroom_measurement, identities):
    """A run job whose argv is the pinned SQL text, and the same SQL in a query, hash apart;
    the hashes are SHA-256("strongroom-job-v1\\n" ‖ canonical JSON with "kind")."""
    cas, alice = cas_sqlite, identities("alice")
    sql = "SELECT payment_type, count(*) FROM trips GROUP BY payment_type"
    printed = json.loads(sr.ok("query", "--sql", sql, "--print-job").stdout)
    assert printed["job"] == {"kind": "query", "sql": sql}
    assert printed["job_hash"] == manifest_hash({"kind": "query", "sql": sql}) != hashlib.sha256(sql.encode()).hexdigest()
    run_printed = json.loads(sr.ok("run", "--print-job", "--", "/bin/echo", sql).stdout)
    assert run_printed["job"]["kind"] == "run" and run_printed["job_hash"] == manifest_hash(run_printed["job"])
    assert run_printed["job_hash"] != printed["job_hash"]
    name, secret = pin(cas, alice, strongroom_measurement, printed["job_hash"], "job02")
    r = run(sr, cas, agent, name, "--", "/bin/echo", sql)
    assert_run_refused(cas, r, name, secret)


@pytest.fixture
def script(tmp_path):
    path = tmp_path / "job.py"
    path.write_text("import runpy, sys\nrunpy.run_path(sys.argv[1], run_name='__main__')\n")
    return path


def test_T_JOB_03_code_file_named_by_the_job_is_edited(cas_sqlite, sr, agent, strongroom_measurement, identities, script):
    """The owner pins `python job.py …`; the attacker (who can write job.py) turns it into an exfiltrator."""
    cas, alice = cas_sqlite, identities("alice")
    command = [PYTHON, str(script), DUMP]
    name, secret = pin(cas, alice, strongroom_measurement, job_hash(sr, "--", *command), "job03")
    control = run(sr, cas, agent, name, "--", *command)
    assert control.returncode == 0, control.describe()
    assert child_view(control)["env"]["TOKEN"] == secret, "control: the pinned job receives the secret"
    mark = cas.audit_head()
    script.write_text("import os\nprint(os.environ.get('TOKEN'))\n")
    r = run(sr, cas, agent, name, "--", *command)
    assert_run_refused(cas, r, name, secret, since=mark)


def test_T_JOB_04_arguments_are_part_of_the_job(cas_sqlite, sr, agent, strongroom_measurement, identities):
    """Same program, other arguments: `python -c <other code>` or one argument more."""
    cas, alice = cas_sqlite, identities("alice")
    command = [PYTHON, DUMP]
    name, secret = pin(cas, alice, strongroom_measurement, job_hash(sr, "--", *command), "job04")
    for attack in ([PYTHON, "-c", "import os; print(os.environ['TOKEN'])"], [PYTHON, DUMP, "--extra"], [PYTHON, "-i", DUMP]):
        assert_run_refused(cas, run(sr, cas, agent, name, "--", *attack), name, secret)


CODE_LOADING_VARIABLES = {
    "PYTHONPATH": "/tmp/evil", "PYTHONSTARTUP": "/tmp/evil.py", "PYTHONHOME": "/tmp/evil", "PYTHONINSPECT": "1",
    "BASH_ENV": "/tmp/evil.sh", "ENV": "/tmp/evil.sh", "JAVA_TOOL_OPTIONS": "-javaagent:/tmp/evil.jar",
    "NODE_OPTIONS": "--require /tmp/evil.js", "PERL5OPT": "-Mevil", "RUBYOPT": "-revil", "SECRET_FROM_CALLER": "x",
}


def test_T_JOB_05_callers_environment_does_not_reach_the_job(cas_sqlite, sr, agent, strongroom_measurement, identities):
    """Variables that make interpreters load other code change what runs without changing the
    program: they are dropped (and do not change the job hash)."""
    cas, alice = cas_sqlite, identities("alice")
    command = [PYTHON, DUMP]
    pinned = job_hash(sr, "--", *command)
    env = clean_env(**CODE_LOADING_VARIABLES)
    assert job_hash(sr, "--", *command, env=env) == pinned
    name, secret = pin(cas, alice, strongroom_measurement, pinned, "job05")
    r = run(sr, cas, agent, name, "--", *command, env=env)
    assert r.returncode == 0, r.describe()
    received = child_view(r)["env"]
    allowed = {"PATH", "HOME", "USER", "LOGNAME", "LANG", "LANGUAGE", "TZ", "TERM", "TMPDIR", "COLUMNS", "LINES",
               "TOKEN", "STRONGROOM_PRIVATE_DIR"}
    extra = {k for k in received if k not in allowed and not k.startswith("LC_")}
    assert not extra, f"variables reached the job: {sorted(extra)}"


def test_T_JOB_06_code_loading_variable_given_with_env_changes_the_job(cas_sqlite, sr, agent, strongroom_measurement, identities):
    """--env/--pass-env do reach the program, so they are part of the job: pinned jobs refuse them."""
    cas, alice = cas_sqlite, identities("alice")
    command = [PYTHON, DUMP]
    name, secret = pin(cas, alice, strongroom_measurement, job_hash(sr, "--", *command), "job06")
    assert_run_refused(cas, run(sr, cas, agent, name, "--env", "PYTHONPATH=/tmp/evil", "--", *command), name, secret)
    r = run(sr, cas, agent, name, "--pass-env", "PYTHONSTARTUP", "--", *command, env=clean_env(PYTHONSTARTUP="/tmp/evil.py"))
    assert_run_refused(cas, r, name, secret)


def test_T_JOB_07_loader_injection_into_strongroom_run_itself(cas_sqlite, sr, agent, strongroom_measurement, identities):
    """LD_PRELOAD on strongroom itself: the agent refuses the attested process."""
    cas, alice = cas_sqlite, identities("alice")
    command = [PYTHON, DUMP]
    name, secret = pin(cas, alice, strongroom_measurement, job_hash(sr, "--", *command), "job07")
    r = run(sr, cas, agent, name, "--", *command, env=clean_env(LD_PRELOAD=""))
    assert r.returncode != 0 and "LD_PRELOAD" in r.stderr, r.describe()
    assert not r.stdout.strip()
    assert_not_leaked([secret], r.stdout, r.stderr)
    assert not cas.audit(policy=name, type="attest.allowed")


def test_T_JOB_08_program_swapped_through_path(cas_sqlite, sr, agent, strongroom_measurement, identities, tmp_path):
    """The pinned job names `python3`; the attacker puts its own python3 first on PATH."""
    cas, alice = cas_sqlite, identities("alice")
    real = tmp_path / "real"
    real.mkdir()
    os.symlink(PYTHON, real / "python3")
    path = f"{real}:/usr/bin:/bin"
    command = ["python3", DUMP]
    name, secret = pin(cas, alice, strongroom_measurement, job_hash(sr, "--", *command, env=clean_env(PATH=path)), "job08")
    evil = tmp_path / "evil"
    evil.mkdir()
    (evil / "python3").write_text("#!/bin/sh\necho \"$TOKEN\"\n")
    (evil / "python3").chmod(0o755)
    r = run(sr, cas, agent, name, "--", *command, env=clean_env(PATH=f"{evil}:{path}"))
    assert_run_refused(cas, r, name, secret)
    control = run(sr, cas, agent, name, "--", *command, env=clean_env(PATH=path))
    assert control.returncode == 0 and child_view(control)["env"]["TOKEN"] == secret, control.describe()


def test_T_JOB_09_interpreter_of_a_script_is_swapped(cas_sqlite, sr, agent, strongroom_measurement, identities, tmp_path):
    """A pinned `#!/usr/bin/env python3` script: the interpreter found on PATH is part of the job."""
    cas, alice = cas_sqlite, identities("alice")
    real, evil = tmp_path / "real", tmp_path / "evil"
    real.mkdir()
    evil.mkdir()
    os.symlink(PYTHON, real / "python3")
    shutil.copy2(PYTHON, evil / "python3")
    with open(evil / "python3", "ab") as f:
        f.write(b"\0evil")
    tool = tmp_path / "tool.py"
    tool.write_text(f"#!/usr/bin/env python3\nexec(open({DUMP!r}).read())\n")
    tool.chmod(0o755)
    path = f"{real}:/usr/bin:/bin"
    manifest = json.loads(sr.ok("run", "--print-job", "--", str(tool), env=clean_env(PATH=path)).stdout)
    assert manifest["job"]["program"]["interpreter"]["path"] == str(real / "python3")
    name, secret = pin(cas, alice, strongroom_measurement, manifest["job_hash"], "job09")
    evil_env = clean_env(PATH=f"{evil}:{real}:/usr/bin:/bin", PYTHONHOME=sys.base_prefix)
    assert_run_refused(cas, run(sr, cas, agent, name, "--", str(tool), env=evil_env), name, secret)


def test_T_JOB_10_code_directory_gains_or_changes_a_file(cas_sqlite, sr, agent, strongroom_measurement, identities, tmp_path):
    """A job pinned with --code DIR (a package it imports): a module changed, or one added."""
    cas, alice = cas_sqlite, identities("alice")
    package = tmp_path / "app"
    package.mkdir()
    (package / "analysis.py").write_text("RESULT = 42\n")
    command = [PYTHON, DUMP]
    name, secret = pin(cas, alice, strongroom_measurement, job_hash(sr, "--code", package, "--", *command), "job10")
    assert run(sr, cas, agent, name, "--code", package, "--", *command).returncode == 0
    mark = cas.audit_head()
    (package / "sitecustomize.py").write_text("import os; print(os.environ.get('TOKEN'))\n")
    assert_run_refused(cas, run(sr, cas, agent, name, "--code", package, "--", *command), name, secret, since=mark)
    (package / "sitecustomize.py").unlink()
    (package / "analysis.py").write_text("import os; RESULT = os.environ.get('TOKEN')\n")
    assert_run_refused(cas, run(sr, cas, agent, name, "--code", package, "--", *command), name, secret, since=mark)


def test_T_JOB_11_python_claims_the_pinned_query_hash(cas_sqlite, sr, agent, strongroom_measurement, identities):
    """Claiming a job hash is pointless without being the measured program: the attacker's python
    binds the pinned query's hash into its evidence."""
    cas, alice = cas_sqlite, identities("alice")
    query_job = sr.ok("query", "--sql", "SELECT count(*) FROM trips", "--print-job-hash").stdout.strip()
    name, secret = pin(cas, alice, strongroom_measurement, query_job, "job11")
    w, refusal = cas.attest_python(agent, name, "svc", job_hash=query_job)
    assert w is None and refusal["status"] == 403 and "measurement" in refusal["detail"], refusal
    assert_not_leaked([secret], json.dumps(refusal))
    assert_audited(cas, "attest.refused", name, "measurement")


def encrypted_trips(sr, cas, alice, name, directory):
    plain, encrypted = directory / "trips.parquet", directory / "trips-enc.parquet"
    sr.ok("parquet", "write-sample", plain, "--kind", "taxi", "--rows", "300")
    sr.ok("data", "encrypt", plain, encrypted, *cas.cli, "--policy", name, "--master-key", "footer", "--identity", alice.path,
          "--column-key", "columns:fare_amount,tip_amount,total_amount")
    plain.unlink()
    return encrypted


def test_T_JOB_12_query_other_than_the_pinned_aggregate(cas_sqlite, sr, agent, strongroom_measurement, identities, tmp_path):
    """The policy pins one aggregate; `SELECT *` (or a 1-row group) with the same binary must get
    no key: the table stays encrypted."""
    cas, alice = cas_sqlite, identities("alice")
    pinned = "SELECT payment_type, count(*) AS trips FROM trips GROUP BY payment_type ORDER BY payment_type"
    job = sr.ok("query", "--sql", pinned, "--print-job-hash").stdout.strip()
    name = unique("job12")
    svc = {"name": "query", "attestation": [{"kind": "simulated", "measurements": [strongroom_measurement]}],
           "allow_simulation": True, "job_hash": job, "unwrap": ["footer", "columns"]}
    cas.apply_ok(make_policy(name, [alice], services=[svc], master_keys=["footer", "columns"]), [alice])
    table = encrypted_trips(sr, cas, alice, name, tmp_path)
    base = ["query", "--table", f"trips={table}", *cas.cli, "--policy", name, "--service", "query", "--agent", agent.socket, "--format", "csv"]
    control = sr.run(*base, "--sql", pinned)
    assert control.returncode == 0 and "payment_type" in control.stdout, control.describe()
    mark = cas.audit_head()
    for attack in ("SELECT * FROM trips", "SELECT fare_amount, tip_amount FROM trips LIMIT 5", pinned + " "):
        r = sr.run(*base, "--sql", attack)
        assert r.returncode != 0 and "job hash differs" in r.stderr, r.describe()
        assert "fare_amount" not in r.stdout and not r.stdout.strip(), r.describe()
    assert_audited(cas, "attest.refused", name, "job hash differs", since=mark)
    assert not cas.audit(policy=name, type="kms.unwrap", since=mark), "a key was unwrapped for a refused query"


def test_T_JOB_13_code_file_without_a_code_extension_needs_code_option(cas_sqlite, sr, agent, strongroom_measurement,
                                                                       identities, tmp_path):
    """`python3 analysis` (no .py): the manifest lists no code file, so owners pin it with --code;
    then an edit is refused. (Without --code only the path is hashed: see threat-model Limits.)"""
    cas, alice = cas_sqlite, identities("alice")
    program = tmp_path / "analysis"
    program.write_text(f"exec(open({DUMP!r}).read())\n")
    bare = json.loads(sr.ok("run", "--print-job", "--", PYTHON, str(program)).stdout)
    assert bare["job"]["code"] == [], "an extension-less argument is not hashed by content (documented limit)"
    command = ["--code", str(program), "--", PYTHON, str(program)]
    with_code = json.loads(sr.ok("run", "--print-job", *command).stdout)
    assert [c["path"] for c in with_code["job"]["code"]] == [str(program)]
    name, secret = pin(cas, alice, strongroom_measurement, with_code["job_hash"], "job13")
    assert run(sr, cas, agent, name, *command).returncode == 0
    mark = cas.audit_head()
    program.write_text("import os; print(os.environ.get('TOKEN'))\n")
    assert_run_refused(cas, run(sr, cas, agent, name, *command), name, secret, since=mark)


# ---------------------------------------------------------------- encrypted code bundles

BUNDLE_MARKER = "PROPRIETARY-ANALYSIS-CODE"


def sealed_bundle(sr, cas, owner, policy, directory, version):
    code = directory / f"code-{version}"
    code.mkdir()
    (code / "main.py").write_text(f"# {BUNDLE_MARKER} v{version}\nexec(open({DUMP!r}).read())\n")
    bundle = directory / f"bundle-{version}.srcb"
    sr.ok("code", "seal", "--input", code, "--output", bundle, *cas.cli, "--identity", owner.path, "--policy", policy,
          "--master-key", "code")
    assert BUNDLE_MARKER.encode() not in bundle.read_bytes(), "the bundle holds the code in plaintext"
    return bundle


def test_T_JOB_14_code_bundle_swapped_for_another(cas_sqlite, sr, agent, strongroom_measurement, identities, tmp_path):
    """The owner pins a job with bundle v2; the operator hands the job bundle v1 (an older, sealed
    version of the code, still decryptable with the policy's key)."""
    cas, alice = cas_sqlite, identities("alice")
    name = unique("job14")
    cas.apply_ok(make_policy(name, [alice], master_keys=["code"]), [alice])
    old, new = (sealed_bundle(sr, cas, alice, name, tmp_path, v) for v in (1, 2))
    command = [PYTHON, "main.py"]
    job = job_hash(sr, "--code-bundle", new, "--", *command)
    v1 = cas.http.signed(alice, "GET", f"/v1/policies/{name}").json
    cas.apply_ok(make_policy(name, [alice], master_keys=["code"], secrets=[{"name": "s", "kind": "given"}], version=2,
                             previous=v1["hash"], services=[strongroom_service(strongroom_measurement, job, unwrap=["code"])]), [alice])
    secret = f"SECRET-{unique('v')}"
    cas.http.put_secret(alice, name, "s", secret.encode())
    control = run(sr, cas, agent, name, "--code-bundle", new, "--", *command)
    assert control.returncode == 0, control.describe()
    assert child_view(control)["code"] == ["main.py"] and child_view(control)["cwd"].endswith("/code")
    mark = cas.audit_head()
    assert_run_refused(cas, run(sr, cas, agent, name, "--code-bundle", old, "--", *command), name, secret, since=mark)


def bundle_under_mallorys_policy(sr, cas, agent, alice, mallory, measurement, tmp_path, edit_header):
    """Mallory obtains Alice's sealed bundle and runs it under a policy of her own (she pins the
    job there, with her own master key id "code"), header untouched or edited to name her policy."""
    victim = unique("bundle-victim")
    cas.apply_ok(make_policy(victim, [alice], master_keys=["code"]), [alice])
    bundle = sealed_bundle(sr, cas, alice, victim, tmp_path, 1)
    own = unique("bundle-mallory")
    if edit_header:
        raw = bundle.read_bytes()
        length = int.from_bytes(raw[6:10], "big")
        header = json.loads(raw[10:10 + length])
        header["policy"] = own
        text = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
        bundle = tmp_path / "edited.srcb"
        bundle.write_bytes(raw[:6] + len(text).to_bytes(4, "big") + text + raw[10 + length:])
    command = [PYTHON, "main.py"]
    svc = strongroom_service(measurement, job_hash(sr, "--code-bundle", bundle, "--", *command), unwrap=["code"])
    cas.apply_ok(make_policy(own, [mallory], services=[svc], master_keys=["code"], secrets=[{"name": "s", "kind": "given"}]), [mallory])
    cas.http.put_secret(mallory, own, "s", b"mallory's own secret")
    # SWIFT_BACKTRACE: a crash prints its report at once instead of symbolicating for seconds.
    r = sr.run("run", *cas.cli, "--policy", own, "--service", "svc", "--agent", agent.socket, "--code-bundle", bundle,
               "--", *command, env=clean_env(SWIFT_BACKTRACE="enable=no"))
    assert not r.stdout.strip(), f"the workload ran: {r.stdout[:200]}"
    assert BUNDLE_MARKER not in r.output
    assert not cas.audit(policy=victim, type="kms.unwrap"), "a key of Alice's policy was unwrapped"
    return r, victim, own


def test_T_JOB_15_bundle_with_its_header_edited_to_another_policy(cas_sqlite, sr, agent, strongroom_measurement, identities, tmp_path):
    cas, (alice, mallory) = cas_sqlite, identities("alice", "mallory")
    r, victim, own = bundle_under_mallorys_policy(sr, cas, agent, alice, mallory, strongroom_measurement, tmp_path, edit_header=True)
    assert r.returncode == 1 and "CAS refused to unwrap" in r.stderr, r.describe()
    assert_audited(cas, "kms.refused", own, "does not unwrap")


def test_T_JOB_16_bundle_sealed_for_another_policy(cas_sqlite, sr, agent, strongroom_measurement, identities, tmp_path):
    """Same, header untouched: refused with its reason after attestation (found by this suite: run
    crashed here, its CAS client never shut down)."""
    cas, (alice, mallory) = cas_sqlite, identities("alice", "mallory")
    r, victim, own = bundle_under_mallorys_policy(sr, cas, agent, alice, mallory, strongroom_measurement, tmp_path, edit_header=False)
    assert r.returncode == 1 and f"sealed for policy {victim}, not {own}" in r.stderr, r.describe()
