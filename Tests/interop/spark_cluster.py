"""A confidential Spark set-up on loopback for the tests: CAS (TLS) + node agent (simulated TEE),
an owner, a signed policy with driver/executor/daemon services and a CAS-generated Spark secret,
taxi data encrypted through CAS, and a Spark standalone cluster (a master and two workers, 1 core
and 1 GiB each) whose daemons run under `strongroom run`. Everything is started by the fixture
and stopped at the end; every log goes to files in the work directory (grepped for secrets).
"""
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

from conftest import REPO

POLICY = "taxi-spark"
SPARK_DEFAULTS = ("spark.authenticate true\\n"
                  "spark.authenticate.secret {{secret:spark_auth}}\\n"
                  "spark.network.crypto.enabled true\\n"
                  "spark.io.encryption.enabled true\\n")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sha384(path):
    h = hashlib.sha384()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def wait_for(what, predicate, timeout, processes=()):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return
        for p in processes:
            if p.poll() is not None:
                raise AssertionError(f"{what}: a background process exited early ({p.args[:3]}…, status {p.returncode})")
        time.sleep(0.2)
    raise AssertionError(f"{what} did not happen within {timeout:.0f}s")


def service(name, measurement, extra):
    return (f"  - name: {name}\n"
            f"    attestation:\n"
            f"      - kind: simulated\n"
            f"        measurements: [\"{measurement}\"]\n"
            f"    allow_simulation: true\n"
            f"    files: {{\"spark/spark-defaults.conf\": \"{SPARK_DEFAULTS}\"}}\n" + extra)


class ConfidentialSpark:
    def __init__(self, strongroom, work: Path):
        self.sr = strongroom
        self.bin = strongroom.binary
        self.work = work
        self.logs = work / "logs"
        self.logs.mkdir(parents=True)
        self.processes = []
        self.env = dict(os.environ)
        import pyspark
        self.env["SPARK_HOME"] = str(Path(pyspark.__file__).parent)
        self.env["SPARK_LOCAL_IP"] = "127.0.0.1"
        self.env["SPARK_LOG_DIR"] = str(self.logs)
        self.env.pop("SPARK_CONF_DIR", None)

    # -- processes --
    def background(self, name, args):
        log = open(self.logs / f"{name}.log", "wb")
        p = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=self.env,
                             cwd=self.work, start_new_session=True)
        self.processes.append((name, p))
        return p

    def stop(self):
        self._stop(self.processes)

    @staticmethod
    def _stop(processes):
        for name, p in reversed(processes):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for name, p in reversed(processes):
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)  # its own session: the strongroom run parent and its JVM
                p.wait()

    def run(self, *args, timeout=300, env=None):
        # Its own session, so a timeout takes down the Spark driver under it too, not only strongroom.
        p = subprocess.Popen([self.bin, *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env or self.env,
                             stdin=subprocess.DEVNULL, cwd=self.work, start_new_session=True)
        try:
            out, err = p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.communicate()
            raise AssertionError(f"strongroom {' '.join(map(str, args))[:300]} did not finish within {timeout}s")
        return subprocess.CompletedProcess(p.args, p.returncode, out, err)

    def ok(self, *args, **kw):
        p = self.run(*args, **kw)
        assert p.returncode == 0, f"strongroom {' '.join(map(str, args))[:300]} -> {p.returncode}\n{p.stderr.decode()[-3000:]}"
        return p.stdout.decode()

    # -- set-up --
    def start_cas_and_agent(self):
        w = self.work
        self.ok("cas", "init", "--data-dir", w / "cas")
        procs = [self.background("cas", [self.bin, "cas", "serve", "--data-dir", str(w / "cas"), "--listen", "127.0.0.1:0",
                                         "--port-file", str(w / "cas.port")]),
                 self.background("agent", [self.bin, "agent", "serve", "--socket", str(w / "agent.sock"),
                                           "--node-key", str(w / "node.key")])]
        wait_for("CAS and agent start", lambda: (w / "cas.port").exists() and (w / "agent.sock").exists(), 60, procs)
        self.cas_url = f"https://127.0.0.1:{(w / 'cas.port').read_text().strip()}"
        self.ca = w / "cas" / "ca.pem"
        self.cas = ["--cas", self.cas_url, "--ca", self.ca]
        node_key = self.ok("agent", "public-key", "--node-key", w / "node.key").strip()
        self.ok("cas", "trust-node", *self.cas, "--identity", w / "cas" / "admin.identity", "--name", "loopback",
                "--public-key", node_key)
        self.attest = [*self.cas, "--policy", POLICY, "--agent", w / "agent.sock"]

    def apply_policy(self):
        w = self.work
        owner_key = self.ok("identity", "create", "--name", "custodian", "--out", w / "custodian.identity").strip()
        m = sha384(self.bin)
        keys = ("    unwrap: [trips-footer, trips-columns, results]\n"
                "    wrap: [results]\n"
                "    results: {master_key: results, recipients: [custodian]}\n")
        policy = (f"name: {POLICY}\nversion: 1\nowners:\n  - name: custodian\n    public_key: \"{owner_key}\"\n"
                  "approvals_required: 1\nmaster_keys:\n  - id: trips-footer\n  - id: trips-columns\n  - id: results\n"
                  "secrets:\n  - {name: spark_auth, kind: random, size: 32}\n"
                  "services:\n" + service("driver", m, keys) + service("executor", m, keys + "    helper_of: driver\n")
                  + service("query", m, keys) + service("spark-daemon", m, ""))
        (w / "policy.yaml").write_text(policy)
        self.ok("policy", "apply", w / "policy.yaml", *self.cas, "--identity", w / "custodian.identity")

    def encrypt_data(self, rows):
        w = self.work
        self.plain = w / "plain"
        self.encrypted = w / "encrypted"
        self.plain.mkdir()
        self.encrypted.mkdir()
        self.ok("parquet", "write-sample", "--kind", "taxi", "--rows", rows, "--row-group-rows", rows // 4,
                self.plain / "taxi.parquet")
        self.ok("data", "encrypt", self.plain / "taxi.parquet", self.encrypted / "taxi.parquet", *self.cas,
                "--policy", POLICY, "--master-key", "trips-footer", "--identity", w / "custodian.identity",
                "--column-key", "trips-columns:fare_amount,tip_amount,total_amount")

    def spark_secret(self):
        """The CAS-generated Spark secret as the daemons receive it (to grep logs for; never printed)."""
        out = self.ok("run", *self.attest, "--service", "spark-daemon", "--", "sh", "-c",
                      'cat "$STRONGROOM_PRIVATE_DIR/spark/spark-defaults.conf"')
        for line in out.splitlines():
            if line.startswith("spark.authenticate.secret "):
                return line.split(" ", 1)[1].strip()
        raise AssertionError("the policy's spark-defaults.conf has no spark.authenticate.secret")

    def start_cluster(self, attested=True):
        """A master and two workers (1 core, 1 GiB each); attested: each under `strongroom run` as
        spark-daemon (the CAS-generated secret in its configuration), else plain Spark."""
        w = self.work
        if attested:
            launcher = str(REPO / "spark" / "bin" / "attested-spark")
            # `strongroom run` passes on only what the job hash covers: name Spark's variables.
            passed = [a for v in ("SPARK_HOME", "SPARK_LOCAL_IP", "SPARK_LOG_DIR", "JAVA_HOME", "PYSPARK_PYTHON")
                      if v in self.env for a in ("--pass-env", v)]
            daemon = [self.bin, "run", *map(str, self.attest), "--service", "spark-daemon", *passed, "--", launcher, "class"]
        else:
            daemon = [str(Path(self.env["SPARK_HOME"]) / "bin" / "spark-class")]
        tag = "" if attested else "plain-"
        self.master_port, self.master_ui = free_port(), free_port()
        self.master_url = f"spark://127.0.0.1:{self.master_port}"
        procs = [self.background(f"{tag}master", daemon + ["org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                                                           "--port", str(self.master_port), "--webui-port", str(self.master_ui)])]
        self.worker_dirs = getattr(self, "worker_dirs", [])
        for i in (1, 2):
            d = w / f"{tag}worker{i}"
            d.mkdir(exist_ok=True)
            self.worker_dirs.append(d)
            procs.append(self.background(f"{tag}worker{i}", daemon + [
                "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores", "1", "--memory", "1g",
                "--work-dir", str(d), "--webui-port", str(free_port()), self.master_url]))
        self.cluster = procs

        def two_workers():
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.master_ui}/json/", timeout=2) as r:
                    return json.load(r).get("aliveworkers", 0) >= 2
            except OSError:
                return False
        wait_for("the Spark master with two workers", two_workers, 120, procs)

    def stop_cluster(self):
        cluster = set(id(p) for p in getattr(self, "cluster", []))
        mine = [(n, p) for n, p in self.processes if id(p) in cluster]
        self.processes = [(n, p) for n, p in self.processes if id(p) not in cluster]
        self._stop(mine)
        self.cluster = []

    def submit_args(self, *app, extra_conf=()):
        """`strongroom spark submit` arguments for a small job on the loopback cluster."""
        events = self.work / "events"
        events.mkdir(exist_ok=True)
        conf = {"spark.executor.memory": "512m", "spark.executor.cores": "1", "spark.cores.max": "2",
                "spark.eventLog.enabled": "true", "spark.eventLog.dir": f"file://{events}",
                "spark.eventLog.compress": "false",  # grep-able for secrets
                "spark.ui.enabled": "false", "spark.sql.shuffle.partitions": "2"}
        conf.update(dict(extra_conf))
        args = ["spark", "submit", *self.attest, "--master", self.master_url, "--"]
        for k, v in conf.items():
            args += ["--conf", f"{k}={v}"]
        return args + list(app)

    def audit(self):
        out = self.ok("audit", "export", *self.cas, "--identity", self.work / "cas" / "admin.identity")
        return [json.loads(line) for line in out.splitlines() if line.strip() and '"signature"' not in line]

    def log_files(self):
        """Every file Spark or our processes wrote: daemon logs, executor stdout/stderr, event logs."""
        for root in [self.logs, self.work / "events", *self.worker_dirs]:
            if root.exists():
                yield from (p for p in root.rglob("*") if p.is_file())


def tampered_copy(binary, directory):
    """The strongroom binary with bytes appended: another measurement."""
    target = Path(directory) / "strongroom-tampered"
    shutil.copyfile(binary, target)
    with open(target, "ab") as f:
        f.write(b"tampered")
    target.chmod(0o755)
    return target
