"""Real databases for the Always Encrypted table tests: SQLite files (Python's sqlite3) and a
throwaway PostgreSQL cluster started through scripts/postgres.sh (or STRONGROOM_TEST_POSTGRES_URL).
Raw reads go around strongroom, so tests see exactly what the database stores."""
import os
import random
import shutil
import sqlite3
import subprocess
import uuid
from pathlib import Path

from conftest import REPO


def psql(url, sql):
    p = subprocess.run(["psql", "-X", "-q", "-At", "-F", "|", "-v", "ON_ERROR_STOP=1", url, "-c", sql],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, f"psql failed: {p.stderr}"
    return [line.split("|") for line in p.stdout.splitlines() if line != ""]


class PostgresCluster:
    def __init__(self):
        self.directory = None
        given = os.environ.get("STRONGROOM_TEST_POSTGRES_URL")
        if given:
            self.base = given
            return
        # Directly under /tmp: as root the script runs the server as the postgres user, who
        # cannot enter pytest's private temporary directories.
        self.directory = f"/tmp/strongroom-interop-pg-{uuid.uuid4().hex[:8]}"
        last = ""
        for _ in range(5):
            port = random.randint(20000, 60000)
            p = subprocess.run(["sh", str(REPO / "scripts" / "postgres.sh"), "start", self.directory, str(port)],
                               capture_output=True, text=True, timeout=120)
            if p.returncode == 0:
                self.base = p.stdout.strip()
                return
            last = p.stderr
        raise RuntimeError(f"scripts/postgres.sh could not start a cluster: {last}")

    def stop(self):
        if self.directory:
            subprocess.run(["sh", str(REPO / "scripts" / "postgres.sh"), "stop", self.directory], capture_output=True, timeout=60)
            shutil.rmtree(self.directory, ignore_errors=True)

    def new_database(self):
        name = "sr_" + uuid.uuid4().hex[:12]
        psql(self.base, f"CREATE DATABASE {name}")
        return self.base.rsplit("/", 1)[0] + "/" + name + "?sslmode=disable"


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
