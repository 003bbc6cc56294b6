"""strongroom writes (write-sample, encrypt); pyarrow and DuckDB must read the same values."""
import base64
import json
import os
import re

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import contract_json
import pme_kms
import sample_tables

ROWS, RG_ROWS = 1000, 300
COLUMN_KEY_ARGS = ["--column-key", "k1:i32,i64,f64,dec18,d", "--column-key", "k2:s,bin,ts,fx"]
ENCRYPTED_COLUMNS = {"i32", "i64", "f64", "dec18", "d", "s", "bin", "ts", "fx"}
VARIANTS = {
    "gcm": [],
    "gcm-plaintext-footer": ["--plaintext-footer"],
    "ctr": ["--algorithm", "AES_GCM_CTR_V1"],
    "ctr-plaintext-footer": ["--algorithm", "AES_GCM_CTR_V1", "--plaintext-footer"],
    "gcm-explicit": ["--algorithm", "AES_GCM_V1"],
}
EXPECTED_TYPES = {
    "b": pa.bool_(), "i8": pa.int8(), "i16": pa.int16(), "i32": pa.int32(), "i64": pa.int64(),
    "u32": pa.uint32(), "f32": pa.float32(), "f64": pa.float64(), "s": pa.string(), "bin": pa.binary(),
    "fx": pa.binary(4), "d": pa.date32(), "ts": pa.timestamp("us", tz="UTC"), "ts_ms": pa.timestamp("ms"),
    "dec9": pa.decimal128(9, 2), "dec18": pa.decimal128(18, 4), "dec38": pa.decimal128(38, 10),
}
EXPECTED_PHYSICAL = {"dec9": "INT32", "dec18": "INT64", "dec38": "FIXED_LEN_BYTE_ARRAY", "fx": "FIXED_LEN_BYTE_ARRAY"}
CODEC_NAMES = {"snappy": "SNAPPY", "zstd": "ZSTD", "none": "UNCOMPRESSED"}


@pytest.fixture(scope="module", params=["snappy", "zstd", "none"])
def sample(request, strongroom, tmp_path_factory):
    """A write-sample file and pyarrow's reading of it (the truth for everything below)."""
    path = tmp_path_factory.mktemp("sample") / f"sample-{request.param}.parquet"
    strongroom.write_sample(path, rows=ROWS, row_group_rows=RG_ROWS, codec=request.param)
    return request.param, path, pq.read_table(path)


def test_sample_schema_and_layout(sample):
    codec, path, table = sample
    assert table.column_names == sample_tables.SAMPLE_COLUMNS
    for name, t in EXPECTED_TYPES.items():
        assert table.schema.field(name).type == t, f"{name}: {table.schema.field(name).type} != {t}"
        assert table.schema.field(name).nullable
    meta = pq.read_metadata(path)
    assert meta.num_rows == ROWS
    assert [meta.row_group(i).num_rows for i in range(meta.num_row_groups)] == [300, 300, 300, 100]
    for i in range(meta.num_columns):
        col = meta.row_group(0).column(i)
        assert col.compression == CODEC_NAMES[codec], f"{col.path_in_schema}: {col.compression}"
        if col.path_in_schema in EXPECTED_PHYSICAL:
            assert col.physical_type == EXPECTED_PHYSICAL[col.path_in_schema]
    for name, utc in (("ts", True), ("ts_ms", False)):
        logical = json.loads(meta.schema.column(sample_tables.SAMPLE_COLUMNS.index(name)).logical_type.to_json())
        assert logical["isAdjustedToUTC"] is utc, f"{name}: {logical}"


def test_sample_nulls_every_7th_row(sample):
    _, _, table = sample
    for name in table.column_names:
        nulls = [i for i, v in enumerate(table.column(name).is_null().to_pylist()) if v]
        assert nulls, f"{name} has no nulls"
        residues = {i % 7 for i in nulls}
        assert len(residues) == 1 and len(nulls) in (ROWS // 7, ROWS // 7 + 1), \
            f"{name}: nulls are not every 7th row"
    # values vary with the row number (deterministic, not constant)
    assert len(set(table.column("i64").drop_null().to_pylist())) > ROWS // 2


def test_sample_is_deterministic(strongroom, sample, tmp_path):
    codec, _, table = sample
    again = strongroom.write_sample(tmp_path / "again.parquet", ROWS, RG_ROWS, codec)
    assert pq.read_table(again).equals(table)


def test_our_reader_agrees_with_pyarrow_on_our_writer(strongroom, sample):
    _, path, table = sample
    contract_json.assert_rows_match(strongroom.cat_jsonl(path), table)


def test_duckdb_reads_sample(sample):
    import duckdb  # scripts/python-deps.sh installs it
    _, path, table = sample
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    got = con.sql(f"select * from read_parquet('{path}')").to_arrow_table()
    assert got.column_names == table.column_names
    assert contract_json.expected_rows(got) == contract_json.expected_rows(table)


def encrypt(strongroom, src, dst, keys_file, variant_args, key_material=True, column_keys=True, extra=()):
    args = ["parquet", "encrypt", src, dst, "--keys", keys_file, "--footer-key", "kf"]
    args += COLUMN_KEY_ARGS if column_keys else []
    args += variant_args + list(extra)
    if key_material:
        args.append("--key-material")
    strongroom.ok(*args)
    return dst


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_pyarrow_reads_our_encryption(strongroom, sample, tmp_path, master_keys_file, variant):
    _, path, table = sample
    enc = encrypt(strongroom, path, tmp_path / "enc.parquet.encrypted", master_keys_file, VARIANTS[variant])
    got = pme_kms.read_encrypted(enc)
    assert got.equals(table), f"{variant}: pyarrow's decryption differs from the plaintext sample"
    meta = pq.ParquetFile(enc, decryption_properties=pme_kms.decryption_properties()).metadata
    assert [meta.row_group(i).num_rows for i in range(meta.num_row_groups)] == [300, 300, 300, 100]
    if "--plaintext-footer" in VARIANTS[variant]:
        # legacy readers still see the schema and read the columns left unencrypted
        plain_cols = [c for c in table.column_names if c not in ENCRYPTED_COLUMNS]
        assert pq.read_table(enc, columns=plain_cols).equals(table.select(plain_cols))
        with pytest.raises(Exception):
            pq.read_table(enc, columns=["i64"])
    else:
        with pytest.raises(Exception):
            pq.read_metadata(enc)
    # and we read our own output back with the same keys
    contract_json.assert_rows_match(strongroom.cat_jsonl(enc, keys=master_keys_file), table, context=variant)


def test_uniform_encryption(strongroom, sample, tmp_path, master_keys_file):
    """No --column-key: every column under the footer key (parquet-java's uniform encryption)."""
    _, path, table = sample
    enc = encrypt(strongroom, path, tmp_path / "uniform.parquet.encrypted", master_keys_file, [],
                  column_keys=False)
    assert pme_kms.read_encrypted(enc).equals(table)
    only_kf = pme_kms.write_keys_file(tmp_path / "kf.json", {"kf": pme_kms.DEV_MASTER_KEYS["kf"]})
    contract_json.assert_rows_match(strongroom.cat_jsonl(enc, keys=only_kf), table)


def test_decrypt_round_trip(strongroom, sample, tmp_path, master_keys_file):
    _, path, table = sample
    enc = encrypt(strongroom, path, tmp_path / "enc.parquet.encrypted", master_keys_file, [])
    out = tmp_path / "decrypted.parquet"
    strongroom.ok("parquet", "decrypt", enc, out, "--keys", master_keys_file)
    assert pq.read_table(out).equals(table)
    meta = pq.read_metadata(out)
    assert [meta.row_group(i).num_rows for i in range(meta.num_row_groups)] == [300, 300, 300, 100]


def test_key_ids_without_key_material(strongroom, sample, tmp_path):
    """Without --key-material the KEYS.json keys are the data keys and their ids the key metadata."""
    _, path, table = sample
    data_keys = {"kf": os.urandom(16), "k1": os.urandom(16), "k2": os.urandom(32)}
    keys = pme_kms.write_keys_file(tmp_path / "data-keys.json", data_keys)
    enc = encrypt(strongroom, path, tmp_path / "ids.parquet.encrypted", keys, [], key_material=False)
    raw = enc.read_bytes()
    assert raw[:4] == b"PARE" and raw[-4:] == b"PARE"
    contract_json.assert_rows_match(strongroom.cat_jsonl(enc, keys=keys), table)
    out = tmp_path / "plain.parquet"
    strongroom.ok("parquet", "decrypt", enc, out, "--keys", keys)
    assert pq.read_table(out).equals(table)


def test_aad_prefix_round_trip(strongroom, sample, tmp_path, master_keys_file):
    _, path, table = sample
    enc = encrypt(strongroom, path, tmp_path / "aad.parquet.encrypted", master_keys_file, [],
                  extra=["--aad-prefix", "tenant-42/2024"])
    contract_json.assert_rows_match(strongroom.cat_jsonl(enc, keys=master_keys_file), table)
    out = tmp_path / "plain.parquet"
    strongroom.ok("parquet", "decrypt", enc, out, "--keys", master_keys_file)
    assert pq.read_table(out).equals(table)


def test_encrypt_preserves_pyarrow_written_files(strongroom, tmp_path, master_keys_file):
    """encrypt works on files from another writer: nested types, several row groups, v2 pages."""
    src = tmp_path / "nested.parquet"
    t = sample_tables.nested_table()
    pq.write_table(t, src, data_page_version="2.0", row_group_size=100, compression="zstd")
    enc = tmp_path / "nested.parquet.encrypted"
    strongroom.ok("parquet", "encrypt", src, enc, "--keys", master_keys_file, "--footer-key", "kf",
                  "--column-key", "k1:l_int,mp", "--key-material")
    assert pme_kms.read_encrypted(enc).equals(pq.read_table(src))
    assert pq.ParquetFile(enc, decryption_properties=pme_kms.decryption_properties()).metadata.num_row_groups == 3


def test_bench_scan_json(strongroom, strongroom_bench, sample, tmp_path, master_keys_file):
    _, path, table = sample
    r = strongroom_bench.ok("scan", path, path, "--threads", "2", "--format", "json")
    doc = json.loads(r.stdout)
    assert doc["rows"] == 2 * table.num_rows
    assert doc["seconds"] >= 0 and doc["bytes"] > 0
    enc = encrypt(strongroom, path, tmp_path / "enc.parquet.encrypted", master_keys_file, [])
    r = strongroom_bench.ok("scan", enc, "--threads", "2", "--keys", master_keys_file, "--format", "json")
    assert json.loads(r.stdout)["rows"] == table.num_rows


def test_key_material_is_parquet_java_format(strongroom, sample, tmp_path, master_keys_file):
    """Footer key metadata is PKMT1 key material with a double-wrapped DEK (parquet-java layout)."""
    _, path, _ = sample
    enc = encrypt(strongroom, path, tmp_path / "pf.parquet.encrypted", master_keys_file, ["--plaintext-footer"])
    meta = pq.read_metadata(enc)  # plaintext footer: readable without keys
    assert meta.num_rows == ROWS
    materials = key_materials(enc.read_bytes())
    footer = [m for m in materials if m.get("isFooterKey")]
    columns = [m for m in materials if m.get("isFooterKey") is False]
    assert len(footer) == 1, f"expected one footer key material, found {len(footer)}"
    assert footer[0]["masterKeyID"] == "kf"
    assert {m["masterKeyID"] for m in columns} == {"k1", "k2"}
    for m in materials:
        assert m["internalStorage"] is True and m["doubleWrapping"] is True
        for field in ("wrappedDEK", "wrappedKEK", "keyEncryptionKeyID"):
            base64.b64decode(m[field], validate=True)


def key_materials(raw):
    """PKMT1 JSON objects in a file (footer and column metadata are plaintext thrift here)."""
    out = []
    for m in re.finditer(rb"PKMT1", raw):
        start, end = raw.rfind(b"{", 0, m.start()), raw.find(b"}", m.start())
        if start >= 0 and end > 0:
            out.append(json.loads(raw[start:end + 1]))
    return out
