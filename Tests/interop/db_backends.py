"""Real databases for the Always Encrypted table tests: SQLite files (Python's sqlite3) and a
throwaway PostgreSQL cluster started through scripts/postgres.sh (or STRONGROOM_TEST_POSTGRES_URL).
Raw reads go around strongroom, so tests see exactly what the database stores."""
import sqlite3
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "pysupport"))
from postgres_cluster import PostgresCluster, psql  # noqa: E402  (shared with Tests/adversarial)


class Backend:
    """One empty database; `url` is what strongroom takes, `table(name)` adds ?table=."""

    def __init__(self, kind, url, sqlite_path=None):
        self.kind, self.url, self.sqlite_path = kind, url, sqlite_path

    def table(self, name):
        return f"{self.url}{'&' if '?' in self.url else '?'}table={name}"

    def query(self, sql):
        """Rows of text (bytes columns as lowercase hex via hex())."""
        if self.kind == "sqlite":
            with sqlite3.connect(self.sqlite_path) as db:
                return [[None if v is None else (v.hex() if isinstance(v, bytes) else str(v)) for v in row]
                        for row in db.execute(sql)]
        return psql(self.url.split("?")[0], sql)

    def execute(self, sql):
        if self.kind == "sqlite":
            with sqlite3.connect(self.sqlite_path) as db:
                db.executescript(sql)
        else:
            psql(self.url.split("?")[0], sql)

    def hex_of(self, column):
        """SQL for a bytes column as lowercase hex in this dialect."""
        return f'lower(hex("{column}"))' if self.kind == "sqlite" else f"encode(\"{column}\", 'hex')"

    def bytes_literal(self, data):
        return f"X'{data.hex()}'" if self.kind == "sqlite" else f"'\\x{data.hex()}'::bytea"

    def exists(self, table):
        if self.kind == "sqlite":
            return bool(self.query(f"SELECT count(*) FROM sqlite_master WHERE type='table' AND name='{table}'")[0][0] != "0")
        return self.query(f"SELECT to_regclass('\"{table}\"') IS NOT NULL")[0][0] == "t"

    def count(self, table):
        return int(self.query(f'SELECT count(*) FROM "{table}"')[0][0])


def make_backend(kind, tmp_path, cluster):
    if kind == "sqlite":
        path = Path(tmp_path) / "data.db"
        return Backend("sqlite", f"sqlite://{path}", sqlite_path=str(path))
    return Backend("postgres", cluster.new_database())
