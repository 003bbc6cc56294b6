from conftest import *
def test_smoke(cas, agent, python_measurement, identities):
    alice = identities("alice")
    name = unique("smoke")
    cas.apply_ok(make_policy(name, [alice], services=[python_service("svc", python_measurement, unwrap=["k"], wrap=["k"])], master_keys=["k"]), [alice])
    w, refusal = cas.attest_python(agent, name, "svc")
    assert w, refusal
    a = w.wrap("k", b"k"*32)
    assert a.status == 200, a
    assert w.unwrap("k", a.json["wrapped_key"]).status == 200
    print(len(cas.audit(policy=name)))
