"""Fixtures of the adversarial suite: the strongroom binary, one node agent, and real CAS
processes on both stores (SQLite file in the data directory, PostgreSQL through --database),
shared per store where tests do not interfere (each test uses its own policy names), fresh
where a test breaks the CAS on purpose. Threat ids (T-…) are those of docs/design/threat-model.md."""
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

import srlib

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "pysupport"))
from postgres_cluster import PostgresCluster as SharedPostgresCluster, psql  # noqa: E402  (shared with Tests/interop)
from strongroom_binary import strongroom_binary  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
ATTACKERS = HERE / "attackers"
CLI_TIMEOUT = float(os.environ.get("STRONGROOM_CLI_TIMEOUT", "120"))
STORES = ["sqlite", "postgres"]
# The environment every child process starts from: nothing a CI runner or developer shell adds
# (no LD_*, PYTHONPATH …) so that refusals are caused by the attack, not the machine.
CLEAN_PATH = "/usr/local/bin:/usr/bin:/bin"


def clean_env(**extra):
    env = {"PATH": CLEAN_PATH, "HOME": os.environ.get("HOME", "/root"), "LANG": "C.UTF-8"}
    env.update({k: v for k, v in extra.items() if v is not None})
    return env


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


# ---------------------------------------------------------------- the CLI

@dataclass
class CliResult:
    args: list
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self):
        return self.stdout + self.stderr

    def describe(self):
        return (f"strongroom {' '.join(map(str, self.args))[:400]} -> exit {self.returncode}\n"
                f"stdout: {self.stdout[-1500:]}\nstderr: {self.stderr[-2500:]}")


class Strongroom:
    def __init__(self, binary):
        self.binary = binary

    def run(self, *args, env=None, input=None, timeout=CLI_TIMEOUT, cwd=None):
        args = [str(a) for a in args]
        try:
            p = subprocess.run([self.binary, *args], capture_output=True, timeout=timeout, cwd=cwd,
                               input=input.encode() if isinstance(input, str) else input,
                               stdin=None if input is not None else subprocess.DEVNULL,
                               env=env if env is not None else clean_env())
        except subprocess.TimeoutExpired:
            pytest.fail(f"strongroom {' '.join(args)[:300]} did not finish within {timeout:.0f}s")
        return CliResult(args, p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace"))

    def ok(self, *args, **kw):
        r = self.run(*args, **kw)
        assert r.returncode == 0, r.describe()
        return r

    def popen(self, *args, env=None, **kw):
        return subprocess.Popen([self.binary, *map(str, args)], env=env if env is not None else clean_env(), **kw)


def run_python(script, *args, env=None, timeout=60, python=None, **kw):
    """Runs an attacker script (a path under attackers/ or code via -c) in a clean environment."""
    argv = [python or sys.executable]
    argv += [str(ATTACKERS / script)] if script.endswith(".py") else ["-c", script]
    argv += [str(a) for a in args]
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                          env=env if env is not None else clean_env(), **kw)


def wait_for(predicate, timeout=30.0, what="condition", interval=0.02, alive=None):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return
        if alive is not None and alive.poll() is not None:
            raise AssertionError(f"{what}: the process exited early ({alive.returncode})")
        time.sleep(interval)
    raise AssertionError(f"{what} did not happen within {timeout:.0f}s")


def stop_process(process, timeout=10):
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=timeout)


# ---------------------------------------------------------------- stores

class PostgresCluster(SharedPostgresCluster):
    def __init__(self):
        super().__init__(tag="adv")

    def new_database(self):
        return super().new_database(prefix="sradv_")


class StoreAccess:
    """Raw access to CAS's store, around CAS: what a database administrator can do."""

    def __init__(self, kind, sqlite_path=None, url=None):
        self.kind, self.sqlite_path, self.url = kind, sqlite_path, url

    def query(self, sql):
        """Rows of text; bytes columns come back as lowercase hex (use hexcol() in SELECTs)."""
        if self.kind == "sqlite":
            db = sqlite3.connect(self.sqlite_path, timeout=10)
            try:
                return [[None if v is None else (v.hex() if isinstance(v, bytes) else str(v)) for v in row]
                        for row in db.execute(sql)]
            finally:
                db.close()
        return psql(self.url.split("?")[0], sql)

    def execute(self, sql):
        if self.kind == "sqlite":
            db = sqlite3.connect(self.sqlite_path, timeout=10)
            try:
                db.executescript(sql)
                db.commit()
            finally:
                db.close()
        else:
            psql(self.url.split("?")[0], sql)

    def hexcol(self, column):
        return f"lower(hex({column}))" if self.kind == "sqlite" else f"encode({column}, 'hex')"

    def blob(self, data: bytes):
        return f"X'{data.hex()}'" if self.kind == "sqlite" else f"'\\x{data.hex()}'::bytea"

    @staticmethod
    def text(value: str):
        return "'" + value.replace("'", "''") + "'"


# ---------------------------------------------------------------- CAS

class CAS:
    """One `strongroom cas serve` process with its store, admin identity and audit access."""

    def __init__(self, sr, kind, root, cluster=None, tls=True):
        self.sr, self.kind, self.tls = sr, kind, tls
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.data_dir = self.root / "cas"
        self.db_url = cluster.new_database() if kind == "postgres" else None
        self.store_args = ["--data-dir", self.data_dir] + (["--database", self.db_url] if self.db_url else [])
        self.process = None
        self.log_path = self.root / "cas.log"
        init = sr.ok("cas", "init", *self.store_args)
        self.shares = [line for line in init.stdout.splitlines() if line.startswith("srs1-")]
        self.admin_path = self.data_dir / "admin.identity"
        self.admin = srlib.Identity.load(self.admin_path)
        self.store = StoreAccess(kind, sqlite_path=str(self.data_dir / "cas.sqlite"), url=self.db_url)

    def start(self, extra=(), expect_ok=True):
        port_file = self.root / "cas.port"
        if port_file.exists():
            port_file.unlink()
        log = open(self.log_path, "ab")
        args = ["cas", "serve", *self.store_args, "--listen", "127.0.0.1:0", "--port-file", port_file, *extra]
        if not self.tls:
            args.append("--insecure-http")
        self.process = self.sr.popen(*args, stdout=log, stderr=log, stdin=subprocess.DEVNULL)
        log.close()
        if not expect_ok:
            return self.process
        wait_for(port_file.exists, 60, "CAS start", alive=self.process)
        return self.start_existing(self.process)

    def start_existing(self, process):
        """Connects to a `cas serve` process that has written its port file."""
        self.process = process
        port = (self.root / "cas.port").read_text().strip()
        self.url = f"{'https' if self.tls else 'http'}://127.0.0.1:{port}"
        self.ca = str(self.data_dir / "ca.pem") if self.tls else None
        self.http = srlib.CASHTTP(self.url, self.ca)
        self.cli = ["--cas", self.url] + (["--ca", self.ca] if self.ca else [])
        return self.process

    def stop(self, timeout=5):
        if getattr(self, "http", None):
            self.http.session.close()  # idle keep-alive connections would hold up a graceful stop
        stop_process(self.process, timeout)
        self.process = None

    def log_text(self):
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def trust_node(self, name, public_key):
        self.sr.ok("cas", "trust-node", *self.cli, "--identity", self.admin_path, "--name", name, "--public-key", public_key)

    # audit
    def export(self, identity=None):
        """The whole audit log through `strongroom audit export` (JSON lines → entries, checkpoints)."""
        r = self.sr.run("audit", "export", *self.cli, "--identity", identity or self.admin_path)
        assert r.returncode == 0, r.describe()
        lines = [json.loads(line) for line in r.stdout.splitlines() if line.strip()]
        return [x for x in lines if "signature" not in x], [x for x in lines if "signature" in x]

    def audit(self, policy=None, type=None, since=0):
        entries, _ = self.export()
        return [e for e in entries if e["seq"] > since
                and (policy is None or e.get("policy") == policy or policy in json.dumps(e.get("details", {}))
                     or policy in (e.get("reason") or ""))
                and (type is None or e["type"] == type)]

    def audit_head(self):
        entries, _ = self.export()
        return entries[-1]["seq"] if entries else 0

    # policies
    def apply(self, doc, signers, **kw):
        return self.http.apply_policy(policy_text(doc), signers, **kw)

    def apply_ok(self, doc, signers):
        a = self.apply(doc, signers)
        assert a.status == 201, a
        return a.json

    # attested Python workloads
    def attest_python(self, agent, policy, service, job_hash=None, grant=None, env=None, python=None):
        """Attests a fresh Python process (the agent measures the python interpreter); returns
        (Workload, None) or (None, refusal dict)."""
        p = run_python("attest.py", self.url, self.ca or "-", agent.socket, policy, service, job_hash or "", grant or "",
                       env=env, python=python)
        assert p.returncode == 0, p.stderr
        result = json.loads(p.stdout)
        if "token" in result:
            return srlib.Workload(self.http, result["token"], srlib.RuntimeKeys.from_json(result["keys"]), result["config"]), None
        return None, result


def policy_text(doc):
    """The YAML owners sign (block style; PyYAML quotes what needs quoting)."""
    if isinstance(doc, str):
        return doc
    return yaml.safe_dump(doc, sort_keys=False, default_flow_style=False, width=100000)


def python_service(name, measurement, **extra):
    service = {"name": name, "attestation": [{"kind": "simulated", "measurements": [measurement]}], "allow_simulation": True}
    service.update(extra)
    return service


def owner(identity):
    return {"name": identity.name, "public_key": identity.public_text}


def make_policy(name, owners, services=(), master_keys=(), secrets=(), exports=None, version=1, previous=None,
                approvals=None, auditors=None):
    doc = {"name": name, "version": version}
    if previous:
        doc["previous"] = previous
    doc["owners"] = [owner(o) for o in owners]
    if approvals:
        doc["approvals_required"] = approvals
    if auditors:
        doc["auditors"] = [owner(a) for a in auditors]
    if master_keys:
        doc["master_keys"] = [{"id": k} for k in master_keys]
    if services:
        doc["services"] = list(services)
    if secrets:
        doc["secrets"] = list(secrets)
    if exports:
        doc["exports"] = exports
    return doc


# ---------------------------------------------------------------- session fixtures

@pytest.fixture(scope="session")
def sr():
    return Strongroom(os.path.realpath(strongroom_binary()))


@pytest.fixture(scope="session")
def root():
    """Short paths (Unix socket paths are limited to 107 bytes)."""
    path = tempfile.mkdtemp(prefix="sradv-", dir="/tmp")
    os.chmod(path, 0o755)
    yield Path(path)
    shutil.rmtree(path, ignore_errors=True)


@dataclass
class Agent:
    socket: str
    node_key: str
    public_key: str
    process: object
    log_path: Path

    def log_text(self):
        return self.log_path.read_text(errors="replace")


def start_agent(sr, directory, name="agent", extra=()):
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    sock, key, log_path = directory / f"{name}.sock", directory / f"{name}.key", directory / f"{name}.log"
    log = open(log_path, "ab")
    # Attacker scripts attest as this Python: the agent must accept code mapped from its installation.
    trusted = ["--trusted-library-dir", str(Path(sys.base_prefix) / "lib")]
    process = sr.popen("agent", "serve", "--socket", sock, "--node-key", key, *trusted, *extra, stdout=log, stderr=log,
                       stdin=subprocess.DEVNULL)
    log.close()
    wait_for(sock.exists, 30, "agent socket", alive=process)
    public_key = sr.ok("agent", "public-key", "--node-key", key).stdout.strip()
    return Agent(str(sock), str(key), public_key, process, log_path)


@pytest.fixture(scope="session")
def agent(sr, root):
    a = start_agent(sr, root / "agent")
    yield a
    stop_process(a.process)


@pytest.fixture(scope="session")
def python_measurement():
    return srlib.python_measurement()


@pytest.fixture(scope="session")
def strongroom_measurement(sr):
    return srlib.sha384_file(sr.binary)


_cluster = None


@pytest.fixture(scope="session")
def pg_cluster():
    global _cluster
    if shutil.which("psql") is None and not os.environ.get("STRONGROOM_TEST_POSTGRES_URL"):
        pytest.skip("PostgreSQL client tools are not installed (scripts/install-deps.sh installs them)")
    _cluster = PostgresCluster()
    yield _cluster
    _cluster.stop()


def new_cas(sr, request, kind, directory, agent=None, tls=True):
    cluster = request.getfixturevalue("pg_cluster") if kind == "postgres" else None
    cas = CAS(sr, kind, directory, cluster, tls=tls)
    cas.start()
    if agent is not None:
        cas.trust_node("node-1", agent.public_key)
    return cas


@pytest.fixture(scope="session", params=STORES)
def cas(request, sr, root, agent):
    """A CAS shared by the tests of a session, per store (they use their own policy names)."""
    c = new_cas(sr, request, request.param, root / f"shared-{request.param}", agent)
    yield c
    c.stop()


@pytest.fixture(scope="session")
def cas_sqlite(request, sr, root, agent):
    """The SQLite CAS, for attacks on workloads rather than on the store."""
    c = new_cas(sr, request, "sqlite", root / "runtime-sqlite", agent)
    yield c
    c.stop()


@pytest.fixture(params=STORES)
def fresh_cas(request, sr, root, agent):
    """A CAS of its own (both stores), for attacks that break it for good."""
    c = new_cas(sr, request, request.param, root / unique(f"fresh-{request.param}"), agent)
    yield c
    c.stop()


@pytest.fixture
def identities(tmp_path):
    """identities("alice", "mallory") → Identity objects whose files are in tmp_path."""
    def make(*names):
        out = []
        for name in names:
            i = srlib.Identity.generate(name)
            i.path = str(i.save(tmp_path / f"{name}-{uuid.uuid4().hex[:6]}.identity"))
            out.append(i)
        return out if len(out) > 1 else out[0]
    return make


# ---------------------------------------------------------------- assertions

def assert_refused(answer, status, problem=None, reason=None):
    assert answer.status == status, f"expected HTTP {status}, got {answer!r}"
    if problem:
        assert answer.problem == problem, f"expected problem {problem}, got {answer!r}"
    if reason:
        assert reason.lower() in answer.detail.lower(), f"expected {reason!r} in the reason, got {answer.detail!r}"


def assert_audited(cas, type, policy=None, reason=None, since=0):
    entries = cas.audit(policy=policy, type=type, since=since)
    if reason:
        entries = [e for e in entries if reason.lower() in (e.get("reason") or "").lower()]
    assert entries, (f"no audit entry of type {type}" + (f" for policy {policy}" if policy else "")
                     + (f" with reason containing {reason!r}" if reason else "")
                     + f"; have: {[(e['type'], e.get('policy'), e.get('reason')) for e in cas.audit(since=since)][-12:]}")
    return entries


# Every secret a test checks is remembered: test_zz_logs.py looks for them in every CAS and agent log.
WATCHED_SECRETS = set()


def leak_forms(secret):
    raw = secret.encode() if isinstance(secret, str) else secret
    return [raw.decode("latin-1"), srlib.b64(raw), raw.hex()]


def assert_not_leaked(secrets, *texts):
    """None of the secret values (str or bytes, also in base64 and hex) appears in the texts."""
    forms = []
    for s in secrets:
        WATCHED_SECRETS.add(s.encode() if isinstance(s, str) else s)
        raw = s.encode() if isinstance(s, str) else s
        forms += [raw.decode("latin-1"), srlib.b64(raw), raw.hex()]
    for text in texts:
        if isinstance(text, bytes):
            text = text.decode("latin-1")
        for form in forms:
            assert form not in text, f"secret material leaked: {form[:12]}… found in output"
