"""TPC-H on PME-encrypted Parquet: data from tpchgen-cli (PyPI), encrypted with `strongroom
encrypt`, the 22 queries of bench/tpch/queries run by `strongroom query --keys` and compared with
DuckDB on the plaintext copy."""
import base64
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "Tests" / "sqllogic"))
sys.path.insert(0, str(REPO / "Tests" / "pysupport"))
from strongroom_binary import strongroom_binary  # noqa: E402

TABLES = ["lineitem", "orders", "customer", "part", "partsupp", "supplier", "nation", "region"]
SCALE = os.environ.get("STRONGROOM_TPCH_SCALE", "0.01")
QUERIES = REPO / "bench" / "tpch" / "queries"


@pytest.fixture(scope="session")
def strongroom_bin():
    return strongroom_binary()


@pytest.fixture(scope="session")
def tpch(tmp_path_factory, strongroom_bin):
    """(plaintext directory, encrypted directory, keys file) of TPC-H at STRONGROOM_TPCH_SCALE."""
    generator = shutil.which("tpchgen-cli")
    assert generator, "tpchgen-cli is not installed (scripts/python-deps.sh installs it)"
    root = tmp_path_factory.mktemp("tpch")
    plain, encrypted = root / "plain", root / "encrypted"
    subprocess.run([generator, "parquet", "-s", SCALE, f"--output-dir={plain}"], check=True, capture_output=True)
    encrypted.mkdir()
    keys = root / "keys.json"
    keys.write_text(json.dumps({"footer": base64.b64encode(bytes(range(16))).decode(),
                                "money": base64.b64encode(bytes(range(16, 32))).decode()}))
    money = {"lineitem": "l_extendedprice,l_discount", "orders": "o_totalprice", "customer": "c_acctbal",
             "partsupp": "ps_supplycost", "supplier": "s_acctbal", "part": "p_retailprice"}
    for table in TABLES:
        args = [strongroom_bin, "parquet", "encrypt", plain / f"{table}.parquet", encrypted / f"{table}.parquet",
                "--keys", keys, "--footer-key", "footer", "--key-material"]
        if table in money:
            args += ["--column-key", f"money:{money[table]}"]
        p = subprocess.run(list(map(str, args)), capture_output=True)
        assert p.returncode == 0, f"strongroom encrypt {table}: {p.stderr.decode()[-2000:]}"
    return plain, encrypted, keys
