#!/usr/bin/env python3
"""Taxi query benchmark (issue 3, item 7): `strongroom query` on PME-encrypted and plaintext
Parquet against DuckDB on the plaintext copy, in the same run.

Data as in scan_bench.py (whose helpers this reuses): ../shared/bench/taxi_gen.py writes the
plaintext set into bench-data/ (cached), `strongroom parquet encrypt --key-material` makes the
encrypted copy with bench-data/dev-master-keys.json, and `taxi_gen.py --zones` writes the
265-row zone table (plus an encrypted copy for the encrypted runs).

Per query, the median of --runs runs after one warm-up:
  DuckDB          in-process, `SET threads=N`, views over read_parquet('PLAIN_DIR/*.parquet')
                  (DuckDB reads the footers at every query), `con.execute(Q).fetchall()`; peak
                  RSS of this Python process while the query runs (VmHWM after resetting it
                  through /proc/self/clear_refs), else n/a
  ours in-process `strongroom-bench taxi --threads N [--keys KEYS] --table trips=DIR
                   --table zones=ZONES --query ID=Q --runs R`: the like-for-like number. One
                   process times each run from nothing but process start: KEYS.json parsed,
                   every footer read and decrypted, keys unwrapped, plan, execution, rows
                   rendered as jsonl (encrypted and plaintext copies)
  ours process    `strongroom query --threads N --keys KEYS --table trips=ENC_DIR
                   --table zones=ZONES_ENC --sql Q --format jsonl`: wall time of the whole CLI
                   process (process start and dynamic loading too), peak RSS of the process
                   from /usr/bin/time -f %M; the same on the plaintext copy without --keys
Our rows must equal DuckDB's (Tests/sqllogic/results.py rules); a mismatch prints FAIL and the
script exits 1. Progress goes to stderr on a terminal; --format markdown|json.
"""
import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO / "Tests" / "sqllogic"))
sys.path.insert(0, str(BENCH))

import duckdb  # noqa: E402

import results  # noqa: E402  (Tests/sqllogic: DuckDB values in jsonl form, comparison)
import scan_bench  # noqa: E402  (data generation and the encrypted copy, same cache)

QUERIES = {
    "Q1": "SELECT count(*) FROM trips",
    "Q2": "SELECT count(*) FROM trips WHERE trip_distance > 5",
    "Q3": "SELECT payment_type, count(*), sum(total_amount), avg(tip_amount) FROM trips GROUP BY payment_type",
    "Q4": "SELECT PULocationID, DOLocationID, count(*), avg(fare_amount) FROM trips GROUP BY 1, 2 "
          "ORDER BY 3 DESC LIMIT 10",
    "Q5": "SELECT z.Borough, count(*), avg(t.total_amount) FROM trips t JOIN zones z "
          "ON t.PULocationID = z.LocationID GROUP BY z.Borough ORDER BY z.Borough",
    "Q6": "SELECT date_trunc('hour', tpep_pickup_datetime) AS h, count(*), avg(trip_distance) FROM trips "
          "WHERE tpep_pickup_datetime >= TIMESTAMP '2024-03-01' AND tpep_pickup_datetime < TIMESTAMP '2024-04-01' "
          "GROUP BY 1 ORDER BY 1",
}
ORDERED = {"Q4", "Q5", "Q6"}  # end in ORDER BY: row order is part of the answer
ZONE_COLUMNS = ["LocationID", "Borough", "Zone", "service_zone"]

PROGRESS = sys.stderr.isatty()


def progress(msg):
    if PROGRESS:
        print(f"[query-bench] {msg}", file=sys.stderr, flush=True)


def zone_tables(data_dir, strongroom, keys_file):
    """(plaintext, encrypted) zone lookup files, made once."""
    plain = Path(data_dir) / "taxi_zones.parquet"
    enc = Path(data_dir) / "taxi_zones-encrypted-strongroom.parquet"
    if not plain.exists():
        progress(f"writing {plain}")
        subprocess.run([sys.executable, str(scan_bench.find_taxi_gen()), "--zones", str(plain)],
                       check=True, stdout=None if PROGRESS else subprocess.DEVNULL)
    if not enc.exists():
        progress(f"encrypting {plain.name}")
        tmp = enc.with_suffix(".tmp")
        subprocess.run([strongroom, "parquet", "encrypt", str(plain), str(tmp), "--keys", keys_file,
                        "--footer-key", "kf", "--key-material", "--column-key", f"k2:{','.join(ZONE_COLUMNS)}"],
                       check=True)
        tmp.rename(enc)
    return plain, enc


def prepare(args, strongroom):
    """Paths of the plaintext and encrypted trips directories, zone files and the keys file."""
    args.encryptor = "strongroom"
    Path(args.data_dir).mkdir(parents=True, exist_ok=True)
    keys_file = scan_bench.pme_kms.write_keys_file(Path(args.data_dir) / "dev-master-keys.json")
    plain = scan_bench.generate(args)
    enc = scan_bench.encrypt(args, plain, strongroom, keys_file)
    zones, zones_enc = zone_tables(args.data_dir, strongroom, keys_file)
    return {"plain": str(plain), "encrypted": str(enc), "zones": str(zones), "zones_encrypted": str(zones_enc),
            "keys": str(keys_file)}


def ours_command(strongroom, sql, trips, zones, threads, keys=None, memory_limit=None):
    cmd = [strongroom, "query", "--threads", str(threads), "--table", f"trips={trips}", "--table",
           f"zones={zones}", "--sql", sql, "--format", "jsonl"]
    if keys:
        cmd += ["--keys", keys]
    if memory_limit:
        cmd += ["--memory-limit", str(memory_limit)]
    return cmd


def run_in_process(strongroom, qid, sql, trips, zones, threads, runs, keys=None, memory_limit=None):
    """`strongroom-bench taxi` for one query: {"seconds": median, "runs": [...], "peak_bytes": None}."""
    cmd = [scan_bench.bench_binary(strongroom), "taxi", "--threads", str(threads), "--runs", str(runs), "--table", f"trips={trips}",
           "--table", f"zones={zones}", "--query", f"{qid}={sql}", "--format", "json"]
    if keys:
        cmd += ["--keys", keys]
    if memory_limit:
        cmd += ["--memory-limit", str(memory_limit)]
    progress(f"{qid} ours in-process{' encrypted' if keys else ' plaintext'}")
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"query_bench: strongroom-bench taxi failed (exit {proc.returncode}): {proc.stderr.strip()[-2000:]}\n"
                 f"command: {' '.join(cmd)}")
    q = json.loads(proc.stdout)["queries"][qid]
    return {"seconds": q["seconds"], "runs": q["runs"], "peak_bytes": None}


def run_ours(cmd):
    """(stdout, wall seconds, peak RSS bytes) of one CLI process; exits on failure."""
    # /usr/bin/time rather than wait4(): a child forked from this process starts with this
    # process's peak RSS (DuckDB's memory included) as its own ru_maxrss on Linux.
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile(mode="r") as rss:
        start = time.perf_counter()
        proc = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", rss.name, *cmd], stdout=out, stderr=err)
        seconds = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
        try:
            peak = int(rss.read().split()[-1]) * 1024  # KiB
        except (ValueError, IndexError):
            peak = None
    if proc.returncode != 0:
        sys.exit(f"query_bench: strongroom query failed (exit {proc.returncode}): {stderr.strip()[-2000:]}\n"
                 f"command: {' '.join(cmd)}")
    return stdout, seconds, peak


class PeakRSS:
    """Peak resident memory of this process over a block, through Linux's VmHWM reset."""

    def __init__(self):
        self.supported = self._reset()

    @staticmethod
    def _reset():
        try:
            with open("/proc/self/clear_refs", "w") as f:
                f.write("5")  # 5 = reset the peak RSS (VmHWM) to the current RSS
            return True
        except OSError:
            return False

    def start(self):
        if self.supported:
            self._reset()

    def peak(self):
        if not self.supported:
            return None
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
        return None


def duckdb_connection(paths, threads):
    con = duckdb.connect()
    con.execute(f"SET threads = {int(threads)}")
    con.execute("SET TimeZone = 'UTC'")
    con.execute(f"CREATE VIEW trips AS SELECT * FROM read_parquet('{paths['plain']}/*.parquet')")
    con.execute(f"CREATE VIEW zones AS SELECT * FROM read_parquet('{paths['zones']}')")
    return con


def timed(label, runs, fn):
    """Median seconds of `runs` runs after one warm-up; fn returns (output, seconds, peak bytes)."""
    progress(f"{label}: warm-up")
    output, _, peak = fn()
    times, peaks = [], [peak]
    for i in range(runs):
        _, s, p = fn()
        times.append(s)
        peaks.append(p)
        progress(f"{label}: run {i + 1}/{runs} {s:.3f}s")
    known = [p for p in peaks if p is not None]
    return output, {"seconds": statistics.median(times), "runs": times,
                    "peak_bytes": max(known) if known else None}


def check(qid, stdout, con):
    """None when our jsonl rows equal DuckDB's answer, else what differs."""
    names, kinds, expected = results.expected_from_duckdb(con, QUERIES[qid])
    try:
        actual = results.parse_actual(stdout, len(names))
    except AssertionError as e:
        return str(e)
    problem = results.compare(actual, expected, names, kinds, qid in ORDERED, approx=True)
    if problem and qid == "Q4":
        problem = check_top_n_with_ties(actual, expected, names, kinds, con)
    return problem


def check_top_n_with_ties(actual, expected, names, kinds, con):
    """Q4's LIMIT 10 may cut through equal counts, where either engine may pick other groups:
    accept when the count column matches DuckDB's and every row we gave is a real group."""
    if [r[2] for r in actual] != [r[2] for r in expected]:
        return f"Q4 counts {[r[2] for r in actual]} != DuckDB's {[r[2] for r in expected]}"
    everything = QUERIES["Q4"].split(" ORDER BY")[0]
    _, _, groups = results.expected_from_duckdb(con, everything)
    by_key = {(g[0], g[1]): g for g in groups}
    for row in actual:
        want = by_key.get((row[0], row[1]))
        if want is None:
            return f"Q4 row {row} is not a group in DuckDB's answer"
        problem = results.compare([row], [want], names, kinds, True, approx=True)
        if problem:
            return problem
    return None


def ratio(a, b):
    return None if not a or not b else a / b


def markdown(result):
    def sec(m):
        return "–" if m is None else f"{m['seconds']:.3f}"

    def rat(x):
        return "–" if x is None else f"{x:.2f}×"

    def mb(m):
        return "–" if m is None or m.get("peak_bytes") is None else f"{m['peak_bytes'] / 2**20:.0f}"

    lines = [
        f"{result['rows']:,} taxi rows ({result['files']} files, {result['rg_rows']:,}-row row groups, snappy), "
        f"{result['threads']} threads, median of {result['runs']} runs after a warm-up; DuckDB {duckdb.__version__} "
        "in-process on the plaintext files. *In-process* (like-for-like with DuckDB): `strongroom-bench taxi` "
        "times each run inside one process from parsing the keys file and reading (decrypting) every footer "
        "to the rendered rows. *Process*: wall time of a whole `strongroom query` process (process start and "
        "dynamic loading too). Ours peak MB is the `strongroom query` child's max RSS (encrypted run); DuckDB "
        "MB is this Python process's peak RSS during the query (baseline included).",
        "",
        "| query | DuckDB s | ours-enc in-process s | in-process enc/DuckDB | ours-plain in-process s "
        "| ours-enc process s | process enc/DuckDB | ours-plain process s | ours peak MB | DuckDB MB | equal? |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for qid, q in result["queries"].items():
        m, r = q["measurements"], q["ratios"]
        eq = "yes" if q["equal"] else ("FAIL" if q["equal"] is False else "–")
        lines.append(f"| {qid} | {sec(m.get('duckdb'))} | {sec(m.get('ours_encrypted_in_process'))} | "
                     f"{rat(r.get('encrypted_in_process_over_duckdb'))} | {sec(m.get('ours_plain_in_process'))} | "
                     f"{sec(m.get('ours_encrypted'))} | {rat(r['encrypted_over_duckdb'])} | "
                     f"{sec(m.get('ours_plain'))} | {mb(m.get('ours_encrypted'))} | {mb(m.get('duckdb'))} | {eq} |")
    for qid, q in result["queries"].items():
        for problem in q["problems"]:
            lines.append(f"\nFAIL {qid}: {problem}")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=20_000_000)
    ap.add_argument("--files", type=int, default=8)
    ap.add_argument("--rg-rows", type=int, default=1_000_000)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--queries", default=",".join(QUERIES), help="comma list of Q1..Q6")
    ap.add_argument("--memory-limit", type=int, help="passed to strongroom query (bytes)")
    ap.add_argument("--data-dir", default=str(REPO / "bench-data"))
    ap.add_argument("--strongroom", help="CLI path (default: $STRONGROOM_BIN or the release build)")
    ap.add_argument("--format", choices=["markdown", "json"], default="markdown")
    ap.add_argument("--prepare-only", action="store_true",
                    help="make (or reuse) the data and print its paths as JSON (used by scale_run.sh)")
    ap.add_argument("--list-queries", action="store_true", help="print ID<TAB>SQL lines and exit")
    args = ap.parse_args()
    if args.list_queries:
        for qid, sql in QUERIES.items():
            print(f"{qid}\t{sql}")
        return
    qids = args.queries.split(",")
    if not set(qids) <= set(QUERIES):
        ap.error(f"--queries takes a comma list of {', '.join(QUERIES)}")
    scan_bench.PROGRESS = PROGRESS
    strongroom = scan_bench.find_strongroom(args.strongroom)
    paths = prepare(args, strongroom)
    if args.prepare_only:
        print(json.dumps(paths, indent=2))
        return

    con = duckdb_connection(paths, args.threads)
    rss = PeakRSS()

    def duck(sql):
        rss.start()
        start = time.perf_counter()
        rows = con.execute(sql).fetchall()
        return rows, time.perf_counter() - start, rss.peak()

    out = {}
    failed = False
    for qid in qids:
        sql = QUERIES[qid]
        enc_cmd = ours_command(strongroom, sql, paths["encrypted"], paths["zones_encrypted"], args.threads,
                               paths["keys"], args.memory_limit)
        plain_cmd = ours_command(strongroom, sql, paths["plain"], paths["zones"], args.threads,
                                 memory_limit=args.memory_limit)
        m, problems = {}, []
        enc_out, m["ours_encrypted"] = timed(f"{qid} ours encrypted", args.runs, lambda: run_ours(enc_cmd))
        plain_out, m["ours_plain"] = timed(f"{qid} ours plaintext", args.runs, lambda: run_ours(plain_cmd))
        _, m["duckdb"] = timed(f"{qid} DuckDB", args.runs, lambda: duck(sql))
        m["ours_encrypted_in_process"] = run_in_process(strongroom, qid, sql, paths["encrypted"],
                                                        paths["zones_encrypted"], args.threads, args.runs,
                                                        paths["keys"], args.memory_limit)
        m["ours_plain_in_process"] = run_in_process(strongroom, qid, sql, paths["plain"], paths["zones"],
                                                    args.threads, args.runs, memory_limit=args.memory_limit)
        for label, stdout in (("encrypted", enc_out), ("plaintext", plain_out)):
            problem = check(qid, stdout, con)
            if problem:
                problems.append(f"ours {label}: {problem}")
        failed |= bool(problems)
        out[qid] = {
            "sql": sql, "measurements": m, "equal": not problems, "problems": problems,
            "ratios": {
                "encrypted_over_duckdb": ratio(m["ours_encrypted"]["seconds"], m["duckdb"]["seconds"]),
                "plain_over_duckdb": ratio(m["ours_plain"]["seconds"], m["duckdb"]["seconds"]),
                "encrypted_over_plain": ratio(m["ours_encrypted"]["seconds"], m["ours_plain"]["seconds"]),
                "encrypted_in_process_over_duckdb": ratio(m["ours_encrypted_in_process"]["seconds"],
                                                          m["duckdb"]["seconds"]),
                "plain_in_process_over_duckdb": ratio(m["ours_plain_in_process"]["seconds"], m["duckdb"]["seconds"]),
            },
        }
    result = {"rows": args.rows, "files": args.files, "rg_rows": args.rg_rows, "threads": args.threads,
              "runs": args.runs, "duckdb_version": duckdb.__version__, "memory_limit": args.memory_limit,
              "paths": paths, "queries": out}
    print(json.dumps(result, indent=2) if args.format == "json" else markdown(result))
    if failed:
        print("query_bench: FAIL: our rows differ from DuckDB's (see above)", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
