"""T-AUDIT: the audit log cannot be shortened or rewritten unnoticed (issue 13 item 7). Two
attackers: whoever hands an auditor an exported file (cut, edited, rebuilt, re-signed), and the
database administrator who rewrites the audit table under a running CAS and wants CAS to sign
the forged head. `strongroom audit verify` (with CAS's pinned JWKS, and a pinned head) and CAS's
refusal to sign are the defences."""
import hashlib
import json
import shutil

import pytest

import srlib
from conftest import assert_refused, make_policy, psql, unique


def canonical(obj):
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(entry):
    body = {k: v for k, v in entry.items() if k != "hash"}
    return hashlib.sha256((entry["prev"] + "\n" + canonical(body)).encode()).hexdigest()


def rechain(entries, start_prev):
    """Renumbers from the first entry's seq and recomputes every prev/hash: a consistent forged chain."""
    prev = start_prev
    first = entries[0]["seq"] if entries else 1
    out = []
    for offset, entry in enumerate(entries):
        e = dict(entry, seq=first + offset, prev=prev)
        e["hash"] = entry_hash(e)
        prev = e["hash"]
        out.append(e)
    return out


def write_export(path, entries, checkpoints):
    path.write_text("".join(canonical(x) + "\n" for x in list(entries) + list(checkpoints)))
    return path


def verify(sr, path, jwks, *extra):
    return sr.run("audit", "verify", "--file", path, "--jwks", jwks, "--format", "json", *extra)


def some_activity(cas, alice, count=3):
    for _ in range(count):
        cas.apply_ok(make_policy(unique("aud"), [alice], master_keys=["k"]), [alice])


@pytest.fixture
def exported(cas, sr, identities, tmp_path):
    """An export of the shared CAS's whole log with a head checkpoint, and CAS's JWKS pinned."""
    alice = identities("alice")
    some_activity(cas, alice)
    entries, checkpoints = cas.export()
    some_activity(cas, alice, 5)
    entries, checkpoints = cas.export()  # a second head checkpoint, 5 entries after the first at least
    jwks = tmp_path / "jwks.json"
    jwks.write_text(cas.http.request("GET", "/.well-known/jwks.json").text)
    assert all(entry_hash(e) == e["hash"] for e in entries), "the suite's canonical JSON matches CAS's"
    original = write_export(tmp_path / "original.jsonl", entries, checkpoints)
    r = verify(sr, original, jwks)
    assert r.returncode == 0 and json.loads(r.stdout)["verified"], r.describe()
    return entries, checkpoints, jwks, json.loads(r.stdout)


def assert_broken(result, kind=None):
    assert result.returncode != 0, f"a forged log verified: {result.describe()}"
    assert "audit chain broken at seq" in result.stderr, result.describe()
    if kind:
        assert json.loads(result.stdout)["kind"] == kind, result.describe()


def test_T_AUDIT_01_tail_cut_from_an_export(sr, exported, tmp_path):
    entries, checkpoints, jwks, _ = exported
    signed = {c["seq"] for c in checkpoints}
    cut = next(n for n in range(len(entries) - 2, 1, -1) if n not in signed)
    kept = entries[:cut]
    forged = write_export(tmp_path / "cut.jsonl", kept, [c for c in checkpoints if c["seq"] <= cut])
    r = verify(sr, forged, jwks)
    assert_broken(r, "missing-checkpoint")
    assert "no signed checkpoint at the last entry" in r.stderr


def test_T_AUDIT_02_entries_removed_and_chain_rebuilt(sr, exported, tmp_path):
    """Entries deleted from the middle, the rest renumbered and re-hashed into a consistent chain,
    the checkpoints that no longer match dropped."""
    entries, checkpoints, jwks, _ = exported
    victim = len(entries) - 4  # the seq of the entry removed
    after = [dict(e, seq=victim + i) for i, e in enumerate(entries[victim:])]
    rebuilt = entries[:victim - 1] + rechain(after, entries[victim - 2]["hash"])
    assert [e["seq"] for e in rebuilt] == list(range(1, len(entries)))
    kept = [c for c in checkpoints if c["seq"] < victim]
    r = verify(sr, write_export(tmp_path / "rebuilt.jsonl", rebuilt, kept), jwks)
    assert_broken(r, "missing-checkpoint")


def test_T_AUDIT_03_entry_edited_in_an_export(sr, exported, tmp_path):
    """A refusal turned into an allowance (hash left as it was, or re-hashed with the chain after it)."""
    entries, checkpoints, jwks, _ = exported
    index = len(entries) - 3
    edited = list(entries)
    edited[index] = dict(entries[index], decision="allowed", actor="someone-else")
    assert_broken(verify(sr, write_export(tmp_path / "edited.jsonl", edited, checkpoints), jwks), "changed")
    rehashed = entries[:index] + rechain(edited[index:], entries[index - 1]["hash"])
    r = verify(sr, write_export(tmp_path / "rehashed.jsonl", rehashed, checkpoints), jwks)
    assert_broken(r, "bad-checkpoint")


def test_T_AUDIT_04_export_re_signed_with_the_attackers_key(sr, exported, tmp_path):
    """A rebuilt log with checkpoints signed by the attacker's own ES256 key: useless against an
    auditor who pinned CAS's JWKS."""
    from cryptography.hazmat.primitives.asymmetric import ec
    entries, checkpoints, jwks, _ = exported
    forged = rechain(entries[:2] + entries[3:], "0" * 64)
    key = ec.generate_private_key(ec.SECP256R1())
    kid = json.loads(jwks.read_text())["keys"][-1]["kid"]
    signed = []
    for seq in sorted({c["seq"] for c in checkpoints if c["seq"] <= len(forged)} | {len(forged)}):
        e = forged[seq - 1]
        sig = srlib.ecdsa_raw(key, f"strongroom-audit-v1\n{seq}\n{e['hash']}".encode())
        signed.append({"hash": e["hash"], "kid": kid, "seq": seq, "signature": srlib.b64(sig), "time": checkpoints[-1]["time"]})
    r = verify(sr, write_export(tmp_path / "resigned.jsonl", forged, signed), jwks)
    assert_broken(r, "bad-checkpoint")


def test_T_AUDIT_05_export_cut_back_to_an_earlier_signed_head(sr, exported, tmp_path):
    """Every export signs its head, so a log cut exactly at an earlier export's head verifies on its
    own: an auditor who pinned the later head (`--since SEQ:HASH`) sees it was shortened."""
    entries, checkpoints, jwks, summary = exported
    earlier = max(c["seq"] for c in checkpoints if c["seq"] < summary["last_seq"])
    cut = write_export(tmp_path / "cut.jsonl", entries[:earlier], [c for c in checkpoints if c["seq"] <= earlier])
    assert verify(sr, cut, jwks).returncode == 0, "a cut at a signed head verifies without a pin (documented limit)"
    pinned = f"{summary['last_seq']}:{summary['last_hash']}"
    r = verify(sr, cut, jwks, "--since", pinned)
    assert_broken(r, "not-extending")
    assert "before the pinned head" in r.stderr
    assert verify(sr, tmp_path / "original.jsonl", jwks, "--since", pinned).returncode == 0, "control: the full log extends the pin"


# ---------------------------------------------------------------- the database under a running CAS

def delete_audit_tail(cas, keep_seq):
    s = cas.store
    head_hash = s.query(f"SELECT hash FROM audit WHERE seq = {keep_seq}")[0][0]
    s.execute(f"DELETE FROM audit WHERE seq > {keep_seq}")
    if s.kind == "postgres":
        s.execute(f"UPDATE audit_head SET seq = {keep_seq}, hash = {s.text(head_hash)}")


def test_T_AUDIT_06_tail_deleted_in_the_database(fresh_cas, sr, identities):
    """The DBA deletes the newest entries (its own misdeeds) and wants CAS's next export to sign
    the shortened head. CAS checks the chain against the last checkpoint it signed and refuses."""
    cas, alice = fresh_cas, identities("alice")
    some_activity(cas, alice, 4)
    head = cas.audit_head()  # export: CAS signs head
    delete_audit_tail(cas, head - 3)
    r = sr.run("audit", "export", *cas.cli, "--identity", cas.admin_path)
    assert r.returncode != 0 and "will not sign a checkpoint" in r.stderr and "missing" in r.stderr, r.describe()
    answer = cas.http.signed(cas.admin, "GET", "/v1/audit")
    assert_refused(answer, 422, "audit-chain-broken", "changed outside CAS")
    r = sr.run("audit", "verify", *cas.cli, "--identity", cas.admin_path)
    assert r.returncode != 0, r.describe()


def test_T_AUDIT_07_entry_rewritten_in_the_database_with_a_consistent_chain(fresh_cas, sr, identities):
    """The DBA rewrites an old entry and re-hashes every later one (a chain that verifies on its
    own); CAS's last signed checkpoint no longer matches and it refuses to sign."""
    cas, alice = fresh_cas, identities("alice")
    some_activity(cas, alice, 4)
    entries, _ = cas.export()
    index = len(entries) - 4
    forged = entries[:index] + rechain([dict(entries[index], actor="nobody")] + entries[index + 1:], entries[index - 1]["hash"])
    s = cas.store
    for e in forged[index:]:
        s.execute(f"UPDATE audit SET hash = {s.text(e['hash'])}, entry = {s.text(canonical(e))} WHERE seq = {e['seq']}")
    if s.kind == "postgres":
        s.execute(f"UPDATE audit_head SET hash = {s.text(forged[-1]['hash'])}")
    answer = cas.http.signed(cas.admin, "GET", "/v1/audit")
    assert_refused(answer, 422, "audit-chain-broken", "will not sign a checkpoint")
    some_activity(cas, alice, 1)  # appending still works (decisions are recorded), signing does not
    assert cas.http.signed(cas.admin, "GET", "/v1/audit").status == 422


def snapshot(cas, tag):
    s = cas.store
    if s.kind == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            src = s.sqlite_path + suffix
            if shutil.os.path.exists(src):
                shutil.copy2(src, f"{s.sqlite_path}.{tag}{suffix}")
        return
    base, db = s.url.split("?")[0].rsplit("/", 1)
    psql(base + "/postgres", f"CREATE DATABASE {db}_{tag} TEMPLATE {db}")


def restore(cas, tag):
    s = cas.store
    if s.kind == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            target = s.sqlite_path + suffix
            if shutil.os.path.exists(target):
                shutil.os.unlink(target)
            if shutil.os.path.exists(f"{s.sqlite_path}.{tag}{suffix}"):
                shutil.copy2(f"{s.sqlite_path}.{tag}{suffix}", target)
        return
    base, db = s.url.split("?")[0].rsplit("/", 1)
    psql(base + "/postgres", f"DROP DATABASE {db}")
    psql(base + "/postgres", f"CREATE DATABASE {db} TEMPLATE {db}_{tag}")


def test_T_AUDIT_08_whole_database_rolled_back_to_an_earlier_snapshot(fresh_cas, sr, identities):
    """The operator restores yesterday's backup of the whole store: consistent, signed by CAS, and
    shorter. Only the head an auditor pinned before tells (documented limit)."""
    cas, alice = fresh_cas, identities("alice")
    some_activity(cas, alice, 2)
    cas.stop()
    snapshot(cas, "old")
    cas.start()
    some_activity(cas, alice, 3)
    r = sr.ok("audit", "verify", *cas.cli, "--identity", cas.admin_path, "--format", "json")
    pinned = json.loads(r.stdout)
    cas.stop()
    restore(cas, "old")
    cas.start()
    plain = sr.run("audit", "verify", *cas.cli, "--identity", cas.admin_path, "--format", "json")
    assert plain.returncode == 0, "a consistent older snapshot verifies on its own (documented limit)"
    r = sr.run("audit", "verify", *cas.cli, "--identity", cas.admin_path, "--since", f"{pinned['last_seq']}:{pinned['last_hash']}")
    assert r.returncode != 0 and ("shortened" in r.stderr or "rewritten" in r.stderr), r.describe()


def test_T_AUDIT_09_checkpoint_mark_forged_in_the_database(fresh_cas, sr, identities):
    """The record of CAS's last signed checkpoint (records kind audit-mark) replaced by one the DBA
    wrote: CAS will not sign on a mark it did not write (after a restart, when it reads it)."""
    cas, alice = fresh_cas, identities("alice")
    some_activity(cas, alice, 2)
    cas.audit_head()
    cas.stop()
    s = cas.store
    value = bytes.fromhex(s.query(f"SELECT {s.hexcol('value')} FROM records WHERE kind = 'audit-mark'")[0][0])
    mark = json.loads(value[32:])
    mark["seq"] = 1
    forged = value[:32] + canonical(mark).encode()
    s.execute(f"UPDATE records SET value = {s.blob(forged)} WHERE kind = 'audit-mark'")
    cas.start()
    answer = cas.http.signed(cas.admin, "GET", "/v1/audit")
    assert_refused(answer, 422, "audit-chain-broken", "changed outside CAS")
