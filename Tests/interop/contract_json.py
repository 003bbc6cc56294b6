"""The `strongroom parquet cat --format jsonl` value contract, computed from Arrow data.

null → null; integers and floats → JSON numbers; strings; binary → base64; booleans;
dates YYYY-MM-DD; timestamps ISO-8601 UTC with 6 fractional digits and Z; decimals → strings.
Nested values (the contract names no form): lists → arrays, structs → objects; maps are
accepted as an object {key: value} or as an array of {"key": k, "value": v} entries.
"""
import base64
import datetime
import json
import math

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.types as pt

_EPOCH = datetime.date(1970, 1, 1)
_US_PER_DAY = 86_400_000_000
_TO_MICROS = {"s": (1_000_000, 1), "ms": (1000, 1), "us": (1, 1), "ns": (1, 1000)}


def iso_timestamp(micros):
    days, rest = divmod(micros, _US_PER_DAY)  # floor division: pre-1970 values stay correct
    date = _EPOCH + datetime.timedelta(days=days)
    seconds, frac = divmod(rest, 1_000_000)
    h, rem = divmod(seconds, 3600)
    m, s = divmod(rem, 60)
    return f"{date.isoformat()}T{h:02d}:{m:02d}:{s:02d}.{frac:06d}Z"


def column_values(array):
    """Contract JSON values (Python objects) for one Arrow array or chunked array."""
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks() if array.num_chunks else pa.array([], array.type)
    t = array.type
    if pt.is_dictionary(t):
        return column_values(array.dictionary_decode())
    if pt.is_timestamp(t):
        mul, div = _TO_MICROS[t.unit]
        ints = pc.cast(array, pa.int64()).to_pylist()
        return [None if v is None else iso_timestamp(v * mul // div) for v in ints]
    if pt.is_date(t):
        return [None if v is None else v.isoformat() for v in array.to_pylist()]
    if pt.is_decimal(t):
        return [None if v is None else f"{v:f}" for v in array.to_pylist()]
    if pt.is_binary(t) or pt.is_large_binary(t) or pt.is_fixed_size_binary(t) or pt.is_binary_view(t):
        return [None if v is None else base64.b64encode(v).decode("ascii") for v in array.to_pylist()]
    if pt.is_struct(t):
        children = array.flatten()  # applies the struct's offset and its own nulls
        names = [t.field(i).name for i in range(t.num_fields)]
        child_values = [column_values(c) for c in children]
        return [None if not array[i].is_valid else {n: cv[i] for n, cv in zip(names, child_values)}
                for i in range(len(array))]
    if pt.is_map(t):
        out = []
        for scalar in array:
            if not scalar.is_valid:
                out.append(None)
                continue
            entries = scalar.values  # struct array of key/value
            keys = column_values(entries.field(0)) if entries is not None else []
            vals = column_values(entries.field(1)) if entries is not None else []
            out.append([(k, v) for k, v in zip(keys, vals)])
        return out
    if pt.is_list(t) or pt.is_large_list(t) or pt.is_fixed_size_list(t) or pt.is_list_view(t):
        return [None if not s.is_valid else column_values(s.values) for s in array]
    return array.to_pylist()


def expected_rows(table, columns=None):
    """Rows of `table` as the contract says `cat` prints them: list of {column: value}."""
    names = columns or table.column_names
    cols = {n: column_values(table.column(n)) for n in names}
    return [{n: cols[n][i] for n in names} for i in range(table.num_rows)]


def parse_jsonl(text):
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _normalize(value, t):
    """Bring an actual JSON value to the expected form where the contract allows freedom."""
    if value is None:
        return None
    if pt.is_dictionary(t):
        return _normalize(value, t.value_type)
    if pt.is_float32(t) and isinstance(value, (int, float)) and not isinstance(value, bool):
        # shortest round-trip of a float32 is shorter than the double's digits
        return float(pa.scalar(float(value), pa.float32()).as_py())
    if pt.is_floating(t) and isinstance(value, int) and not isinstance(value, bool):
        return float(value)  # "1" and "1.0" are the same JSON number
    if pt.is_struct(t) and isinstance(value, dict):
        return {k: _normalize(v, t.field(k).type) if t.get_field_index(k) >= 0 else v
                for k, v in value.items()}
    if pt.is_map(t):
        if isinstance(value, dict):
            pairs = list(value.items())
        elif isinstance(value, list) and all(isinstance(e, dict) and set(e) == {"key", "value"} for e in value):
            pairs = [(e["key"], e["value"]) for e in value]
        elif isinstance(value, list) and all(isinstance(e, list) and len(e) == 2 for e in value):
            pairs = [tuple(e) for e in value]
        else:
            return value
        return [(_normalize(k, t.key_type), _normalize(v, t.item_type)) for k, v in pairs]
    if (pt.is_list(t) or pt.is_large_list(t) or pt.is_fixed_size_list(t)) and isinstance(value, list):
        return [_normalize(v, t.value_type) for v in value]
    return value


def _same(actual, expected):
    """Equality that does not let true == 1 or 1.0 == "1.0" slip through."""
    if expected is None or actual is None:
        return actual is None and expected is None
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(actual) is type(expected) and actual == expected
    if isinstance(expected, float):
        if isinstance(actual, (int, float)):
            return (math.isnan(expected) and math.isnan(actual)) or float(actual) == expected
        return False
    if isinstance(expected, int):
        return type(actual) is int and actual == expected
    if isinstance(expected, (list, tuple)):
        return (isinstance(actual, (list, tuple)) and len(actual) == len(expected)
                and all(_same(a, e) for a, e in zip(actual, expected)))
    if isinstance(expected, dict):
        return (isinstance(actual, dict) and set(actual) == set(expected)
                and all(_same(actual[k], expected[k]) for k in expected))
    return type(actual) is type(expected) and actual == expected


def _map_keys_as_text(expected, t):
    """Expected map entries with keys as JSON object keys (strings), for the object form."""
    if expected is None:
        return None
    if pt.is_map(t):
        return [(k if isinstance(k, str) else json.dumps(k), _map_keys_as_text(v, t.item_type))
                for k, v in expected]
    if pt.is_struct(t):
        return {k: _map_keys_as_text(v, t.field(k).type) for k, v in expected.items()}
    if pt.is_list(t) or pt.is_large_list(t) or pt.is_fixed_size_list(t):
        return [_map_keys_as_text(v, t.value_type) for v in expected]
    return expected


def _contains_map(t):
    if pt.is_map(t):
        return True
    if pt.is_struct(t):
        return any(_contains_map(t.field(i).type) for i in range(t.num_fields))
    if pt.is_list(t) or pt.is_large_list(t) or pt.is_fixed_size_list(t):
        return _contains_map(t.value_type)
    return False


def assert_rows_match(actual_rows, table, columns=None, context=""):
    """Fail with the first differing row/column; `table` is the truth read by pyarrow."""
    names = columns or table.column_names
    expected = expected_rows(table, names)
    where = f" ({context})" if context else ""
    assert len(actual_rows) == len(expected), \
        f"row count {len(actual_rows)} != expected {len(expected)}{where}"
    types = {n: table.schema.field(n).type for n in names}
    for i, (got, want) in enumerate(zip(actual_rows, expected)):
        assert isinstance(got, dict), f"row {i} is not a JSON object{where}"
        assert list(got) == names or set(got) == set(names), \
            f"row {i} keys {sorted(got)} != columns {sorted(names)}{where}"
        for n in names:
            t = types[n]
            g = _normalize(got[n], t)
            w = want[n]
            ok = _same(g, w) or (_contains_map(t) and _same(g, _map_keys_as_text(w, t)))
            assert ok, f"row {i} column {n!r}{where}: got {got[n]!r}, expected {w!r}"
