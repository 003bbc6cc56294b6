#!/usr/bin/env bash
# libFuzzer over every parser of untrusted bytes (Sources/FuzzTargets: evidence, DCAP quotes
# and collateral, Parquet files and thrift structures, PME key material, SQL, policy YAML).
# SwiftPM builds `strongroom-fuzz` with the fuzzer (and AddressSanitizer) instrumentation in
# its own scratch folder; each target then runs for the given seconds from a corpus seeded with
# Tests/FuzzRegressions/<target>/ and its files of ../shared/vectors. A crash is copied into
# Tests/FuzzRegressions/<target>/ — fix the parser, commit the file, and FuzzRegressionTests
# replays it from then on — and the script fails.
#   scripts/fuzz.sh [seconds per target, default 30] [target…]     (targets: --list)
#   STRONGROOM_FUZZ_CONFIG=release scripts/fuzz.sh 3600 sql          (optimised, for long runs)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
shift || true
config=${STRONGROOM_FUZZ_CONFIG:-debug}
scratch=.build-fuzz
vectors=${STRONGROOM_VECTORS:-$(cd .. && pwd)/shared/vectors}
[ -d "$vectors" ] || vectors=/work/shared/vectors

echo "== building strongroom-fuzz ($config, -sanitize=fuzzer,address) in $scratch"
swift build -c "$config" --scratch-path "$scratch" --product strongroom-fuzz \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld -Xswiftc -DSTRONGROOM_LIBFUZZER 2>&1 | tail -n 3
fuzzer="$(swift build -c "$config" --scratch-path "$scratch" --show-bin-path)/strongroom-fuzz"

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    while IFS= read -r t; do targets+=("$t"); done < <("$fuzzer" --list)
fi

failed=()
for target in "${targets[@]}"; do
    work="$scratch/fuzz/$target"
    corpus="$work/corpus"
    mkdir -p "$corpus" "$work/artifacts"
    cp Tests/FuzzRegressions/"$target"/* "$corpus"/ 2>/dev/null || true
    while IFS= read -r pattern; do
        for f in $vectors/$pattern; do [ -f "$f" ] && cp "$f" "$corpus/$(echo "${f#"$vectors"/}" | tr / _)"; done
    done < <("$fuzzer" --seeds "$target")
    echo "== $target: ${seconds}s from $(ls "$corpus" | wc -l) seeds"
    rc=0
    ASAN_OPTIONS=detect_leaks=0 "$fuzzer" "$target" -max_total_time="$seconds" -max_len=262144 -rss_limit_mb=2048 \
        -timeout=10 -print_final_stats=1 -artifact_prefix="$work/artifacts/" "$corpus" > "$work/log" 2>&1 || rc=$?
    grep -E "^Done [0-9]+ runs|^stat::number_of_executed_units" "$work/log" | head -n 1
    if [ "$rc" -ne 0 ]; then
        grep -E "==ERROR|Fatal error|SUMMARY|ERROR: libFuzzer" "$work/log" | head -n 5 >&2 || true
        for artifact in "$work"/artifacts/*; do
            [ -f "$artifact" ] || continue
            kept="Tests/FuzzRegressions/$target/$(basename "$artifact")"
            cp "$artifact" "$kept"
            echo "$target: crashing input kept as $kept (log: $work/log)" >&2
        done
        failed+=("$target")
    fi
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzzing found crashes in: ${failed[*]}" >&2
    exit 1
fi
echo "fuzzing: ${#targets[@]} targets, ${seconds}s each, no crash"
