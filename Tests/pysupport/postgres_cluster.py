"""A throwaway PostgreSQL cluster for the Python suites (interop, adversarial): started through
scripts/postgres.sh, or the server at STRONGROOM_TEST_POSTGRES_URL; psql for raw SQL."""
import os
import random
import shutil
import subprocess
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def psql(url, sql):
    p = subprocess.run(["psql", "-X", "-q", "-At", "-F", "|", "-v", "ON_ERROR_STOP=1", url, "-c", sql],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, f"psql failed: {p.stderr}"
    return [line.split("|") for line in p.stdout.splitlines() if line != ""]


class PostgresCluster:
    def __init__(self, tag="interop"):
        self.tag = tag
        self.directory = None
        given = os.environ.get("STRONGROOM_TEST_POSTGRES_URL")
        if given:
            self.base = given
            return
        # Directly under /tmp: as root the script runs the server as the postgres user, who
        # cannot enter pytest's private temporary directories.
        self.directory = f"/tmp/strongroom-{tag}-pg-{uuid.uuid4().hex[:8]}"
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

    def new_database(self, prefix="sr_"):
        name = prefix + uuid.uuid4().hex[:12]
        psql(self.base, f"CREATE DATABASE {name}")
        return self.base.rsplit("/", 1)[0] + "/" + name + "?sslmode=disable"
