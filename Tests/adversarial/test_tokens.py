"""T-TOKEN: attestation tokens are bound to the runtime's key, accepted once per request, and
revocable (issue 13 item 4). The attacker holds a real token of an attested Python workload
(the agent measured the python interpreter, which the policy pins) and tries to use it where
it must not work. Every attack runs against both stores."""
import base64
import json
import time

import srlib
from conftest import (assert_audited, assert_not_leaked, assert_refused, make_policy, python_service, unique)

DEK = bytes(range(32))


def setup_policy(cas, agent, measurement, owner, prefix, **service):
    name = unique(prefix)
    svc = python_service("svc", measurement, unwrap=["data"], wrap=["data"], **service)
    cas.apply_ok(make_policy(name, [owner], services=[svc], master_keys=["data", "other"]), [owner])
    workload, refusal = cas.attest_python(agent, name, "svc")
    assert workload, f"control: the pinned python workload must attest: {refusal}"
    wrapped = workload.wrap("data", DEK)
    assert wrapped.status == 200, wrapped
    return name, workload, wrapped.json["wrapped_key"]


def unwrap_body(name, wrapped):
    return {"master_key_id": "data", "wrapped_key": wrapped, "policy": name}


def test_T_TOKEN_01_bare_bearer_token_is_refused(cas, agent, python_measurement, identities):
    alice = identities("alice")
    name, w, wrapped = setup_policy(cas, agent, python_measurement, alice, "tok01")
    answer = cas.http.request("POST", "/v1/kms/unwrap", unwrap_body(name, wrapped), authorization=f"Bearer {w.token}")
    assert_refused(answer, 401, "unauthorized", "bare token is not accepted")
    assert_not_leaked([DEK], answer.text)
    assert_audited(cas, "kms.refused", name, "bare token")


def test_T_TOKEN_02_stolen_token_signed_with_the_thiefs_key(cas, agent, python_measurement, identities):
    """A token copied out of an attested process (logs, /proc, a core dump) without the
    runtime's private signing key: the thief signs with a key of its own."""
    alice = identities("alice")
    name, w, wrapped = setup_policy(cas, agent, python_measurement, alice, "tok02")
    thief_key = srlib.RuntimeKeys().sig
    answer = w.call("POST", "/v1/kms/unwrap", unwrap_body(name, wrapped), signing_key=thief_key)
    assert_refused(answer, 401, "invalid-signature", "does not verify with the token's runtime key")
    assert_not_leaked([DEK], answer.text)
    assert_audited(cas, "kms.refused", name, "does not verify")
    # control: the holder of the runtime key is served
    assert w.unwrap("data", wrapped, policy=name).status == 200


def test_T_TOKEN_03_replayed_proof_of_possession(cas, agent, python_measurement, identities):
    """An eavesdropper (or a log of requests) re-sends a request the workload made."""
    alice = identities("alice")
    name, w, wrapped = setup_policy(cas, agent, python_measurement, alice, "tok03")
    body = json.dumps(unwrap_body(name, wrapped)).encode()
    header = srlib.sr_pop(w.token, w.keys.sig, "POST", "/v1/kms/unwrap", body)
    first = cas.http.request("POST", "/v1/kms/unwrap", raw=body, authorization=header)
    assert first.status == 200, first
    again = cas.http.request("POST", "/v1/kms/unwrap", raw=body, authorization=header)
    assert_refused(again, 401, "replayed-request", "already accepted once")
    assert_not_leaked([DEK], again.text)
    assert_audited(cas, "kms.refused", name, "already accepted once")


def test_T_TOKEN_04_replay_with_the_other_ecdsa_signature_form(cas, agent, python_measurement, identities):
    """ECDSA signatures are malleable: (r, n − s) verifies too. The replay cache must not be
    keyed by the signature bytes."""
    alice = identities("alice")
    name, w, wrapped = setup_policy(cas, agent, python_measurement, alice, "tok04")
    body = json.dumps(unwrap_body(name, wrapped)).encode()
    header = srlib.sr_pop(w.token, w.keys.sig, "POST", "/v1/kms/unwrap", body)
    assert cas.http.request("POST", "/v1/kms/unwrap", raw=body, authorization=header).status == 200
    sig = srlib.unb64(header.split('sig="')[1].rstrip('"'))
    n = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
    r, s = sig[:32], int.from_bytes(sig[32:], "big")
    twin = header.split('sig="')[0] + f'sig="{srlib.b64(r + (n - s).to_bytes(32, "big"))}"'
    answer = cas.http.request("POST", "/v1/kms/unwrap", raw=body, authorization=twin)
    assert_refused(answer, 401, "replayed-request")
    assert_not_leaked([DEK], answer.text)


def test_T_TOKEN_05_proof_for_another_request_body_or_path(cas, agent, python_measurement, identities):
    """A captured proof re-used for another body (another wrapped key) or another endpoint."""
    alice = identities("alice")
    name, w, wrapped = setup_policy(cas, agent, python_measurement, alice, "tok05")
    other = w.wrap("data", b"\x07" * 32).json["wrapped_key"]
    signed_body = json.dumps(unwrap_body(name, other)).encode()
    header = srlib.sr_pop(w.token, w.keys.sig, "POST", "/v1/kms/unwrap", signed_body)
    answer = cas.http.request("POST", "/v1/kms/unwrap", body=unwrap_body(name, wrapped), authorization=header)
    assert_refused(answer, 401, "invalid-signature")
    wrap_header = srlib.sr_pop(w.token, w.keys.sig, "POST", "/v1/kms/wrap", signed_body)
    answer2 = cas.http.request("POST", "/v1/kms/unwrap", raw=signed_body, authorization=wrap_header)
    assert_refused(answer2, 401, "invalid-signature")
    assert_not_leaked([DEK], answer.text, answer2.text)
    assert_audited(cas, "kms.refused", name, "SR-PoP signature does not verify")


def test_T_TOKEN_06_proof_outside_its_time_window(cas, agent, python_measurement, identities):
    """A request signed long ago (or far in the future) is refused even if never sent before."""
    alice = identities("alice")
    name, w, wrapped = setup_policy(cas, agent, python_measurement, alice, "tok06")
    for ts in (srlib.now() - 3600, srlib.now() + 3600):
        answer = w.unwrap("data", wrapped, policy=name, ts=ts)
        assert_refused(answer, 401, "invalid-signature", "away from the CAS clock")
        assert_not_leaked([DEK], answer.text)


def _forge(token, **claims):
    header, payload, sig = token.split(".")
    doc = srlib.jwt_claims(token)
    doc.update(claims)
    enc = base64.urlsafe_b64encode(json.dumps(doc, separators=(",", ":")).encode()).decode().rstrip("=")
    return f"{header}.{enc}.{sig}"


def test_T_TOKEN_07_forged_token_claims(cas, agent, python_measurement, identities):
    """The token holder edits its claims (another service, a later policy version, a longer life)
    or strips the signature (alg none); CAS verifies ES256 under its own key."""
    alice = identities("alice")
    name, w, wrapped = setup_policy(cas, agent, python_measurement, alice, "tok07")
    forged = [_forge(w.token, service="admin"), _forge(w.token, exp=srlib.now() + 10 ** 7),
              _forge(w.token, measurement="00" * 48)]
    none_header = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').decode().rstrip("=")
    forged.append(none_header + "." + w.token.split(".")[1] + ".")
    for token in forged:
        answer = w.unwrap("data", wrapped, policy=name, token=token)
        assert_refused(answer, 401, "invalid-token")
        assert_not_leaked([DEK], answer.text)
    assert_audited(cas, "kms.refused", name, "token")


def test_T_TOKEN_08_new_policy_version_dropping_the_measurement_revokes_at_once(cas, agent, python_measurement, identities):
    """Owners learn the pinned binary is vulnerable and publish a version without it: tokens
    issued before must stop working immediately, not at their expiry (up to 1 h later)."""
    alice = identities("alice")
    name, w, wrapped = setup_policy(cas, agent, python_measurement, alice, "tok08")
    v1 = cas.http.signed(alice, "GET", f"/v1/policies/{name}").json
    doc = make_policy(name, [alice], services=[python_service("svc", "ab" * 48, unwrap=["data"], wrap=["data"])],
                      master_keys=["data", "other"], version=2, previous=v1["hash"])
    cas.apply_ok(doc, [alice])
    answer = w.unwrap("data", wrapped, policy=name)
    assert_refused(answer, 401, "revoked-token", "no longer accepts measurement")
    assert_not_leaked([DEK], answer.text)
    assert_audited(cas, "kms.refused", name, "no longer accepts measurement")
    # and the python workload cannot simply attest again
    again, refusal = cas.attest_python(agent, name, "svc")
    assert again is None and refusal["status"] == 403, refusal


def test_T_TOKEN_09_owner_revokes_every_token_of_the_policy(cas, agent, sr, python_measurement, identities):
    alice = identities("alice")
    name, w, wrapped = setup_policy(cas, agent, python_measurement, alice, "tok09")
    r = sr.ok("policy", "revoke-tokens", *cas.cli, "--identity", alice.path, "--policy", name)
    assert "revoked every token" in r.stdout
    answer = w.unwrap("data", wrapped, policy=name)
    assert_refused(answer, 401, "revoked-token", "revoked by an owner")
    grant = w.grant("svc", "00" * 32)
    assert_refused(grant, 401, "revoked-token")
    assert_not_leaked([DEK], answer.text)
    assert_audited(cas, "tokens.revoked", name)
    assert_audited(cas, "kms.refused", name, "revoked by an owner")
    # control: a workload attesting after the revocation works (tokens_not_before is the next second)
    time.sleep(1.1)
    fresh, refusal = cas.attest_python(agent, name, "svc")
    assert fresh, refusal
    assert fresh.unwrap("data", wrapped, policy=name).status == 200


def test_T_TOKEN_10_owner_revokes_one_token_by_id(cas, agent, sr, python_measurement, identities):
    alice = identities("alice")
    name, w, wrapped = setup_policy(cas, agent, python_measurement, alice, "tok10")
    other, _ = cas.attest_python(agent, name, "svc")
    jti = w.claims["jti"]
    allowed = [e for e in cas.audit(policy=name, type="attest.allowed") if e["details"].get("token_id") == jti]
    assert allowed, "the audit log names the token id owners revoke"
    sr.ok("policy", "revoke-tokens", *cas.cli, "--identity", alice.path, "--policy", name, "--token-id", jti)
    answer = w.unwrap("data", wrapped, policy=name)
    assert_refused(answer, 401, "revoked-token")
    assert_not_leaked([DEK], answer.text)
    assert other.unwrap("data", wrapped, policy=name).status == 200, "only the named token is revoked"


def test_T_TOKEN_11_token_of_one_policy_for_keys_of_another(cas, agent, python_measurement, identities):
    """A workload attested for its own (attacker-written) policy asks for a victim policy's key."""
    alice, mallory = identities("alice", "mallory")
    victim, vw, wrapped = setup_policy(cas, agent, python_measurement, alice, "tok11-victim")
    own, mw, _ = setup_policy(cas, agent, python_measurement, mallory, "tok11-mallory")
    answer = mw.unwrap("data", wrapped, policy=victim)
    assert_refused(answer, 403, "forbidden", f"cannot use keys of policy {victim}")
    # without naming the policy, the key id resolves in the token's own policy: a different key
    answer2 = mw.unwrap("data", wrapped)
    assert answer2.status in (403, 422) and "key" not in (answer2.json or {}), answer2
    assert_not_leaked([DEK], answer.text, answer2.text)
    assert_audited(cas, "kms.refused", victim, "cannot use keys")


def test_T_TOKEN_12_service_without_the_master_key_in_unwrap(cas, agent, python_measurement, identities):
    alice = identities("alice")
    name = unique("tok12")
    services = [python_service("writer", python_measurement, wrap=["data"]),
                python_service("reader", python_measurement, unwrap=["data"])]
    cas.apply_ok(make_policy(name, [alice], services=services, master_keys=["data"]), [alice])
    writer, refusal = cas.attest_python(agent, name, "writer")
    assert writer, refusal
    wrapped = writer.wrap("data", DEK).json["wrapped_key"]
    answer = writer.unwrap("data", wrapped)
    assert_refused(answer, 403, "forbidden", "may not unwrap")
    assert_not_leaked([DEK], answer.text)
    assert_audited(cas, "kms.refused", name, "may not unwrap")
    reader, _ = cas.attest_python(agent, name, "reader")
    assert reader.unwrap("data", wrapped).json["key"] == srlib.b64(DEK), "control: the reader service unwraps"


def test_T_TOKEN_13_replayed_owner_signature(cas, identities):
    """An owner's signed request (SR-Sig, v2 with rid, and the legacy v1 without) is accepted once."""
    alice = identities("alice")
    name = unique("tok13")
    cas.apply_ok(make_policy(name, [alice], master_keys=["data"]), [alice])
    wrapped = cas.http.owner_wrap(alice, "data", DEK, policy=name).json["wrapped_key"]
    for v1 in (False, True):
        body = json.dumps({"master_key_id": "data", "wrapped_key": wrapped, "policy": name}).encode()
        header = srlib.sr_sig(alice, "POST", "/v1/kms/unwrap", body, v1=v1)
        first = cas.http.request("POST", "/v1/kms/unwrap", raw=body, authorization=header)
        assert first.status == 200, first
        again = cas.http.request("POST", "/v1/kms/unwrap", raw=body, authorization=header)
        assert_refused(again, 401, "replayed-request")
        assert_not_leaked([DEK], again.text)
        time.sleep(1.05)  # v1 signatures are deterministic per second
    assert_audited(cas, "kms.refused", name, "already accepted once")


def test_T_TOKEN_14_token_used_after_the_policy_changed_the_service(cas, agent, python_measurement, identities):
    """A new version that removes the service (or stops allowing simulation) revokes its tokens."""
    alice = identities("alice")
    name, w, wrapped = setup_policy(cas, agent, python_measurement, alice, "tok14")
    v1 = cas.http.signed(alice, "GET", f"/v1/policies/{name}").json
    doc = make_policy(name, [alice], services=[dict(python_service("svc", python_measurement, unwrap=["data"], wrap=["data"]),
                                                    allow_simulation=False)],
                      master_keys=["data", "other"], version=2, previous=v1["hash"])
    cas.apply_ok(doc, [alice])
    answer = w.unwrap("data", wrapped, policy=name)
    assert_refused(answer, 401, "revoked-token", "simulated")
    assert_not_leaked([DEK], answer.text)


def test_T_TOKEN_15_replay_after_a_cas_restart(fresh_cas, agent, python_measurement, identities):
    """The replay cache lives in the store, not in CAS's memory: restarting CAS (an operator can)
    does not make a captured request new again."""
    cas, alice = fresh_cas, identities("alice")
    name, w, wrapped = setup_policy(cas, agent, python_measurement, alice, "tok15")
    body = json.dumps(unwrap_body(name, wrapped)).encode()
    header = srlib.sr_pop(w.token, w.keys.sig, "POST", "/v1/kms/unwrap", body)
    owner_body = json.dumps({"master_key_id": "data", "wrapped_key": wrapped, "policy": name}).encode()
    owner_header = srlib.sr_sig(alice, "POST", "/v1/kms/unwrap", owner_body)
    assert cas.http.request("POST", "/v1/kms/unwrap", raw=body, authorization=header).status == 200
    assert cas.http.request("POST", "/v1/kms/unwrap", raw=owner_body, authorization=owner_header).status == 200
    cas.stop()
    cas.start()
    w.cas = cas.http
    again = cas.http.request("POST", "/v1/kms/unwrap", raw=body, authorization=header)
    assert_refused(again, 401, "replayed-request")
    owner_again = cas.http.request("POST", "/v1/kms/unwrap", raw=owner_body, authorization=owner_header)
    assert_refused(owner_again, 401, "replayed-request")
    assert_not_leaked([DEK], again.text, owner_again.text)
    assert w.unwrap("data", wrapped, policy=name).status == 200, "control: the token itself survives the restart"


def test_T_TOKEN_16_token_of_another_cas(cas, cas_sqlite, agent, python_measurement, identities):
    """Two deployments run the same software: a token (with a valid proof of possession) issued by
    one CAS for policy P is presented to another CAS that also has a policy P."""
    alice = identities("alice")
    name, w, wrapped = setup_policy(cas_sqlite, agent, python_measurement, alice, "tok16")
    svc = python_service("svc", python_measurement, unwrap=["data"], wrap=["data"])
    cas.apply_ok(make_policy(name, [alice], services=[svc], master_keys=["data", "other"]), [alice])
    elsewhere = srlib.Workload(cas.http, w.token, w.keys, w.config)
    answer = elsewhere.wrap("data", DEK, policy=name)
    assert_refused(answer, 401, "invalid-token")
    assert_not_leaked([DEK], answer.text)
    assert_audited(cas, "kms.refused", name, "token")
