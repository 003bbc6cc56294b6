#!/usr/bin/env python3
"""TPC-H benchmark (issue 15, item 6): the 22 queries of bench/tpch/queries, `strongroom` on
PME-encrypted Parquet against DuckDB on the plaintext copy, in the same run, same threads.

Data: tpchgen-cli (PyPI) writes bench-data/tpch-sf{SCALE}/plain (cached); `strongroom parquet
encrypt --key-material` makes the encrypted copy (footer key, and a second key for the money
columns) with bench-data/tpch-keys.json.

Per query, the median of --runs runs after one warm-up:
  DuckDB  in-process, `SET threads=N`, views over read_parquet (footers read at every query),
          `con.execute(Q).fetchall()`
  ours    `strongroom-bench taxi --keys KEYS --table …=ENCRYPTED --query qNN=Q --runs R`: each
          run from nothing — keys parsed, footers read and decrypted, plan, execution, rows
          rendered as jsonl — in one process (process start-up is not in the number)
Peak RSS of each `strongroom-bench` process (wait4's ru_maxrss) is printed. Our rows must equal
DuckDB's (Tests/sqllogic/results.py rules, checked once with `strongroom query`); a mismatch
prints FAIL and the script exits 1. Progress on stderr on a terminal; --format markdown|json.
"""
import argparse
import base64
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parents[1]
sys.path.insert(0, str(REPO / "Tests" / "sqllogic"))
sys.path.insert(0, str(REPO / "bench"))

import duckdb  # noqa: E402

import results  # noqa: E402
import scan_bench  # noqa: E402  (locating the binaries)
from slt_format import ends_with_order_by  # noqa: E402

TABLES = ["lineitem", "orders", "customer", "part", "partsupp", "supplier", "nation", "region"]
MONEY = {"lineitem": "l_extendedprice,l_discount", "orders": "o_totalprice", "customer": "c_acctbal",
         "partsupp": "ps_supplycost", "supplier": "s_acctbal", "part": "p_retailprice"}
PROGRESS = sys.stderr.isatty()


def progress(message):
    if PROGRESS:
        print(f"[tpch-bench] {message}", file=sys.stderr, flush=True)


def prepare(data_dir, scale, strongroom):
    root = Path(data_dir) / f"tpch-sf{scale}"
    plain, encrypted = root / "plain", root / "encrypted"
    keys = Path(data_dir) / "tpch-keys.json"
    if not keys.exists():
        keys.write_text(json.dumps({"footer": base64.b64encode(os.urandom(16)).decode(),
                                    "money": base64.b64encode(os.urandom(16)).decode()}))
    if not (plain / ".complete").exists():
        progress(f"generating TPC-H scale factor {scale}")
        shutil.rmtree(plain, ignore_errors=True)
        subprocess.run([shutil.which("tpchgen-cli") or "tpchgen-cli", "parquet", "-s", str(scale),
                        f"--output-dir={plain}"], check=True)
        (plain / ".complete").write_text("ok\n")
    if not (encrypted / ".complete").exists():
        encrypted.mkdir(parents=True, exist_ok=True)
        for table in TABLES:
            progress(f"encrypting {table}")
            cmd = [strongroom, "parquet", "encrypt", str(plain / f"{table}.parquet"), str(encrypted / f"{table}.parquet"),
                   "--keys", str(keys), "--footer-key", "footer", "--key-material"]
            if table in MONEY:
                cmd += ["--column-key", f"money:{MONEY[table]}"]
            subprocess.run(cmd, check=True)
        (encrypted / ".complete").write_text("ok\n")
    return plain, encrypted, keys


def ours(bench, queries, encrypted, keys, threads, runs, memory_limit):
    cmd = [bench, "taxi", "--threads", str(threads), "--runs", str(runs), "--keys", str(keys), "--format", "json"]
    for table in TABLES:
        cmd += ["--table", f"{table}={encrypted}/{table}.parquet"]
    if memory_limit:
        cmd += ["--memory-limit", str(memory_limit)]
    for number, sql in queries.items():
        cmd += ["--query", f"q{number}={sql}"]
    progress(f"strongroom-bench: {len(queries)} queries, {runs} runs each")
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    out, err = proc.stdout.read(), proc.stderr.read()
    if status != 0:
        sys.exit(f"tpch_bench: strongroom-bench failed: {err.strip()[-2000:]}")
    report = json.loads(out)["queries"]
    return {number: report[f"q{number}"] for number in queries}, usage.ru_maxrss * 1024


def check(strongroom, con, number, sql, encrypted, keys, threads):
    names, kinds, expected = results.expected_from_duckdb(con, sql)
    cmd = [strongroom, "query", "--keys", str(keys), "--format", "jsonl", "--threads", str(threads), "--sql", sql]
    for table in TABLES:
        cmd += ["--table", f"{table}={encrypted}/{table}.parquet"]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        return f"error: {p.stderr.strip()[-300:]}"
    return results.compare(results.parse_actual(p.stdout, len(names)), expected, names, kinds,
                           ends_with_order_by(sql), approx=True)


def duck(con, sql, runs):
    con.execute(sql).fetchall()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        con.execute(sql).fetchall()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", default="1")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--memory-limit", help="passed to strongroom (bytes)")
    ap.add_argument("--queries", help="comma-separated numbers (default: all 22)")
    ap.add_argument("--data-dir", default=str(REPO / "bench-data"))
    ap.add_argument("--strongroom")
    ap.add_argument("--format", choices=["markdown", "json"], default="markdown")
    args = ap.parse_args()
    strongroom = scan_bench.find_strongroom(args.strongroom)
    bench = scan_bench.bench_binary(strongroom)
    plain, encrypted, keys = prepare(args.data_dir, args.scale, strongroom)
    numbers = [f"{int(n):02d}" for n in args.queries.split(",")] if args.queries else [f"{i:02d}" for i in range(1, 23)]
    queries = {n: (BENCH / "queries" / f"q{n}.sql").read_text() for n in numbers}

    con = duckdb.connect()
    con.execute(f"SET threads={args.threads}")
    for table in TABLES:
        con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{plain}/{table}.parquet')")
    failures = {}
    for number, sql in queries.items():
        progress(f"checking q{number} against DuckDB")
        difference = check(strongroom, con, number, sql, encrypted, keys, args.threads)
        if difference:
            failures[number] = difference
    duck_seconds = {}
    for number, sql in queries.items():
        progress(f"DuckDB q{number}")
        duck_seconds[number] = duck(con, sql, args.runs)
    our_report, peak = ours(bench, {n: q for n, q in queries.items() if n not in failures}, encrypted, keys,
                            args.threads, args.runs, args.memory_limit)

    rows = []
    for number in numbers:
        ours_s = our_report.get(number, {}).get("seconds")
        rows.append({"query": f"Q{int(number)}", "duckdb_seconds": duck_seconds[number], "strongroom_seconds": ours_s,
                     "ratio": ours_s / duck_seconds[number] if ours_s else None, "equal": number not in failures,
                     "failure": failures.get(number)})
    ratios = [r["ratio"] for r in rows if r["ratio"]]
    geomean = math.exp(sum(math.log(r) for r in ratios) / len(ratios)) if ratios else None
    summary = {"scale": args.scale, "threads": args.threads, "runs": args.runs, "queries": rows,
               "geomean_ratio": geomean, "peak_rss_bytes": peak, "memory_limit": args.memory_limit}
    if args.format == "json":
        print(json.dumps(summary, indent=1))
    else:
        print(f"TPC-H SF{args.scale}, {args.threads} threads, median of {args.runs} runs; strongroom on PME-encrypted Parquet, DuckDB {duckdb.__version__} on plaintext\n")
        print("| query | DuckDB (s) | strongroom, encrypted (s) | ratio | equal |")
        print("| --- | ---: | ---: | ---: | --- |")
        for r in rows:
            ours_text = f"{r['strongroom_seconds']:.3f}" if r["strongroom_seconds"] else "—"
            ratio_text = f"{r['ratio']:.2f}" if r["ratio"] else "—"
            print(f"| {r['query']} | {r['duckdb_seconds']:.3f} | {ours_text} | {ratio_text} | {'yes' if r['equal'] else 'FAIL'} |")
        print(f"\ngeometric mean of the ratios: {geomean:.2f}; peak RSS of strongroom-bench: {peak / 2**20:.0f} MiB")
        for number, difference in failures.items():
            print(f"FAIL q{number}: {difference}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
