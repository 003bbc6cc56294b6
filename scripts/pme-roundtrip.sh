#!/usr/bin/env bash
# The PME round trip (the first main job): build the release CLI, make a taxi-like sample, encrypt it with
# parquet-java key material (double wrapping under dev master keys), decrypt it back, and
# check with `strongroom parquet cat` that decrypted == encrypted == original.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO=$(pwd)

if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
  export PATH="/opt/swift/usr/bin:$PATH"
fi
ROWS=${MAIN_JOB_ROWS:-500000}
RG_ROWS=${MAIN_JOB_RG_ROWS:-100000}
WORK=$REPO/.test-work/main-job
rm -rf "$WORK" && mkdir -p "$WORK/plain"
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2fs", b - a }'; }

if [ -n "${STRONGROOM_BIN:-}" ]; then
  SR=$STRONGROOM_BIN  # an already built CLI
else
  echo "==> swift build -c release --product strongroom"
  swift build -c release --product strongroom
  SR="$(swift build -c release --show-bin-path)/strongroom"
fi

# CI checks shared/ out beside the repository; a worktree may sit one level deeper.
SHARED=${STRONGROOM_SHARED:-}
for d in "$(dirname "$REPO")/shared" "$(dirname "$(dirname "$REPO")")/shared"; do
  if [ -z "$SHARED" ] && [ -f "$d/bench/taxi_gen.py" ]; then SHARED=$d; fi
done

t=$(now)
if [ -n "$SHARED" ] && python3 -c "import numpy, pyarrow" 2>/dev/null; then
  source_kind="taxi ($SHARED/bench/taxi_gen.py)"
  python3 "$SHARED/bench/taxi_gen.py" --out "$WORK/plain" --rows "$ROWS" --files 1 --rg-rows "$RG_ROWS" --procs 1 >/dev/null
  PLAIN=$(ls "$WORK"/plain/*.parquet)
  COLUMN_KEYS=(--column-key "k1:fare_amount,extra,mta_tax,tip_amount,tolls_amount,improvement_surcharge,total_amount,congestion_surcharge,airport_fee"
               --column-key "k2:VendorID,tpep_pickup_datetime,tpep_dropoff_datetime,passenger_count,trip_distance,PULocationID,DOLocationID")
else
  source_kind="strongroom parquet write-sample (taxi_gen.py or numpy not available)"
  PLAIN="$WORK/plain/sample.parquet"
  "$SR" parquet write-sample "$PLAIN" --rows "$ROWS" --row-group-rows "$RG_ROWS" --codec snappy
  COLUMN_KEYS=(--column-key "k1:i32,i64,f64,dec9,dec18,dec38" --column-key "k2:s,bin,ts,d")
fi
gen_time=$(since "$t")

# Development master keys, fresh for every run: {"id": "base64"}.
KEYS="$WORK/keys.json"
printf '{"kf": "%s", "k1": "%s", "k2": "%s"}\n' \
  "$(head -c 16 /dev/urandom | base64)" "$(head -c 16 /dev/urandom | base64)" "$(head -c 16 /dev/urandom | base64)" > "$KEYS"

ENC="$WORK/encrypted.parquet"
DEC="$WORK/decrypted.parquet"
t=$(now)
"$SR" parquet encrypt "$PLAIN" "$ENC" --keys "$KEYS" --footer-key kf "${COLUMN_KEYS[@]}" --key-material
enc_time=$(since "$t")
t=$(now)
"$SR" parquet decrypt "$ENC" "$DEC" --keys "$KEYS"
dec_time=$(since "$t")

digest() { # rows and sha256 of the JSONL of a file
  local out="$WORK/$(basename "$1").jsonl"
  "$SR" parquet cat "$@" --format jsonl > "$out"
  echo "$(wc -l < "$out" | tr -d ' ') $(sha256sum "$out" | cut -c1-16)"
}
t=$(now)
read -r rows_plain sum_plain < <(digest "$PLAIN")
read -r rows_enc sum_enc < <(digest "$ENC" --keys "$KEYS")
read -r rows_dec sum_dec < <(digest "$DEC")
cat_time=$(since "$t")

size() { stat -c %s "$1"; }
cat <<SUMMARY

== main job summary
source     : $source_kind
original   : $(size "$PLAIN") bytes, $rows_plain rows, jsonl sha256 $sum_plain   (generated in $gen_time)
encrypted  : $(size "$ENC") bytes, $rows_enc rows, jsonl sha256 $sum_enc   (encrypt --key-material $enc_time)
decrypted  : $(size "$DEC") bytes, $rows_dec rows, jsonl sha256 $sum_dec   (decrypt $dec_time)
cat x3     : $cat_time
SUMMARY

if [ "$rows_plain" = "$ROWS" ] && [ "$rows_plain $sum_plain" = "$rows_enc $sum_enc" ] && [ "$rows_plain $sum_plain" = "$rows_dec $sum_dec" ]; then
  echo "OK: decrypted == encrypted == original ($rows_plain rows)"
else
  echo "FAIL: round trip differs (expected $ROWS rows)" >&2
  exit 1
fi
