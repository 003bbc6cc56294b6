"""Issue 7: Spark with every process attested, on a standalone cluster on loopback.

One module-scoped set-up (spark_cluster.ConfidentialSpark): CAS + node agent, a signed policy
(driver, executor, query and spark-daemon services; a CAS-generated Spark secret injected as
spark/spark-defaults.conf), taxi data encrypted through CAS, a master and two workers started
under `strongroom run`. The tests then:
- run taxi Q3 with `strongroom spark submit` on the cluster (executors attest through
  spark/executor-java) and compare with the native engine on the same encrypted files;
- run `strongroom query --engine spark` (local Spark) in every output format against the native
  engine, and write PME results that the native engine reads back through CAS;
- tamper with the executors' strongroom binary: CAS refuses them and the job fails naming them;
- grep every Spark log, executor log and event log for the Spark secret and the KEKs CAS released.
"""
import base64
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

import contract_json
from conftest import REPO
from spark_cluster import ConfidentialSpark, POLICY, tampered_copy

pytestmark = pytest.mark.spark

RUNNER = REPO / "spark" / "runner" / "strongroom_query.py"
Q3 = "SELECT payment_type, count(*) AS trips, sum(total_amount) AS total, avg(tip_amount) AS avg_tip FROM trips GROUP BY payment_type"
ROWS = 40_000


@pytest.fixture(scope="module")
def cluster(strongroom, tmp_path_factory):
    build = subprocess.run(["bash", str(REPO / "scripts" / "build-spark-kms.sh")], capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    c = ConfidentialSpark(strongroom, tmp_path_factory.mktemp("spark-cluster"))
    try:
        c.start_cas_and_agent()
        c.apply_policy()
        c.encrypt_data(ROWS)
        c.start_cluster()
        yield c
    finally:
        c.stop()


def rows_of(jsonl):
    return [json.loads(line) for line in jsonl.splitlines() if line.strip()]


def assert_same_rows(ours, theirs, key):
    ours, theirs = sorted(ours, key=lambda r: r[key]), sorted(theirs, key=lambda r: r[key])
    assert [list(r) for r in ours] == [list(r) for r in theirs], "column names differ"
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        for name in a:
            if isinstance(a[name], float) or isinstance(b[name], float):
                # Sums of doubles in another order differ in the last bits.
                assert a[name] == pytest.approx(b[name], rel=1e-12), (name, a[key])
            else:
                assert a[name] == b[name], (name, a[key])


def native(cluster, sql, fmt="jsonl", service="query"):
    return cluster.ok("query", "--sql", sql, "--table", f"trips={cluster.encrypted}", *cluster.attest,
                      "--service", service, "--format", fmt)


def test_q3_on_the_cluster_with_attested_executors_equals_the_native_engine(cluster):
    before = len(cluster.audit())
    p = cluster.run(*cluster.submit_args(RUNNER, "--sql", Q3, "--table", f"trips={cluster.encrypted}", "--format", "jsonl"),
                    timeout=600)
    assert p.returncode == 0, p.stderr.decode()[-4000:]
    spark_rows = rows_of(p.stdout.decode())
    assert len(spark_rows) == 4
    assert sum(r["trips"] for r in spark_rows) == ROWS
    assert_same_rows(spark_rows, rows_of(native(cluster, Q3)), "payment_type")

    # The driver and both executors attested; the executors unwrapped keys through CAS.
    entries = cluster.audit()[before:]
    allowed = [e for e in entries if e["type"] == "attest.allowed"]
    assert {e.get("service") for e in allowed} >= {"driver", "executor"}, [(e["type"], e.get("service")) for e in entries]
    executors = [e for e in allowed if e.get("service") == "executor"]
    assert len(executors) >= 2, f"{len(executors)} executor attestations"
    assert any(e["type"] == "kms.unwrap" and e.get("service") == "executor" for e in entries), \
        "no executor unwrapped a key through CAS"


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "table"])
def test_query_engine_spark_prints_what_the_native_engine_prints(cluster, fmt):
    sql = ("SELECT payment_type, count(*) AS trips, round(sum(total_amount), 2) AS total, min(tpep_pickup_datetime) AS first, "
           "max(fare_amount) AS top_fare FROM trips GROUP BY payment_type ORDER BY payment_type")
    spark = cluster.ok("query", "--engine", "spark", "--threads", "2", "--sql", sql, "--table", f"trips={cluster.encrypted}",
                       *cluster.attest, "--service", "query", "--format", fmt, timeout=600)
    assert spark == native(cluster, sql, fmt)


def test_query_engine_spark_writes_pme_results_the_native_engine_reads(cluster):
    out = cluster.work / "spark-result"
    cluster.ok("query", "--engine", "spark", "--sql", Q3, "--table", f"trips={cluster.encrypted}", *cluster.attest,
               "--service", "query", "--output", out, timeout=600)
    files = sorted(out.glob("*.parquet"))
    assert files and all(f.read_bytes()[-4:] == b"PARE" for f in files), "Spark did not write encrypted footers"
    refused = cluster.run("parquet", "cat", files[0])
    assert refused.returncode == 1, "the result must not be readable without keys"
    read = cluster.ok("query", "--sql", "SELECT payment_type, trips, total, avg_tip FROM r", "--table", f"r={out}",
                      *cluster.attest, "--service", "query", "--format", "jsonl")
    assert_same_rows(rows_of(read), rows_of(native(cluster, Q3)), "payment_type")


def test_a_tampered_executor_is_refused_and_the_job_fails_naming_it(cluster, tmp_path):
    tampered = tampered_copy(cluster.bin, tmp_path)
    p = cluster.run(*cluster.submit_args(RUNNER, "--sql", Q3, "--table", f"trips={cluster.encrypted}",
                                         extra_conf={"spark.executorEnv.STRONGROOM_BIN": str(tampered)}.items()),
                    timeout=600)
    stderr = p.stderr.decode()
    assert p.returncode == 1, stderr[-3000:]
    last = stderr.strip().splitlines()[-1]
    assert last.startswith("error: the Spark job failed: CAS refused executor app-"), last
    assert "service executor of policy taxi-spark" in last
    assert not rows_of(p.stdout.decode()), "no rows may come out of a job whose executors were refused"
    # The executor's own log says why, naming it.
    logs = [f.read_text(errors="replace") for d in cluster.worker_dirs for f in d.rglob("stderr")]
    assert any("Spark executor" in t and "CAS refused attestation: measurement" in t and "not in services[executor]" in t
               for t in logs), "no executor log names the refusal"


def kek_forms(cluster):
    """The KEKs CAS releases for the encrypted input, through an attested KMS proxy (kept in memory, never printed)."""
    helper = cluster.work / "unwrap_keks.py"
    helper.write_text(UNWRAP_KEKS)
    out = cluster.ok("run", *cluster.attest, "--service", "driver", "--kms-proxy", "--",
                     sys.executable, helper, cluster.encrypted / "taxi.parquet")
    keys = [base64.b64decode(k) for k in out.split()]
    assert keys, "no KEK unwrapped"
    return [f for k in keys for f in (base64.b64encode(k).decode(), k.hex())]


# Reads the file with pyarrow through the KMS proxy and prints each KEK it was given, base64.
UNWRAP_KEKS = r'''
import base64, json, os, socket, sys
from datetime import timedelta
import pyarrow.parquet as pq
import pyarrow.parquet.encryption as pe

class ProxyKms(pe.KmsClient):
    def __init__(self, config):
        pe.KmsClient.__init__(self)
    def _call(self, request):
        with socket.socket(socket.AF_UNIX) as s:
            s.connect(os.environ["STRONGROOM_KMS_SOCKET"])
            s.sendall((json.dumps(request) + "\n").encode())
            data = b""
            while not data.endswith(b"\n"):
                chunk = s.recv(4096)
                if not chunk: break
                data += chunk
        answer = json.loads(data)
        if "error" in answer: raise RuntimeError(answer["error"])
        return answer
    def wrap_key(self, key, master):
        return self._call({"op": "wrap", "master_key_id": master, "key": base64.b64encode(key).decode()})["wrapped_key"]
    def unwrap_key(self, wrapped, master):
        key = base64.b64decode(self._call({"op": "unwrap", "master_key_id": master, "wrapped_key": wrapped})["key"])
        print(base64.b64encode(key).decode())
        return key

factory = pe.CryptoFactory(lambda config: ProxyKms(config))
props = factory.file_decryption_properties(pe.KmsConnectionConfig(), pe.DecryptionConfiguration(cache_lifetime=timedelta(minutes=5)))
pq.ParquetFile(sys.argv[1], decryption_properties=props).read()
'''


def test_no_secret_or_key_in_spark_logs_or_event_logs(cluster):
    # Last in the module: by now the cluster ran jobs, a refusal and local queries. Run alone, it
    # runs one job first so there are logs to search.
    if not (cluster.work / "events").exists():
        p = cluster.run(*cluster.submit_args(RUNNER, "--sql", Q3, "--table", f"trips={cluster.encrypted}"), timeout=600)
        assert p.returncode == 0, p.stderr.decode()[-3000:]
    secret = cluster.spark_secret()
    forms = [secret] + kek_forms(cluster)
    files = list(cluster.log_files())
    assert any("events" in str(f) for f in files), "no Spark event log was written"
    assert any(f.name == "stderr" for f in files), "no executor log was written"
    leaks = []
    for f in files:
        data = f.read_bytes()
        if any(form.encode() in data for form in forms):
            leaks.append(str(f))
    assert leaks == [], "a secret or key appears in these logs"
    # The driver and executors did run with Spark's protection on (event log: redacted secret, flags on).
    events = "".join(f.read_text(errors="replace") for f in files if "events" in str(f))
    for flag in ["spark.authenticate", "spark.network.crypto.enabled", "spark.io.encryption.enabled"]:
        assert f'"{flag}":"true"' in events, f"{flag} is not on in the event log"
