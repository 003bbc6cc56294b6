#!/usr/bin/env bash
# Always Encrypted tables: time to write, encrypt in place and query an Employees table of N rows
# on PostgreSQL and SQLite, against the database itself running the same aggregate on the
# plaintext table (the peer). Dev key file CMK (no CAS round trip: one RSA unwrap per command).
#   bash bench/ae_tables_bench.sh [ROWS]      (release build of strongroom; starts its own PostgreSQL)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROWS=${1:-200000}
S=${STRONGROOM:-$(swift build -c release --show-bin-path)/strongroom}
W=$(mktemp -d /tmp/ae-bench.XXXXXX)
PGDIR=$(mktemp -u /tmp/ae-bench-pg.XXXXXX)  # created by postgres.sh, reachable by the postgres user
trap 'sh scripts/postgres.sh stop "$PGDIR" >/dev/null 2>&1 || true; rm -rf "$W" "$PGDIR"' EXIT
PG=$(sh scripts/postgres.sh start "$PGDIR" $((20000 + RANDOM % 30000)))
psql -X -q "$PG" -c "CREATE DATABASE bench"
now() { echo "$EPOCHREALTIME"; }
elapsed() { python3 -c "import sys; print(float(sys.argv[2]) - float(sys.argv[1]))" "$1" "$EPOCHREALTIME"; }
SQL="SELECT Department, count(*) AS n, avg(Salary) AS avg_salary FROM e GROUP BY Department ORDER BY Department"
printf '| database | rows | sample write s | encrypt-table s | query (decrypt + aggregate) s | database on plaintext s | query / database |\n|---|---:|---:|---:|---:|---:|---:|\n'
for kind in postgres sqlite; do
    if [ $kind = postgres ]; then DB="${PG%/postgres}/bench?sslmode=disable"; else DB="sqlite://$W/bench.db"; fi
    T="$DB$([ $kind = postgres ] && echo '&' || echo '?')table=Employees"
    t=$(now); "$S" sql sample --output "$T" --rows "$ROWS" >/dev/null; write=$(elapsed $t)
    if [ $kind = postgres ]; then
        t=$(now); psql -X -q -At "${PG%/postgres}/bench" -c 'SELECT "Department", count(*), avg("Salary") FROM "Employees" GROUP BY 1 ORDER BY 1' >/dev/null; peer=$(elapsed $t)
    else
        t=$(now); python3 -c "import sqlite3,sys; list(sqlite3.connect(sys.argv[1]).execute('SELECT Department, count(*), avg(Salary) FROM Employees GROUP BY 1 ORDER BY 1'))" "$W/bench.db"; peer=$(elapsed $t)
    fi
    "$S" sql keys create-cmk --database "$DB" --name CMK --key-file "$W/cmk.pem" >/dev/null 2>&1
    "$S" sql keys create-cek --database "$DB" --name CEK --cmk CMK --cmk-key "CMK=$W/cmk.pem" >/dev/null 2>&1
    t=$(now); "$S" sql encrypt-table --table "$T" --encrypt SSN=CEK:deterministic --encrypt Salary=CEK:randomized --cmk-key "CMK=$W/cmk.pem" >/dev/null 2>&1; enc=$(elapsed $t)
    t=$(now); "$S" query --sql "$SQL" --table "e=$T" --cmk-key "CMK=$W/cmk.pem" >/dev/null 2>&1; q=$(elapsed $t)
    printf '| %s | %d | %.2f | %.2f | %.2f | %.2f | %.1f× |\n' $kind "$ROWS" "$write" "$enc" "$q" "$peer" "$(python3 -c "import sys; print(float(sys.argv[1]) / float(sys.argv[2]))" "$q" "$peer")"
done
