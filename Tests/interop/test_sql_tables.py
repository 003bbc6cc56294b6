"""Always Encrypted tables in real databases (issue 6): SQLite files and a real PostgreSQL server.

Round trips through `sql sample`, `sql keys`, `sql encrypt-table`, `sql read`, `query --table/--output`;
cells checked against an independent implementation (RSA-OAEP CEK unwrap and AEAD decryption
written here with `cryptography`); a real SQL Server key chain read through a table; tampered
cells refused; a failing write and a killed writer leave the target table as it was."""
import csv
import io
import os
import signal
import struct
import subprocess
import time

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding as rsa_padding

from conftest import REPO, assert_clean_failure, key_leak_forms, shared_dir
from db_backends import PostgresCluster, make_backend
from test_sql_cell import independent_decrypt

BACKENDS = ["sqlite", "postgres"]


@pytest.fixture(scope="module")
def cluster():
    c = PostgresCluster()
    yield c
    c.stop()


@pytest.fixture
def db(request, tmp_path, cluster):
    """An empty database of the kind the test is parametrized with (indirect)."""
    return make_backend(request.param, tmp_path, cluster)


def assert_refused(result, secrets=()):
    """assert_clean_failure, after the development warning that --cmk-key prints."""
    result.stderr = "".join(line for line in result.stderr.splitlines(keepends=True) if not line.startswith("warning: --cmk-key"))
    assert_clean_failure(result, secrets)


def read_csv(text):
    return list(csv.DictReader(io.StringIO(text)))


def unwrap_cek_independently(value, pem):
    """SQL Server's CEK value: 0x01 | keyPathLen u16 | ctLen u16 | keyPath UTF-16LE | RSA-OAEP-SHA1 ct | signature."""
    assert value[0] == 1
    path_len, ct_len = struct.unpack_from("<HH", value, 1)
    ciphertext = value[5 + path_len:5 + path_len + ct_len]
    key = serialization.load_pem_private_key(pem, password=None)
    return key.decrypt(ciphertext, rsa_padding.OAEP(mgf=rsa_padding.MGF1(hashes.SHA1()), algorithm=hashes.SHA1(), label=None))


def setup_contoso(strongroom, db, tmp_path, rows=200):
    """Plaintext Employees, a local RSA CMK (development), a CEK, SSN deterministic + Salary randomized."""
    pem = tmp_path / "cmk.pem"
    strongroom.ok("sql", "sample", "--output", db.table("Employees"), "--rows", rows)
    before = read_csv(strongroom.ok("sql", "read", "--table", db.table("Employees"), "--format", "csv").stdout)
    strongroom.ok("sql", "keys", "create-cmk", "--database", db.url, "--name", "CMK1", "--key-file", pem)
    cmk = ["--cmk-key", f"CMK1={pem}"]
    strongroom.ok("sql", "keys", "create-cek", "--database", db.url, "--name", "CEK1", "--cmk", "CMK1", *cmk)
    strongroom.ok("sql", "encrypt-table", "--table", db.table("Employees"),
                  "--encrypt", "SSN=CEK1:deterministic", "--encrypt", "Salary=CEK1:randomized", *cmk)
    return before, cmk, pem


def stored_cek(db, pem):
    value = bytes.fromhex(db.query(f"SELECT {db.hex_of('encrypted_value')} FROM ae_column_encryption_key_values "
                                   "WHERE column_encryption_key_name = 'CEK1'")[0][0])
    return unwrap_cek_independently(value, pem.read_bytes())


@pytest.mark.parametrize("db", BACKENDS, indirect=True)
def test_encrypted_in_place_and_read_back(strongroom, db, tmp_path):
    before, cmk, pem = setup_contoso(strongroom, db, tmp_path)
    assert len(before) == 200
    # What the database holds: version byte 0x01 cells, no plaintext SSN anywhere.
    stored = db.query(f'SELECT "EmployeeID", {db.hex_of("SSN")}, {db.hex_of("Salary")} FROM "Employees" ORDER BY "EmployeeID"')
    assert all(ssn.startswith("01") and salary.startswith("01") for _, ssn, salary in stored)
    cek = stored_cek(db, pem)
    by_id = {row["EmployeeID"]: row for row in before}
    for employee_id, ssn_cell, _ in stored:
        # nvarchar plaintext is UTF-16LE (SQL Server's normalization); decrypted here independently.
        assert independent_decrypt(cek, bytes.fromhex(ssn_cell)).decode("utf-16-le") == by_id[employee_id]["SSN"]
    # Deterministic: the same SSN gives the same cell; randomized Salary cells are all distinct.
    first_ssn = by_id[stored[0][0]]["SSN"]
    again = strongroom.ok("sql", "cell", "encrypt", "--cek-hex", cek.hex(), "--deterministic",
                          first_ssn.encode("utf-16-le").hex()).stdout.strip()
    assert again == stored[0][1]
    assert len({salary for _, _, salary in stored}) == len(stored)

    after = strongroom.ok("sql", "read", "--table", db.table("Employees"), "--decrypt", *cmk, "--format", "csv")
    assert sorted(read_csv(after.stdout), key=lambda r: int(r["EmployeeID"])) == before
    for leak in key_leak_forms(cek):
        assert leak not in after.stdout + after.stderr

    # Without the key: ciphertext only, and a clear refusal to decrypt.
    hidden = read_csv(strongroom.ok("sql", "read", "--table", db.table("Employees"), "--format", "csv").stdout)
    assert all(row["SSN"].startswith("0x01") for row in hidden)
    refused = strongroom.run("sql", "read", "--table", db.table("Employees"), "--decrypt")
    assert_refused(refused)
    assert "CMK1" in refused.stderr


@pytest.mark.parametrize("db", BACKENDS, indirect=True)
def test_query_pushes_deterministic_equality_and_writes_encrypted(strongroom, db, tmp_path):
    before, cmk, pem = setup_contoso(strongroom, db, tmp_path)
    target = before[17]
    employees = ["--table", f"e={db.table('Employees')}"]
    sql = f"SELECT EmployeeID, LastName, Salary FROM e WHERE SSN = '{target['SSN']}'"
    plan = strongroom.ok("query", "--sql", sql, *employees, *cmk, "--explain").stdout
    assert "1 on deterministic ciphertext" in plan
    found = read_csv(strongroom.ok("query", "--sql", sql, *employees, *cmk, "--format", "csv").stdout)
    expected = [row for row in before if row["SSN"] == target["SSN"]]
    assert [r["EmployeeID"] for r in found] == [r["EmployeeID"] for r in expected]
    assert found[0]["Salary"] == target["Salary"]

    report = "SELECT Department, count(*) AS Employees, avg(Salary) AS AvgSalary FROM e GROUP BY Department ORDER BY Department"
    printed = strongroom.ok("query", "--sql", report, *employees, *cmk, "--format", "csv").stdout
    strongroom.ok("query", "--sql", report, *employees, *cmk, "--output", db.table("ByDept"),
                  "--encrypt", "AvgSalary=CEK1:randomized")
    raw = db.query(f'SELECT "Department", {db.hex_of("AvgSalary")} FROM "ByDept"')
    assert len(raw) == 6 and all(cell.startswith("01") for _, cell in raw)
    back = strongroom.ok("sql", "read", "--table", db.table("ByDept"), "--decrypt", *cmk, "--format", "csv",
                         "--sql", "SELECT * FROM ByDept ORDER BY Department").stdout
    assert back == printed

    # Appending with the table's own settings works; other settings are refused, nothing written.
    strongroom.ok("query", "--sql", report, *employees, *cmk, "--output", db.table("ByDept"),
                  "--encrypt", "AvgSalary=CEK1:randomized")
    assert db.count("ByDept") == 12
    refused = strongroom.run("query", "--sql", report, *employees, *cmk, "--output", db.table("ByDept"),
                             "--encrypt", "AvgSalary=CEK1:deterministic")
    assert_refused(refused)
    assert "encrypted with other settings" in refused.stderr
    assert db.count("ByDept") == 12


def bad_names_csv(path, rows, bad_row):
    with open(path, "w") as f:
        f.write("id,name\n")
        for i in range(1, rows + 1):
            f.write(f"{i},{'a-name-far-too-long-for-ten' if i == bad_row else 'n' + str(i)}\n")
    return path


@pytest.mark.parametrize("db", BACKENDS, indirect=True)
def test_failed_write_changes_nothing(strongroom, db, tmp_path):
    _, cmk, _ = setup_contoso(strongroom, db, tmp_path, rows=10)
    bad = bad_names_csv(tmp_path / "bad.csv", 1200, 1100)
    args = ["--sql", "SELECT id, name FROM t ORDER BY id", "--table", f"t={bad}", *cmk,
            "--output", db.table("Names"), "--encrypt", "name=CEK1:randomized:nvarchar(10)"]
    failed = strongroom.run("query", *args)
    assert_refused(failed)
    assert "row 1100" in failed.stderr
    assert not db.exists("Names")  # the CREATE TABLE and the first 1,099 rows were rolled back

    good = bad_names_csv(tmp_path / "good.csv", 50, 0)
    strongroom.ok("query", *[a if a != f"t={bad}" else f"t={good}" for a in args])
    assert db.count("Names") == 50
    assert_refused(strongroom.run("query", *args))
    assert db.count("Names") == 50


def writer_in_transaction(db, process):
    if db.kind == "sqlite":
        wal = db.sqlite_path + "-wal"
        return os.path.exists(wal) and os.path.getsize(wal) > 4_000_000
    rows = db.query("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid() AND xact_start IS NOT NULL AND query LIKE 'INSERT INTO%'")
    return rows[0][0] != "0"


@pytest.mark.parametrize("db", BACKENDS, indirect=True)
def test_killed_writer_leaves_table_unchanged(strongroom, db, tmp_path):
    _, cmk, _ = setup_contoso(strongroom, db, tmp_path, rows=10)
    rows = 400_000
    pq.write_table(pa.table({"id": pa.array(range(rows), pa.int64()),
                             "note": pa.array([f"note {i:07d}" for i in range(rows)])}), tmp_path / "big.parquet")
    for existing in (False, True):
        if existing:
            strongroom.ok("query", "--sql", "SELECT id, note FROM t LIMIT 5", "--table", f"t={tmp_path / 'big.parquet'}", *cmk,
                          "--output", db.table("Big"), "--encrypt", "note=CEK1:randomized")
        process = subprocess.Popen([strongroom.binary, "query", "--sql", "SELECT id, note FROM t", "--table",
                                    f"t={tmp_path / 'big.parquet'}", *cmk, "--output", db.table("Big"),
                                    "--encrypt", "note=CEK1:randomized"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 120
        while time.time() < deadline and process.poll() is None and not writer_in_transaction(db, process):
            time.sleep(0.05)
        assert process.poll() is None, "the writer finished before it could be killed: make the table bigger"
        process.send_signal(signal.SIGKILL)
        assert process.wait(timeout=30) == -signal.SIGKILL
        if existing:
            assert db.count("Big") == 5
        else:
            assert not db.exists("Big")


def sql_server_chain():
    root = shared_dir()
    if root is None:
        pytest.skip("../shared/vectors is not available")
    base = root / "vectors" / "always-encrypted" / "swisscom-mssql-always-encrypted"
    return base / "always-encrypted.pem", (base / "cekv.key").read_bytes(), (base / "column_value.enc").read_bytes()


@pytest.mark.parametrize("db", BACKENDS, indirect=True)
def test_sql_server_key_chain_through_a_table(strongroom, db, tmp_path):
    """A CEK value and a cell written by SQL Server (swisscom vectors), stored in a table with
    metadata mirroring sys.column_encryption_key_values, decrypt through `sql read --decrypt`."""
    pem, cek_value, cell = sql_server_chain()
    strongroom.ok("sql", "keys", "create-cmk", "--database", db.url, "--name", "SQLSERVER_CMK", "--key-file", pem,
                  "--provider", "MSSQL_CERTIFICATE_STORE", "--key-path", "CurrentUser/My/0BE978BA81EED610015FD8B7CAEF55F1614CA3B6")
    blob = "BLOB" if db.kind == "sqlite" else "bytea"
    now = "2021-01-26T00:00:00Z"
    db.execute(f"""
        INSERT INTO ae_column_encryption_keys VALUES ('SQLSERVER_CEK', '{now}');
        INSERT INTO ae_column_encryption_key_values VALUES ('SQLSERVER_CEK', 'SQLSERVER_CMK', 'RSA_OAEP', {db.bytes_literal(cek_value)});
        CREATE TABLE "Customers" ("id" integer, "code" {blob});
        INSERT INTO "Customers" VALUES (1, {db.bytes_literal(cell)});
        INSERT INTO "Customers" VALUES (2, NULL);
        INSERT INTO ae_encrypted_columns VALUES ('Customers', 'code', 'SQLSERVER_CEK', 'RANDOMIZED', 'AEAD_AES_256_CBC_HMAC_SHA_256', 'nchar(10)');
    """)
    key = ["--cmk-key", f"SQLSERVER_CMK={pem}"]
    rows = read_csv(strongroom.ok("sql", "read", "--table", db.table("Customers"), "--decrypt", *key, "--format", "csv").stdout)
    assert rows == [{"id": "1", "code": "12345     "}, {"id": "2", "code": ""}]

    tampered = bytearray(cell)
    tampered[-1] ^= 1
    db.execute(f'UPDATE "Customers" SET "code" = {db.bytes_literal(bytes(tampered))} WHERE "id" = 1')
    refused = strongroom.run("sql", "read", "--table", db.table("Customers"), "--decrypt", *key)
    assert_refused(refused, secrets=key_leak_forms(bytes.fromhex("0ff9e45335df3dec7be0649f741e6ea870e9d49d16fe4be7437ce22489f48ead")))
    assert "failed authentication" in refused.stderr and "column code row" in refused.stderr
    assert "12345" not in refused.stdout


@pytest.mark.parametrize("url, message", [
    ("sqlite:///nonexistent/dir/x.db?table=t", "does not exist"),
    ("postgres://u@127.0.0.1:1/db?table=t", "cannot connect"),
    ("sqlite:///tmp/x.db?table=bad;name", "table= takes a name"),
    ("postgres://u:secretpw@127.0.0.1:1/db?table=t&sslmode=bogus", "sslmode"),
])
def test_bad_table_urls_fail_clearly(strongroom, url, message):
    result = strongroom.run("query", "--sql", "SELECT 1", "--table", f"t={url}")
    assert_refused(result, secrets=["secretpw"])
    assert message in result.stderr
