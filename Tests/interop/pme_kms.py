"""pyarrow Parquet Modular Encryption set up the way parquet-java's InMemoryKMS does it.

Master keys wrap data keys locally, exactly like parquet-java's KeyToolkit.encryptKeyLocally
(what InMemoryKMS uses): base64(nonce(12) || AES-GCM ciphertext || tag(16)), with the UTF-8
bytes of the master key id as AAD. With double wrapping and internal key material this makes
pyarrow, Spark (PropertiesDrivenCryptoFactory + InMemoryKMS) and `strongroom --key-material`
files mutually readable. Development keys only.
"""
import base64
import json
import os
from datetime import timedelta

import pyarrow.parquet as pq
import pyarrow.parquet.encryption as pe
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

# 128-bit development master keys: footer key kf, column keys k1 and k2.
DEV_MASTER_KEYS = {
    "kf": b"0123456789012345",
    "k1": b"1234567890123450",
    "k2": b"1234567890123451",
}


class MasterKeyKms(pe.KmsClient):
    """A KMS that holds master keys in memory and wraps like parquet-java's InMemoryKMS."""

    def __init__(self, master_keys):
        pe.KmsClient.__init__(self)
        self.master_keys = dict(master_keys)

    def wrap_key(self, key_bytes, master_key_identifier):
        nonce = os.urandom(12)
        sealed = AESGCM(self.master_keys[master_key_identifier]).encrypt(
            nonce, bytes(key_bytes), master_key_identifier.encode("utf-8"))
        return base64.b64encode(nonce + sealed).decode("ascii")

    def unwrap_key(self, wrapped_key, master_key_identifier):
        raw = base64.b64decode(wrapped_key)
        return AESGCM(self.master_keys[master_key_identifier]).decrypt(
            raw[:12], raw[12:], master_key_identifier.encode("utf-8"))


def crypto_factory(master_keys=DEV_MASTER_KEYS):
    # A fresh factory per call: pyarrow caches unwrapped keys per factory, and tests that
    # use a wrong master key must not be served from a cache filled with the right one.
    keys = dict(master_keys)
    return pe.CryptoFactory(lambda _config: MasterKeyKms(keys))


def encryption_config(footer_key="kf", column_keys=None, plaintext_footer=False,
                      algorithm="AES_GCM_V1"):
    """column_keys: {"k1": ["col", ...]}; None means uniform encryption under the footer key."""
    kw = dict(footer_key=footer_key, encryption_algorithm=algorithm,
              plaintext_footer=plaintext_footer, double_wrapping=True,
              cache_lifetime=timedelta(minutes=10), internal_key_material=True,
              data_key_length_bits=128)
    if column_keys is None:
        kw["uniform_encryption"] = True
    else:
        kw["column_keys"] = {k: list(v) for k, v in column_keys.items()}
    return pe.EncryptionConfiguration(**kw)


def write_encrypted(table, path, master_keys=DEV_MASTER_KEYS, footer_key="kf", column_keys=None,
                    plaintext_footer=False, algorithm="AES_GCM_V1", **write_options):
    factory = crypto_factory(master_keys)
    props = factory.file_encryption_properties(
        pe.KmsConnectionConfig(),
        encryption_config(footer_key, column_keys, plaintext_footer, algorithm))
    pq.write_table(table, path, encryption_properties=props, **write_options)


def decryption_properties(master_keys=DEV_MASTER_KEYS):
    factory = crypto_factory(master_keys)
    return factory.file_decryption_properties(
        pe.KmsConnectionConfig(), pe.DecryptionConfiguration(cache_lifetime=timedelta(minutes=10)))


def read_encrypted(path, master_keys=DEV_MASTER_KEYS, **read_options):
    return pq.read_table(path, decryption_properties=decryption_properties(master_keys),
                         **read_options)


def keys_json(master_keys=DEV_MASTER_KEYS):
    """The KEYS.json text of the strongroom CLI: {"<key id>": "<base64 key>"}."""
    return json.dumps({k: base64.b64encode(v).decode("ascii") for k, v in master_keys.items()})


def write_keys_file(path, master_keys=DEV_MASTER_KEYS):
    with open(path, "w") as f:
        f.write(keys_json(master_keys))
    return str(path)


def spark_key_list(master_keys=DEV_MASTER_KEYS):
    """Value of parquet.encryption.key.list for InMemoryKMS."""
    return ", ".join(f"{k}:{base64.b64encode(v).decode('ascii')}" for k, v in master_keys.items())


def spark_column_keys(column_keys):
    """Value of parquet.encryption.column.keys: "k1:a,b;k2:c"."""
    return ";".join(f"{k}:{','.join(cols)}" for k, cols in column_keys.items())
