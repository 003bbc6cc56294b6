"""All 22 TPC-H queries with their validation parameters, on PME-encrypted data, equal to
DuckDB's answers on the plaintext copy."""
import subprocess

import duckdb
import pytest

from conftest import QUERIES, TABLES
from results import compare, expected_from_duckdb, parse_actual
from slt_format import ends_with_order_by

QUERY_NUMBERS = [f"{i:02d}" for i in range(1, 23)]


@pytest.fixture(scope="module")
def duck(tpch):
    plain, _, _ = tpch
    con = duckdb.connect()
    for table in TABLES:
        con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{plain}/{table}.parquet')")
    return con


@pytest.mark.parametrize("number", QUERY_NUMBERS)
def test_tpch_query_equals_duckdb(number, tpch, duck, strongroom_bin):
    _, encrypted, keys = tpch
    sql = (QUERIES / f"q{number}.sql").read_text()
    names, kinds, expected = expected_from_duckdb(duck, sql)
    args = [strongroom_bin, "query", "--keys", str(keys), "--format", "jsonl", "--threads", "2", "--sql", sql]
    for table in TABLES:
        args += ["--table", f"{table}={encrypted}/{table}.parquet"]
    p = subprocess.run(args, capture_output=True, timeout=300)
    assert p.returncode == 0, f"q{number}: {p.stderr.decode()[-2000:]}"
    actual = parse_actual(p.stdout.decode(), len(names))
    difference = compare(actual, expected, names, kinds, ends_with_order_by(sql), approx=True)
    assert difference is None, f"q{number}: {difference}"


def test_the_encrypted_files_do_not_open_without_keys(tpch, strongroom_bin):
    _, encrypted, _ = tpch
    p = subprocess.run([strongroom_bin, "query", "--table", f"lineitem={encrypted}/lineitem.parquet",
                        "--sql", "SELECT count(*) FROM lineitem"], capture_output=True, timeout=60)
    assert p.returncode != 0 and b"key" in p.stderr.lower(), p.stderr.decode()[-500:]
