"""T-STORE: CAS believes its own store only after checking it (issue 13 item 3). The attacker is a
database administrator: full write access to CAS's tables (SQLite file or PostgreSQL database),
no access to the CAS master key or the running process. Every row that grants authority is
forged, edited, copied, moved or deleted behind CAS's back; CAS must refuse, say why, audit it
(store.tampered) and release nothing. Each attack runs on both stores."""
import json
import time

import pytest

import srlib
from conftest import (assert_audited, assert_not_leaked, assert_refused, make_policy, policy_text, python_service,
                      start_agent, stop_process, unique)

DEK = bytes(range(100, 132))


def single_owner_policy(cas, alice, measurement, prefix, owners=None, secrets=True):
    """Alice's policy: a python service that unwraps "data", a given secret, Alice's data key wrapped."""
    name = unique(prefix)
    svc = python_service("svc", measurement, unwrap=["data"], wrap=["data"],
                         environment={"TOKEN": "{{secret:s}}"} if secrets else {})
    doc = make_policy(name, owners or [alice], services=[svc], master_keys=["data"],
                      secrets=[{"name": "s", "kind": "given"}] if secrets else ())
    cas.apply_ok(doc, [alice])
    secret = f"SECRET-{unique('v')}"
    if secrets:
        assert cas.http.put_secret(alice, name, "s", secret.encode()).status == 204
    wrapped = cas.http.owner_wrap(alice, "data", DEK, policy=name)
    assert wrapped.status == 200, wrapped
    return name, doc, secret, wrapped.json["wrapped_key"]


def version_row(cas, name, version):
    s = cas.store
    rows = s.query(f"SELECT name, version, hash, previous, {s.hexcol('yaml')}, signatures, {s.hexcol('mac')} "
                   f"FROM policy_versions WHERE name = {s.text(name)} AND version = {version}")
    assert rows, f"no row {name}/{version}"
    n, v, h, prev, yaml_hex, signatures, mac_hex = rows[0]
    return {"hash": h, "previous": prev, "yaml": bytes.fromhex(yaml_hex), "signatures": signatures, "mac": bytes.fromhex(mac_hex)}


def insert_version(cas, name, version, yaml_bytes, previous, signatures, mac):
    s = cas.store
    applied = "CURRENT_TIMESTAMP" if s.kind == "postgres" else str(int(time.time() * 1e6))
    s.execute("INSERT INTO policy_versions (name, version, hash, previous, yaml, signatures, applied_at, mac) VALUES "
              f"({s.text(name)}, {version}, {s.text(srlib.sha256_hex(yaml_bytes))}, {s.text(previous) if previous else 'NULL'}, "
              f"{s.blob(yaml_bytes)}, {s.text(signatures)}, {applied}, {s.blob(mac)})")


def record_value(cas, kind, key):
    s = cas.store
    rows = s.query(f"SELECT {s.hexcol('value')} FROM records WHERE kind = {s.text(kind)} AND key = {s.text(key)}")
    return bytes.fromhex(rows[0][0]) if rows else None


def set_record(cas, kind, key, value: bytes):
    s = cas.store
    s.execute(f"DELETE FROM records WHERE kind = {s.text(kind)} AND key = {s.text(key)}; "
              f"INSERT INTO records (kind, key, value) VALUES ({s.text(kind)}, {s.text(key)}, {s.blob(value)})")


def assert_tampered(cas, answer, policy=None, table=None):
    assert_refused(answer, 500, "tampered-store", "changed outside CAS")
    entries = assert_audited(cas, "store.tampered", policy)
    if table:
        assert any(e["details"]["table"] == table for e in entries), entries[-3:]


def test_T_STORE_01_forged_policy_version_adds_an_owner(cas, agent, python_measurement, identities):
    """The issue's attack: a v2 row inserted into policy_versions naming Mallory as a second owner,
    with v1's signatures and MAC copied; Mallory then asks for Alice's data key as an owner."""
    alice, mallory = identities("alice", "mallory")
    name, doc, secret, wrapped = single_owner_policy(cas, alice, python_measurement, "st01")
    v1 = version_row(cas, name, 1)
    forged = dict(doc, version=2, previous=v1["hash"], owners=doc["owners"] + [{"name": "mallory", "public_key": mallory.public_text}])
    forged = {k: forged[k] for k in ["name", "version", "previous"] + [k for k in doc if k not in ("name", "version")]}
    insert_version(cas, name, 2, policy_text(forged).encode(), v1["hash"], v1["signatures"], v1["mac"])
    answer = cas.http.owner_unwrap(mallory, "data", wrapped, policy=name)
    assert_tampered(cas, answer, name, "policy_versions")
    assert_not_leaked([DEK], answer.text)
    w, refusal = cas.attest_python(agent, name, "svc")
    assert w is None and "changed outside CAS" in refusal["detail"], refusal
    assert_not_leaked([secret], json.dumps(refusal))


def test_T_STORE_02_current_version_rewritten_in_place(cas, agent, python_measurement, identities):
    """The v1 row's YAML edited (Mallory added, the hash column recomputed to match)."""
    alice, mallory = identities("alice", "mallory")
    name, doc, secret, wrapped = single_owner_policy(cas, alice, python_measurement, "st02")
    edited = policy_text(dict(doc, owners=doc["owners"] + [{"name": "mallory", "public_key": mallory.public_text}])).encode()
    s = cas.store
    s.execute(f"UPDATE policy_versions SET yaml = {s.blob(edited)}, hash = {s.text(srlib.sha256_hex(edited))} "
              f"WHERE name = {s.text(name)} AND version = 1")
    answer = cas.http.owner_unwrap(mallory, "data", wrapped, policy=name)
    assert_tampered(cas, answer, name, "policy_versions")
    assert_not_leaked([DEK], answer.text)
    w, refusal = cas.attest_python(agent, name, "svc")
    assert w is None and refusal["status"] == 403, refusal
    assert_audited(cas, "attest.refused", name, "changed outside CAS")


def test_T_STORE_03_policy_cas_never_applied(cas, agent, python_measurement, identities):
    """Rows of a whole policy written into the database (Mallory's, pinning her code, importing
    nothing): without CAS's policy head it does not exist."""
    alice, mallory = identities("alice", "mallory")
    name = unique("st03")
    doc = make_policy(name, [mallory], services=[python_service("svc", python_measurement, unwrap=["data"])], master_keys=["data"])
    text = policy_text(doc).encode()
    sig = json.dumps([mallory.policy_signature(text)])
    insert_version(cas, name, 1, text, None, sig, b"\0" * 32)
    w, refusal = cas.attest_python(agent, name, "svc")
    assert w is None and refusal["status"] == 403 and "never applied" in refusal["detail"], refusal
    assert_audited(cas, "store.tampered", name)
    # The name is not usable by anyone until the stray row is gone (a denial of service, not a grant).
    answer = cas.apply(doc, [mallory])
    assert answer.status in (409, 500), answer


def test_T_STORE_04_master_key_row_copied_to_another_policy(cas, python_measurement, identities):
    """Mallory owns a policy of her own with a master key "data"; the DBA copies Alice's sealed
    master key into Mallory's row, so that Mallory, unwrapping as owner of her own policy, would
    use Alice's key."""
    alice, mallory = identities("alice", "mallory")
    victim, _, _, wrapped = single_owner_policy(cas, alice, python_measurement, "st04-victim", secrets=False)
    own, _, _, _ = single_owner_policy(cas, mallory, python_measurement, "st04-own", secrets=False)
    s = cas.store
    sealed = s.query(f"SELECT {s.hexcol('sealed')} FROM master_keys WHERE policy = {s.text(victim)} AND id = 'data'")[0][0]
    s.execute(f"UPDATE master_keys SET sealed = {s.blob(bytes.fromhex(sealed))} WHERE policy = {s.text(own)} AND id = 'data'")
    answer = cas.http.owner_unwrap(mallory, "data", wrapped, policy=own)
    assert answer.status == 500 and answer.problem in ("tampered-store", "corrupt-store"), answer
    assert "key" not in (answer.json or {})
    assert_not_leaked([DEK], answer.text)


def test_T_STORE_05_master_key_row_copied_is_audited(cas, python_measurement, identities):
    """The refusal of T-STORE-04 is tampering like any other authority row: tampered-store, audited
    (found by this suite: it was an unaudited corrupt-store)."""
    alice, mallory = identities("alice", "mallory")
    victim, _, _, wrapped = single_owner_policy(cas, alice, python_measurement, "st05-victim", secrets=False)
    own, _, _, _ = single_owner_policy(cas, mallory, python_measurement, "st05-own", secrets=False)
    s = cas.store
    sealed = s.query(f"SELECT {s.hexcol('sealed')} FROM master_keys WHERE policy = {s.text(victim)} AND id = 'data'")[0][0]
    s.execute(f"UPDATE master_keys SET sealed = {s.blob(bytes.fromhex(sealed))} WHERE policy = {s.text(own)} AND id = 'data'")
    answer = cas.http.owner_unwrap(mallory, "data", wrapped, policy=own)
    assert_tampered(cas, answer, own, "master_keys")


def test_T_STORE_06_forged_trusted_node(cas, sr, root, python_measurement, identities):
    """The DBA registers a node key of the attacker's (its own agent) by inserting a nodes row
    (the MAC column copied from a genuine row)."""
    alice = identities("alice")
    name, _, secret, _ = single_owner_policy(cas, alice, python_measurement, "st06")
    rogue = start_agent(sr, root / unique("rogue"))
    s = cas.store
    key_id = srlib.sha256_hex(srlib.unb64(rogue.public_key.split(":", 1)[1]))
    mac = s.query(f"SELECT {s.hexcol('mac')} FROM nodes LIMIT 1")[0][0]
    s.execute(f"INSERT INTO nodes (key_id, name, public_key, mac) VALUES ({s.text(key_id)}, 'node-1', "
              f"{s.text(rogue.public_key)}, {s.blob(bytes.fromhex(mac))})")
    try:
        w, refusal = cas.attest_python(rogue, name, "svc")
    finally:
        s.execute(f"DELETE FROM nodes WHERE key_id = {s.text(key_id)}")
        stop_process(rogue.process)
    assert w is None and refusal["status"] == 403 and "evidence" in refusal["detail"], refusal
    assert_not_leaked([secret], json.dumps(refusal))
    entries = assert_audited(cas, "store.tampered", None)
    assert any(e["details"]["table"] == "nodes" and key_id[:40] in e["details"]["row"] for e in entries)


def test_T_STORE_07_forged_auditor_grant(fresh_cas, identities):
    """Mallory wants the whole audit log: the DBA re-labels a registered auditor's record with
    Mallory's key (the MAC copied), or inserts a record for her key."""
    cas = fresh_cas
    bob, mallory = identities("bob", "mallory")
    cas.sr.ok("cas", "add-auditor", *cas.cli, "--identity", cas.admin_path, "--name", "bob", "--public-key", bob.public_text)
    assert cas.http.signed(bob, "GET", "/v1/audit").status == 200, "control: a registered auditor reads the log"
    genuine = record_value(cas, "auditor", bob.key_id)
    payload = json.loads(genuine[32:])
    payload["public_key"] = mallory.public_text
    set_record(cas, "auditor", mallory.key_id, genuine[:32] + json.dumps(payload, sort_keys=True, separators=(",", ":")).encode())
    answer = cas.http.signed(mallory, "GET", "/v1/audit")
    assert_refused(answer, 403, "forbidden", "whole audit log is for the CAS administrator")
    assert "entries" not in (answer.json or {})
    assert_audited(cas, "audit.refused")
    assert any(e["details"]["table"] == "records" and "auditor/" in e["details"]["row"]
               for e in cas.audit(type="store.tampered"))


def helper_policy(cas, alice, measurement, prefix):
    name = unique(prefix)
    services = [python_service("driver", measurement, unwrap=["data"]),
                python_service("executor", measurement, unwrap=["data"], helper_of="driver")]
    cas.apply_ok(make_policy(name, [alice], services=services, master_keys=["data"]), [alice])
    return name


def test_T_STORE_08_grant_record_edited_to_admit_other_helper_code(cas, agent, python_measurement, identities):
    """An attested driver obtained a grant for helper job H; the DBA edits the grant row to admit
    the attacker's helper job H' instead (MAC kept)."""
    alice = identities("alice")
    name = helper_policy(cas, alice, python_measurement, "st08")
    driver, refusal = cas.attest_python(agent, name, "driver")
    assert driver, refusal
    granted = driver.grant("executor", "11" * 32)
    assert granted.status == 201, granted
    grant = granted.json["grant"]
    grant_id = grant.split(".")[1]
    value = record_value(cas, "grant", grant_id)
    payload = json.loads(value[32:])
    payload["job_hash"] = "22" * 32
    set_record(cas, "grant", grant_id, value[:32] + json.dumps(payload, sort_keys=True, separators=(",", ":")).encode())
    helper, refusal = cas.attest_python(agent, name, "executor", job_hash="22" * 32, grant=grant)
    assert helper is None and refusal["status"] == 403 and "changed outside CAS" in refusal["detail"], refusal
    assert_audited(cas, "store.tampered", name)


def multi_owner_policy(cas, alice, bob, measurement, prefix):
    name = unique(prefix)
    cas.apply_ok(make_policy(name, [alice, bob], master_keys=["data"], approvals=2,
                             services=[python_service("svc", measurement, unwrap=["data"])]), [alice, bob])
    return name


def test_T_STORE_09_wrapped_key_origin_relabelled_or_deleted(cas, python_measurement, identities):
    """Multi-owner policy: Bob's data key is Bob's. The DBA relabels the record of who wrapped it
    as Alice's (MAC kept), then deletes it: Alice still cannot unwrap it."""
    alice, bob = identities("alice", "bob")
    name = multi_owner_policy(cas, alice, bob, python_measurement, "st09")
    wrapped = cas.http.owner_wrap(bob, "data", DEK, policy=name).json["wrapped_key"]
    key = f"{name}/data/{srlib.sha256_hex(wrapped.encode())}"
    value = record_value(cas, "wrapped-key", key)
    assert value is not None, "CAS records who wrapped each data key"
    payload = json.loads(value[32:])
    assert payload["by"] == bob.key_id
    payload["by"] = alice.key_id
    set_record(cas, "wrapped-key", key, value[:32] + json.dumps(payload, sort_keys=True, separators=(",", ":")).encode())
    answer = cas.http.owner_unwrap(alice, "data", wrapped, policy=name)
    assert_tampered(cas, answer, name, "records")
    assert_not_leaked([DEK], answer.text)
    cas.store.execute(f"DELETE FROM records WHERE kind = 'wrapped-key' AND key = {cas.store.text(key)}")
    answer = cas.http.owner_unwrap(alice, "data", wrapped, policy=name)
    assert_refused(answer, 403, "forbidden", "no record of who wrapped")
    assert_not_leaked([DEK], answer.text)


def test_T_STORE_10_policy_head_copied_from_another_policy(cas, agent, python_measurement, identities):
    """The head record (current version, first version, revocations) of one policy copied over another's."""
    alice = identities("alice")
    name, _, secret, wrapped = single_owner_policy(cas, alice, python_measurement, "st10")
    other, _, _, _ = single_owner_policy(cas, alice, python_measurement, "st10-other")
    set_record(cas, "policy-head", name, record_value(cas, "policy-head", other))
    answer = cas.http.owner_unwrap(alice, "data", wrapped, policy=name)
    assert_tampered(cas, answer, name, "records")
    w, refusal = cas.attest_python(agent, name, "svc")
    assert w is None and refusal["status"] == 403, refusal
    assert_not_leaked([DEK, secret], answer.text, json.dumps(refusal))


def test_T_STORE_11_version_row_dropped(cas, agent, python_measurement, identities):
    """v2 dropped a vulnerable measurement; the DBA deletes the v2 row to bring v1 back."""
    alice = identities("alice")
    name, doc, secret, wrapped = single_owner_policy(cas, alice, python_measurement, "st11")
    v1 = version_row(cas, name, 1)
    v2 = dict(doc, version=2, previous=v1["hash"])
    v2["services"] = [dict(doc["services"][0], attestation=[{"kind": "simulated", "measurements": ["ab" * 48]}])]
    v2 = {k: v2[k] for k in ["name", "version", "previous"] + [k for k in doc if k not in ("name", "version")]}
    cas.apply_ok(v2, [alice])
    cas.store.execute(f"DELETE FROM policy_versions WHERE name = {cas.store.text(name)} AND version = 2")
    w, refusal = cas.attest_python(agent, name, "svc")
    assert w is None and refusal["status"] == 403 and "changed outside CAS" in refusal["detail"], refusal
    assert_not_leaked([secret], json.dumps(refusal))
    assert_audited(cas, "store.tampered", name)


def apply_v2_without_python(cas, alice, name, doc):
    v1 = version_row(cas, name, 1)
    v2 = dict(doc, version=2, previous=v1["hash"])
    v2["services"] = [dict(doc["services"][0], attestation=[{"kind": "simulated", "measurements": ["ab" * 48]}])]
    cas.apply_ok({k: v2[k] for k in ["name", "version", "previous"] + [k for k in doc if k not in ("name", "version")]}, [alice])


def test_T_STORE_12_policy_rolled_back_after_cas_read_the_new_version(cas, agent, python_measurement, identities):
    """v2 dropped the python measurement and CAS has since acted on v2; the DBA deletes the v2 row
    and restores v1's policy-head record (a valid MAC: CAS wrote it earlier)."""
    alice = identities("alice")
    name, doc, secret, wrapped = single_owner_policy(cas, alice, python_measurement, "st12")
    head_v1 = record_value(cas, "policy-head", name)
    apply_v2_without_python(cas, alice, name, doc)
    assert cas.attest_python(agent, name, "svc")[0] is None, "control: v2 refuses the python measurement"
    cas.store.execute(f"DELETE FROM policy_versions WHERE name = {cas.store.text(name)} AND version = 2")
    set_record(cas, "policy-head", name, head_v1)
    w, refusal = cas.attest_python(agent, name, "svc")
    assert w is None and "older than the head this CAS already saw" in refusal["detail"], refusal
    assert_not_leaked([secret], json.dumps(refusal))
    assert_audited(cas, "store.tampered", name, "older than the head")


def test_T_STORE_13_policy_rolled_back_right_after_the_new_version(cas, agent, python_measurement, identities):
    alice = identities("alice")
    name, doc, secret, wrapped = single_owner_policy(cas, alice, python_measurement, "st13")
    head_v1 = record_value(cas, "policy-head", name)
    apply_v2_without_python(cas, alice, name, doc)
    cas.store.execute(f"DELETE FROM policy_versions WHERE name = {cas.store.text(name)} AND version = 2")
    set_record(cas, "policy-head", name, head_v1)
    w, refusal = cas.attest_python(agent, name, "svc")
    assert w is None, "the python measurement v2 dropped was admitted again after a rollback of two rows"


def test_T_STORE_14_revocation_undone_by_restoring_the_head(cas, agent, sr, python_measurement, identities):
    """An owner revokes a stolen token; the DBA restores the head record from before the revocation."""
    alice = identities("alice")
    name, doc, secret, wrapped = single_owner_policy(cas, alice, python_measurement, "st14")
    w, refusal = cas.attest_python(agent, name, "svc")
    assert w, refusal
    before = record_value(cas, "policy-head", name)
    sr.ok("policy", "revoke-tokens", *cas.cli, "--identity", alice.path, "--policy", name, "--token-id", w.claims["jti"])
    set_record(cas, "policy-head", name, before)
    answer = w.unwrap("data", wrapped, policy=name)
    # Refused as revoked, or (CAS saw the newer head it wrote) as a rolled-back head.
    assert answer.status == 401 or (answer.status == 500 and answer.problem == "tampered-store"), \
        f"the revoked token works again: {answer!r}"
    assert_not_leaked([DEK], answer.text)


def test_T_STORE_15_policy_deleted_and_recreated_by_the_attacker(cas, agent, python_measurement, identities):
    """The DBA deletes Alice's policy (its version rows and head record), Mallory applies a policy
    of the same name naming herself owner and the same master key and secret names (found by this
    suite: the new policy inherited Alice's master key and given secret)."""
    alice, mallory = identities("alice", "mallory")
    name, doc, secret, wrapped = single_owner_policy(cas, alice, python_measurement, "st15")
    s = cas.store
    s.execute(f"DELETE FROM policy_versions WHERE name = {s.text(name)}; "
              f"DELETE FROM records WHERE kind = 'policy-head' AND key = {s.text(name)}")
    squat = dict(doc, owners=[{"name": "mallory", "public_key": mallory.public_text}])
    answer = cas.apply(squat, [mallory])
    unwrapped = cas.http.owner_unwrap(mallory, "data", wrapped, policy=name) if answer.status == 201 else None
    w, _ = cas.attest_python(agent, name, "svc") if answer.status == 201 else (None, None)
    leaked = []
    if unwrapped is not None and unwrapped.status == 200 and unwrapped.json["key"] == srlib.b64(DEK):
        leaked.append("Alice's data key (owner unwrap)")
    if w is not None and w.config["environment"].get("TOKEN") == secret:
        leaked.append("Alice's given secret (attested config)")
    assert not leaked, f"Mallory's re-created policy {name} received: {', '.join(leaked)}"
    assert_tampered(cas, answer, name, "policy_versions")
    assert "inherit" in answer.detail


def test_T_STORE_16_secret_row_copied_to_another_policy(cas, agent, python_measurement, identities):
    """Alice's sealed secret copied into Mallory's policy's row of the same name."""
    alice, mallory = identities("alice", "mallory")
    victim, _, secret, _ = single_owner_policy(cas, alice, python_measurement, "st14-victim")
    own, _, own_secret, _ = single_owner_policy(cas, mallory, python_measurement, "st14-own")
    s = cas.store
    sealed = s.query(f"SELECT {s.hexcol('sealed')} FROM secrets WHERE policy = {s.text(victim)} AND name = 's'")[0][0]
    s.execute(f"UPDATE secrets SET sealed = {s.blob(bytes.fromhex(sealed))} WHERE policy = {s.text(own)} AND name = 's'")
    w, refusal = cas.attest_python(agent, own, "svc")
    assert w is None and refusal["status"] == 403 and "does not open" in refusal["detail"], refusal
    assert_not_leaked([secret], json.dumps(refusal))
    assert_audited(cas, "attest.refused", own, "configuration")


def test_T_STORE_17_administrator_key_replaced(fresh_cas, identities):
    """The DBA swaps the administrator's public key in meta for Mallory's: she would register
    nodes and auditors. CAS refuses to start on that store."""
    cas = fresh_cas
    mallory = identities("mallory")
    cas.stop()
    s = cas.store
    s.execute(f"UPDATE meta SET value = {s.blob(mallory.public_text.encode())} WHERE key = 'cas.administrator'")
    process = cas.start(expect_ok=False)
    try:
        process.wait(timeout=60)
    except Exception:
        process.kill()
        raise AssertionError("CAS started on a store whose administrator was replaced")
    assert process.returncode != 0
    assert "administrator record was changed outside CAS" in cas.log_text(), cas.log_text()[-2000:]


def test_T_STORE_18_upgrade_marker_deleted_to_make_cas_vouch_for_forged_rows(fresh_cas, sr, root, python_measurement, identities):
    """The DBA deletes `cas.rows-authenticated`, inserts a node row for its own agent and swaps the
    administrator key for Mallory's, then waits for CAS to restart."""
    cas = fresh_cas
    alice, mallory = identities("alice", "mallory")
    name, _, secret, _ = single_owner_policy(cas, alice, python_measurement, "st16")
    rogue = start_agent(sr, root / unique("rogue"))
    try:
        cas.stop()
        s = cas.store
        key_id = srlib.sha256_hex(srlib.unb64(rogue.public_key.split(":", 1)[1]))
        s.execute("DELETE FROM meta WHERE key = 'cas.rows-authenticated'")
        s.execute(f"INSERT INTO nodes (key_id, name, public_key, mac) VALUES ({s.text(key_id)}, 'rogue', "
                  f"{s.text(rogue.public_key)}, {s.blob(b'')})")
        s.execute(f"UPDATE meta SET value = {s.blob(mallory.public_text.encode())} WHERE key = 'cas.administrator'")
        process = cas.start(expect_ok=False)
        port_file = cas.root / "cas.port"
        for _ in range(600):
            if port_file.exists() or process.poll() is not None:
                break
            time.sleep(0.05)
        if process.poll() is not None:
            return  # CAS refused to start on the tampered store: defended
        cas.process = None
        cas.start_existing(process)
        w, refusal = cas.attest_python(rogue, name, "svc")
        mallory_admin = sr.run("cas", "add-auditor", *cas.cli, "--identity", mallory.path, "--name", "mallory",
                               "--public-key", mallory.public_text)
    finally:
        stop_process(rogue.process)
    won = []
    if w is not None:
        won.append(f"evidence of the DBA's agent was trusted (secret released: {w.config['environment'].get('TOKEN') == secret})")
    if mallory_admin.returncode == 0:
        won.append("Mallory acts as CAS administrator")
    assert not won, "; ".join(won)
