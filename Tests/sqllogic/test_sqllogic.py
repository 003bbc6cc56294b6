"""Runs every block of the .test files: DuckDB's answer on the same files is the expectation."""
from pathlib import Path

import pytest

from . import results
from . import slt_format
from .slt_cli import run_strongroom

CASES = slt_format.load_cases(Path(__file__).parent)
duckdb_sql = slt_format.duckdb_sql


def test_suite_is_large_enough():
    # Issue 3, item 6: at least 300 queries.
    assert len(CASES) >= 300, len(CASES)


def _args(case, dataset):
    args = ["query", "--sql", case.sql, "--format", "jsonl"]
    encrypted = "encrypted" in case.flags
    for name in case.tables:
        assert name in dataset["tables"], f"{case.id}: unknown table name {name!r} in tables="
        plain, _, enc = dataset["tables"][name]
        if encrypted and enc:
            args += ["--table", f"{name}={enc}"]
        else:
            args += ["--table", f"{name}={plain}"]
    if encrypted:
        assert any(dataset["tables"][n][2] for n in case.tables), f"{case.id}: encrypted without encrypted tables"
        args += ["--keys", dataset["keys"]]
    if case.threads:
        args += ["--threads", str(case.threads)]
    if case.memory:
        args += ["--memory-limit", case.memory]
    return args


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_query(case, strongroom_bin, dataset, duck):
    args = _args(case, dataset)
    if case.kind == "error":
        with pytest.raises(Exception) as duck_err:
            duck.sql(duckdb_sql(case.sql)).fetchall()
        code, out, err = run_strongroom(strongroom_bin, args)
        where = f"{case.id}\nSQL: {case.sql}\nDuckDB: {str(duck_err.value).splitlines()[0]}"
        assert code == 1, f"expected exit 1 and an error, got exit {code}\nstderr: {err[-2000:]}\n{where}"
        lines = err.strip("\n").split("\n")
        assert len(lines) == 1 and lines[0].strip(), f"expected one stderr line, got:\n{err[-2000:]}\n{where}"
        if case.expect:
            assert any(s in err.lower() for s in case.expect), \
                f"stderr {err.strip()!r} contains none of {case.expect}\n{where}"
        return

    names, kinds, expected = results.expected_from_duckdb(duck, duckdb_sql(case.sql))
    code, out, err = run_strongroom(strongroom_bin, args)
    where = f"{case.id}\nSQL: {case.sql}"
    assert code == 0, f"exit {code}\nstderr: {err[-2000:]}\n{where}"
    actual = results.parse_actual(out, len(names))
    problem = results.compare(actual, expected, names, kinds, case.ordered, case.approx)
    assert problem is None, f"{problem}\n{where}"
