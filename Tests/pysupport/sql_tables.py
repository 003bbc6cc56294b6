"""Small hand-made tables of the SQL logic suites (Tests/sqllogic and the Swift runner's
Tests/QueryTests/SQLLogic): every type with NULLs and negatives, join tables with duplicate and
NULL keys, integer extremes, NaN and infinities."""
import datetime
import decimal

import pyarrow as pa


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


def lhs_table(rows=True):
    """Left side of the join suite: duplicate keys, NULL keys, keys the right side lacks."""
    keys = [1, 1, 2, 3, None, None, 5, 7, 7, 7] if rows else []
    return pa.table({
        "k": pa.array(keys, pa.int64()),
        "k2": pa.array([(i % 3) if k is not None else None for i, k in enumerate(keys)], pa.int32()),
        "v": pa.array([f"l{i}" for i in range(len(keys))], pa.string()),
        "x": pa.array([i * 10 for i in range(len(keys))], pa.int32()),
    })


def rhs_table():
    """Right side: duplicates, NULL keys, keys the left side lacks."""
    keys = [1, 2, 2, None, 4, 7, 8, None, 7]
    return pa.table({
        "k": pa.array(keys, pa.int64()),
        "k2": pa.array([(i % 3) if k is not None else None for i, k in enumerate(keys)], pa.int32()),
        "w": pa.array([i * 15 for i in range(len(keys))], pa.int32()),
        "name": pa.array([f"r{i}" if i != 5 else None for i in range(len(keys))], pa.string()),
    })


def skew_table():
    """2,000 rows, 90 % of them with key 1 (the rest distinct): a skewed join key."""
    n = 2000
    keys = [1 if i % 10 else i for i in range(n)]
    return pa.table({
        "k": pa.array(keys, pa.int64()),
        "amount": pa.array([decimal.Decimal(i % 1000) / 100 for i in range(n)], pa.decimal128(9, 2)),
    })


def spill_table(n=30_000):
    """Enough rows that tiny memory limits make sort, aggregation and join spill: a unique id, a
    key of 1,000 values, 37 string groups, decimals, floats, dates and strings of varying width."""
    ids = list(range(n))
    return pa.table({
        "id": pa.array(ids, pa.int64()),
        "k": pa.array([(i * 7919) % 1000 for i in ids], pa.int32()),
        "g": pa.array([f"g{i % 37}" for i in ids], pa.string()),
        "amount": pa.array([decimal.Decimal((i * 37) % 100000) / 100 for i in ids], pa.decimal128(12, 2)),
        "f": pa.array([(i % 101) * 0.5 for i in ids], pa.float64()),
        "d": pa.array([datetime.date(2020, 1, 1) + datetime.timedelta(days=i % 1000) for i in ids], pa.date32()),
        "s": pa.array([("x" * (i % 20)) + str(i) if i % 13 else None for i in ids], pa.string()),
    })
