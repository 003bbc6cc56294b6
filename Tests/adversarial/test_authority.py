"""T-AUTH: authority comes from keys, never from names (issue 13 item 5). The attacker is another
tenant of the same CAS: it may create policies, sign with its own keys and name whatever it
likes (policy names, auditors, master key ids), and may be a co-owner of a shared policy."""
import json

import srlib
from conftest import (assert_audited, assert_not_leaked, assert_refused, make_policy, policy_text, python_service, unique)

DEK = bytes(range(50, 82))


# ---------------------------------------------------------------- exports

def exporter(cas, alice, name, targets):
    cas.apply_ok(make_policy(name, [alice], secrets=[{"name": "shared", "kind": "given"}],
                             exports=[{"secret": "shared", "to": targets}]), [alice])
    value = f"EXPORTED-{unique('v')}"
    assert cas.http.put_secret(alice, name, "shared", value.encode()).status == 204
    return value


def importer_doc(name, owner, measurement, exporter_name):
    return make_policy(name, [owner], secrets=[{"name": "imp", "kind": "import", "from": exporter_name, "secret": "shared"}],
                       services=[python_service("svc", measurement, environment={"IMPORTED": "{{secret:imp}}"})])


def test_T_AUTH_01_export_to_a_bare_policy_name_is_refused(cas, identities):
    """`exports: [{secret, to: [other-policy]}]` would go to whoever creates that name first."""
    alice = identities("alice")
    name = unique("auth01")
    doc = make_policy(name, [alice], secrets=[{"name": "shared", "kind": "random", "size": 16}],
                      exports=[{"secret": "shared", "to": ["partner-policy"]}])
    answer = cas.apply(doc, [alice])
    assert_refused(answer, 400, "malformed-request", "not by name alone")
    assert_audited(cas, "policy.refused", reason="not by name alone")
    assert cas.http.signed(alice, "GET", f"/v1/policies/{name}").status == 404


def test_T_AUTH_02_squatter_of_the_importing_name_with_other_owners(cas, agent, python_measurement, identities):
    """Alice exports to {policy: imp, owners: [Bob]}. Mallory creates `imp` first, naming herself."""
    alice, bob, mallory = identities("alice", "bob", "mallory")
    squatted, control = unique("auth02-imp"), unique("auth02-imp2")
    source = unique("auth02-exp")
    value = exporter(cas, alice, source, [{"policy": squatted, "owners": [bob.public_text]},
                                          {"policy": control, "owners": [bob.public_text]}])
    cas.apply_ok(importer_doc(squatted, mallory, python_measurement, source), [mallory])
    w, refusal = cas.attest_python(agent, squatted, "svc")
    assert w is None and refusal["status"] == 403 and f"does not export shared to this policy {squatted}" in refusal["detail"], refusal
    assert_not_leaked([value], json.dumps(refusal))
    assert_audited(cas, "attest.refused", squatted, "does not export")
    # Adding Bob as co-owner does not help Mallory either: every current owner must be named.
    first = cas.http.signed(mallory, "GET", f"/v1/policies/{squatted}").json["hash"]
    v2 = importer_doc(squatted, mallory, python_measurement, source)
    v2 = dict({"name": squatted, "version": 2, "previous": first}, **{k: v for k, v in v2.items() if k not in ("name", "version")})
    v2["owners"] = v2["owners"] + [{"name": "bob", "public_key": bob.public_text}]
    cas.apply_ok(v2, [mallory])
    w, refusal = cas.attest_python(agent, squatted, "svc")
    assert w is None and "does not export" in refusal["detail"], refusal
    cas.apply_ok(importer_doc(control, bob, python_measurement, source), [bob])
    ok, refusal = cas.attest_python(agent, control, "svc")
    assert ok and ok.config["environment"]["IMPORTED"] == value, f"control: Bob's importer gets the secret: {refusal}"


def test_T_AUTH_03_squatter_of_a_name_exported_by_first_version(cas, agent, python_measurement, identities):
    """Alice exports to {policy: imp, first_version: H}, H the hash of Bob's agreed version 1."""
    alice, bob, mallory = identities("alice", "bob", "mallory")
    source = unique("auth03-exp")
    imp = unique("auth03-imp")
    bobs = importer_doc(imp, bob, python_measurement, source)
    control = unique("auth03-ctl")
    bobs_control = importer_doc(control, bob, python_measurement, source)
    value = exporter(cas, alice, source, [{"policy": imp, "first_version": srlib.sha256_hex(policy_text(bobs).encode())},
                                          {"policy": control, "first_version": srlib.sha256_hex(policy_text(bobs_control).encode())}])
    # Mallory gets there first with her own version 1 of that name.
    squat = importer_doc(imp, mallory, python_measurement, source)
    cas.apply_ok(squat, [mallory])
    w, refusal = cas.attest_python(agent, imp, "svc")
    assert w is None and "does not export" in refusal["detail"], refusal
    assert_not_leaked([value], json.dumps(refusal))
    # Her version 2 may copy Bob's version 1 word for word (owners: Bob): the first version is still hers.
    lookalike = {"name": imp, "version": 2, "previous": srlib.sha256_hex(policy_text(squat).encode())}
    lookalike.update({k: v for k, v in bobs.items() if k not in ("name", "version")})
    cas.apply_ok(lookalike, [mallory])
    w, refusal = cas.attest_python(agent, imp, "svc")
    assert w is None and "does not export" in refusal["detail"], refusal
    assert_not_leaked([value], json.dumps(refusal))
    assert_audited(cas, "attest.refused", imp, "does not export")
    cas.apply_ok(bobs_control, [bob])
    ok, refusal = cas.attest_python(agent, control, "svc")
    assert ok and ok.config["environment"]["IMPORTED"] == value, f"control: Bob's agreed version 1 imports: {refusal}"


def test_T_AUTH_04_self_declared_auditor_reads_only_its_own_policy(cas, identities):
    """Mallory creates a policy naming herself auditor and asks for the whole audit log, and for
    another tenant's entries."""
    alice, mallory = identities("alice", "mallory")
    victim = unique("auth04-victim")
    cas.apply_ok(make_policy(victim, [alice], master_keys=["data"]), [alice])
    own = unique("auth04-own")
    cas.apply_ok(make_policy(own, [mallory], auditors=[mallory.__class__.generate("mallory-auditor")]), [mallory])
    whole = cas.http.signed(mallory, "GET", "/v1/audit")
    assert_refused(whole, 403, "forbidden", "whole audit log is for the CAS administrator")
    other = cas.http.signed(mallory, "GET", f"/v1/audit?policy={victim}")
    assert_refused(other, 403, "forbidden", f"entries of policy {victim} are for its owners")
    assert victim not in whole.text + other.text.replace(f"entries of policy {victim}", "")
    assert_audited(cas, "audit.refused", victim)
    mine = cas.http.signed(mallory, "GET", f"/v1/audit?policy={own}")
    assert mine.status == 200 and mine.json["entries"], mine
    assert {e.get("policy") for e in mine.json["entries"]} == {own}, "owners read only their policy's entries"


def test_T_AUTH_05_only_the_administrator_registers_auditors_and_nodes(cas, sr, identities):
    mallory = identities("mallory")
    r = sr.run("cas", "add-auditor", *cas.cli, "--identity", mallory.path, "--name", "mallory", "--public-key", mallory.public_text)
    assert r.returncode != 0 and "not allowed" in r.stderr, r.describe()
    r = sr.run("cas", "trust-node", *cas.cli, "--identity", mallory.path, "--name", "rogue", "--public-key", mallory.public_text)
    assert r.returncode != 0 and "not allowed" in r.stderr, r.describe()
    assert cas.http.signed(mallory, "GET", "/v1/audit").status == 403


def test_T_AUTH_06_master_key_id_squatted_before_its_owner_uses_it(cas, python_measurement, identities):
    """Mallory declares `payroll-footer` before Alice does; ids are scoped per policy, so Alice's
    policy gets a key of its own and Mallory's says nothing about Alice's data."""
    alice, mallory = identities("alice", "mallory")
    key_id = f"payroll-{unique('k')}"
    squat = unique("auth06-squat")
    cas.apply_ok(make_policy(squat, [mallory], master_keys=[key_id]), [mallory])
    victim = unique("auth06-victim")
    cas.apply_ok(make_policy(victim, [alice], master_keys=[key_id]), [alice])
    wrapped = cas.http.owner_wrap(alice, key_id, DEK)  # no policy named: the signer's only policy with that id
    assert wrapped.status == 200, wrapped
    wrapped = wrapped.json["wrapped_key"]
    answers = [cas.http.owner_unwrap(mallory, key_id, wrapped), cas.http.owner_unwrap(mallory, key_id, wrapped, policy=squat),
               cas.http.owner_unwrap(mallory, key_id, wrapped, policy=victim)]
    assert answers[0].status == 422 and answers[1].status == 422, answers
    assert_refused(answers[2], 403, "forbidden")
    assert_not_leaked([DEK], *(a.text for a in answers))
    assert_audited(cas, "kms.refused", squat, "does not unwrap")
    assert cas.http.owner_unwrap(alice, key_id, wrapped).json["key"] == srlib.b64(DEK), "control"


def test_T_AUTH_07_co_owner_unwraps_another_owners_data_key(cas, identities):
    """A multi-owner policy (a clean room): Bob must not read Alice's data through the KMS."""
    alice, bob = identities("alice", "bob")
    name = unique("auth07")
    cas.apply_ok(make_policy(name, [alice, bob], master_keys=["data"], approvals=2), [alice, bob])
    alices = cas.http.owner_wrap(alice, "data", DEK, policy=name).json["wrapped_key"]
    bobs = cas.http.owner_wrap(bob, "data", b"\x01" * 32, policy=name).json["wrapped_key"]
    answer = cas.http.owner_unwrap(bob, "data", alices, policy=name)
    assert_refused(answer, 403, "forbidden", "contributed by another owner")
    assert_not_leaked([DEK], answer.text)
    assert_audited(cas, "kms.refused", name, "contributed by another owner")
    assert cas.http.owner_unwrap(alice, "data", alices, policy=name).status == 200, "control: the contributor unwraps"
    assert cas.http.owner_unwrap(bob, "data", bobs, policy=name).status == 200, "control: Bob unwraps his own"


def test_T_AUTH_08_results_recipient_unwraps_only_results(cas, agent, python_measurement, identities):
    """Carol receives results: she unwraps what the attested service wrapped under the results key,
    not the owner's input data keys, not even a key the owner wrapped under the results key."""
    alice, carol = identities("alice", "carol")
    name = unique("auth08")
    svc = python_service("svc", python_measurement, unwrap=["data"], wrap=["results"],
                         results={"master_key": "results", "recipients": ["carol"]})
    cas.apply_ok(make_policy(name, [alice], auditors=[carol], master_keys=["data", "results"], services=[svc]), [alice])
    data = cas.http.owner_wrap(alice, "data", DEK, policy=name).json["wrapped_key"]
    planted = cas.http.owner_wrap(alice, "results", DEK, policy=name).json["wrapped_key"]
    w, refusal = cas.attest_python(agent, name, "svc")
    assert w, refusal
    result = w.wrap("results", b"\x02" * 32).json["wrapped_key"]
    assert cas.http.owner_unwrap(carol, "results", result, policy=name).status == 200, "control: Carol reads results"
    for mk, wrapped in (("data", data), ("results", planted)):
        answer = cas.http.owner_unwrap(carol, mk, wrapped, policy=name)
        assert answer.status == 403, answer
        assert_not_leaked([DEK], answer.text)
    assert_audited(cas, "kms.refused", name, "may unwrap only results")


def test_T_AUTH_09_only_an_owner_revokes_or_reads_a_policy(cas, sr, identities):
    """Another tenant revokes a victim policy's tokens (denial of service), reads its YAML, or
    overwrites its given secret."""
    alice, mallory = identities("alice", "mallory")
    name = unique("auth09")
    cas.apply_ok(make_policy(name, [alice], secrets=[{"name": "s", "kind": "given"}]), [alice])
    r = sr.run("policy", "revoke-tokens", *cas.cli, "--identity", mallory.path, "--policy", name)
    assert r.returncode != 0 and "not allowed" in r.stderr, r.describe()
    assert cas.http.signed(mallory, "GET", f"/v1/policies/{name}").status == 403
    assert cas.http.signed(mallory, "GET", f"/v1/policies/{name}/versions").status == 403
    assert cas.http.put_secret(mallory, name, "s", b"mallory's value").status == 403
    assert not cas.audit(policy=name, type="tokens.revoked")
    assert not cas.audit(policy=name, type="secret.given")


def test_T_AUTH_10_new_version_without_the_current_owners_approval(cas, identities):
    """Mallory submits v2 of Alice's policy making herself owner: signed by herself, by the new
    owner list, or by only one of two required owners."""
    alice, bob, mallory = identities("alice", "bob", "mallory")
    name = unique("auth10")
    v1 = make_policy(name, [alice, bob], approvals=2, master_keys=["data"])
    applied = cas.apply_ok(v1, [alice, bob])
    v2 = make_policy(name, [mallory], master_keys=["data"], version=2, previous=applied["hash"])
    for signers in ([mallory], [alice]):
        answer = cas.apply(v2, signers)
        assert_refused(answer, 403, "forbidden")
    assert_audited(cas, "policy.refused", name)
    v2_forged_signature = cas.apply(v2, [], extra_signatures=[{"key_id": alice.key_id, "signature": srlib.b64(b"\0" * 64)},
                                                             {"key_id": bob.key_id, "signature": mallory.policy_signature(b"x")["signature"]}])
    assert_refused(v2_forged_signature, 403, "forbidden")
    assert cas.http.signed(alice, "GET", f"/v1/policies/{name}").json["version"] == 1
