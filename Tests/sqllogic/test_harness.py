"""Self-checks of the suite's own machinery (no strongroom binary needed)."""
import datetime
import decimal
import math

import duckdb
import pytest

from . import results
from . import slt_format


def test_order_by_detection():
    assert slt_format.ends_with_order_by("SELECT a FROM t ORDER BY a")
    assert slt_format.ends_with_order_by("select a from t order\n by a limit 3")
    assert not slt_format.ends_with_order_by("SELECT * FROM (SELECT a FROM t ORDER BY a LIMIT 3) x")
    assert not slt_format.ends_with_order_by("SELECT a FROM t WHERE s = 'ORDER BY'")
    assert not slt_format.ends_with_order_by("SELECT a FROM t ORDER BY a UNION ALL SELECT b FROM u")
    assert slt_format.ends_with_order_by("SELECT a FROM t UNION ALL SELECT b FROM u ORDER BY 1")
    assert not slt_format.ends_with_order_by('SELECT "order by" FROM t')


def test_block_parsing(tmp_path):
    p = tmp_path / "x.test"
    p.write_text("# c\nquery tables=a,b encrypted threads=2\nSELECT 1\nFROM a\n\n"
                 "error tables=a expect=no such | Syntax\nSELEC 1\n\nquery\nSELECT avg(x) FROM t\n")
    a, b, c = slt_format.parse_file(p)
    assert (a.kind, a.tables, a.threads, a.sql, a.line) == ("query", ("a", "b"), 2, "SELECT 1\nFROM a", 2)
    assert "encrypted" in a.flags and not a.approx and not a.ordered
    assert (b.kind, b.expect) == ("error", ("no such", "syntax"))
    assert c.approx
    p.write_text("query bogus\nSELECT 1\n")
    with pytest.raises(ValueError):
        slt_format.parse_file(p)


def test_duckdb_values_in_contract_form():
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    names, kinds, rows = results.expected_from_duckdb(con, """
        SELECT 1::TINYINT AS a, 2.50::DECIMAL(9, 3) AS b, -0.5::DECIMAL(4, 1) AS c, 1.5::DOUBLE AS d,
               'nan'::DOUBLE AS e, '-inf'::DOUBLE AS f, DATE '0099-01-02' AS g,
               TIMESTAMP '1969-12-31 23:59:59.5' AS h, TRUE AS i, 's' AS j, NULL::INT AS k,
               (9223372036854775807::BIGINT)::HUGEINT + 1 AS l""")
    assert kinds[:4] == ["int", "decimal:3", "decimal:1", "float"]
    assert rows == [(1, "2.500", "-0.5", 1.5, "NaN", "-Infinity", "0099-01-02",
                     "1969-12-31T23:59:59.500000Z", True, "s", None, 2**63)]


def test_compare_rules():
    kinds = ["int", "float", "str"]
    exp = [(1, 0.5, "a"), (2, None, "b")]
    assert results.compare([(2, None, "b"), (1, 0.5, "a")], exp, "xyz", kinds, False, False) is None
    assert results.compare([(2, None, "b"), (1, 0.5, "a")], exp, "xyz", kinds, True, False) is not None
    assert results.compare([(1, 0.5, "a")], exp, "xyz", kinds, False, False) is not None
    assert results.compare([(1.0, 0.5, "a"), (2, None, "b")], exp, "xyz", kinds, False, False) is not None
    assert results.compare([(1, 0.5, "a"), (2, 0, "b")], exp, "xyz", kinds, False, False) is not None
    assert results.compare([(True, 0.5, "a"), (2, None, "b")], exp, "xyz", kinds, False, False) is not None
    near = 0.5 * (1 + 1e-12)
    assert results.compare([(1, near, "a"), (2, None, "b")], exp, "xyz", kinds, False, False) is not None
    assert results.compare([(1, near, "a"), (2, None, "b")], exp, "xyz", kinds, False, True) is None
    assert results.compare([(1, 0.5 * 1.01, "a"), (2, None, "b")], exp, "xyz", kinds, False, True) is not None
    # "1" and "1.0" are the same JSON number for a float column; a decimal must be the exact string
    assert results.compare([(1,)], [(1.0,)], "x", ["float"], True, False) is None
    assert results.compare([("1.5",)], [("1.50",)], "x", ["decimal:2"], True, False) is not None
    assert results.compare([(math.nan,)], [("NaN",)], "x", ["float"], True, False) is None


def test_parse_actual():
    assert results.parse_actual('{"a": 1, "b": null}\n\n{"a": 2, "b": "x"}\n', 2) == [(1, None), (2, "x")]
    with pytest.raises(AssertionError):
        results.parse_actual('{"a": 1}\n', 2)
    with pytest.raises(AssertionError):
        results.parse_actual('[1, 2]\n', 2)
    with pytest.raises(AssertionError):
        results.parse_actual('{"a": 1\n', 1)
