#!/usr/bin/env python3
"""Full-scan decode benchmark: strongroom vs pyarrow, plaintext vs PME-encrypted taxi data.

Generates a taxi-like dataset with shared/bench/taxi_gen.py into bench-data/ (reused when
present), makes a PME-encrypted copy (strongroom `parquet encrypt --key-material`, or pyarrow
with the same InMemoryKMS-style key material), then times, as the median of --runs runs after
one warm-up:
  ours     `strongroom-bench scan FILES --threads N [--keys K] --format json` (its own timing)
  pyarrow  pq.read_table(FILES, use_threads=True) with pa.set_cpu_count(N) and
           pa.set_io_thread_count(N) [and decryption properties]
and prints a markdown table (or JSON with --format json). Progress goes to stderr on a terminal.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "Tests" / "interop"))

import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

import pme_kms  # noqa: E402

MONEY = ["fare_amount", "extra", "mta_tax", "tip_amount", "tolls_amount", "improvement_surcharge",
         "total_amount", "congestion_surcharge", "airport_fee"]
OTHER = ["VendorID", "tpep_pickup_datetime", "tpep_dropoff_datetime", "passenger_count", "trip_distance",
         "RatecodeID", "store_and_fwd_flag", "PULocationID", "DOLocationID", "payment_type"]
COLUMN_KEYS = {"k1": MONEY, "k2": OTHER}  # every column encrypted, footer encrypted with kf

PROGRESS = sys.stderr.isatty()


def progress(msg):
    if PROGRESS:
        print(f"[scan-bench] {msg}", file=sys.stderr, flush=True)


def find_taxi_gen():
    candidates = [os.environ.get("STRONGROOM_SHARED"), REPO.parent / "shared", REPO.parent.parent / "shared"]
    for c in candidates:
        if c and (Path(c) / "bench" / "taxi_gen.py").is_file():
            return Path(c) / "bench" / "taxi_gen.py"
    sys.exit("scan_bench: shared/bench/taxi_gen.py not found beside the repository; set STRONGROOM_SHARED")


def find_strongroom(explicit):
    if explicit:
        return explicit
    if os.environ.get("STRONGROOM_BIN"):
        return os.environ["STRONGROOM_BIN"]
    bin_path = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=REPO,
                              capture_output=True, text=True, check=True).stdout.strip()
    path = Path(bin_path) / "strongroom"
    if not path.exists():
        sys.exit(f"scan_bench: {path} missing: run `swift build -c release --product strongroom` "
                 "or pass --strongroom / STRONGROOM_BIN")
    return str(path)


def bench_binary(strongroom):
    """`strongroom-bench` (the benchmarks, kept out of the production binary) beside `strongroom`."""
    path = Path(os.environ.get("STRONGROOM_BENCH_BIN") or Path(strongroom).with_name("strongroom-bench"))
    if not path.exists():
        sys.exit(f"scan_bench: {path} missing: run `swift build -c release --product strongroom-bench` "
                 "or set STRONGROOM_BENCH_BIN")
    return str(path)


def parquet_files(d):
    return sorted(str(p) for p in Path(d).glob("*.parquet"))


def generate(args):
    plain = Path(args.data_dir) / f"taxi-{args.rows}-{args.files}f-{args.rg_rows}rg"
    done = plain / ".complete"
    if done.exists():
        progress(f"reusing {plain}")
        return plain
    plain.mkdir(parents=True, exist_ok=True)
    for old in parquet_files(plain):
        os.remove(old)
    progress(f"generating {args.rows:,} taxi rows in {args.files} files into {plain}")
    out = None if PROGRESS else subprocess.DEVNULL
    subprocess.run([sys.executable, str(find_taxi_gen()), "--out", str(plain), "--rows", str(args.rows),
                    "--files", str(args.files), "--rg-rows", str(args.rg_rows), "--procs", str(args.threads)],
                   check=True, stdout=out)
    done.write_text("ok\n")
    return plain


def encrypt(args, plain, strongroom, keys_file):
    enc = plain.parent / f"{plain.name}-encrypted-{args.encryptor}"
    done = enc / ".complete"
    if done.exists():
        progress(f"reusing {enc}")
        return enc
    enc.mkdir(parents=True, exist_ok=True)
    for src in parquet_files(plain):
        dst = enc / Path(src).name
        progress(f"encrypting {Path(src).name} with {args.encryptor}")
        if args.encryptor == "strongroom":
            cmd = [strongroom, "parquet", "encrypt", src, str(dst), "--keys", keys_file, "--footer-key", "kf",
                   "--key-material"]
            for key, cols in COLUMN_KEYS.items():
                cmd += ["--column-key", f"{key}:{','.join(cols)}"]
            subprocess.run(cmd, check=True)
        else:
            table = pq.read_table(src)
            pme_kms.write_encrypted(table, dst, column_keys=COLUMN_KEYS, row_group_size=args.rg_rows,
                                    compression="snappy")
    done.write_text("ok\n")
    return enc


def timed(label, runs, fn):
    """Median of `runs` timings after one warm-up; fn returns (rows, seconds)."""
    progress(f"{label}: warm-up")
    rows, _ = fn()
    times = []
    for i in range(runs):
        r, s = fn()
        assert r == rows, f"{label}: row count changed between runs ({r} != {rows})"
        times.append(s)
        progress(f"{label}: run {i + 1}/{runs} {s:.3f}s")
    return {"rows": rows, "seconds": statistics.median(times), "runs": times}


def ours(strongroom, files, threads, keys_file=None):
    cmd = [bench_binary(strongroom), "scan", *files, "--threads", str(threads), "--format", "json"]
    if keys_file:
        cmd += ["--keys", keys_file]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"scan_bench: {' '.join(cmd[:3])} failed (exit {p.returncode}): {p.stderr.strip()}")
    doc = json.loads(p.stdout)
    return doc["rows"], float(doc["seconds"])


def pyarrow_scan(files, decryption=False):
    props = pme_kms.decryption_properties() if decryption else None
    start = time.perf_counter()
    table = pq.read_table(files, use_threads=True, decryption_properties=props)
    return table.num_rows, time.perf_counter() - start


def ratio(a, b):
    return None if not a or not b else a / b


def markdown(result):
    m = result["measurements"]
    def sec(key):
        return f"{m[key]['seconds']:.3f}" if key in m else "–"
    def rat(x):
        return "–" if x is None else f"{x:.2f}×"
    r = result["ratios"]
    lines = [
        f"Full scan of {result['rows']:,} taxi rows ({result['files']} files, {result['rg_rows']:,}-row row groups, "
        f"snappy), {result['threads']} threads, median of {result['runs']} runs after a warm-up; "
        f"encrypted copy made by {result['encryptor']}.",
        "",
        "| engine | plaintext s | encrypted s | encrypted/plaintext |",
        "|---|---:|---:|---:|",
        f"| strongroom | {sec('ours_plain')} | {sec('ours_encrypted')} | {rat(r['ours_encrypted_over_plain'])} |",
        f"| pyarrow {pa.__version__} | {sec('pyarrow_plain')} | {sec('pyarrow_encrypted')} | "
        f"{rat(r['pyarrow_encrypted_over_plain'])} |",
        f"| strongroom/pyarrow | {rat(r['ours_over_pyarrow_plain'])} | {rat(r['ours_over_pyarrow_encrypted'])} | |",
    ]
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--files", type=int, default=4)
    ap.add_argument("--rg-rows", type=int, default=1_000_000)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--data-dir", default=str(REPO / "bench-data"))
    ap.add_argument("--encryptor", choices=["strongroom", "pyarrow"], default="strongroom",
                    help="who makes the encrypted copy (default: strongroom parquet encrypt --key-material)")
    ap.add_argument("--engines", default="strongroom,pyarrow", help="comma list of strongroom,pyarrow")
    ap.add_argument("--strongroom", help="CLI path (default: $STRONGROOM_BIN or the release build)")
    ap.add_argument("--format", choices=["markdown", "json"], default="markdown")
    args = ap.parse_args()
    engines = set(args.engines.split(","))
    if not engines <= {"strongroom", "pyarrow"}:
        ap.error("--engines takes strongroom and/or pyarrow")
    needs_cli = "strongroom" in engines or args.encryptor == "strongroom"
    strongroom = find_strongroom(args.strongroom) if needs_cli else None

    Path(args.data_dir).mkdir(parents=True, exist_ok=True)
    keys_file = pme_kms.write_keys_file(Path(args.data_dir) / "dev-master-keys.json")
    plain = generate(args)
    enc = encrypt(args, plain, strongroom, keys_file)
    plain_files, enc_files = parquet_files(plain), parquet_files(enc)

    pa.set_cpu_count(args.threads)
    pa.set_io_thread_count(args.threads)
    m = {}
    if "strongroom" in engines:
        m["ours_plain"] = timed("strongroom plaintext", args.runs, lambda: ours(strongroom, plain_files, args.threads))
        m["ours_encrypted"] = timed("strongroom encrypted", args.runs,
                                    lambda: ours(strongroom, enc_files, args.threads, keys_file))
    if "pyarrow" in engines:
        m["pyarrow_plain"] = timed("pyarrow plaintext", args.runs, lambda: pyarrow_scan(plain_files))
        m["pyarrow_encrypted"] = timed("pyarrow encrypted", args.runs, lambda: pyarrow_scan(enc_files, True))
    counts = {v["rows"] for v in m.values()}
    if len(counts) > 1:
        sys.exit(f"scan_bench: engines disagree on the row count: { {k: v['rows'] for k, v in m.items()} }")

    def s(key):
        return m[key]["seconds"] if key in m else None
    result = {
        "rows": args.rows, "files": args.files, "rg_rows": args.rg_rows, "threads": args.threads,
        "runs": args.runs, "encryptor": args.encryptor, "pyarrow_version": pa.__version__,
        "bytes_plain": sum(os.path.getsize(f) for f in plain_files),
        "bytes_encrypted": sum(os.path.getsize(f) for f in enc_files),
        "measurements": m,
        "ratios": {
            "ours_encrypted_over_plain": ratio(s("ours_encrypted"), s("ours_plain")),
            "pyarrow_encrypted_over_plain": ratio(s("pyarrow_encrypted"), s("pyarrow_plain")),
            "ours_over_pyarrow_plain": ratio(s("ours_plain"), s("pyarrow_plain")),
            "ours_over_pyarrow_encrypted": ratio(s("ours_encrypted"), s("pyarrow_encrypted")),
        },
    }
    if counts and counts != {args.rows}:
        sys.exit(f"scan_bench: scanned {counts.pop()} rows, expected {args.rows}")
    print(json.dumps(result, indent=2) if args.format == "json" else markdown(result))


if __name__ == "__main__":
    main()
