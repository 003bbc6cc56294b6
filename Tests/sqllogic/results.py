"""DuckDB results in the JSON form of `strongroom query --format jsonl`, and the comparison.

Value rules (README, `parquet cat` contract): null → null; integers and floats → numbers
(NaN/±Infinity as the strings "NaN", "Infinity", "-Infinity"); strings; booleans; dates
YYYY-MM-DD; timestamps ISO-8601 with 6 fraction digits and Z; decimals → strings with the
result type's scale.
"""
import datetime
import decimal
import json
import math
import re

_INT_TYPES = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
              "UINTEGER", "UBIGINT", "UHUGEINT"}
_FLOAT_TYPES = {"DOUBLE", "FLOAT"}
_DECIMAL = re.compile(r"DECIMAL\((\d+),\s*(\d+)\)")
REL_TOL = 1e-9


def type_kind(duck_type):
    """'int', 'float', 'decimal:<scale>', 'bool', 'str', 'date', 'timestamp' for a DuckDB type."""
    t = str(duck_type).upper()
    if t in _INT_TYPES:
        return "int"
    if t in _FLOAT_TYPES:
        return "float"
    m = _DECIMAL.fullmatch(t)
    if m:
        return f"decimal:{m.group(2)}"
    if t == "BOOLEAN":
        return "bool"
    if t == "VARCHAR":
        return "str"
    if t == "DATE":
        return "date"
    if t in ("TIMESTAMP", "TIMESTAMP_US", "TIMESTAMP WITH TIME ZONE"):
        return "timestamp"
    if t == '"NULL"' or t == "NULL":
        return "null"
    raise AssertionError(f"DuckDB result type {t} has no jsonl form in the contract; rewrite the query")


def iso_timestamp(v):
    if v.tzinfo is not None:
        v = v.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return f"{v.year:04d}-{v.month:02d}-{v.day:02d}T{v.hour:02d}:{v.minute:02d}:{v.second:02d}.{v.microsecond:06d}Z"


def to_json_value(v, kind):
    """One DuckDB Python value in the contract's JSON form."""
    if v is None:
        return None
    if kind == "int":
        return int(v)
    if kind == "float":
        v = float(v)
        if math.isnan(v):
            return "NaN"
        if math.isinf(v):
            return "Infinity" if v > 0 else "-Infinity"
        return v
    if kind.startswith("decimal:"):
        scale = int(kind.split(":")[1])
        d = decimal.Decimal(v)
        q = d.quantize(decimal.Decimal(1).scaleb(-scale), context=decimal.Context(prec=80))
        text = f"{q:f}"
        return text
    if kind == "bool":
        return bool(v)
    if kind == "str":
        return str(v)
    if kind == "date":
        return f"{v.year:04d}-{v.month:02d}-{v.day:02d}"
    if kind == "timestamp":
        return iso_timestamp(v)
    if kind == "null":
        return None
    raise AssertionError(kind)


def expected_from_duckdb(con, sql):
    """(column names, kinds, rows of JSON values) of DuckDB's answer; raises DuckDB's error."""
    rel = con.sql(sql)
    if rel is None:
        raise AssertionError("DuckDB returned no relation (not a query?)")
    kinds = [type_kind(t) for t in rel.types]
    rows = [tuple(to_json_value(v, k) for v, k in zip(row, kinds)) for row in rel.fetchall()]
    return list(rel.columns), kinds, rows


def parse_actual(stdout, width):
    """strongroom's jsonl: a list of tuples in column order; raises AssertionError on bad form."""
    rows = []
    for no, line in enumerate(stdout.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            raise AssertionError(f"jsonl line {no} is not JSON ({e}): {line[:200]!r}")
        if not isinstance(obj, dict):
            raise AssertionError(f"jsonl line {no} is not a JSON object: {line[:200]!r}")
        if len(obj) != width:
            raise AssertionError(f"jsonl line {no} has {len(obj)} columns, expected {width} "
                                 f"(duplicate output names collapse in JSON: alias them): {line[:200]!r}")
        rows.append(tuple(obj.values()))
    return rows


def _canon(v, kind):
    """An actual value brought to the expected form where the contract leaves freedom."""
    if kind == "float" and isinstance(v, int) and not isinstance(v, bool):
        return float(v)  # 1 and 1.0 are the same JSON number
    if kind == "float" and isinstance(v, float):
        if math.isnan(v):
            return "NaN"
        if math.isinf(v):
            return "Infinity" if v > 0 else "-Infinity"
    return v


def _sort_key(row):
    key = []
    for v in row:
        if v is None:
            key.append((0, 0))
        elif isinstance(v, bool):
            key.append((1, int(v)))
        elif isinstance(v, float):
            key.append((2, float(f"{v:.6g}")))
        elif isinstance(v, int):
            key.append((2, v))
        elif isinstance(v, str):
            key.append((3, v))
        else:
            key.append((4, json.dumps(v, sort_keys=True)))
    return key


def same_value(actual, expected, kind, approx):
    if expected is None or actual is None:
        return actual is None and expected is None
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(actual) is type(expected) and actual == expected
    if isinstance(expected, float):
        if not isinstance(actual, float):
            return False
        if approx:
            return math.isclose(actual, expected, rel_tol=REL_TOL, abs_tol=1e-12)
        return actual == expected
    if isinstance(expected, int):
        return type(actual) is int and actual == expected
    return type(actual) is type(expected) and actual == expected


def compare(actual_rows, expected_rows, names, kinds, ordered, approx):
    """None when equal, else a message naming the first difference."""
    actual = [tuple(_canon(v, k) for v, k in zip(r, kinds)) for r in actual_rows]
    expected = list(expected_rows)
    if len(actual) != len(expected):
        return (f"row count {len(actual)} != DuckDB's {len(expected)}\n"
                f"first actual rows: {actual[:5]}\nfirst expected rows: {expected[:5]}")
    how = "in order" if ordered else "as sorted multisets"
    if not ordered:
        actual.sort(key=_sort_key)
        expected.sort(key=_sort_key)
    for i, (a, e) in enumerate(zip(actual, expected)):
        for j, (av, ev) in enumerate(zip(a, e)):
            if not same_value(av, ev, kinds[j], approx):
                return (f"row {i} ({how}) column {j} {names[j]!r} ({kinds[j]}"
                        f"{', rel tol 1e-9' if approx else ', exact'}): got {av!r}, DuckDB {ev!r}\n"
                        f"actual row: {a}\nexpected row: {e}")
    return None
