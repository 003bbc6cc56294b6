#!/usr/bin/env python3
"""Writes the expected results of the Swift SQL logic suite (SQLLogicTests.swift) from DuckDB.

    python3 Tests/QueryTests/SQLLogic/generate.py           # every *.slt file here
    python3 Tests/QueryTests/SQLLogic/generate.py joins.slt  # one file
    python3 Tests/QueryTests/SQLLogic/generate.py --data    # also rewrite data/*.parquet

A .slt file holds blocks separated by blank lines, with `#` comment lines between them. A block
is a header (the dialect of Tests/sqllogic/slt_format.py: `query tables=… [ordered|unordered]
[approx|exact] [threads=N] [memory=LIMIT]` or `error tables=… expect=…`), the SQL, and for a
query DuckDB's answer below a separator this script writes:

    ---- rowsort|nosort [approx]
    [json, values, of, one, row]

`rowsort` compares as sorted multisets, `nosort` in order (the statement ends in ORDER BY);
`approx` compares floats with relative tolerance 1e-9. A result of more than HASH_ABOVE rows
(and not approx) is written as `---- nosort|rowsort N rows hashing to SHA256` instead: the
SHA-256 of its rows in canonical text (`canonical_text`; rowsort rows sorted by that text). Values are in the JSON form of
`strongroom query --format jsonl` (Tests/sqllogic/results.py). An `error` block must fail in
DuckDB (checked here) and in the engine. The committed results are what `swift test` checks, so
the Swift suite needs neither Python nor DuckDB; rerun this after changing a query or a table.
"""
import hashlib
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
sys.path.insert(0, str(REPO / "Tests" / "pysupport"))
sys.path.insert(0, str(REPO / "Tests" / "sqllogic"))

import duckdb  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

import results  # noqa: E402
import slt_format  # noqa: E402
import sql_tables  # noqa: E402

DATA = HERE / "data"
HASH_ABOVE = 100
TABLES = {
    "alltypes": lambda: sql_tables.alltypes_table(),
    "empty_types": lambda: sql_tables.alltypes_table([]),
    "nulls": sql_tables.nulls_table,
    "emp": sql_tables.emp_table,
    "dept": sql_tables.dept_table,
    "big": sql_tables.big_table,
    "fnan": sql_tables.fnan_table,
    "lhs": sql_tables.lhs_table,
    "lhs_empty": lambda: sql_tables.lhs_table(rows=False),
    "rhs": sql_tables.rhs_table,
    "skew": sql_tables.skew_table,
    "spill": sql_tables.spill_table,
}
# Row groups: several per file where the table is large enough to matter.
ROW_GROUPS = {"alltypes": 5, "skew": 500, "spill": 4096}


def write_data():
    DATA.mkdir(exist_ok=True)
    for name, make in TABLES.items():
        pq.write_table(make(), DATA / f"{name}.parquet", row_group_size=ROW_GROUPS.get(name), compression="zstd")


def duck():
    con = duckdb.connect()
    con.execute("SET threads TO 2")
    con.execute("SET TimeZone = 'UTC'")
    for name in TABLES:
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{DATA / name}.parquet')")
    return con


def segments(path):
    """The file as ('comment', line) and ('block', first line number, header and SQL lines)."""
    out, block, start = [], [], 0
    for no, raw in enumerate(path.read_text().split("\n") + [""], 1):
        line = raw.rstrip()
        if block and line.startswith("----"):
            block.append(None)  # the old answer follows: dropped up to the blank line
            continue
        if block and block[-1] is None and line.strip():
            continue
        if line.lstrip().startswith("#") and not block:
            out.append(("comment", line))
            continue
        if not line.strip():
            if block:
                out.append(("block", start, [b for b in block if b is not None]))
                block = []
            elif out and out[-1] != ("comment", ""):
                out.append(("comment", ""))
            continue
        if not block:
            start = no
        block.append(line)
    while out and out[-1] == ("comment", ""):
        out.pop()
    return out


def answer(con, path, start, lines):
    case = slt_format._parse_block(path.name, start, lines)
    sql = slt_format.duckdb_sql(case.sql)
    if case.kind == "error":
        try:
            con.sql(sql).fetchall()
        except duckdb.Error:
            return lines
        raise SystemExit(f"{case.id}: an error block, but DuckDB answers it")
    try:
        _, _, rows = results.expected_from_duckdb(con, sql)
    except duckdb.Error as e:
        raise SystemExit(f"{case.id}: DuckDB fails: {e}")
    mode = "nosort" if case.ordered else "rowsort"
    if case.approx:
        mode += " approx"
    elif len(rows) > HASH_ABOVE:
        return lines + [f"---- {mode} {len(rows)} rows hashing to {canonical_hash(rows, case.ordered)}"]
    return lines + [f"---- {mode}"] + [json.dumps(list(r), ensure_ascii=False, separators=(", ", ": ")) for r in rows]


def canonical_text(row):
    """A row as tab-separated cells: NULL, true/false, a number's JSON text, a string as is."""
    def cell(v):
        if v is None:
            return "NULL"
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, (int, float)):
            return json.dumps(v)
        return str(v)
    return "\t".join(cell(v) for v in row)


def canonical_hash(rows, ordered):
    texts = [canonical_text(r).encode() for r in rows]
    if not ordered:
        texts.sort()
    return hashlib.sha256(b"".join(t + b"\n" for t in texts)).hexdigest()


def main(argv):
    if "--data" in argv:
        write_data()
        argv = [a for a in argv if a != "--data"]
    con = duck()
    files = [HERE / a for a in argv] or sorted(HERE.glob("*.slt"))
    for path in files:
        text = []
        for seg in segments(path):
            if seg[0] == "comment":
                text.append(seg[1])
            else:
                text.extend(answer(con, path, seg[1], seg[2]))
                text.append("")
        path.write_text("\n".join(text).rstrip("\n") + "\n")
        print(f"{path.name}: written")


if __name__ == "__main__":
    main(sys.argv[1:])
