"""pyarrow writes plaintext Parquet; `strongroom parquet cat` must print the same rows."""
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

import contract_json
from conftest import shared_dir
import sample_tables

CODECS = ["snappy", "zstd", "gzip", "brotli", "lz4", "none"]


def check_cat(strongroom, path, columns=None, context=""):
    # INT96 read as microseconds, like Spark and strongroom (nanoseconds would wrap past 2262).
    truth = pq.read_table(path, coerce_int96_timestamp_unit="us")
    rows = strongroom.cat_jsonl(path, columns=columns)
    contract_json.assert_rows_match(rows, truth, columns=columns, context=context or str(path.name))


@pytest.mark.parametrize("page_version", ["1.0", "2.0"])
@pytest.mark.parametrize("dictionary", [True, False], ids=["dict", "plain"])
@pytest.mark.parametrize("codec", CODECS)
def test_flat_types(strongroom, tmp_path, codec, dictionary, page_version):
    path = tmp_path / f"flat-{codec}-{dictionary}-{page_version}.parquet"
    pq.write_table(sample_tables.flat_table(700), path, compression=codec, use_dictionary=dictionary,
                   data_page_version=page_version, row_group_size=300, data_page_size=2048,
                   store_decimal_as_integer=(page_version == "2.0"))
    check_cat(strongroom, path)


@pytest.mark.parametrize("page_version", ["1.0", "2.0"])
def test_extra_types(strongroom, tmp_path, page_version):
    """Unsigned ints, large strings, nanosecond and zoned timestamps, year-1 dates, all-null."""
    path = tmp_path / "extra.parquet"
    pq.write_table(sample_tables.flat_table(400, extra_types=True), path, data_page_version=page_version,
                   row_group_size=150)
    check_cat(strongroom, path)


@pytest.mark.parametrize("page_version", ["1.0", "2.0"])
@pytest.mark.parametrize("encodings", [
    {"i32": "DELTA_BINARY_PACKED", "i64": "DELTA_BINARY_PACKED", "i8": "DELTA_BINARY_PACKED",
     "u32": "DELTA_BINARY_PACKED", "d": "DELTA_BINARY_PACKED", "s": "DELTA_LENGTH_BYTE_ARRAY",
     "bin": "DELTA_BYTE_ARRAY", "f32": "BYTE_STREAM_SPLIT", "f64": "BYTE_STREAM_SPLIT", "b": "RLE"},
    {"s": "DELTA_BYTE_ARRAY", "bin": "DELTA_LENGTH_BYTE_ARRAY", "fx": "DELTA_BYTE_ARRAY",
     "i32": "BYTE_STREAM_SPLIT", "i64": "BYTE_STREAM_SPLIT", "dec38": "BYTE_STREAM_SPLIT"},
], ids=["delta-bss-rle", "delta-bytes-bss-ints"])
def test_encodings(strongroom, tmp_path, encodings, page_version):
    path = tmp_path / "encodings.parquet"
    pq.write_table(sample_tables.flat_table(900), path, use_dictionary=False, column_encoding=encodings,
                   data_page_version=page_version, data_page_size=1024, row_group_size=400)
    meta = pq.read_metadata(path)
    names = [meta.schema.column(i).name for i in range(meta.num_columns)]
    for col, enc in encodings.items():
        assert enc in meta.row_group(0).column(names.index(col)).encodings  # the writer really used it
    check_cat(strongroom, path)


def test_dictionary_fallback_to_plain(strongroom, tmp_path):
    """A dictionary that outgrows its limit mid-chunk: dictionary pages then plain pages."""
    path = tmp_path / "fallback.parquet"
    pq.write_table(sample_tables.flat_table(3000), path, dictionary_pagesize_limit=512, data_page_size=512,
                   row_group_size=3000)
    encs = pq.read_metadata(path).row_group(0).column(8).encodings  # "s"
    assert "PLAIN" in encs and any(e in encs for e in ("RLE_DICTIONARY", "PLAIN_DICTIONARY")), encs
    check_cat(strongroom, path)


@pytest.mark.parametrize("page_version", ["1.0", "2.0"])
@pytest.mark.parametrize("codec", ["snappy", "zstd", "none"])
def test_nested(strongroom, tmp_path, codec, page_version):
    path = tmp_path / "nested.parquet"
    pq.write_table(sample_tables.nested_table(), path, compression=codec, data_page_version=page_version,
                   row_group_size=120, data_page_size=512)
    check_cat(strongroom, path)


def test_column_projection_and_limit(strongroom, tmp_path):
    path = tmp_path / "flat.parquet"
    pq.write_table(sample_tables.flat_table(500), path, row_group_size=100)
    # INT96 read as microseconds, like Spark and strongroom (nanoseconds would wrap past 2262).
    truth = pq.read_table(path, coerce_int96_timestamp_unit="us")
    cols = ["s", "i64", "dec38"]
    rows = strongroom.cat_jsonl(path, columns=cols, limit=123)
    contract_json.assert_rows_match(rows, truth.slice(0, 123), columns=cols)
    assert all(set(r) == set(cols) for r in rows)


def test_several_files_concatenate_in_order(strongroom, tmp_path):
    t = sample_tables.flat_table(300)
    a, b = tmp_path / "a.parquet", tmp_path / "b.parquet"
    pq.write_table(t.slice(0, 120), a)
    pq.write_table(t.slice(120), b, compression="zstd")
    rows = strongroom.cat_jsonl([a, b])
    contract_json.assert_rows_match(rows, pa.concat_tables([pq.read_table(a), pq.read_table(b)]))


def test_csv_output(strongroom, tmp_path):
    import csv
    import io
    path = tmp_path / "flat.parquet"
    pq.write_table(sample_tables.flat_table(200), path)
    r = strongroom.ok("parquet", "cat", path, "--format", "csv", "--columns", "i32,s,d")
    records = list(csv.reader(io.StringIO(r.stdout)))
    assert records[0] == ["i32", "s", "d"]
    assert len(records) == 1 + 200
    expected = contract_json.expected_rows(pq.read_table(path), ["i32", "s", "d"])
    for got, want in zip(records[1:], expected):
        if want["i32"] is not None:
            assert int(got[0]) == want["i32"] and got[1] == want["s"] and got[2] == want["d"]


def _plain_vectors():
    d = shared_dir()
    if d is None:
        return [None]
    return sorted(p for p in (d / "vectors" / "parquet" / "plain").glob("*.parquet") if "corrupt" not in p.name)


def _has_contract_form(field, column):
    """The cat contract gives no JSON form to NaN, half floats, times, the null type, or
    dates and timestamps outside years 1-9999 (not expressible as YYYY-MM-DD)."""
    t = field.type
    if pa.types.is_float16(t) or pa.types.is_time(t) or pa.types.is_null(t) or pa.types.is_interval(t):
        return False
    if pa.types.is_list(t) and pa.types.is_null(t.value_type):
        return False
    if pa.types.is_floating(t) and pc.any(pc.is_nan(column)).as_py():
        return False
    try:
        contract_json.column_values(column)
    except (ValueError, OverflowError):
        return False
    return True


@pytest.mark.parametrize("path", _plain_vectors(), ids=lambda p: p.name if p else "missing")
def test_shared_plain_vectors(strongroom, path):
    """apache/parquet-testing files that pyarrow reads must read the same with strongroom."""
    assert path is not None, "shared/vectors not found beside the repository; set STRONGROOM_SHARED"
    # INT96 read as microseconds, like Spark and strongroom (nanoseconds would wrap past 2262).
    truth = pq.read_table(path, coerce_int96_timestamp_unit="us")
    columns = [f.name for f in truth.schema if _has_contract_form(f, truth.column(f.name))]
    if not columns:  # values unchecked, but every row must be there with every column
        rows = strongroom.cat_jsonl(path)
        assert len(rows) == truth.num_rows and all(set(r) == set(truth.column_names) for r in rows)
        return
    projected = columns if len(columns) < truth.num_columns else None
    rows = strongroom.cat_jsonl(path, columns=projected)
    contract_json.assert_rows_match(rows, truth, columns=columns, context=path.name)
