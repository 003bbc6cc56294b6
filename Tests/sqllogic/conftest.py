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


# The hand-made tables live in Tests/pysupport/sql_tables.py (shared with the Swift suite's
# generator, Tests/QueryTests/SQLLogic/generate.py).
from sql_tables import alltypes_table, big_table, dept_table, emp_table, fnan_table, nulls_table  # noqa: E402


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
