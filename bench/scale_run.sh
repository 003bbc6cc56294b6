#!/usr/bin/env bash
# Scale run (issue 3, item 8): Q1–Q6 of bench/query_bench.py over ~1.57 billion taxi rows with
# bounded memory, next to the confidential-Spark reference (3 SGX Spark executors count 1.57 B
# rows in 131 s; vanilla Spark 96 s).
#
# The 1.57 B-row table lists the same base files many times: query_bench.py --prepare-only makes
# (or reuses) the base set (plaintext + PME-encrypted copy, bench-data/), then this script builds
# bench-data/scale/<set>-x<COPIES>/ holding COPIES symlinks to each base file, and runs each query
# once with `strongroom query --memory-limit` under /usr/bin/time (wall seconds of the whole
# process, peak RSS). Optional: the plaintext copy (--plain) and DuckDB on the same symlink
# directory (--duckdb; same thread count and memory limit, its rows compared with ours).
#
#   bash bench/scale_run.sh                          # 20 M-row base x 79 = 1.58 B rows, encrypted
#   bash bench/scale_run.sh --copies 2 --base-rows 2000000 --base-files 2 --plain --duckdb   # smoke
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
base_rows=20000000
base_files=8
rg_rows=1000000
target_rows=1570000000
copies=""
threads=2
memory_limit=$((8 * 1024 * 1024 * 1024))
queries="Q1,Q2,Q3,Q4,Q5,Q6"
data_dir="$repo/bench-data"
strongroom="${STRONGROOM_BIN:-}"
run_plain=0
run_duckdb=0

usage() {
  sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
  cat <<EOF
Options: --base-rows N ($base_rows) --base-files N ($base_files) --rg-rows N ($rg_rows)
         --target-rows N ($target_rows) | --copies N (default: ceil(target/base))
         --threads N ($threads) --memory-limit BYTES ($memory_limit) --queries LIST ($queries)
         --data-dir DIR --strongroom PATH --plain --duckdb
EOF
}

while [ $# -gt 0 ]; do
  case "$1" in
    --base-rows) base_rows=$2; shift 2 ;;
    --base-files) base_files=$2; shift 2 ;;
    --rg-rows) rg_rows=$2; shift 2 ;;
    --target-rows) target_rows=$2; shift 2 ;;
    --copies) copies=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --memory-limit) memory_limit=$2; shift 2 ;;
    --queries) queries=$2; shift 2 ;;
    --data-dir) data_dir=$2; shift 2 ;;
    --strongroom) strongroom=$2; shift 2 ;;
    --plain) run_plain=1; shift ;;
    --duckdb) run_duckdb=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "scale_run: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done

if [ -z "$strongroom" ]; then
  strongroom="$(cd "$repo" && swift build -c release --show-bin-path)/strongroom"
fi
[ -x "$strongroom" ] || { echo "scale_run: $strongroom missing: swift build -c release --product strongroom" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "scale_run: /usr/bin/time missing (apt-get install time)" >&2; exit 1; }
if [ -z "$copies" ]; then
  copies=$(( (target_rows + base_rows - 1) / base_rows ))
fi
total_rows=$((base_rows * copies))

log() { if [ -t 2 ]; then echo "[scale-run] $*" >&2; fi; }

# Base data set (cached in bench-data/, shared with query_bench.py and scan_bench.py).
paths=$(python3 "$here/query_bench.py" --prepare-only --rows "$base_rows" --files "$base_files" \
  --rg-rows "$rg_rows" --threads "$threads" --data-dir "$data_dir" --strongroom "$strongroom")
field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1" <<<"$paths"; }
plain=$(field plain); encrypted=$(field encrypted); zones=$(field zones)
zones_enc=$(field zones_encrypted); keys=$(field keys)

# A directory of COPIES symlinks per base file: the engine sees COPIES x base_files files.
symlink_set() {
  local src=$1 dst="$data_dir/scale/$(basename "$1")-x$copies"
  if [ ! -f "$dst/.complete" ]; then
    rm -rf "$dst"
    mkdir -p "$dst"
    local c f
    for ((c = 0; c < copies; c++)); do
      for f in "$src"/*.parquet; do
        ln -s "$f" "$dst/$(printf 'c%04d' "$c")-$(basename "$f")"
      done
    done
    touch "$dst/.complete"
  fi
  echo "$dst"
}
scale_enc=$(symlink_set "$encrypted")
scale_plain=$(symlink_set "$plain")
log "table: $total_rows rows = $copies x $base_rows ($((copies * base_files)) files) in $scale_enc"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# run_ours LABEL QID SQL TRIPS ZONES [--keys K]: one process under /usr/bin/time.
# Prints "seconds peakMB" or "ERROR"; the jsonl lands in $work/LABEL-QID.jsonl.
run_ours() {
  local label=$1 qid=$2 sql=$3 trips=$4 zones_file=$5; shift 5
  log "$qid $label"
  if /usr/bin/time -f '%e %M' -o "$work/time" "$strongroom" query --threads "$threads" \
      --memory-limit "$memory_limit" --table "trips=$trips" --table "zones=$zones_file" "$@" \
      --sql "$sql" --format jsonl >"$work/$label-$qid.jsonl" 2>"$work/$label-$qid.err"; then
    awk '{printf "%.2f %.0f", $1, $2 / 1024}' "$work/time"
  else
    echo "ERROR"
    echo "scale_run: $qid $label failed: $(tail -n 1 "$work/$label-$qid.err")" >&2
  fi
}

# run_duckdb QID SQL: DuckDB in a fresh Python process (same threads and memory limit) on the
# plaintext symlink directory; prints "seconds peakMB equal?" (query time measured inside, the
# process's peak RSS by /usr/bin/time) and compares its rows with ours on the encrypted table.
run_duckdb() {
  local qid=$1 sql=$2
  log "$qid DuckDB"
  if /usr/bin/time -f '%M' -o "$work/time" python3 - "$repo/Tests/sqllogic" "$scale_plain" "$zones" \
      "$threads" "$memory_limit" "$sql" "$work/enc-$qid.jsonl" "$qid" >"$work/duck-$qid.out" \
      2>"$work/duck-$qid.err" <<'EOF'
import sys, time
sys.path.insert(0, sys.argv[1])
import duckdb
import results
_, _, trips, zones, threads, limit, sql, ours, qid = sys.argv
con = duckdb.connect()
con.execute(f"SET threads = {int(threads)}")
con.execute(f"SET memory_limit = '{int(limit) // 2**20}MiB'")
con.execute("SET TimeZone = 'UTC'")
con.execute(f"CREATE VIEW trips AS SELECT * FROM read_parquet('{trips}/*.parquet')")
con.execute(f"CREATE VIEW zones AS SELECT * FROM read_parquet('{zones}')")
start = time.perf_counter()
con.execute(sql).fetchall()
seconds = time.perf_counter() - start
names, kinds, expected = results.expected_from_duckdb(con, sql)
equal = "–"
try:
    with open(ours) as f:
        actual = results.parse_actual(f.read(), len(names))
    problem = results.compare(actual, expected, names, kinds, qid in ("Q4", "Q5", "Q6"), approx=True)
    # Q4's LIMIT 10 may cut through equal counts: the counts must still agree
    if problem and qid == "Q4" and [r[2] for r in actual] == [r[2] for r in expected]:
        problem = None
    equal = "yes" if problem is None else "FAIL"
    if problem:
        print(f"{qid}: {problem}", file=sys.stderr)
except FileNotFoundError:
    pass
print(f"{seconds:.2f} {equal}")
EOF
  then
    read -r secs equal <"$work/duck-$qid.out"
    echo "$secs $(awk '{printf "%.0f", $1 / 1024}' "$work/time") $equal"
  else
    echo "ERROR"
    echo "scale_run: $qid DuckDB failed: $(tail -n 3 "$work/duck-$qid.err")" >&2
  fi
}

first_row() {  # the first jsonl line of a result, shortened
  head -c 120 "$1" | head -n 1
}

echo "Scale run: $total_rows taxi rows ($copies x the ${base_rows}-row base set, $((copies * base_files)) files" \
  "via symlinks, ${rg_rows}-row row groups), $threads threads, --memory-limit $memory_limit bytes," \
  "one run per query (warm page cache only as far as RAM holds the base files)." \
  "Ours: wall time of the whole strongroom query process and its peak RSS (/usr/bin/time)." \
  "Reference: 3 SGX Spark executors count 1.57 B rows in 131 s; vanilla Spark 96 s."
echo
header="| query | ours-encrypted s | ours peak MB"
rule="|---|---:|---:"
[ $run_plain = 1 ] && { header+=" | ours-plain s | plain peak MB"; rule+="|---:|---:"; }
[ $run_duckdb = 1 ] && { header+=" | DuckDB s | DuckDB peak MB | equal?"; rule+="|---:|---:|---"; }
echo "$header | first result row |"
echo "$rule|---|"

status=0
while IFS=$'\t' read -r qid sql; do
  case ",$queries," in *",$qid,"*) ;; *) continue ;; esac
  read -r e_s e_mb <<<"$(run_ours enc "$qid" "$sql" "$scale_enc" "$zones_enc" --keys "$keys")"
  [ "$e_s" = ERROR ] && status=1
  line="| $qid | $e_s | ${e_mb:-–}"
  if [ $run_plain = 1 ]; then
    read -r p_s p_mb <<<"$(run_ours plain "$qid" "$sql" "$scale_plain" "$zones")"
    [ "$p_s" = ERROR ] && status=1
    line+=" | $p_s | ${p_mb:-–}"
  fi
  if [ $run_duckdb = 1 ]; then
    read -r d_s d_mb d_eq <<<"$(run_duckdb "$qid" "$sql")"
    [ "${d_eq:-}" = FAIL ] && status=1
    line+=" | $d_s | ${d_mb:-–} | ${d_eq:-–}"
  fi
  echo "$line | \`$(first_row "$work/enc-$qid.jsonl")\` |"
done < <(python3 "$here/query_bench.py" --list-queries)
echo
echo "Q1 must answer $total_rows. Reference: SGX Spark (3 executors) count(*) over 1.57 B rows 131 s, vanilla Spark 96 s."
exit $status
