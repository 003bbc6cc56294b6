#!/usr/bin/env bash
# The test command (README, CI): system and python dependencies, Swift unit tests (debug),
# the release CLI, then the interop tests against it (pyarrow, DuckDB, Spark).
# Idempotent; fast when everything is already installed. Exits non-zero if any step fails.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
  export PATH="/opt/swift/usr/bin:$PATH"
fi
export DEBIAN_FRONTEND=noninteractive
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo -n"
WORK=.test-work
mkdir -p "$WORK"
step() { printf '\n==> %s\n' "$*"; }
started=$SECONDS

step "System packages"
bash scripts/install-deps.sh
# Java 17 for Spark; the JDK (not only the JRE) because the interop tests compile a small
# KmsClient with javac (InMemoryKMS is not in Spark's jars).
if ! command -v java >/dev/null 2>&1 || ! command -v javac >/dev/null 2>&1; then
  echo "installing openjdk-17-jdk-headless"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends openjdk-17-jdk-headless
fi

step "Python packages"
bash scripts/python-deps.sh

step "target graph (scripts/check-graph.py: layers of ARCHITECTURE.md, declared imports)"
graph_rc=0
{ python3 scripts/check-graph.py --self-test && python3 scripts/check-graph.py; } || graph_rc=$?

step "swift build (debug)"
swift build

step "swift test"
swift_rc=0
swift test 2>&1 | tee "$WORK/swift-test.log" || swift_rc=$?
# The closing summaries (swift-testing and XCTest), in case they scrolled past.
echo "--- swift test summary (full log: $WORK/swift-test.log)"
grep -E "Test run with [0-9]+ tests?|Executed [0-9]+ tests?" "$WORK/swift-test.log" | tail -n 4 || true
if [ "$swift_rc" -ne 0 ]; then
  echo "swift test FAILED (exit $swift_rc); running the interop tests anyway" >&2
fi

step "fuzz every parser of untrusted bytes briefly (libFuzzer + ASan, SwiftPM-built strongroom-fuzz; scripts/fuzz.sh) after $((SECONDS - started))s"
fuzz_rc=0
bash scripts/fuzz.sh 5 > "$WORK/fuzz.log" 2>&1 || fuzz_rc=$?
grep -E "^== |^Done [0-9]+ runs|ERROR: libFuzzer|==ERROR|crashing input|^fuzzing" "$WORK/fuzz.log" || true
if [ "$fuzz_rc" -ne 0 ]; then echo "fuzzing FAILED (exit $fuzz_rc); see $WORK/fuzz.log" >&2; fi

step "swift build -c release --product strongroom (and strongroom-bench)"
swift build -c release --product strongroom
swift build -c release --product strongroom-bench
STRONGROOM_BIN="$(swift build -c release --show-bin-path)/strongroom"
export STRONGROOM_BIN

step "strongroom demo (the main job: CAS, agent, attested query, refusal of a modified binary) after $((SECONDS - started))s"
demo_rc=0
"$STRONGROOM_BIN" demo --rows 50000 > "$WORK/demo.log" 2>&1 || demo_rc=$?
tail -n 40 "$WORK/demo.log"
if [ "$demo_rc" -ne 0 ]; then echo "strongroom demo FAILED (exit $demo_rc); full output in $WORK/demo.log" >&2; fi

step "ContosoHR example (Always Encrypted tables through CAS) on PostgreSQL and SQLite after $((SECONDS - started))s"
example_rc=0
(
  set -euo pipefail
  rm -rf "$WORK/contoso-pg" "$WORK/contoso-sqlite" "$WORK"/contoso-hr.db*
  pgdir=$(mktemp -d /tmp/strongroom-example-pg.XXXXXX)
  trap 'sh scripts/postgres.sh stop "$pgdir" >/dev/null 2>&1 || true; rm -rf "$pgdir"' EXIT
  pgurl=$(sh scripts/postgres.sh start "$pgdir" $((20000 + RANDOM % 30000)))
  psql -X -q "$pgurl" -c "CREATE DATABASE contoso_hr"
  STRONGROOM="$STRONGROOM_BIN" bash examples/contoso-hr/run.sh "${pgurl%/postgres}/contoso_hr?sslmode=disable" "$WORK/contoso-pg"
  STRONGROOM="$STRONGROOM_BIN" bash examples/contoso-hr/run.sh "sqlite://$PWD/$WORK/contoso-hr.db" "$WORK/contoso-sqlite"
) > "$WORK/contoso-hr.log" 2>&1 || example_rc=$?
tail -n 30 "$WORK/contoso-hr.log"
if [ "$example_rc" -ne 0 ]; then echo "ContosoHR example FAILED (exit $example_rc); full output in $WORK/contoso-hr.log" >&2; fi

step "interop tests (pytest Tests/interop, STRONGROOM_BIN=$STRONGROOM_BIN) after $((SECONDS - started))s"
pytest_rc=0
python3 -m pytest Tests/interop -ra -o cache_dir="$WORK/pytest-cache" || pytest_rc=$?

step "adversarial tests (pytest Tests/adversarial: attacks on the trust chain, SQLite and PostgreSQL CAS) after $((SECONDS - started))s"
adversarial_rc=0
python3 -m pytest Tests/adversarial -ra -o cache_dir="$WORK/pytest-cache-adversarial" || adversarial_rc=$?

step "SQL logic suite (pytest Tests/sqllogic: strongroom query against DuckDB) after $((SECONDS - started))s"
sqllogic_rc=0
python3 -m pytest Tests/sqllogic -ra -o cache_dir="$WORK/pytest-cache-sqllogic" || sqllogic_rc=$?

step "TPC-H, 22 queries on PME-encrypted data against DuckDB (pytest Tests/tpch, scale factor ${STRONGROOM_TPCH_SCALE:-0.01}) after $((SECONDS - started))s"
tpch_rc=0
python3 -m pytest Tests/tpch -ra -o cache_dir="$WORK/pytest-cache-tpch" || tpch_rc=$?

[ "$graph_rc" -eq 0 ] && [ "$swift_rc" -eq 0 ] && [ "$fuzz_rc" -eq 0 ] && [ "$demo_rc" -eq 0 ] && [ "$example_rc" -eq 0 ] && [ "$pytest_rc" -eq 0 ] && [ "$adversarial_rc" -eq 0 ] && [ "$sqllogic_rc" -eq 0 ] && [ "$tpch_rc" -eq 0 ]
