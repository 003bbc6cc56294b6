"""T-SPILL: a query's spill files as an attacker with access to the disk sees them (threat ids of
docs/design/threat-model.md). Real `strongroom query` processes spill under a small
--memory-limit into a spill directory the test watches; the test reads the spill files through
/proc/PID/fd while the query runs, as root (or the same user) could, and kills queries mid-spill.
Tampering with the bytes (flipped, swapped, replayed, truncated blocks) is attacked in-process by
QueryKernelsTests/SpillFileTests (it needs the block layout)."""
import os
import signal
import subprocess
import time

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import clean_env
from strongroom_binary import strongroom_binary

ROWS = 600_000
MARKER = b"PATIENT-RECORD-"
# The keys of this GROUP BY (600,000 distinct marker strings) cannot all be held in 2 MB: they
# go to spill partitions, then come back one partition at a time.
SPILLING_SQL = "SELECT count(*) AS n, max(c) AS most FROM (SELECT secret, count(*) AS c FROM t GROUP BY secret) g"


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    path = tmp_path_factory.mktemp("spill-data") / "t.parquet"
    pq.write_table(pa.table({
        "id": pa.array(range(ROWS), pa.int64()),
        "secret": pa.array([f"PATIENT-RECORD-{i:09d}-diagnosis" for i in range(ROWS)], pa.string()),
    }), path, row_group_size=50_000)
    return path


def start_query(table, spill_dir):
    env = clean_env(STRONGROOM_SPILL_DIR=str(spill_dir))
    return subprocess.Popen([strongroom_binary(), "query", "--table", f"t={table}", "--memory-limit", "2MB",
                             "--threads", "1", "--format", "csv", "--sql", SPILLING_SQL],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)


def spill_descriptors(pid, spill_dir):
    """The process's open files in the spill directory (unnamed: `/dir/#inode (deleted)`)."""
    found = []
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            if target.startswith(str(spill_dir) + "/"):
                found.append((fd, target))
    except OSError:
        pass
    return found


def test_T_SPILL_01_spill_files_hold_only_ciphertext_and_have_no_name(table, tmp_path):
    spill_dir = tmp_path / "spill"
    spill_dir.mkdir()
    proc = start_query(table, spill_dir)
    seen_bytes, seen_files, named = 0, set(), []
    while proc.poll() is None:
        named += os.listdir(spill_dir)
        for fd, target in spill_descriptors(proc.pid, spill_dir):
            try:
                with open(f"/proc/{proc.pid}/fd/{fd}", "rb") as f:
                    data = f.read()
            except OSError:
                continue
            seen_files.add(target)
            seen_bytes = max(seen_bytes, len(data))
            assert MARKER not in data, f"plaintext data value readable in spill file {target}"
        time.sleep(0.002)
    out, err = proc.communicate()
    assert proc.returncode == 0, err.decode()
    assert out.decode().strip().splitlines()[-1] == f"{ROWS},1"
    assert seen_files, "no spill file was observed while the query ran (make the query spill longer)"
    assert seen_bytes > 10_000, f"spill files observed held only {seen_bytes} bytes"
    assert not named, f"spill files had names in the spill directory: {sorted(set(named))[:5]}"
    assert os.listdir(spill_dir) == []


def test_T_SPILL_02_a_killed_query_leaves_nothing_behind(table, tmp_path):
    spill_dir = tmp_path / "spill"
    spill_dir.mkdir()
    proc = start_query(table, spill_dir)
    deadline = time.monotonic() + 60
    while not spill_descriptors(proc.pid, spill_dir):
        assert proc.poll() is None, "the query ended before it spilled"
        assert time.monotonic() < deadline, "no spill file within 60 s"
        time.sleep(0.002)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert os.listdir(spill_dir) == [], "a killed query left spill files behind"


def test_T_SPILL_03_an_unusable_spill_directory_is_a_clear_error(table, tmp_path):
    missing = tmp_path / "no-such-dir"
    proc = start_query(table, missing)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1
    lines = err.decode().strip().splitlines()
    assert len(lines) == 1 and "STRONGROOM_SPILL_DIR" in lines[0], err.decode()
    assert MARKER.decode() not in err.decode()
