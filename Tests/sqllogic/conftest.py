"""Fixtures of the SQL logic suite: the data files (made once per session in a tmp dir), the
DuckDB reference connection over the same files, and the strongroom runner.

Tables (names used by `tables=` in the .test files):
  trips        taxi-like data, a directory of 2 files x 2 row groups (~200k rows, taxi_gen.py)
  trips_file   the first of those files alone;  trips_glob  the same directory as a glob
  zones        the 265-row zone lookup table (taxi_gen.py --zones)
  alltypes     12 hand-made rows of every type of the issue, with NULLs and negatives
  empty_types  alltypes' schema with no rows
  nulls        a key column and columns that are NULL in every row
  emp, dept    small join tables: duplicate keys, NULL keys, unmatched rows on both sides
  big          int64/int32 extremes for overflow
  fnan         float64 with NaN, +-Infinity and NULL
  people       a CSV file with a header (quoted fields, an empty numeric field)
With the `encrypted` flag, trips/trips_file/trips_glob/zones are PME-encrypted copies (file 0
uniform under the footer key; file 1 and zones with column keys, one of them plaintext footer).
"""
import datetime
import decimal
import os
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO / "Tests" / "interop"))  # pme_kms: the PME writer and KEYS.json

import pme_kms  # noqa: E402

sys.path.insert(0, str(REPO / "Tests" / "pysupport"))
from strongroom_binary import strongroom_binary  # noqa: E402

TAXI_ROWS = int(os.environ.get("STRONGROOM_SQLLOGIC_TAXI_ROWS", "200000"))


def shared_dir():
    """The shared/ folder beside the repository (as in Tests/interop/conftest.py)."""
    candidates = [os.environ.get("STRONGROOM_SHARED"), REPO.parent / "shared", REPO.parent.parent / "shared"]
    for c in candidates:
        if c and (Path(c) / "bench" / "taxi_gen.py").is_file():
            return Path(c)
    return None


@pytest.fixture(scope="session")
def strongroom_bin():
    return strongroom_binary()


# ---------------------------------------------------------------- hand-made tables

def _d(s):
    return None if s is None else decimal.Decimal(s)


def _date(s):
    return None if s is None else datetime.date.fromisoformat(s)


def _ts(s):
    return None if s is None else datetime.datetime.fromisoformat(s)


ALLTYPES_SCHEMA = pa.schema([
    ("id", pa.int32()), ("b", pa.bool_()), ("i8", pa.int8()), ("i16", pa.int16()),
    ("i32", pa.int32()), ("i64", pa.int64()), ("f64", pa.float64()),
    ("dec", pa.decimal128(9, 2)), ("dec18", pa.decimal128(18, 4)), ("dec38", pa.decimal128(38, 6)),
    ("s", pa.string()), ("d", pa.date32()), ("ts", pa.timestamp("us")), ("grp", pa.string()),
])

ALLTYPES_ROWS = [
    # id  b      i8    i16     i32          i64              f64      dec        dec18          dec38                 s                d             ts                               grp
    (1, True, 1, 100, 1000, 10_000_000_000, 1.5, "12.34", "1.0001", "123456789.123456", "apple", "2024-01-15", "2024-01-15 08:30:00", "a"),
    (2, False, -1, -100, -1000, -10_000_000_000, -2.25, "-5.50", "-2.5000", "-0.000001", "Banana", "2023-12-31", "2023-12-31 23:59:59.999999", "a"),
    (3, None, 127, 32767, 2147483647, 4_000_000_000_000, 0.0, "0.00", "0.0000", "0.000000", "", "1970-01-01", "1970-01-01 00:00:00", "b"),
    (4, True, -128, -32768, -2147483648, -4_000_000_000_000, 1e10, "9999999.99", "99999999999999.9999", "1.5", "HELLO world", "1969-12-31", "1969-12-31 23:59:59.5", "b"),
    (5, False, None, None, None, None, None, None, None, None, None, None, None, None),
    (6, True, 7, 7, 7, 7, 7.0, "7.00", "7.0000", "7", "hello", "2000-02-29", "2000-02-29 12:00:00.000001", "c"),
    (7, None, 7, 7, 7, 7, 7.0, "7.00", "7.0000", "7", "hello", "2000-02-29", "2000-02-29 12:00:00.000001", "c"),
    (8, True, 0, 0, 0, 0, -0.5, "-0.01", "0.0001", "-99.5", "  padded  ", "2024-02-29", "2024-02-29 00:00:00", None),
    (9, False, 42, 4200, 420000, 42_000_000, 3.141592653589793, "3.14", "3.1416", "3.14159", "100% sure_x", "2024-03-10", "2024-03-10 02:30:00", "a"),
    (10, True, -7, -70, -700, -7_000, -1e-3, "-100.00", "-0.0001", "-1000000", "ünïcødé Ω", "1999-12-31", "1999-12-31 23:59:59", "b"),
    (11, None, 3, 30, 300, 3_000, 2.5, "2.50", "2.5000", "2.5", "apple pie", "2024-12-31", "2024-12-31 18:45:30.25", "c"),
    (12, False, -3, -30, -300, -3_000, -2.5, "-2.50", "-2.5000", "-2.5", "Apple", "2025-06-30", "2025-06-30 06:07:08.090", "a"),
]


def alltypes_table(rows=ALLTYPES_ROWS):
    cols = list(zip(*rows)) if rows else [[] for _ in ALLTYPES_SCHEMA]
    conv = [None, None, None, None, None, None, None, _d, _d, _d, None, _date, _ts, None]
    arrays = []
    for field, values, c in zip(ALLTYPES_SCHEMA, cols, conv):
        values = [c(v) for v in values] if c else list(values)
        arrays.append(pa.array(values, field.type))
    return pa.Table.from_arrays(arrays, schema=ALLTYPES_SCHEMA)


def nulls_table():
    n = 6
    return pa.table({
        "k": pa.array([1, 1, 2, 2, 3, None], pa.int32()),
        "v": pa.array([None] * n, pa.int64()),
        "f": pa.array([None] * n, pa.float64()),
        "s": pa.array([None] * n, pa.string()),
        "d": pa.array([None] * n, pa.date32()),
        "dec": pa.array([None] * n, pa.decimal128(10, 3)),
        "ts": pa.array([None] * n, pa.timestamp("us")),
        "b": pa.array([None] * n, pa.bool_()),
    })


def emp_table():
    return pa.table({
        "id": pa.array([1, 2, 3, 4, 5, 6, 7, 8], pa.int32()),
        "name": pa.array(["Ann", "bob", "Cid", "Dee", "Eve", "Fay", "Gus", "Hal"], pa.string()),
        "dept_id": pa.array([10, 10, 20, 30, None, 20, 99, 10], pa.int64()),
        "salary": pa.array([_d(x) for x in ["5000.00", "4200.50", "6100.00", None, "3900.25", "6100.00", "100.00", "4200.50"]],
                           pa.decimal128(10, 2)),
        "boss_id": pa.array([None, 1, 1, 2, 2, 3, None, 1], pa.int32()),
        "hired": pa.array([_date(x) for x in ["2019-03-01", "2020-07-15", "2018-01-02", "2021-11-30", None,
                                               "2022-02-28", "2024-01-01", "2020-07-15"]], pa.date32()),
    })


def dept_table():
    return pa.table({
        "dept_id": pa.array([10, 20, 20, 40, None], pa.int64()),
        "dname": pa.array(["Sales", "Eng", "Eng-2", "Empty", "Nowhere"], pa.string()),
        "floor": pa.array([1, 2, 3, None, 0], pa.int16()),
    })


def big_table():
    mx, mn = 2**63 - 1, -2**63
    return pa.table({
        "id": pa.array([1, 2, 3, 4, 5, 6, 7], pa.int32()),
        "x": pa.array([mx, mn, mx - 1, -1, 0, 1, None], pa.int64()),
        "y": pa.array([2**31 - 1, -2**31, 2**31 - 2, -1, 0, 1, None], pa.int32()),
        "z": pa.array([127, -128, 126, -1, 0, 1, None], pa.int8()),
    })


def fnan_table():
    inf = float("inf")
    return pa.table({
        "id": pa.array([1, 2, 3, 4, 5, 6, 7], pa.int32()),
        "f": pa.array([float("nan"), 1.0, -inf, inf, None, 0.0, float("nan")], pa.float64()),
    })


PEOPLE_CSV = (
    "id,name,city,amount,day\n"
    "1,Alice,Zurich,10.5,2024-01-01\n"
    "2,\"Bob, Jr.\",Bern,,2024-01-02\n"
    "3,\"Carol \"\"CJ\"\"\",Zurich,7.25,2024-02-01\n"
    "4,Dan,Geneva,-3,2024-02-15\n"
    "5,Erin,Bern,100,2024-03-01\n"
    "6,Frank,Zurich,0.125,2024-03-31\n"
)


# ---------------------------------------------------------------- data set

@pytest.fixture(scope="session")
def dataset(tmp_path_factory):
    """{table name: (plaintext path for strongroom, DuckDB FROM source, encrypted path or None)}."""
    root = tmp_path_factory.mktemp("sqllogic")
    shared = shared_dir()
    if shared is None:
        pytest.fail("shared/bench/taxi_gen.py not found beside the repository (set STRONGROOM_SHARED)")
    gen = shared / "bench" / "taxi_gen.py"
    taxi = root / "trips"
    subprocess.run([sys.executable, str(gen), "--out", str(taxi), "--rows", str(TAXI_ROWS), "--files", "2",
                    "--rg-rows", str(-(-TAXI_ROWS // 4)), "--procs", "1"], check=True, capture_output=True)
    zones = root / "taxi_zones.parquet"
    subprocess.run([sys.executable, str(gen), "--zones", str(zones)], check=True, capture_output=True)
    files = sorted(taxi.glob("*.parquet"))
    assert len(files) == 2, files

    # PME copies: file 0 uniform, file 1 with column keys (k1 money, k2 locations), zones with a
    # plaintext footer and a column key on Borough.
    etaxi = root / "trips_enc"
    etaxi.mkdir()
    rg = -(-TAXI_ROWS // 4)
    t0 = pq.read_table(files[0])
    pme_kms.write_encrypted(t0, etaxi / files[0].name, row_group_size=rg)
    t1 = pq.read_table(files[1])
    pme_kms.write_encrypted(t1, etaxi / files[1].name, row_group_size=rg, column_keys={
        "k1": ["fare_amount", "tip_amount", "total_amount"], "k2": ["PULocationID", "DOLocationID"]})
    ezones = root / "taxi_zones_enc.parquet"
    pme_kms.write_encrypted(pq.read_table(zones), ezones, plaintext_footer=True,
                            column_keys={"k1": ["Borough"]})
    keys = pme_kms.write_keys_file(root / "keys.json")

    small = root / "small"
    small.mkdir()
    tables = {}

    def put(name, table, **kw):
        path = small / f"{name}.parquet"
        pq.write_table(table, path, **kw)
        tables[name] = (str(path), f"read_parquet('{path}')", None)

    put("alltypes", alltypes_table(), row_group_size=5)  # several row groups
    put("empty_types", alltypes_table([]))
    put("nulls", nulls_table())
    put("emp", emp_table())
    put("dept", dept_table())
    put("big", big_table())
    put("fnan", fnan_table())
    people = small / "people.csv"
    people.write_text(PEOPLE_CSV)
    tables["people"] = (str(people), f"read_csv('{people}', header=true)", None)

    glob = f"{taxi}/*.parquet"
    tables["trips"] = (str(taxi), f"read_parquet('{glob}')", str(etaxi))
    tables["trips_glob"] = (glob, f"read_parquet('{glob}')", f"{etaxi}/*.parquet")
    tables["trips_file"] = (str(files[0]), f"read_parquet('{files[0]}')", str(etaxi / files[0].name))
    tables["zones"] = (str(zones), f"read_parquet('{zones}')", str(ezones))
    return {"tables": tables, "keys": keys, "root": root}


@pytest.fixture(scope="session")
def duck(dataset):
    """DuckDB over the plaintext files, one view per table name."""
    import duckdb
    con = duckdb.connect()
    con.execute("SET threads TO 2")
    con.execute("SET TimeZone = 'UTC'")
    for name, (_, source, _) in dataset["tables"].items():
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM {source}")
    return con
