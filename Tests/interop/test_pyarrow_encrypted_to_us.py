"""pyarrow writes PME files (InMemoryKMS-style key material); strongroom decrypts them."""
import pyarrow.parquet as pq
import pytest

import contract_json
import pme_kms
import sample_tables
from conftest import assert_clean_failure, key_leak_forms

COLUMN_KEYS = {"k1": ["i32", "i64", "f64", "dec18", "d"], "k2": ["s", "bin", "ts", "fx"]}
PLAINTEXT_COLUMNS = [c for c in sample_tables.SAMPLE_COLUMNS
                     if all(c not in cols for cols in COLUMN_KEYS.values())]
VARIANTS = {
    "gcm": dict(),
    "gcm-plaintext-footer": dict(plaintext_footer=True),
    "ctr": dict(algorithm="AES_GCM_CTR_V1"),
    "ctr-plaintext-footer": dict(algorithm="AES_GCM_CTR_V1", plaintext_footer=True),
}


@pytest.fixture(scope="module")
def table():
    return sample_tables.flat_table(600)


def write(table, path, uniform=False, **variant):
    pme_kms.write_encrypted(table, path, column_keys=None if uniform else COLUMN_KEYS,
                            row_group_size=250, **variant)
    return path


@pytest.mark.parametrize("uniform", [False, True], ids=["column-keys", "uniform"])
@pytest.mark.parametrize("variant", list(VARIANTS))
def test_cat_decrypts(strongroom, tmp_path, master_keys_file, table, variant, uniform):
    path = write(table, tmp_path / f"{variant}.parquet.encrypted", uniform, **VARIANTS[variant])
    truth = pme_kms.read_encrypted(path)
    assert truth.equals(table)
    rows = strongroom.cat_jsonl(path, keys=master_keys_file)
    contract_json.assert_rows_match(rows, truth, context=variant)


def test_nested_encrypted(strongroom, tmp_path, master_keys_file):
    t = sample_tables.nested_table()
    path = tmp_path / "nested.parquet.encrypted"
    pme_kms.write_encrypted(t, path, column_keys={"k1": ["l_int", "st", "mp"], "k2": ["l_st", "id"]})
    contract_json.assert_rows_match(strongroom.cat_jsonl(path, keys=master_keys_file), t)


def test_plaintext_footer_plain_columns_need_no_keys(strongroom, tmp_path, table):
    """PME: with a plaintext footer, unencrypted columns stay readable without any key."""
    path = write(table, tmp_path / "pf.parquet.encrypted", plaintext_footer=True)
    rows = strongroom.cat_jsonl(path, columns=PLAINTEXT_COLUMNS)
    contract_json.assert_rows_match(rows, table, columns=PLAINTEXT_COLUMNS)


def test_inspect_shows_algorithm_and_keys(strongroom, tmp_path, master_keys_file, table):
    import json
    path = write(table, tmp_path / "ctr.parquet.encrypted", algorithm="AES_GCM_CTR_V1")
    out = strongroom.ok("parquet", "inspect", path, "--keys", master_keys_file).stdout
    doc = json.loads(out)
    text = json.dumps(doc)
    assert "AES_GCM_CTR_V1" in text
    for col in sample_tables.SAMPLE_COLUMNS:
        assert f'"{col}"' in text
    for key_id in ("kf", "k1", "k2"):
        assert key_id in text, f"key id {key_id} missing from inspect output"


@pytest.mark.parametrize("wrong", ["kf", "k1", "k2"])
@pytest.mark.parametrize("variant", ["gcm", "ctr-plaintext-footer"])
def test_wrong_master_key_fails_cleanly(strongroom, tmp_path, table, variant, wrong):
    path = write(table, tmp_path / "enc.parquet.encrypted", **VARIANTS[variant])
    bad = dict(pme_kms.DEV_MASTER_KEYS)
    bad[wrong] = b"\x42" * 16
    keys = pme_kms.write_keys_file(tmp_path / "bad-keys.json", bad)
    r = strongroom.run("parquet", "cat", path, "--keys", keys, "--format", "jsonl")
    secrets = [s for k in pme_kms.DEV_MASTER_KEYS.values() for s in key_leak_forms(k)] + key_leak_forms(bad[wrong])
    assert_clean_failure(r, secrets)


def test_missing_master_key_fails_cleanly(strongroom, tmp_path, table):
    path = write(table, tmp_path / "enc.parquet.encrypted")
    partial = {k: v for k, v in pme_kms.DEV_MASTER_KEYS.items() if k != "k2"}
    keys = pme_kms.write_keys_file(tmp_path / "partial.json", partial)
    r = strongroom.run("parquet", "cat", path, "--keys", keys)
    assert_clean_failure(r, [s for k in pme_kms.DEV_MASTER_KEYS.values() for s in key_leak_forms(k)])


def test_no_keys_at_all_fails_cleanly(strongroom, tmp_path, table):
    path = write(table, tmp_path / "enc.parquet.encrypted")
    assert_clean_failure(strongroom.run("parquet", "cat", path))


def test_tampered_ciphertext_fails_cleanly(strongroom, tmp_path, master_keys_file, table):
    """Flip one byte inside an encrypted column chunk: GCM authentication must catch it."""
    path = write(table, tmp_path / "enc.parquet.encrypted")
    meta = pq.ParquetFile(path, decryption_properties=pme_kms.decryption_properties()).metadata
    chunk = meta.row_group(0).column(sample_tables.SAMPLE_COLUMNS.index("i64"))
    data = bytearray(path.read_bytes())
    start = chunk.dictionary_page_offset if chunk.has_dictionary_page else chunk.data_page_offset
    data[start + chunk.total_compressed_size // 2] ^= 0x01
    bad = tmp_path / "tampered.parquet.encrypted"
    bad.write_bytes(bytes(data))
    with pytest.raises(Exception):
        pq.read_table(bad, decryption_properties=pme_kms.decryption_properties())
    assert_clean_failure(strongroom.run("parquet", "cat", bad, "--keys", master_keys_file))
