"""T-HELPER: helpers of an attested job (Spark executors) act only under a grant CAS issued to that
job, bound to the helpers' code; they never claim the job's hash (issue 13 item 1). The attacker
controls a worker node (it launches executors with commands and environment of its choosing),
or holds a token of its own, and tries to get a helper admitted for other code or another job."""
import hashlib
import json
import os

import pytest

import srlib
from conftest import (assert_audited, assert_not_leaked, assert_refused, clean_env, make_policy, python_service, unique)

EXECUTOR_MAIN = "org.apache.spark.executor.CoarseGrainedExecutorBackend"
DEK = bytes(range(10, 42))


def python_helper_policy(cas, alice, measurement, prefix):
    name = unique(prefix)
    services = [python_service("driver", measurement, unwrap=["data"]),
                python_service("executor", measurement, unwrap=["data"], helper_of="driver"),
                python_service("other", measurement, unwrap=["data"])]
    cas.apply_ok(make_policy(name, [alice], services=services, master_keys=["data"]), [alice])
    wrapped = cas.http.owner_wrap(alice, "data", DEK, policy=name).json["wrapped_key"]
    return name, wrapped


HELPER_JOB = "ab" * 32


def attested_driver(cas, agent, name):
    driver, refusal = cas.attest_python(agent, name, "driver")
    assert driver, refusal
    granted = driver.grant("executor", HELPER_JOB)
    assert granted.status == 201, granted
    return driver, granted.json["grant"]


def test_T_HELPER_01_helper_without_a_grant(cas, agent, python_measurement, identities):
    """An executor that attests on its own (the old way: claiming the driver's job)."""
    alice = identities("alice")
    name, _ = python_helper_policy(cas, alice, python_measurement, "hlp01")
    w, refusal = cas.attest_python(agent, name, "executor", job_hash=HELPER_JOB)
    assert w is None and refusal["status"] == 403 and "attests only with a grant" in refusal["detail"], refusal
    assert_audited(cas, "attest.refused", name, "only with a grant")


def test_T_HELPER_02_grant_used_for_other_helper_code(cas, agent, python_measurement, identities):
    """A valid grant, presented by a helper running other code (another job hash)."""
    alice = identities("alice")
    name, _ = python_helper_policy(cas, alice, python_measurement, "hlp02")
    driver, grant = attested_driver(cas, agent, name)
    w, refusal = cas.attest_python(agent, name, "executor", job_hash="cd" * 32, grant=grant)
    assert w is None and "job hash differs" in refusal["detail"], refusal
    assert_audited(cas, "attest.refused", name, "job hash differs")
    ok, refusal = cas.attest_python(agent, name, "executor", job_hash=HELPER_JOB, grant=grant)
    assert ok, f"control: the granted helper job attests: {refusal}"
    assert ok.claims.get("parent") == driver.claims["jti"], ok.claims


def test_T_HELPER_03_grant_presented_by_a_service_that_is_not_a_helper(cas, agent, python_measurement, identities):
    alice = identities("alice")
    name, _ = python_helper_policy(cas, alice, python_measurement, "hlp03")
    _, grant = attested_driver(cas, agent, name)
    w, refusal = cas.attest_python(agent, name, "other", grant=grant)
    assert w is None and "is not a helper" in refusal["detail"], refusal


def test_T_HELPER_04_grant_of_another_policy(cas, agent, python_measurement, identities):
    """Mallory's attested driver (her own policy) mints a grant and her helper presents it to
    Alice's policy, whose executor service unwraps Alice's data."""
    alice, mallory = identities("alice", "mallory")
    victim, wrapped = python_helper_policy(cas, alice, python_measurement, "hlp04-victim")
    own, _ = python_helper_policy(cas, mallory, python_measurement, "hlp04-own")
    _, grant = attested_driver(cas, agent, own)
    w, refusal = cas.attest_python(agent, victim, "executor", job_hash=HELPER_JOB, grant=grant)
    assert w is None and refusal["status"] == 403, refusal
    assert f"of policy {own}" in refusal["detail"] or "unknown" in refusal["detail"], refusal
    assert_audited(cas, "attest.refused", victim, "grant")


def test_T_HELPER_05_forged_or_guessed_grant(cas, agent, python_measurement, identities):
    """The grant id is in the audit log; its secret is not. A grant with the right id and another
    secret, and a made-up grant."""
    alice = identities("alice")
    name, _ = python_helper_policy(cas, alice, python_measurement, "hlp05")
    _, grant = attested_driver(cas, agent, name)
    grant_id = grant.split(".")[1]
    wrong_secret = f"srg1.{grant_id}.{srlib.base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip('=')}"
    made_up = f"srg1.{os.urandom(16).hex()}.{srlib.base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip('=')}"
    for forged, reason in ((wrong_secret, "wrong secret"), (made_up, "unknown")):
        w, refusal = cas.attest_python(agent, name, "executor", job_hash=HELPER_JOB, grant=forged)
        assert w is None and reason in refusal["detail"], refusal
    assert grant.split(".")[2] not in json.dumps(cas.audit(policy=name)), "the grant's secret is not in the audit log"


def test_T_HELPER_06_grant_requested_by_a_service_that_is_not_the_parent(cas, agent, python_measurement, identities):
    """A workload of service `other` (not named in helper_of) asks for an executor grant, and a
    helper asks for a grant of its own (helpers do not grant further helpers)."""
    alice = identities("alice")
    name, _ = python_helper_policy(cas, alice, python_measurement, "hlp06")
    other, refusal = cas.attest_python(agent, name, "other")
    assert other, refusal
    answer = other.grant("executor", HELPER_JOB)
    assert_refused(answer, 403, "forbidden", "is not a helper of other")
    assert_audited(cas, "grant.refused", name, "is not a helper of other")
    _, grant = attested_driver(cas, agent, name)
    helper, refusal = cas.attest_python(agent, name, "executor", job_hash=HELPER_JOB, grant=grant)
    assert helper, refusal
    assert_refused(helper.grant("executor", HELPER_JOB), 403, "forbidden")


def test_T_HELPER_07_revoking_the_job_revokes_its_helpers(cas, agent, sr, python_measurement, identities):
    """An owner revokes the driver's token: the helpers' tokens and the unused grant die with it."""
    alice = identities("alice")
    name, wrapped = python_helper_policy(cas, alice, python_measurement, "hlp07")
    driver, grant = attested_driver(cas, agent, name)
    helper, refusal = cas.attest_python(agent, name, "executor", job_hash=HELPER_JOB, grant=grant)
    assert helper and helper.unwrap("data", wrapped).status == 200, refusal
    sr.ok("policy", "revoke-tokens", *cas.cli, "--identity", alice.path, "--policy", name, "--token-id", driver.claims["jti"])
    answer = helper.unwrap("data", wrapped)
    assert_refused(answer, 401, "revoked-token")
    assert_not_leaked([DEK], answer.text)
    late, refusal = cas.attest_python(agent, name, "executor", job_hash=HELPER_JOB, grant=grant)
    assert late is None and "revoked" in refusal["detail"], refusal


# ---------------------------------------------------------------- strongroom spark executor

@pytest.fixture
def fake_spark(tmp_path):
    """A JDK and a Spark class path that only pretend: `java` records how it was started."""
    jdk = tmp_path / "jdk"
    (jdk / "bin").mkdir(parents=True)
    (jdk / "lib" / "server").mkdir(parents=True)
    (jdk / "lib" / "server" / "libjvm.so").write_bytes(b"not really a JVM")
    (jdk / "lib" / "modules").write_bytes(b"not really modules")
    record = tmp_path / "java-started.json"
    java = jdk / "bin" / "java"
    java.write_text(f"#!/bin/sh\nexec {os.path.realpath(__import__('sys').executable)} -c '"
                    "import json, os, sys; json.dump({\"argv\": sys.argv[1:], \"env\": dict(os.environ)}, "
                    f"open(\"{record}\", \"w\"))' \"$@\"\n")
    java.chmod(0o755)
    jars = tmp_path / "jars"
    jars.mkdir()
    (jars / "spark-core_2.13-4.0.1.jar").write_bytes(b"PK not really a jar")
    return {"java": str(java), "jdk": jdk, "jars": jars, "record": record}


def executor_job_hash(jdk, libraries):
    """SparkRuntime.executorManifest: {"kind": "spark-executor", "runtime": {"jdk", "libraries"}}."""
    def sha(path):
        return hashlib.sha256(open(path, "rb").read()).hexdigest()
    jdk_lines = "".join(f"{rel}:{sha(os.path.join(jdk, rel))}\n" for rel in ("bin/java", "lib/server/libjvm.so", "lib/modules"))
    lines = sorted(f"{os.path.basename(p)}:{sha(p)}" for p in set(libraries))
    runtime = {"jdk": hashlib.sha256(jdk_lines.encode()).hexdigest(),
               "libraries": hashlib.sha256("\n".join(lines).encode()).hexdigest()}
    text = json.dumps({"kind": "spark-executor", "runtime": runtime}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(b"strongroom-job-v1\n" + text.encode()).hexdigest()


def spark_policy(cas, alice, python_measurement, strongroom_measurement, prefix):
    name = unique(prefix)
    executor = {"name": "executor", "attestation": [{"kind": "simulated", "measurements": [strongroom_measurement]}],
                "allow_simulation": True, "helper_of": "driver", "unwrap": ["data"]}
    cas.apply_ok(make_policy(name, [alice], services=[python_service("driver", python_measurement, unwrap=["data"]), executor],
                             master_keys=["data"]), [alice])
    return name


def executor_attested(cas, name):
    return [e for e in cas.audit(policy=name, type="attest.allowed") if e.get("service") == "executor"]


def executor_command(fake_spark, *jvm_options):
    return [fake_spark["java"], *jvm_options, "-cp", f"{fake_spark['jars']}/*", EXECUTOR_MAIN,
            "--driver-url", "spark://CoarseGrainedScheduler@127.0.0.1:7078", "--executor-id", "1"]


def run_executor(sr, cas, agent, name, command, grant, **env):
    return sr.run("spark", "executor", *cas.cli, "--policy", name, "--service", "executor", "--agent", agent.socket,
                  "--", *command, env=clean_env(STRONGROOM_GRANT_TOKEN=grant, SWIFT_BACKTRACE="enable=no", **env))


@pytest.fixture
def granted_executor(cas_sqlite, agent, sr, python_measurement, strongroom_measurement, identities, fake_spark):
    """A policy with a python driver (attested) that obtained a grant for the fake executor runtime."""
    alice = identities("alice")
    name = spark_policy(cas_sqlite, alice, python_measurement, strongroom_measurement, "spark")
    driver, refusal = cas_sqlite.attest_python(agent, name, "driver")
    assert driver, refusal
    job = executor_job_hash(fake_spark["jdk"], [str(fake_spark["jars"] / "spark-core_2.13-4.0.1.jar")])
    granted = driver.grant("executor", job)
    assert granted.status == 201, granted
    return name, granted.json["grant"]


def test_T_HELPER_08_control_granted_executor_starts_its_jvm(cas_sqlite, agent, sr, fake_spark, granted_executor):
    name, grant = granted_executor
    r = run_executor(sr, cas_sqlite, agent, name, executor_command(fake_spark), grant)
    assert r.returncode == 0, r.describe()
    started = json.loads(fake_spark["record"].read_text())
    assert EXECUTOR_MAIN in started["argv"] and "STRONGROOM_KMS_SOCKET" in started["env"]
    assert "STRONGROOM_GRANT_TOKEN" not in started["env"] and grant not in json.dumps(started), "the grant does not reach the JVM"


@pytest.mark.parametrize("command", [
    ["/bin/sh", "-c", "echo pwned"],
    ["JAVA", "-cp", "JARS/*", "org.example.EvilMain"],
    ["JAVA", "-cp", "JARS/*", "-jar", "evil.jar"],
], ids=["shell", "other-main-class", "jar"])
def test_T_HELPER_09_worker_starts_something_other_than_an_executor(cas_sqlite, agent, sr, fake_spark, granted_executor, command):
    name, grant = granted_executor
    command = [c.replace("JAVA", fake_spark["java"]).replace("JARS", str(fake_spark["jars"])) for c in command]
    r = run_executor(sr, cas_sqlite, agent, name, command, grant)
    assert r.returncode == 77 and ("not a Spark executor launch" in r.stderr or "the JVM option" in r.stderr), r.describe()
    assert not fake_spark["record"].exists() and "pwned" not in r.stdout
    assert not executor_attested(cas_sqlite, name), "nothing was attested"


@pytest.mark.parametrize("option", ["-javaagent:/tmp/evil.jar", "-agentpath:/tmp/libevil.so", "-agentlib:evil",
                                    "-Xbootclasspath/a:/tmp/evil.jar", "-XX:OnOutOfMemoryError=sh /tmp/evil.sh",
                                    "-Xrunjdwp:transport=dt_socket", "@/tmp/evil-args", "-XX:VMOptionsFile=/tmp/evil-options",
                                    "-XX:Flags=/tmp/evil-flags", "--upgrade-module-path=/tmp/evil", "--module-path=/tmp/evil",
                                    "-XX:SharedArchiveFile=/tmp/evil.jsa", "-Djava.system.class.loader=Evil"])
def test_T_HELPER_10_executor_jvm_option_that_loads_other_code(cas_sqlite, agent, sr, fake_spark, granted_executor, option):
    name, grant = granted_executor
    r = run_executor(sr, cas_sqlite, agent, name, executor_command(fake_spark, option), grant)
    assert r.returncode == 77 and "load code the job hash does not cover" in r.stderr, r.describe()
    assert not fake_spark["record"].exists()
    assert not executor_attested(cas_sqlite, name)


@pytest.mark.parametrize("options", [["--class-path=/tmp/evil-classes"], ["-Djava.class.path=/tmp/evil-classes"],
                                     ["-Dsun.boot.library.path=/tmp/evil", "-Xrunevil"], ["-cp", "/tmp/evil-classes"]],
                         ids=["class-path-equals", "D-java.class.path", "Xrun-native-agent", "second-cp"])
def test_T_HELPER_11_executor_jvm_option_outside_the_allow_list(cas_sqlite, agent, sr, fake_spark, granted_executor, options):
    """What a deny-list missed (found by this suite: `--class-path=` and `-Djava.class.path` replace
    the hashed class path, `-Xrun<lib>` with `-Dsun.boot.library.path` loads a native agent; checked
    with OpenJDK 17): only the options Spark workers pass are accepted."""
    name, grant = granted_executor
    command = [fake_spark["java"], "-cp", f"{fake_spark['jars']}/*", *options, EXECUTOR_MAIN, "--executor-id", "1"]
    r = run_executor(sr, cas_sqlite, agent, name, command, grant)
    started = json.loads(fake_spark["record"].read_text()) if fake_spark["record"].exists() else None
    assert started is None, f"the executor JVM was started, attested, with {options}"
    assert r.returncode == 77 and ("load code the job hash does not cover" in r.stderr or "class path twice" in r.stderr), r.describe()
    assert not executor_attested(cas_sqlite, name)


def test_T_HELPER_12_executor_without_the_drivers_grant(cas_sqlite, agent, sr, fake_spark, granted_executor):
    name, _ = granted_executor
    r = sr.run("spark", "executor", *cas_sqlite.cli, "--policy", name, "--service", "executor", "--agent", agent.socket,
               "--", *executor_command(fake_spark), env=clean_env())
    assert r.returncode == 77 and "no grant in STRONGROOM_GRANT_TOKEN" in r.stderr, r.describe()
    r = sr.run("spark", "executor", *cas_sqlite.cli, "--policy", name, "--service", "executor", "--agent", agent.socket,
               "--grant", "srg1.x.y", "--", *executor_command(fake_spark), env=clean_env())
    assert r.returncode != 0 and "Unknown option '--grant'" in r.stderr, "grants never travel on a command line"
    assert not fake_spark["record"].exists()


def test_T_HELPER_13_executor_runtime_differs_from_the_granted_one(cas_sqlite, agent, sr, fake_spark, granted_executor):
    """The worker adds a jar of its own to the class path (or uses another JDK): other code, other job."""
    name, grant = granted_executor
    evil = fake_spark["jars"] / "evil-plugin.jar"
    evil.write_bytes(b"PK evil")
    r = run_executor(sr, cas_sqlite, agent, name, executor_command(fake_spark), grant)
    assert r.returncode == 77 and "job hash differs" in r.stderr, r.describe()
    assert not fake_spark["record"].exists()
    assert_audited(cas_sqlite, "attest.refused", name, "job hash differs")


def test_T_HELPER_14_worker_environment_does_not_reach_the_executor_jvm(cas_sqlite, agent, sr, fake_spark, granted_executor):
    """The worker sets JAVA_TOOL_OPTIONS, CLASSPATH, PYTHONPATH … for the executor it starts."""
    name, grant = granted_executor
    injected = {"JAVA_TOOL_OPTIONS": "-javaagent:/tmp/evil.jar", "_JAVA_OPTIONS": "-javaagent:/tmp/evil.jar",
                "JDK_JAVA_OPTIONS": "-javaagent:/tmp/evil.jar", "CLASSPATH": "/tmp/evil", "PYTHONPATH": "/tmp/evil",
                "PYTHONSTARTUP": "/tmp/evil.py"}
    r = run_executor(sr, cas_sqlite, agent, name, executor_command(fake_spark), grant, **injected)
    assert r.returncode == 0, r.describe()
    env = json.loads(fake_spark["record"].read_text())["env"]
    assert not set(injected) & set(env), f"reached the JVM: {sorted(set(injected) & set(env))}"
