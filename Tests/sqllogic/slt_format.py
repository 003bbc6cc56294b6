"""The .test file format of the SQL logic suite (a small sqllogictest dialect).

A file is a sequence of blocks separated by blank lines. `#` starts a comment line.
A block is a header line followed by the SQL (one or more lines, up to the next blank line):

    query tables=trips,zones [encrypted] [ordered|unordered] [approx|exact] [threads=N]
    SELECT ...

    error tables=alltypes [expect=SUBSTRING[|ALTERNATIVE...]]
    SELECT nosuchcol FROM alltypes

`query`: the result of `strongroom query --format jsonl` must equal DuckDB's result on the same
files (DuckDB is run inside the test). `error`: both DuckDB and strongroom must fail; strongroom
with exit status 1 and one line on stderr that contains one of the `|`-separated substrings
(case-insensitive; `expect=` takes the rest of the header line).

Flags: `tables=` the table names the query uses (see conftest.py for what each one is);
`encrypted` gives strongroom the PME-encrypted copies of those tables (and --keys) while DuckDB
reads the plaintext ones; `ordered`/`unordered` override the default row-order rule (compare in
order iff the statement ends in a top-level ORDER BY); `approx`/`exact` override the float rule
(relative tolerance 1e-9 iff the SQL calls avg/sum/stddev_samp/var_samp); `threads=N` passes
--threads N; `memory=LIMIT` passes --memory-limit LIMIT (operators spill beyond it); `spills`
says the query must spill under it (checked by the Swift runner, QueryTests/SQLLogicTests).
"""
import re
from dataclasses import dataclass, field
from pathlib import Path

# Spark's LEFT SEMI / LEFT ANTI JOIN is DuckDB's SEMI / ANTI JOIN (same semantics).
_SPARK_JOIN = re.compile(r"\bLEFT\s+(SEMI|ANTI)\s+JOIN\b", re.I)
_AGG_FLOAT = re.compile(r"\b(avg|sum|stddev_samp|var_samp|stddev|variance)\s*\(", re.I)
_FLAGS = {"encrypted", "ordered", "unordered", "approx", "exact", "spills"}


@dataclass(frozen=True)
class Case:
    file: str
    line: int
    kind: str  # "query" or "error"
    sql: str
    tables: tuple = ()
    flags: frozenset = frozenset()
    expect: tuple = ()  # error substrings (alternatives)
    threads: int = 0
    memory: str = ""  # --memory-limit, e.g. 256KB

    @property
    def id(self):
        return f"{self.file}:{self.line}"

    @property
    def ordered(self):
        if "ordered" in self.flags:
            return True
        if "unordered" in self.flags:
            return False
        return ends_with_order_by(self.sql)

    @property
    def approx(self):
        if "approx" in self.flags:
            return True
        if "exact" in self.flags:
            return False
        return bool(_AGG_FLOAT.search(self.sql))


def _top_level_words(sql):
    """Upper-cased words of `sql` outside parentheses, string literals and quoted names."""
    words, depth, i, n = [], 0, 0, len(sql)
    while i < n:
        c = sql[i]
        if c in "'\"":
            j = i + 1
            while j < n:
                if sql[j] == c:
                    if j + 1 < n and sql[j + 1] == c:
                        j += 2
                        continue
                    break
                j += 1
            i = j + 1
        elif c == "(":
            depth += 1
            i += 1
        elif c == ")":
            depth -= 1
            i += 1
        elif c == "-" and sql.startswith("--", i):
            j = sql.find("\n", i)
            i = n if j < 0 else j
        elif c.isalpha() or c == "_":
            j = i
            while j < n and (sql[j].isalnum() or sql[j] == "_"):
                j += 1
            if depth == 0:
                words.append(sql[i:j].upper())
            i = j
        else:
            i += 1
    return words


def ends_with_order_by(sql):
    """True when the statement's last top-level clause sequence contains ORDER BY, i.e. ORDER BY
    appears at depth 0 after the last top-level UNION/SELECT of a set operation."""
    words = _top_level_words(sql)
    last_union = max((i for i, w in enumerate(words) if w in ("UNION", "INTERSECT", "EXCEPT")), default=-1)
    tail = words[last_union + 1:]
    return any(a == "ORDER" and b == "BY" for a, b in zip(tail, tail[1:]))


def parse_file(path):
    path = Path(path)
    cases, block, start = [], [], 0
    lines = path.read_text().split("\n") + [""]
    for no, raw in enumerate(lines, 1):
        line = raw.rstrip()
        if line.lstrip().startswith("#"):
            continue
        if not line.strip():
            if block:
                cases.append(_parse_block(path.name, start, block))
                block = []
            continue
        if not block:
            start = no
        block.append(line)
    return cases


def _parse_block(name, line, block):
    header, sql = block[0], "\n".join(block[1:]).strip()
    where = f"{name}:{line}"
    words = header.split()
    kind = words[0] if words else ""
    if kind not in ("query", "error"):
        raise ValueError(f"{where}: block must start with 'query' or 'error', got {header!r}")
    if not sql:
        raise ValueError(f"{where}: block has no SQL")
    tables, flags, expect, threads, memory = (), set(), (), 0, ""
    rest = header[len(kind):].strip()
    while rest:
        if rest.startswith("expect="):
            expect = tuple(s.strip().lower() for s in rest[len("expect="):].split("|") if s.strip())
            break
        tok, _, rest = rest.partition(" ")
        rest = rest.strip()
        if tok.startswith("tables="):
            tables = tuple(t for t in tok[len("tables="):].split(",") if t)
        elif tok.startswith("threads="):
            threads = int(tok[len("threads="):])
        elif tok.startswith("memory="):
            memory = tok[len("memory="):]
        elif tok in _FLAGS:
            flags.add(tok)
        else:
            raise ValueError(f"{where}: unknown header token {tok!r}")
    if expect and kind != "error":
        raise ValueError(f"{where}: expect= only belongs to error blocks")
    return Case(name, line, kind, sql, tables, frozenset(flags), expect, threads, memory)


def load_cases(folder):
    cases = []
    for p in sorted(Path(folder).glob("*.test")):
        cases.extend(parse_file(p))
    return cases


def duckdb_sql(sql):
    """The statement as DuckDB spells it."""
    return _SPARK_JOIN.sub(lambda m: f"{m.group(1)} JOIN", sql)
