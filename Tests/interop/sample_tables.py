"""Deterministic Arrow tables that other writers turn into Parquet for the interop tests."""
import datetime
import decimal

import pyarrow as pa

# Column names of the flat demo schema (the same names as `strongroom parquet write-sample`).
SAMPLE_COLUMNS = ["b", "i8", "i16", "i32", "i64", "u32", "f32", "f64", "s", "bin", "fx", "d",
                  "ts", "ts_ms", "dec9", "dec18", "dec38"]

# Strings that need JSON escaping or are not ASCII; a few repeat so dictionaries form.
_TEXTS = ["", "a", "hello", "quote \" and backslash \\", "line\nbreak\ttab", "ctrl \x01\x1f",
          "ünïcødé", "日本語", "emoji 🔐", "slash / <html>", "x" * 300]
_INT_EDGES = {
    "i8": (-128, 127), "i16": (-32768, 32767), "i32": (-2**31, 2**31 - 1),
    "i64": (-2**63, 2**63 - 1), "u8": (0, 255), "u16": (0, 65535), "u32": (0, 2**32 - 1),
    "u64": (0, 2**64 - 1),
}
_F64 = [0.0, -0.0, 1.0, -1.5, 0.1, 1e-300, 5e-324, 1.7976931348623157e308, 3.141592653589793,
        123456789.123456789, -2.5e-8]
_F32 = [0.0, 1.0, -1.5, 0.1, 1.1, 3.4028234663852886e38, 1.401298464324817e-45, 16777217.0, -7.25]


def _nulls(n, every=7):
    return [i % every == every - 1 for i in range(n)]


def _ints(name, n):
    lo, hi = _INT_EDGES[name]
    span = hi - lo + 1
    out = []
    for i in range(n):
        if i % 50 == 0:
            out.append(lo)
        elif i % 50 == 1:
            out.append(hi)
        else:
            out.append(lo + (i * 2654435761 + 12345) % span)
    return out


def _decimal(i, scale, digits):
    unscaled = (i * 7919 * 10**(digits // 2) + i) % 10**digits
    if i % 3 == 1:
        unscaled = -unscaled
    return decimal.Decimal(unscaled).scaleb(-scale)


def flat_table(n=500, extra_types=False):
    """All flat types of the demo schema, every 7th row null, edge values included."""
    mask = _nulls(n)
    base_ts = 1_704_164_645_123_456  # 2024-01-02T03:04:05.123456Z
    cols = {
        "b": pa.array([i % 3 == 0 for i in range(n)], pa.bool_(), mask=mask),
        "i8": pa.array(_ints("i8", n), pa.int8(), mask=mask),
        "i16": pa.array(_ints("i16", n), pa.int16(), mask=mask),
        "i32": pa.array(_ints("i32", n), pa.int32(), mask=mask),
        "i64": pa.array(_ints("i64", n), pa.int64(), mask=mask),
        "u32": pa.array(_ints("u32", n), pa.uint32(), mask=mask),
        "f32": pa.array([_F32[i % len(_F32)] + (i // len(_F32)) * 0.5 for i in range(n)], pa.float32(), mask=mask),
        "f64": pa.array([_F64[i % len(_F64)] + (i // len(_F64)) * 0.25 if i % 4 else i / 7 for i in range(n)],
                        pa.float64(), mask=mask),
        "s": pa.array([_TEXTS[i % len(_TEXTS)] + (str(i) if i % 5 == 0 else "") for i in range(n)],
                      pa.string(), mask=mask),
        "bin": pa.array([bytes((i * k) % 256 for k in range(i % 13)) for i in range(n)], pa.binary(), mask=mask),
        "fx": pa.array([(i * 2654435761 % 2**32).to_bytes(4, "big") for i in range(n)], pa.binary(4), mask=mask),
        "d": pa.array([datetime.date(1970, 1, 1) + datetime.timedelta(days=(i * 97) % 80000 - 20000)
                       for i in range(n)], pa.date32(), mask=mask),
        "ts": pa.array([base_ts + (i - n // 2) * 86_399_999_999 for i in range(n)],
                       pa.timestamp("us", tz="UTC"), mask=mask),
        "ts_ms": pa.array([1_600_000_000_000 + (i - n // 3) * 3_600_001 for i in range(n)],
                          pa.timestamp("ms"), mask=mask),
        "dec9": pa.array([_decimal(i, 2, 9) for i in range(n)], pa.decimal128(9, 2), mask=mask),
        "dec18": pa.array([_decimal(i, 4, 18) for i in range(n)], pa.decimal128(18, 4), mask=mask),
        "dec38": pa.array([_decimal(i, 10, 38) for i in range(n)], pa.decimal128(38, 10), mask=mask),
    }
    if extra_types:
        cols.update({
            "u8": pa.array(_ints("u8", n), pa.uint8(), mask=mask),
            "u16": pa.array(_ints("u16", n), pa.uint16(), mask=mask),
            "u64": pa.array(_ints("u64", n), pa.uint64(), mask=mask),
            "large_s": pa.array([_TEXTS[(i * 3) % len(_TEXTS)] for i in range(n)], pa.large_string(), mask=mask),
            "ts_ns": pa.array([base_ts * 1000 + i * 1_000_000_000_000 for i in range(n)],
                              pa.timestamp("ns", tz="UTC"), mask=mask),
            "ts_tz": pa.array([base_ts + i * 1_000_003 for i in range(n)],
                              pa.timestamp("us", tz="America/New_York"), mask=mask),
            "d_neg": pa.array([datetime.date(1, 1, 1) + datetime.timedelta(days=i * 1000) for i in range(n)],
                              pa.date32(), mask=mask),
            "no_nulls": pa.array(list(range(n)), pa.int64()),
            "all_null": pa.array([None] * n, pa.int32()),
            "low_card": pa.array([["red", "green", "blue"][i % 3] for i in range(n)], pa.string()),
        })
    return pa.table(cols)


def nested_table(n=300):
    """Lists, structs and maps with null and empty values at different levels."""
    def maybe(i, value, null_every=5):
        return None if i % null_every == null_every - 1 else value

    def ints(i):
        return [None if (i + k) % 4 == 3 else i * 10 + k for k in range(i % 4)]

    rows = {
        "id": list(range(n)),
        "l_int": [maybe(i, ints(i)) for i in range(n)],
        "l_str": [maybe(i, [None if k == 1 else f"s{i}.{k}" for k in range(i % 3)], 6) for i in range(n)],
        "l_l": [maybe(i, [maybe(k, list(range(k)), 3) for k in range(i % 5)], 7) for i in range(n)],
        "st": [maybe(i, {"x": maybe(i, i, 3), "y": f"y{i}", "inner": maybe(i, {"z": i * 1.5}, 4)}, 8)
               for i in range(n)],
        "mp": [maybe(i, [(f"k{k}", maybe(k, i + k, 2)) for k in range(i % 4)], 5) for i in range(n)],
        "l_st": [maybe(i, [maybe(k, {"a": k, "b": maybe(k, f"b{k}", 2)}, 3) for k in range(i % 4)], 9)
                 for i in range(n)],
        "st_l": [maybe(i, {"vals": maybe(i, [i * 0.5, -i * 0.25], 3)}, 11) for i in range(n)],
    }
    schema = pa.schema([
        ("id", pa.int32()),
        ("l_int", pa.list_(pa.int32())),
        ("l_str", pa.list_(pa.string())),
        ("l_l", pa.list_(pa.list_(pa.int64()))),
        ("st", pa.struct([("x", pa.int32()), ("y", pa.string()),
                          ("inner", pa.struct([("z", pa.float64())]))])),
        ("mp", pa.map_(pa.string(), pa.int32())),
        ("l_st", pa.list_(pa.struct([("a", pa.int16()), ("b", pa.string())]))),
        ("st_l", pa.struct([("vals", pa.list_(pa.float64()))])),
    ])
    return pa.table(rows, schema=schema)
