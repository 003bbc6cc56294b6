"""Spark (pyspark 4.0.1, local[2], Java 17) and strongroom read each other's PME files.

Spark is configured the documented way: PropertiesDrivenCryptoFactory + InMemoryKMS with
parquet.encryption.key.list. InMemoryKMS lives in parquet-hadoop's *tests* jar, which Spark
does not ship: set STRONGROOM_PARQUET_TESTS_JAR to that jar to use the real class; otherwise
spark_kms/InMemoryKms.java (same wrapping, same property) is compiled with javac and used.
"""
import glob
import hashlib
import os
import shutil
import subprocess
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import contract_json
import pme_kms
import sample_tables
from conftest import REPO

pytestmark = pytest.mark.spark

REAL_KMS = "org.apache.parquet.crypto.keytools.mocks.InMemoryKMS"
OUR_KMS = "dev.strongroom.interop.InMemoryKms"
KMS_SOURCE = Path(__file__).parent / "spark_kms" / "InMemoryKms.java"
COLUMN_KEYS = {"k1": ["i32", "i64", "f64", "dec18"], "k2": ["s", "bin", "ts", "d"]}


def kms_class_and_classpath():
    jar = os.environ.get("STRONGROOM_PARQUET_TESTS_JAR")
    if jar:
        assert Path(jar).is_file(), f"STRONGROOM_PARQUET_TESTS_JAR={jar} does not exist"
        return REAL_KMS, jar
    import pyspark
    jars = Path(pyspark.__file__).parent / "jars"
    javac = shutil.which("javac")
    assert javac, "javac not found: install openjdk-17-jdk-headless (scripts/test.sh does)"
    digest = hashlib.sha256(KMS_SOURCE.read_bytes()).hexdigest()[:16]
    out = REPO / ".test-work" / f"spark-kms-{digest}"
    if not (out / "dev" / "strongroom" / "interop" / "InMemoryKms.class").exists():
        out.mkdir(parents=True, exist_ok=True)
        subprocess.run([javac, "--release", "17", "-nowarn", "-d", str(out), "-cp", f"{jars}/*", str(KMS_SOURCE)],
                       check=True, capture_output=True)
    return OUR_KMS, str(out)


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession
    kms_class, classpath = kms_class_and_classpath()
    started = time.time()
    builder = (SparkSession.builder.master("local[2]").appName("strongroom-interop")
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.session.timeZone", "UTC")
               .config("spark.sql.shuffle.partitions", "2")
               .config("spark.driver.extraClassPath", classpath)
               .config("spark.hadoop.parquet.crypto.factory.class",
                       "org.apache.parquet.crypto.keytools.PropertiesDrivenCryptoFactory")
               .config("spark.hadoop.parquet.encryption.kms.client.class", kms_class)
               .config("spark.hadoop.parquet.encryption.key.list", pme_kms.spark_key_list()))
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    print(f"\nSpark session with {kms_class} started in {time.time() - started:.1f}s")
    yield session
    session.stop()


def assert_same_rows(spark_df, other_df):
    assert spark_df.count() == other_df.count()
    assert spark_df.exceptAll(other_df).count() == 0
    assert other_df.exceptAll(spark_df).count() == 0


@pytest.mark.parametrize("variant", [[], ["--plaintext-footer", "--algorithm", "AES_GCM_CTR_V1"]],
                         ids=["gcm", "ctr-plaintext-footer"])
def test_spark_reads_our_key_material_file(spark, strongroom, tmp_path, master_keys_file, variant):
    plain = strongroom.write_sample(tmp_path / "sample.parquet", rows=2000, row_group_rows=700)
    enc = tmp_path / "sample.parquet.encrypted"
    strongroom.ok("parquet", "encrypt", plain, enc, "--keys", master_keys_file, "--footer-key", "kf",
                  "--column-key", "k1:i32,i64,f64,dec18", "--column-key", "k2:s,bin,ts,d",
                  "--key-material", *variant)
    ours = spark.read.parquet(str(enc))
    truth = spark.read.parquet(str(plain))
    assert ours.schema == truth.schema
    assert ours.count() == 2000
    assert_same_rows(ours, truth)


@pytest.mark.parametrize("timestamps", ["TIMESTAMP_MICROS", "INT96"])
def test_we_read_spark_encrypted_file(spark, strongroom, tmp_path, master_keys_file, timestamps):
    src = tmp_path / "src.parquet"
    pq.write_table(sample_tables.flat_table(1500), src)
    df = spark.read.parquet(str(src))
    spark.conf.set("spark.sql.parquet.outputTimestampType", timestamps)
    try:
        (df.coalesce(1).write.mode("overwrite")
           .option("parquet.encryption.footer.key", "kf")
           .option("parquet.encryption.column.keys", pme_kms.spark_column_keys(COLUMN_KEYS))
           .parquet(str(tmp_path / "spark-encrypted")))
        df.coalesce(1).write.mode("overwrite").parquet(str(tmp_path / "spark-plain"))
    finally:
        spark.conf.unset("spark.sql.parquet.outputTimestampType")
    encrypted = sorted(glob.glob(str(tmp_path / "spark-encrypted" / "*.parquet")))
    plain = sorted(glob.glob(str(tmp_path / "spark-plain" / "*.parquet")))
    assert encrypted and plain
    assert all(open(p, "rb").read(4) == b"PARE" for p in encrypted), "Spark did not encrypt the footer"
    truth = pa.concat_tables([pq.read_table(p) for p in plain])
    assert truth.num_rows == 1500
    assert pme_kms.read_encrypted(encrypted[0]).num_rows == truth.num_rows  # pyarrow agrees too
    rows = strongroom.cat_jsonl(encrypted, keys=master_keys_file)
    contract_json.assert_rows_match(rows, truth, context=f"Spark {timestamps}")
