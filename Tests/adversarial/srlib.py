"""The attacker's toolkit: Strongroom's wire protocols re-implemented from docs/design/cas.md and
the code (Sources/CASCore/Requests, Sources/Agent, Sources/Attestation), so attack scripts can
speak to CAS and the node agent exactly as a workload, an owner or an intruder would — and bend
every field. Pure Python: cryptography + requests (no Strongroom code)."""
import base64
import hashlib
import hmac
import json
import os
import socket
import struct
import time
from dataclasses import dataclass, field

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PROBLEM = "https://strongroom.dev/problems/"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def unb64(text: str) -> bytes:
    return base64.b64decode(text)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def rid() -> str:
    return os.urandom(16).hex()


def now() -> int:
    return int(time.time())


# ---------------------------------------------------------------- owner identities (Ed25519)

class Identity:
    """An owner / auditor / administrator identity file: {name, private_key (b64 seed), public_key}."""

    def __init__(self, name, private_key: ed25519.Ed25519PrivateKey):
        self.name = name
        self.private_key = private_key
        raw = private_key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        self.raw_public = raw
        self.public_text = "ed25519:" + b64(raw)
        self.key_id = hashlib.sha256(raw).hexdigest()[:16]

    @classmethod
    def generate(cls, name):
        return cls(name, ed25519.Ed25519PrivateKey.generate())

    @classmethod
    def load(cls, path):
        with open(path) as f:
            doc = json.load(f)
        return cls(doc["name"], ed25519.Ed25519PrivateKey.from_private_bytes(unb64(doc["private_key"])))

    def save(self, path):
        seed = self.private_key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                              serialization.NoEncryption())
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump({"name": self.name, "private_key": b64(seed), "public_key": self.public_text}, f)
        return path

    def sign(self, message: bytes) -> bytes:
        return self.private_key.sign(message)

    def policy_signature(self, yaml_bytes: bytes) -> dict:
        message = b"strongroom-policy-v1\n" + sha256_hex(yaml_bytes).encode()
        return {"key_id": self.key_id, "signature": b64(self.sign(message))}


def sr_sig(identity: Identity, method: str, path: str, body: bytes, ts=None, request_id=None, v1=False) -> str:
    """Authorization: SR-Sig … (v2 with rid; v1 without)."""
    ts = now() if ts is None else ts
    body_hash = sha256_hex(body)
    if v1:
        message = f"strongroom-request-v1\n{method.upper()}\n{path}\n{ts}\n{body_hash}".encode()
        return f'SR-Sig key_id="{identity.key_id}", ts="{ts}", sig="{b64(identity.sign(message))}"'
    request_id = rid() if request_id is None else request_id
    message = f"strongroom-request-v2\n{method.upper()}\n{path}\n{ts}\n{request_id}\n{body_hash}".encode()
    return f'SR-Sig key_id="{identity.key_id}", ts="{ts}", rid="{request_id}", sig="{b64(identity.sign(message))}"'


# ---------------------------------------------------------------- runtime keys (P-256)

def x963(public_key) -> bytes:
    return public_key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)


@dataclass
class RuntimeKeys:
    """The two ephemeral keys of a runtime: key agreement (config envelope) and signing (SR-PoP)."""
    kex: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    sig: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))

    @property
    def kex_public(self) -> bytes:
        return x963(self.kex.public_key())

    @property
    def sig_public(self) -> bytes:
        return x963(self.sig.public_key())

    def to_json(self):
        def pem(k):
            return k.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                   serialization.NoEncryption()).decode()
        return {"kex": pem(self.kex), "sig": pem(self.sig)}

    @classmethod
    def from_json(cls, doc):
        return cls(serialization.load_pem_private_key(doc["kex"].encode(), None),
                   serialization.load_pem_private_key(doc["sig"].encode(), None))


def report_data(nonce: bytes, keys: RuntimeKeys, job_hash: bytes) -> bytes:
    """SHA-512(nonce ‖ runtime_public_key ‖ runtime_signing_key ‖ job_hash) (ReportDataBinding)."""
    return hashlib.sha512(nonce + keys.kex_public + keys.sig_public + job_hash).digest()


def ecdsa_raw(private_key, message: bytes) -> bytes:
    der = private_key.sign(message, ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def sr_pop(token: str, signing_key, method: str, path: str, body: bytes, ts=None, request_id=None) -> str:
    """Authorization: SR-PoP … (ProofOfPossession)."""
    ts = now() if ts is None else ts
    request_id = rid() if request_id is None else request_id
    message = (f"strongroom-pop-v1\n{method.upper()}\n{path}\n{ts}\n{request_id}\n"
               f"{sha256_hex(body)}\n{sha256_hex(token.encode())}").encode()
    sig = ecdsa_raw(signing_key, message)
    return f'SR-PoP token="{token}", ts="{ts}", rid="{request_id}", sig="{b64(sig)}"'


def jwt_claims(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


# ---------------------------------------------------------------- HPKE (RFC 9180) base mode, open only

_KEM_ID, _KDF_ID, _AEAD_ID = 0x0010, 0x0001, 0x0002


def _extract(salt: bytes, ikm: bytes) -> bytes:
    return hmac.new(salt or b"\0" * 32, ikm, hashlib.sha256).digest()


def _expand(prk: bytes, info: bytes, length: int) -> bytes:
    out, block, counter = b"", b"", 1
    while len(out) < length:
        block = hmac.new(prk, block + info + bytes([counter]), hashlib.sha256).digest()
        out += block
        counter += 1
    return out[:length]


def _labeled_extract(suite: bytes, salt: bytes, label: bytes, ikm: bytes) -> bytes:
    return _extract(salt, b"HPKE-v1" + suite + label + ikm)


def _labeled_expand(suite: bytes, prk: bytes, label: bytes, info: bytes, length: int) -> bytes:
    return _expand(prk, struct.pack(">H", length) + b"HPKE-v1" + suite + label + info, length)


def hpke_open(enc: bytes, ciphertext: bytes, recipient: ec.EllipticCurvePrivateKey, info: bytes, aad: bytes = b"") -> bytes:
    """DHKEM(P-256, HKDF-SHA256), HKDF-SHA256, AES-256-GCM, single shot (ConfigEnvelope)."""
    kem_suite = b"KEM" + struct.pack(">H", _KEM_ID)
    ephemeral = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), enc)
    dh = recipient.exchange(ec.ECDH(), ephemeral)
    kem_context = enc + x963(recipient.public_key())
    eae_prk = _labeled_extract(kem_suite, b"", b"eae_prk", dh)
    shared = _labeled_expand(kem_suite, eae_prk, b"shared_secret", kem_context, 32)
    suite = b"HPKE" + struct.pack(">HHH", _KEM_ID, _KDF_ID, _AEAD_ID)
    psk_id_hash = _labeled_extract(suite, b"", b"psk_id_hash", b"")
    info_hash = _labeled_extract(suite, b"", b"info_hash", info)
    context = b"\x00" + psk_id_hash + info_hash
    secret = _labeled_extract(suite, shared, b"secret", b"")
    key = _labeled_expand(suite, secret, b"key", context, 32)
    nonce = _labeled_expand(suite, secret, b"base_nonce", context, 12)
    return AESGCM(key).decrypt(nonce, ciphertext, aad)


def hpke_seal(recipient_public: bytes, plaintext: bytes, info: bytes, aad: bytes = b"") -> dict:
    """The owner's side of given secrets (POST /v1/policies/P/secrets/S): {enc, ciphertext}."""
    kem_suite = b"KEM" + struct.pack(">H", _KEM_ID)
    ephemeral = ec.generate_private_key(ec.SECP256R1())
    enc = x963(ephemeral.public_key())
    recipient = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), recipient_public)
    dh = ephemeral.exchange(ec.ECDH(), recipient)
    eae_prk = _labeled_extract(kem_suite, b"", b"eae_prk", dh)
    shared = _labeled_expand(kem_suite, eae_prk, b"shared_secret", enc + recipient_public, 32)
    suite = b"HPKE" + struct.pack(">HHH", _KEM_ID, _KDF_ID, _AEAD_ID)
    context = b"\x00" + _labeled_extract(suite, b"", b"psk_id_hash", b"") + _labeled_extract(suite, b"", b"info_hash", info)
    secret = _labeled_extract(suite, shared, b"secret", b"")
    key = _labeled_expand(suite, secret, b"key", context, 32)
    nonce = _labeled_expand(suite, secret, b"base_nonce", context, 12)
    return {"enc": b64(enc), "ciphertext": b64(AESGCM(key).encrypt(nonce, plaintext, aad))}


# ---------------------------------------------------------------- the node agent (simulated TEE)

class AgentRefused(Exception):
    pass


def agent_exchange(sock_path: str, make_request, timeout=10.0) -> dict:
    """Connects, reads the challenge, sends make_request(challenge_b64) (bytes, newline added),
    returns the agent's answer as a dict ({"evidence": …} or {"error": …})."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect(sock_path)
    try:
        challenge = json.loads(_read_line(s))["challenge"]
        s.sendall(make_request(challenge) + b"\n")
        return json.loads(_read_line(s))
    finally:
        s.close()


def _read_line(s) -> bytes:
    data = b""
    while not data.endswith(b"\n"):
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    return data.strip()


def request_line(report: bytes, challenge: str) -> bytes:
    return json.dumps({"report_data": b64(report), "challenge": challenge}).encode()


def agent_evidence(sock_path: str, report: bytes) -> dict:
    answer = agent_exchange(sock_path, lambda challenge: request_line(report, challenge))
    if "error" in answer:
        raise AgentRefused(answer["error"])
    return answer["evidence"]


def simulated_measurement(evidence: dict) -> str:
    """The measurement inside a simulated report (offset 16, 48 bytes)."""
    return unb64(evidence["report"])[16:64].hex()


def sha384_file(path: str) -> str:
    h = hashlib.sha384()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def python_measurement() -> str:
    """What the agent measures for a process running this interpreter."""
    return sha384_file(os.path.realpath("/proc/self/exe"))


# ---------------------------------------------------------------- CAS over HTTP

class Answer:
    """An HTTP answer with the problem fields at hand."""

    def __init__(self, response):
        self.status = response.status_code
        self.text = response.text
        try:
            self.json = response.json()
        except ValueError:
            self.json = None

    @property
    def problem(self):
        if isinstance(self.json, dict) and str(self.json.get("type", "")).startswith(PROBLEM):
            return self.json["type"][len(PROBLEM):]
        return None

    @property
    def detail(self):
        return (self.json or {}).get("detail", "") if isinstance(self.json, dict) else ""

    def __repr__(self):
        return f"HTTP {self.status} {self.text[:600]}"


class CASHTTP:
    def __init__(self, url, ca=None):
        import requests
        self.url = url.rstrip("/")
        self.session = requests.Session()
        # Not the environment's CA bundle or proxies: exactly this CAS's CA.
        self.session.trust_env = False
        self.verify = ca if (ca and url.startswith("https")) else True

    def request(self, method, path, body=None, authorization=None, raw: bytes = None, headers=None) -> Answer:
        data = raw if raw is not None else (b"" if body is None else json.dumps(body).encode())
        h = {"Content-Type": "application/json"} if data else {}
        if authorization:
            h["Authorization"] = authorization
        h.update(headers or {})
        return Answer(self.session.request(method, self.url + path, data=data, headers=h, timeout=30, verify=self.verify))

    def signed(self, identity, method, path, body=None, **kw) -> Answer:
        data = b"" if body is None else json.dumps(body).encode()
        return self.request(method, path, raw=data, authorization=sr_sig(identity, method, path, data, **kw))

    # owners
    def apply_policy(self, yaml_text: str, signers, extra_signatures=()) -> Answer:
        yb = yaml_text.encode()
        return self.request("POST", "/v1/policies", {
            "policy": yaml_text, "signatures": [s.policy_signature(yb) for s in signers] + list(extra_signatures)})

    def owner_wrap(self, identity, master_key_id, key: bytes, policy=None) -> Answer:
        body = {"master_key_id": master_key_id, "key": b64(key)}
        if policy:
            body["policy"] = policy
        return self.signed(identity, "POST", "/v1/kms/wrap", body)

    def owner_unwrap(self, identity, master_key_id, wrapped, policy=None) -> Answer:
        body = {"master_key_id": master_key_id, "wrapped_key": wrapped}
        if policy:
            body["policy"] = policy
        return self.signed(identity, "POST", "/v1/kms/unwrap", body)

    def put_secret(self, identity, policy, secret, value: bytes) -> Answer:
        cas_key = unb64(self.request("GET", "/v1/cas-key").json["public_key"])
        envelope = hpke_seal(cas_key, value, b"strongroom-secret-v1")
        return self.signed(identity, "POST", f"/v1/policies/{policy}/secrets/{secret}", envelope)

    def challenge(self) -> bytes:
        a = self.request("POST", "/v1/attest/challenge", {})
        assert a.status == 200, a
        return unb64(a.json["nonce"])

    def attest_raw(self, policy, service, nonce, evidence, keys: RuntimeKeys, job_hash: bytes, grant=None, **override) -> Answer:
        body = {"policy": policy, "service": service, "nonce": b64(nonce), "evidence": evidence,
                "runtime_public_key": b64(keys.kex_public), "runtime_signing_key": b64(keys.sig_public),
                "job_hash": job_hash.hex()}
        if grant:
            body["grant"] = grant
        body.update(override)
        return self.request("POST", "/v1/attest", body)


@dataclass
class Workload:
    """An attested runtime's credentials: its token and ephemeral keys, and the opened config."""
    cas: CASHTTP
    token: str
    keys: RuntimeKeys
    config: dict

    @property
    def claims(self):
        return jwt_claims(self.token)

    def call(self, method, path, body=None, token=None, signing_key=None, **kw) -> Answer:
        data = b"" if body is None else json.dumps(body).encode()
        auth = sr_pop(token or self.token, signing_key or self.keys.sig, method, path, data, **kw)
        return self.cas.request(method, path, raw=data, authorization=auth)

    def unwrap(self, master_key_id, wrapped, policy=None, **kw) -> Answer:
        body = {"master_key_id": master_key_id, "wrapped_key": wrapped}
        if policy:
            body["policy"] = policy
        return self.call("POST", "/v1/kms/unwrap", body, **kw)

    def wrap(self, master_key_id, key: bytes, policy=None, **kw) -> Answer:
        body = {"master_key_id": master_key_id, "key": b64(key)}
        if policy:
            body["policy"] = policy
        return self.call("POST", "/v1/kms/wrap", body, **kw)

    def grant(self, service, job_hash_hex) -> Answer:
        return self.call("POST", "/v1/grants", {"service": service, "job_hash": job_hash_hex})


def open_config(answer_json: dict, keys: RuntimeKeys) -> dict:
    env = answer_json["config"]
    return json.loads(hpke_open(unb64(env["enc"]), unb64(env["ciphertext"]), keys.kex, b"strongroom-config-v1"))


def attest_here(cas: CASHTTP, agent_sock, policy, service, job_hash: bytes = b"\0" * 32, grant=None):
    """Attests *this* process (the agent measures its executable). Returns (Answer, Workload|None)."""
    keys = RuntimeKeys()
    nonce = cas.challenge()
    evidence = agent_evidence(agent_sock, report_data(nonce, keys, job_hash))
    answer = cas.attest_raw(policy, service, nonce, evidence, keys, job_hash, grant=grant)
    if answer.status != 200:
        return answer, None
    return answer, Workload(cas, answer.json["token"], keys, open_config(answer.json, keys))
