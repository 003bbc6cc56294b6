#!/usr/bin/env bash
# ContosoHR, end to end through CAS: an Employees table whose SSN and Salary columns are
# Always Encrypted (SQL Server's cell format) in PostgreSQL or SQLite; average salary by
# department computed inside an attested query and written back encrypted; only the data
# owner reads the result.
#
#   examples/contoso-hr/run.sh DATABASE_URL [WORK_DIR]
#     DATABASE_URL  postgres://USER@HOST[:PORT]/DB  or  sqlite:///ABSOLUTE/PATH.db
#   STRONGROOM=path/to/strongroom (default: .build/release/strongroom, else .build/debug/strongroom)
#
# The README's "Always Encrypted tables" section walks through these same commands.
set -euo pipefail

DB=${1:?usage: $0 DATABASE_URL [WORK_DIR]}
WORK=${2:-$(mktemp -d /tmp/contoso-hr.XXXXXX)}
S=${STRONGROOM:-}
if [ -z "$S" ]; then
    if [ -x .build/release/strongroom ]; then S=.build/release/strongroom; else S=.build/debug/strongroom; fi
fi
S=$(readlink -f "$S")
mkdir -p "$WORK"
cd "$WORK"
# DB URL with ?table=NAME (or &table=NAME when the URL has options such as ?sslmode=disable).
table() { case "$DB" in *\?*) echo "$DB&table=$1" ;; *) echo "$DB?table=$1" ;; esac; }
say() { printf '\n\033[1m%s\033[0m\n' "$*"; }
run() { printf '$ strongroom'; printf ' %q' "$@"; printf '\n'; "$S" "$@"; }

PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

say "1. Operator: CAS (TLS, SQLite state) and the node agent (simulated TEE)"
"$S" cas init --data-dir cas > cas-init.txt
"$S" cas serve --data-dir cas --listen 127.0.0.1:0 --port-file cas.port > cas.log 2>&1 & PIDS+=($!)
"$S" agent serve --socket agent.sock --node-key node.key > agent.log 2>&1 & PIDS+=($!)
for _ in $(seq 100); do [ -s cas.port ] && [ -S agent.sock ] && break; sleep 0.1; done
[ -s cas.port ] && [ -S agent.sock ] || { echo "CAS or agent did not start" >&2; cat cas.log agent.log >&2; exit 1; }
CAS=(--cas "https://127.0.0.1:$(cat cas.port)" --ca cas/ca.pem)
"$S" cas trust-node "${CAS[@]}" --identity cas/admin.identity --name hr-node --public-key "$("$S" agent public-key --node-key node.key)"

say "2. HR (the data owner): identity, plaintext Employees table, keys"
OWNER_KEY=$("$S" identity create --name hr-owner --out hr-owner.identity)
SQL="SELECT Department, count(*) AS Employees, avg(Salary) AS AvgSalary FROM employees GROUP BY Department ORDER BY Department"
cat > policy.yaml <<YAML
name: contoso-hr
version: 1
owners:
  - name: hr-owner
    public_key: "$OWNER_KEY"
approvals_required: 1
master_keys:
  - id: hr-cmk
services:
  - name: payroll-report
    attestation:
      - kind: simulated
        measurements: ["$(sha384sum "$S" | cut -d' ' -f1)"]
    allow_simulation: true
    job_hash: "$("$S" query --sql "$SQL" --print-job-hash)"
    unwrap: [hr-cmk]
YAML
run policy apply policy.yaml "${CAS[@]}" --identity hr-owner.identity
run sql sample --output "$(table Employees)" --rows 1000
run sql keys create-cmk --database "$DB" --name HR_CMK --cas-master-key hr-cmk
run sql keys create-cek --database "$DB" --name HR_CEK --cmk HR_CMK "${CAS[@]}" --identity hr-owner.identity
run sql encrypt-table --table "$(table Employees)" --encrypt SSN=HR_CEK:deterministic --encrypt Salary=HR_CEK:randomized \
    "${CAS[@]}" --identity hr-owner.identity
say "   What the database (and its administrator) holds:"
run sql read --table "$(table Employees)" --sql "SELECT EmployeeID, Department, SSN, Salary FROM Employees LIMIT 3" | cut -c1-110

say "3. The payroll report runs attested: CAS checks the evidence, the binary and the query, then unwraps HR_CEK"
run query --sql "$SQL" --table "employees=$(table Employees)" "${CAS[@]}" --policy contoso-hr --service payroll-report \
    --agent agent.sock --output "$(table SalaryByDepartment)" --encrypt AvgSalary=HR_CEK:randomized

say "4. Stored encrypted; only the owner (through CAS) reads it"
run sql read --table "$(table SalaryByDepartment)" | cut -c1-110
run sql read --table "$(table SalaryByDepartment)" --decrypt "${CAS[@]}" --identity hr-owner.identity

say "5. Another query is refused: its hash is not the one the policy pins"
if "$S" query --sql "SELECT SSN, Salary FROM employees" --table "employees=$(table Employees)" "${CAS[@]}" \
    --policy contoso-hr --service payroll-report --agent agent.sock > refused.txt 2>&1; then
    echo "expected a refusal" >&2; exit 1
fi
sed 's/^/   /' refused.txt

say "6. The audit trail verifies"
run audit verify "${CAS[@]}" --identity cas/admin.identity
