"""Exit codes and error lines: 0 success, 2 usage error, 1 any other failure with one stderr line."""
import json
import os
import random

import pyarrow.parquet as pq
import pytest

import contract_json
import pme_kms
import sample_tables
from conftest import assert_clean_failure, key_leak_forms, shared_dir

# pyarrow reads this one (an RLE bit width of 0 is legal for a single-entry dictionary)
READABLE_BAD_DATA = {"ARROW-GH-43605.parquet"}


@pytest.fixture(scope="module")
def plain_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("plain") / "flat.parquet"
    pq.write_table(sample_tables.flat_table(400), path, row_group_size=150)
    return path


def assert_usage_error(result):
    assert result.returncode == 2, f"expected usage error exit 2\n{result.describe()}"
    assert result.stderr.strip(), f"usage error without a message\n{result.describe()}"


@pytest.mark.parametrize("args", [
    ["parquet", "cat", "{file}", "--no-such-flag"],
    ["parquet", "cat", "{file}", "--format", "xml"],
    ["parquet", "cat", "{file}", "--limit", "many"],
    ["parquet", "cat"],
    ["parquet", "inspect"],
    ["parquet", "encrypt", "{file}", "{out}"],
    ["parquet", "encrypt", "{file}", "{out}", "--keys", "{keys}", "--footer-key", "kf", "--algorithm", "ROT13"],
    ["parquet", "decrypt", "{file}"],
    ["parquet", "write-sample", "{out}", "--codec", "zip"],
    ["parquet", "frobnicate"],
    ["no-such-command"],
    ["bench", "scan", "{file}"],
], ids=lambda a: " ".join(a))
def test_usage_errors_exit_2(strongroom, plain_file, tmp_path, master_keys_file, args):
    args = [a.format(file=plain_file, out=tmp_path / "out.parquet", keys=master_keys_file) for a in args]
    assert_usage_error(strongroom.run(*args))


@pytest.mark.parametrize("args", [
    ["scan", "{file}", "--threads", "two"],
    ["scan"],
    ["taxi", "--runs", "many"],
    ["cas", "--seconds", "soon"],
    ["frobnicate"],
], ids=lambda a: " ".join(a))
def test_bench_usage_errors_exit_2(strongroom_bench, plain_file, args):
    """strongroom-bench keeps the CLI's exit-code contract (2 for usage errors)."""
    assert_usage_error(strongroom_bench.run(*[a.format(file=plain_file) for a in args]))


def test_help_exits_0(strongroom):
    r = strongroom.run("parquet", "cat", "--help")
    assert r.returncode == 0, r.describe()
    assert "--keys" in r.stdout + r.stderr


@pytest.mark.parametrize("command", ["cat", "inspect"])
def test_missing_file(strongroom, tmp_path, command):
    assert_clean_failure(strongroom.run("parquet", command, tmp_path / "does-not-exist.parquet"))


def test_missing_input_for_encrypt(strongroom, tmp_path, master_keys_file):
    r = strongroom.run("parquet", "encrypt", tmp_path / "nope.parquet", tmp_path / "out.parquet",
                       "--keys", master_keys_file, "--footer-key", "kf", "--key-material")
    assert_clean_failure(r)
    assert not (tmp_path / "out.parquet").exists() or (tmp_path / "out.parquet").stat().st_size == 0


def test_missing_keys_file(strongroom, tmp_path, plain_file):
    r = strongroom.run("parquet", "encrypt", plain_file, tmp_path / "out.parquet",
                       "--keys", tmp_path / "no-keys.json", "--footer-key", "kf")
    assert_clean_failure(r)


def test_footer_key_not_in_keys_file(strongroom, tmp_path, plain_file, master_keys_file):
    r = strongroom.run("parquet", "encrypt", plain_file, tmp_path / "out.parquet",
                       "--keys", master_keys_file, "--footer-key", "nope", "--key-material")
    assert_clean_failure(r, [pme_kms.keys_json()])


def test_column_key_for_unknown_column(strongroom, tmp_path, plain_file, master_keys_file):
    r = strongroom.run("parquet", "encrypt", plain_file, tmp_path / "out.parquet",
                       "--keys", master_keys_file, "--footer-key", "kf", "--column-key", "k1:no_such_column")
    assert r.returncode in (1, 2), r.describe()
    assert len(r.stderr.strip().splitlines()) >= 1


def test_unknown_projected_column(strongroom, plain_file):
    r = strongroom.run("parquet", "cat", plain_file, "--columns", "i32,no_such_column")
    assert r.returncode in (1, 2), r.describe()
    if r.returncode == 1:
        assert_clean_failure(r)


def _bad_data():
    d = shared_dir()
    if d is None:
        return [None]
    return sorted((d / "vectors" / "parquet" / "bad_data").glob("*.parquet"))


@pytest.mark.parametrize("path", _bad_data(), ids=lambda p: p.name if p else "missing")
def test_corrupt_vectors(strongroom, path):
    assert path is not None, "shared/vectors not found beside the repository; set STRONGROOM_SHARED"
    r = strongroom.run("parquet", "cat", path, "--format", "jsonl", timeout=60)
    if path.name in READABLE_BAD_DATA:
        assert r.returncode in (0, 1), r.describe()  # no crash, no hang
        if r.returncode == 1:
            assert_clean_failure(r)
        else:  # if we read it, we read what pyarrow reads
            contract_json.assert_rows_match(contract_json.parse_jsonl(r.stdout), pq.read_table(path))
    else:
        assert_clean_failure(r)


def _damaged(plain_file, tmp_path, kind):
    data = plain_file.read_bytes()
    rng = random.Random(kind)
    if kind == "empty":
        out = b""
    elif kind == "magic-only":
        out = b"PAR1"
    elif kind == "truncated-half":
        out = data[: len(data) // 2]
    elif kind == "truncated-tail":
        out = data[:-3]
    elif kind == "random-bytes":
        out = b"PAR1" + rng.randbytes(5000) + b"PAR1"
    elif kind == "footer-length-huge":
        out = data[:-8] + (0x7FFFFFF0).to_bytes(4, "little") + b"PAR1"
    elif kind == "footer-scrambled":
        footer_len = int.from_bytes(data[-8:-4], "little")
        start = len(data) - 8 - footer_len
        footer = bytearray(data[start:-8])
        for i in range(0, len(footer), 7):
            footer[i] = rng.randrange(256)
        out = data[:start] + bytes(footer) + data[-8:]
    elif kind == "pages-scrambled":
        meta = pq.read_metadata(plain_file)
        col = meta.row_group(0).column(3)
        start = col.dictionary_page_offset if col.has_dictionary_page else col.data_page_offset
        buf = bytearray(data)
        for i in range(start, start + col.total_compressed_size):
            buf[i] = rng.randrange(256)
        out = bytes(buf)
    else:
        raise AssertionError(kind)
    path = tmp_path / f"{kind}.parquet"
    path.write_bytes(out)
    return path


@pytest.mark.parametrize("kind", ["empty", "magic-only", "truncated-half", "truncated-tail", "random-bytes",
                                  "footer-length-huge", "footer-scrambled", "pages-scrambled"])
@pytest.mark.parametrize("command", ["cat", "inspect"])
def test_damaged_files_fail_cleanly(strongroom, plain_file, tmp_path, kind, command):
    path = _damaged(plain_file, tmp_path, kind)
    r = strongroom.run("parquet", command, path, timeout=60)
    if command == "inspect" and kind == "pages-scrambled":
        assert r.returncode in (0, 1), r.describe()  # metadata is intact; pages need not be read
        if r.returncode == 0:
            json.loads(r.stdout)
    else:
        assert_clean_failure(r)


@pytest.mark.parametrize("seed", range(20))
def test_random_bit_flips_never_crash(strongroom, plain_file, tmp_path, seed):
    """Any outcome but a crash or a hang: exit 0 (flip hit slack) or exit 1 with one line."""
    rng = random.Random(seed)
    data = bytearray(plain_file.read_bytes())
    for _ in range(1 + seed % 4):
        pos = rng.randrange(len(data))
        data[pos] ^= 1 << rng.randrange(8)
    path = tmp_path / f"flip-{seed}.parquet"
    path.write_bytes(bytes(data))
    r = strongroom.run("parquet", "cat", path, "--format", "jsonl", timeout=60)
    assert r.returncode in (0, 1), f"crash or unexpected exit\n{r.describe()}"
    if r.returncode == 1:
        assert_clean_failure(r)
    else:  # the flip hit something unchecked (a value, slack): output is still well formed
        rows = contract_json.parse_jsonl(r.stdout)
        assert rows and all(set(row) == set(sample_tables.SAMPLE_COLUMNS) for row in rows), r.describe()


def test_encrypted_file_without_keys(strongroom, tmp_path):
    path = tmp_path / "enc.parquet.encrypted"
    pme_kms.write_encrypted(sample_tables.flat_table(50), path)
    for command in ("cat", "inspect"):
        assert_clean_failure(strongroom.run("parquet", command, path))


def test_malformed_keys_file(strongroom, tmp_path):
    path = tmp_path / "enc.parquet.encrypted"
    pme_kms.write_encrypted(sample_tables.flat_table(50), path)
    keys = tmp_path / "keys.json"
    keys.write_text('{"kf": "not base64 !!!", ')
    assert_clean_failure(strongroom.run("parquet", "cat", path, "--keys", keys))


def test_decrypt_with_wrong_keys(strongroom, tmp_path):
    path = tmp_path / "enc.parquet.encrypted"
    pme_kms.write_encrypted(sample_tables.flat_table(50), path)
    wrong_keys = {k: os.urandom(16) for k in ("kf", "k1", "k2")}
    wrong = pme_kms.write_keys_file(tmp_path / "wrong.json", wrong_keys)
    r = strongroom.run("parquet", "decrypt", path, tmp_path / "out.parquet", "--keys", wrong)
    assert_clean_failure(r, [s for k in wrong_keys.values() for s in key_leak_forms(k)])
