"""Shared fixtures: the strongroom binary, a CLI runner, the shared vectors, key files."""
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

import pme_kms

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "pysupport"))
from strongroom_binary import strongroom_binary  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
CLI_TIMEOUT = float(os.environ.get("STRONGROOM_CLI_TIMEOUT", "300"))


def pytest_configure(config):
    config.addinivalue_line("markers", "spark: needs pyspark + Java 17; skipped when STRONGROOM_SKIP_SPARK=1")


def pytest_collection_modifyitems(config, items):
    if os.environ.get("STRONGROOM_SKIP_SPARK") == "1":
        skip = pytest.mark.skip(reason="STRONGROOM_SKIP_SPARK=1")
        for item in items:
            if "spark" in item.keywords:
                item.add_marker(skip)


def shared_dir():
    """The shared/ folder that CI checks out beside the repository."""
    candidates = [os.environ.get("STRONGROOM_SHARED"), REPO.parent / "shared", REPO.parent.parent / "shared"]
    for c in candidates:
        if c and (Path(c) / "vectors").is_dir():
            return Path(c)
    return None


@dataclass
class CliResult:
    args: list
    returncode: int
    stdout: str
    stderr: str

    def describe(self):
        return (f"strongroom {' '.join(map(str, self.args))} -> exit {self.returncode}\n"
                f"stderr: {self.stderr[-2000:]}")


class Strongroom:
    def __init__(self, binary):
        self.binary = binary

    def run(self, *args, timeout=CLI_TIMEOUT):
        args = [str(a) for a in args]
        try:
            p = subprocess.run([self.binary, *args], capture_output=True, timeout=timeout,
                               stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            pytest.fail(f"strongroom {' '.join(args)} did not finish within {timeout:.0f}s (loop or hang?)")
        return CliResult(args, p.returncode, p.stdout.decode("utf-8", "replace"),
                         p.stderr.decode("utf-8", "replace"))

    def ok(self, *args, **kw):
        """Run and require exit 0."""
        r = self.run(*args, **kw)
        assert r.returncode == 0, r.describe()
        return r

    def cat_jsonl(self, files, keys=None, columns=None, limit=None):
        files = [files] if isinstance(files, (str, Path)) else files
        args = ["parquet", "cat", *files, "--format", "jsonl"]
        if keys:
            args += ["--keys", keys]
        if columns:
            args += ["--columns", ",".join(columns)]
        if limit is not None:
            args += ["--limit", str(limit)]
        import contract_json
        return contract_json.parse_jsonl(self.ok(*args).stdout)

    def write_sample(self, out, rows=1000, row_group_rows=300, codec="snappy"):
        self.ok("parquet", "write-sample", out, "--rows", rows, "--row-group-rows", row_group_rows,
                "--codec", codec)
        return out


def assert_clean_failure(result, secrets=()):
    """Exit 1 with exactly one non-empty line on stderr, and no key material in it."""
    assert result.returncode == 1, f"expected exit 1\n{result.describe()}"
    lines = result.stderr.strip("\n").split("\n")
    assert len(lines) == 1 and lines[0].strip(), f"expected one stderr line, got {len(lines)}\n{result.describe()}"
    for secret in secrets:
        assert secret not in result.stderr, f"stderr leaks key material\n{result.describe()}"


def key_leak_forms(key_bytes):
    """Text forms of a key that must never appear in an error message."""
    import base64
    return [base64.b64encode(key_bytes).decode(), key_bytes.hex(), key_bytes.hex().upper()] + (
        [key_bytes.decode("ascii")] if key_bytes.isascii() and key_bytes.decode("ascii").isprintable() else [])


@pytest.fixture(scope="session")
def strongroom():
    return Strongroom(strongroom_binary())


@pytest.fixture(scope="session")
def strongroom_bench(strongroom):
    """`strongroom-bench`, built beside `strongroom` (scripts/test.sh), or STRONGROOM_BENCH_BIN."""
    binary = os.environ.get("STRONGROOM_BENCH_BIN") or str(Path(strongroom.binary).with_name("strongroom-bench"))
    assert os.access(binary, os.X_OK), f"{binary} is not an executable file (swift build -c release --product strongroom-bench)"
    return Strongroom(binary)


@pytest.fixture(scope="session")
def master_keys_file(tmp_path_factory):
    """KEYS.json with the development master keys kf, k1, k2."""
    return pme_kms.write_keys_file(tmp_path_factory.mktemp("keys") / "keys.json")
