"""`strongroom sql cell encrypt|decrypt` (issue 6 CLI contract) against the SQL Server Always
Encrypted vectors of ../shared/vectors/always-encrypted (tedious, swisscom; the negative cells
must be refused with exit 1) and against an independent implementation with `cryptography`."""
import hashlib
import hmac
import json
import os

import pytest
from conftest import assert_clean_failure, key_leak_forms, shared_dir
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


def cases(predicate):
    root = shared_dir()
    if root is None:
        return []
    data = json.loads((root / "vectors" / "always-encrypted" / "AE_VECTORS.json").read_text())["cases"]
    return [pytest.param(c, id=c["id"]) for c in data if predicate(c)]


@pytest.mark.parametrize("case", cases(lambda c: c.get("encryption_type") == "Deterministic"))
def test_deterministic_encryption_matches_sql_server(strongroom, case):
    out = strongroom.ok("sql", "cell", "encrypt", "--cek-hex", case["cek_root_key"], "--deterministic",
                        case["plaintext_hex"]).stdout.strip()
    assert out == case["expect_ciphertext_hex"].lower()


@pytest.mark.parametrize("case", cases(lambda c: "expect_ciphertext_hex" in c or "expect_plaintext_hex" in c))
def test_vector_cells_decrypt(strongroom, case):
    cell = case.get("ciphertext_hex") or case["expect_ciphertext_hex"]
    expected = case.get("expect_plaintext_hex") or case["plaintext_hex"]
    out = strongroom.ok("sql", "cell", "decrypt", "--cek-hex", case["cek_root_key"], cell).stdout.strip()
    assert out == expected.lower()


@pytest.mark.parametrize("case", cases(lambda c: c["id"].startswith("negative-")))
def test_tampered_cells_are_refused(strongroom, case):
    result = strongroom.run("sql", "cell", "decrypt", "--cek-hex", case["cek_root_key"], case["ciphertext_hex"])
    assert_clean_failure(result, secrets=key_leak_forms(bytes.fromhex(case["cek_root_key"])))
    assert result.stdout == ""


def independent_decrypt(cek, cell):
    """Microsoft's documented algorithm, written with `cryptography`: derive keys, check the MAC,
    AES-256-CBC with PKCS#7."""
    def derive(label):
        text = f"Microsoft SQL Server cell {label} key with encryption algorithm:AEAD_AES_256_CBC_HMAC_SHA256 and key length:256"
        return hmac.new(cek, text.encode("utf-16-le"), hashlib.sha256).digest()
    enc, mac = derive("encryption"), derive("MAC")
    version, tag, iv, body = cell[:1], cell[1:33], cell[33:49], cell[49:]
    assert hmac.compare_digest(tag, hmac.new(mac, version + iv + body + b"\x01", hashlib.sha256).digest())
    padded = Cipher(algorithms.AES(enc), modes.CBC(iv)).decryptor().update(body)
    unpadder = padding.PKCS7(128).unpadder()
    return unpadder.update(padded) + unpadder.finalize()


@pytest.mark.parametrize("mode", ["--deterministic", "--randomized"])
@pytest.mark.parametrize("length", [0, 1, 15, 16, 17, 100])
def test_our_cells_decrypt_with_an_independent_implementation(strongroom, mode, length):
    cek = os.urandom(32)
    plaintext = os.urandom(length)
    cell = bytes.fromhex(strongroom.ok("sql", "cell", "encrypt", "--cek-hex", cek.hex(), mode, plaintext.hex()).stdout.strip())
    assert independent_decrypt(cek, cell) == plaintext
    again = bytes.fromhex(strongroom.ok("sql", "cell", "encrypt", "--cek-hex", cek.hex(), mode, plaintext.hex()).stdout.strip())
    assert (again == cell) == (mode == "--deterministic")
