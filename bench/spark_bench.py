#!/usr/bin/env python3
"""Spark benchmark (issue 7, item 7): the taxi queries on a local Spark standalone cluster (a
master and two workers of 1 core / 1 GiB on loopback), in one run:

  plain Spark      vanilla Spark (no authentication, no RPC/IO encryption, no PME) on the
                   plaintext copy, plain spark-submit on a plain cluster
  attested Spark   `strongroom spark submit` on a cluster whose daemons run under `strongroom
                   run`: driver and executors attested (simulated TEE), PME data encrypted
                   through CAS, keys through the KMS proxy, spark.authenticate +
                   spark.network.crypto + spark.io.encryption on
  native engine    `strongroom query --cas … --format jsonl` on the same encrypted files: wall time
                   of the whole process (attestation, key unwraps through CAS, query)

Spark times are in-driver: median of --runs `spark.sql(Q).collect()` after one warm-up (best of
--rounds alternating plain/attested rounds, page cache warmed before each), so the
application start-up (JVMs, attestation of executors) is not in them; it is printed separately
as the wall time of each whole application. Answers must agree across the three (floats to
1e-9 relative); a mismatch prints FAIL and exits 1.

    python3 bench/spark_bench.py --rows 4000000 --files 2 --runs 3
"""
import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(REPO / "Tests" / "interop"))

import query_bench  # noqa: E402  (the taxi queries)
import scan_bench  # noqa: E402  (the cached taxi data set)
from spark_cluster import ConfidentialSpark  # noqa: E402  (CAS, agent, policy, clusters)

RUNNER = BENCH / "spark_bench_runner.py"
MONEY = scan_bench.MONEY


def log(msg):
    print(f"[spark-bench] {msg}", file=sys.stderr, flush=True)


def compare(a, b):
    """Same rows (order-insensitive unless the query orders), floats to 1e-9 relative."""
    def norm(lines):
        return [json.loads(x) for x in lines]
    ra, rb = norm(a), norm(b)
    if len(ra) != len(rb):
        return False
    key = lambda r: json.dumps([v if not isinstance(v, float) else round(v, 6) for v in r.values()])
    for x, y in zip(sorted(ra, key=key), sorted(rb, key=key)):
        for vx, vy in zip(x.values(), y.values()):
            if isinstance(vx, float) or isinstance(vy, float):
                if abs(vx - vy) > 1e-9 * max(1.0, abs(vx), abs(vy)):
                    return False
            elif vx != vy:
                return False
    return True


def warm_page_cache(paths):
    for path in paths:
        for f in ([Path(path)] if Path(path).is_file() else sorted(Path(path).glob("*.parquet"))):
            with open(f, "rb") as handle:
                while handle.read(1 << 24):
                    pass


def keep_best(best, queries):
    """Per query, the round with the lowest median."""
    for qid, q in queries.items():
        if qid not in best or q["seconds"] < best[qid]["seconds"]:
            best[qid] = q


def spark_app(cs, command, env=None):
    start = time.perf_counter()
    p = subprocess.run(command, capture_output=True, text=True, env=env or cs.env, cwd=cs.work)
    wall = time.perf_counter() - start
    if p.returncode != 0:
        sys.exit(f"spark_bench: {' '.join(map(str, command[:6]))}… failed ({p.returncode}):\n{p.stderr[-3000:]}")
    return json.loads(p.stdout.strip().splitlines()[-1])["queries"], wall


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=4_000_000)
    ap.add_argument("--files", type=int, default=2)
    ap.add_argument("--rg-rows", type=int, default=500_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=2, help="alternating plain/attested rounds; per query the best median")
    ap.add_argument("--data-dir", default=str(REPO / "bench-data"))
    ap.add_argument("--strongroom")
    ap.add_argument("--format", choices=["markdown", "json"], default="markdown")
    args = ap.parse_args()
    args.threads = 2
    strongroom = scan_bench.find_strongroom(args.strongroom)
    subprocess.run(["bash", str(REPO / "scripts" / "build-spark-kms.sh")], check=True, stdout=subprocess.DEVNULL)
    plain = scan_bench.generate(args)
    keys_file = scan_bench.pme_kms.write_keys_file(Path(args.data_dir) / "dev-master-keys.json")
    zones, _ = query_bench.zone_tables(args.data_dir, strongroom, str(keys_file))

    with tempfile.TemporaryDirectory(prefix="spark-bench-") as work:
        cs = ConfidentialSpark(SimpleNamespace(binary=strongroom), Path(work))
        try:
            log("CAS, agent, policy; encrypting the data set through CAS")
            cs.start_cas_and_agent()
            cs.apply_policy()
            enc, zones_enc = Path(work) / "encrypted", Path(work) / "zones-encrypted.parquet"
            cs.ok("data", "encrypt", plain, enc, *cs.cas, "--policy", "taxi-spark", "--master-key", "trips-footer",
                  "--identity", Path(work) / "custodian.identity", "--column-key", f"trips-columns:{','.join(MONEY)}")
            cs.ok("data", "encrypt", zones, zones_enc, *cs.cas, "--policy", "taxi-spark", "--master-key", "trips-footer",
                  "--identity", Path(work) / "custodian.identity")
            queries = [f"--query={qid}={sql}" for qid, sql in query_bench.QUERIES.items()]
            conf = ["--conf", "spark.executor.memory=512m", "--conf", "spark.cores.max=2", "--conf", "spark.ui.enabled=false",
                    "--conf", "spark.sql.shuffle.partitions=2"]

            plain_q, att_q, plain_wall, att_wall = {}, {}, [], []
            for round_ in range(1, args.rounds + 1):
                # Alternating rounds, files read into the page cache first: neither configuration
                # gains from running second or from the other's I/O.
                log(f"round {round_}: plain Spark cluster")
                warm_page_cache([plain, zones])
                cs.start_cluster(attested=False)
                q, wall = spark_app(cs, [str(Path(cs.env["SPARK_HOME"]) / "bin" / "spark-submit"), "--master",
                                         cs.master_url, *conf, str(RUNNER), f"--table=trips={plain}",
                                         f"--table=zones={zones}", *queries, f"--runs={args.runs}"])
                keep_best(plain_q, q)
                plain_wall.append(wall)
                cs.stop_cluster()

                log(f"round {round_}: attested Spark cluster")
                warm_page_cache([enc, zones_enc])
                cs.start_cluster(attested=True)
                q, wall = spark_app(cs, [strongroom, "spark", "submit", *map(str, cs.attest), "--master", cs.master_url,
                                         "--", *conf, str(RUNNER), f"--table=trips={enc}", f"--table=zones={zones_enc}",
                                         *queries, f"--runs={args.runs}"])
                keep_best(att_q, q)
                att_wall.append(wall)
                cs.stop_cluster()
            plain_wall, att_wall = min(plain_wall), min(att_wall)

            log("native engine (attested, PME)")
            native = {}
            for qid, sql in query_bench.QUERIES.items():
                times, rows = [], None
                for i in range(args.runs + 1):
                    start = time.perf_counter()
                    out = cs.ok("query", "--sql", sql, "--table", f"trips={enc}", "--table", f"zones={zones_enc}",
                                *cs.attest, "--service", "query", "--format", "jsonl")
                    if i:
                        times.append(time.perf_counter() - start)
                    rows = out.splitlines()
                native[qid] = {"seconds": statistics.median(times), "rows": rows}
        finally:
            cs.stop()

    failed = False
    results = []
    for qid in query_bench.QUERIES:
        same = compare(plain_q[qid]["rows"], att_q[qid]["rows"]) and compare(att_q[qid]["rows"], native[qid]["rows"])
        failed |= not same
        results.append({"query": qid, "plain_spark_s": plain_q[qid]["seconds"], "attested_spark_s": att_q[qid]["seconds"],
                        "native_s": native[qid]["seconds"], "same_answer": same})
    summary = {"rows": args.rows, "runs": args.runs, "plain_app_wall_s": plain_wall, "attested_app_wall_s": att_wall,
               "queries": results}
    if args.format == "json":
        print(json.dumps(summary, indent=2))
    else:
        print(f"{args.rows:,} taxi rows, {args.files} files; Spark 2 workers × 1 core; median of {args.runs} after a warm-up, best of {args.rounds} alternating rounds\n")
        print("| query | plain Spark s | attested Spark on PME s | attested/plain | native (attested, PME, whole process) s | attested Spark/native | same answer |")
        print("|---|---:|---:|---:|---:|---:|---|")
        for r in results:
            print(f"| {r['query']} | {r['plain_spark_s']:.3f} | {r['attested_spark_s']:.3f} | "
                  f"{r['attested_spark_s'] / r['plain_spark_s']:.2f}× | {r['native_s']:.3f} | "
                  f"{r['attested_spark_s'] / r['native_s']:.1f}× | {'yes' if r['same_answer'] else 'FAIL'} |")
        total_p = sum(r["plain_spark_s"] for r in results)
        total_a = sum(r["attested_spark_s"] for r in results)
        print(f"| all | {total_p:.3f} | {total_a:.3f} | {total_a / total_p:.2f}× | "
              f"{sum(r['native_s'] for r in results):.3f} | | |")
        print(f"\nwhole applications (JVM start-up, executors launched{' and attested' }, all runs): "
              f"plain {plain_wall:.1f} s, attested {att_wall:.1f} s")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
