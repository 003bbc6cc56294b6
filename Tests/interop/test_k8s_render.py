"""`strongroom k8s render` (issue 7, item 5): every manifest it writes for deploy/example.yaml and
for a Spark pool of each TEE kind validates against the Kubernetes 1.30 schemas
(kubernetes-validate, strict: unknown fields are errors), and the confidential scheduling each
kind needs is there. No cluster is involved: this checks the manifests, not a deployment."""
import copy
import pathlib

import kubernetes_validate
import pytest
import yaml

from conftest import REPO, assert_clean_failure

K8S_VERSION = "1.30"
EXAMPLE = REPO / "deploy" / "example.yaml"

BASE = {
    "namespace": "analytics",
    "images": {"strongroom": "registry.example/strongroom:1", "spark": "registry.example/strongroom-spark:1"},
    "cas": {"storage": {"volume": {"size": "5Gi"}}, "tls": {"secret": "cas-tls"}},
    "spark": {
        "node_pool": "work", "policy": "taxi-analytics",
        "driver": {"service": "spark-driver"},
        "executor": {"service": "spark-executor", "instances": 2, "cores": 2, "memory": "4g"},
    },
    "network": {"api_server": [{"cidr": "10.0.0.1/32", "ports": [443]}]},
}

POOLS = {
    "simulated": {"name": "work", "tee": "simulated"},
    "sgx": {"name": "work", "tee": "sgx", "node_selector": {"kubernetes.azure.com/agentpool": "sgxpool"},
            "tolerations": [{"key": "sgx", "operator": "Exists", "effect": "NoSchedule"}],
            "sgx": {"epc": "64Mi", "enclave": True, "provision": True}},
    "sev-snp": {"name": "work", "tee": "sev-snp", "runtime_class": "kata-cc-isolation",
                "node_selector": {"kubernetes.azure.com/agentpool": "snppool"},
                "tolerations": [{"key": "confidential", "operator": "Equal", "value": "true", "effect": "NoSchedule"}]},
    "tdx": {"name": "work", "tee": "tdx", "runtime_class": "kata-cc-isolation"},
    "tdx-cvm-node": {"name": "work", "tee": "tdx", "node_selector": {"kubernetes.azure.com/agentpool": "tdxpool"}},
}


def config_for(kind, tmp_path):
    config = copy.deepcopy(BASE)
    config["node_pools"] = [POOLS[kind]]
    if kind == "sgx":  # the other storage, so both CAS variants are validated
        config["cas"]["storage"] = {"postgres": {"secret": "cas-postgres", "cidrs": ["10.20.0.0/28"]}}
        config["cas"]["replicas"] = 2
    path = tmp_path / f"deploy-{kind}.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def validate(doc, where):
    try:
        kubernetes_validate.validate(doc, K8S_VERSION, strict=True)
    except kubernetes_validate.ValidationError as e:
        pytest.fail(f"{where}: {doc.get('kind')}/{doc.get('metadata', {}).get('name')} fails the "
                    f"Kubernetes {K8S_VERSION} schema: {e.message} at {'/'.join(map(str, e.path))}")


def render_stream(strongroom, config):
    out = strongroom.ok("k8s", "render", "--config", config).stdout
    docs = [d for d in yaml.safe_load_all(out) if d is not None]
    assert docs, "render wrote no objects"
    return docs


def render_dir(strongroom, config, out_dir):
    strongroom.ok("k8s", "render", "--config", config, "--output", out_dir)
    objects = {p.name: yaml.safe_load(p.read_text()) for p in sorted(pathlib.Path(out_dir).glob("*.yaml"))}
    spark = {p.name: p.read_text() for p in sorted((pathlib.Path(out_dir) / "spark").iterdir())}
    return objects, spark


def pod_templates(docs):
    """The driver and executor pod templates, from the ConfigMap spark-submit's files mirror."""
    cm = next(d for d in docs if d["kind"] == "ConfigMap" and d["metadata"]["name"] == "spark-pod-templates")
    return (yaml.safe_load(cm["data"]["driver-pod-template.yaml"]),
            yaml.safe_load(cm["data"]["executor-pod-template.yaml"]),
            cm["data"]["spark.properties"])


def check_schema_and_shape(strongroom, config, tmp_path):
    docs = render_stream(strongroom, config)
    for doc in docs:
        validate(doc, config.name)
    driver, executor, properties = pod_templates(docs)
    validate(driver, f"{config.name} driver pod template")
    validate(executor, f"{config.name} executor pod template")

    objects, spark = render_dir(strongroom, config, tmp_path / "out")
    assert list(objects.values()) == docs, "--output files differ from the stdout stream"
    assert sorted(spark) == ["driver-pod-template.yaml", "executor-pod-template.yaml", "spark.properties"]
    assert yaml.safe_load(spark["driver-pod-template.yaml"]) == driver
    assert yaml.safe_load(spark["executor-pod-template.yaml"]) == executor
    props = dict(line.split("=", 1) for line in spark["spark.properties"].splitlines() if not line.startswith("#"))
    out = str(tmp_path / "out")
    assert props["spark.kubernetes.driver.podTemplateFile"] == f"{out}/spark/driver-pod-template.yaml"
    assert props["spark.kubernetes.executor.podTemplateFile"] == f"{out}/spark/executor-pod-template.yaml"
    assert "spark.kubernetes.driver.podTemplateFile=/etc/strongroom/spark/driver-pod-template.yaml" in properties

    kinds = [d["kind"] for d in docs]
    for kind in ["Namespace", "ServiceAccount", "Role", "RoleBinding", "Deployment", "Service", "ConfigMap", "NetworkPolicy"]:
        assert kind in kinds, f"no {kind} rendered"
    for pod, service in [(driver, "spark-driver"), (executor, "spark-executor")]:
        container = pod["spec"]["containers"][0]
        cmd = container["command"]
        assert cmd[:2] == ["strongroom", "run"] and cmd[-2:] == ["--", "/opt/entrypoint.sh"], cmd
        assert cmd[cmd.index("--service") + 1] == service
        assert cmd[cmd.index("--policy") + 1] == "taxi-analytics"
        assert pod["metadata"]["labels"]["strongroom.dev/cas-client"] == "true"
    return docs, driver, executor


@pytest.mark.parametrize("kind", sorted(POOLS))
def test_each_tee_kind_renders_valid_manifests_with_its_scheduling(strongroom, tmp_path, kind):
    docs, driver, executor = check_schema_and_shape(strongroom, config_for(kind, tmp_path), tmp_path)
    daemonsets = [d for d in docs if d["kind"] == "DaemonSet"]
    for pod in (driver, executor):
        spec = pod["spec"]
        container = spec["containers"][0]
        mounts = {v["name"]: v for v in spec["volumes"]}
        if kind == "sgx":
            expected = {"sgx.intel.com/epc": "64Mi", "sgx.intel.com/enclave": "1", "sgx.intel.com/provision": "1"}
            assert container["resources"]["limits"] == expected
            assert container["resources"]["requests"] == expected
            assert spec["nodeSelector"] == {"kubernetes.azure.com/agentpool": "sgxpool"}
            assert spec["tolerations"] == [{"key": "sgx", "operator": "Exists", "effect": "NoSchedule"}]
        else:
            assert "resources" not in container or not any(k.startswith("sgx.") for k in container["resources"]["limits"])
        if kind in ("sev-snp", "tdx"):
            assert spec["runtimeClassName"] == "kata-cc-isolation"
            assert "--evidence" in container["command"] and "configfs" in container["command"]
            assert all("hostPath" not in v for v in spec["volumes"]), "a pod VM must not mount host paths"
        else:
            assert "runtimeClassName" not in spec
        if kind == "sev-snp":
            assert spec["nodeSelector"] == {"kubernetes.azure.com/agentpool": "snppool"}
            assert spec["tolerations"][0]["key"] == "confidential"
        if kind == "tdx-cvm-node":
            assert mounts["tsm"]["hostPath"]["path"] == "/sys/kernel/config/tsm"
        if kind in ("simulated", "sgx"):
            assert mounts["agent-socket"]["hostPath"]["path"] == "/run/strongroom"
            assert "--agent" in container["command"]
    if kind in ("simulated", "sgx"):
        assert [d["metadata"]["name"] for d in daemonsets] == ["strongroom-agent-work"]
        assert daemonsets[0]["spec"]["template"]["spec"]["hostPID"] is True
    else:
        assert daemonsets == []


def test_example_renders_valid_manifests(strongroom, tmp_path):
    docs, driver, executor = check_schema_and_shape(strongroom, EXAMPLE, tmp_path)
    assert driver["spec"]["runtimeClassName"] == "kata-cc-isolation"
    names = [f"{d['kind']}/{d['metadata']['name']}" for d in docs]
    assert "DaemonSet/strongroom-agent-sgx" in names
    assert "NetworkPolicy/default-deny" in names and "NetworkPolicy/cas-ingress" in names
    cas = next(d for d in docs if d["kind"] == "Deployment" and d["metadata"]["name"] == "cas")
    env = cas["spec"]["template"]["spec"]["containers"][0]["env"]
    assert env == [{"name": "STRONGROOM_CAS_DATABASE",
                    "valueFrom": {"secretKeyRef": {"name": "cas-postgres", "key": "url"}}}]
    # Same input, same bytes.
    assert strongroom.ok("k8s", "render", "--config", EXAMPLE).stdout == strongroom.ok("k8s", "render", "--config", EXAMPLE).stdout


def test_schema_check_can_fail(strongroom):
    """The validator is strict: a misspelt field in a rendered object would be caught."""
    docs = render_stream(strongroom, EXAMPLE)
    broken = copy.deepcopy(next(d for d in docs if d["kind"] == "Deployment"))
    broken["spec"]["template"]["spec"]["runtimeClass"] = "kata-cc-isolation"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, K8S_VERSION, strict=True)


def test_rerender_replaces_stale_files_only(strongroom, tmp_path):
    out = tmp_path / "out"
    render_dir(strongroom, EXAMPLE, out)
    (out / "notes.yaml").write_text("# mine\n")
    simulated = config_for("simulated", tmp_path)
    objects, _ = render_dir(strongroom, simulated, out)
    assert (out / "notes.yaml").read_text() == "# mine\n", "a file render did not write was removed"
    assert not any("strongroom-agent-sgx" in name for name in objects), "a stale object from the first render is left"
    assert len(objects) == len(render_stream(strongroom, simulated)) + 1  # + notes.yaml


@pytest.mark.parametrize("edit,where", [
    (lambda c: c["node_pools"][0].update(tee="snp"), "node_pools[0].tee"),
    (lambda c: c["node_pools"][0].update(runtimeclass="kata-cc"), "node_pools[0].runtimeclass"),
    (lambda c: c["cas"].update(replicas=2), "cas.replicas"),
    (lambda c: c["spark"].update(node_pool="gpu"), "spark.node_pool"),
])
def test_bad_config_fails_with_path_and_line(strongroom, tmp_path, edit, where):
    config = copy.deepcopy(BASE)
    config["node_pools"] = [dict(POOLS["simulated"])]
    edit(config)
    path = tmp_path / "deploy.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    result = strongroom.run("k8s", "render", "--config", path)
    assert_clean_failure(result)
    assert f"{where}:" in result.stderr and "(line " in result.stderr, result.stderr
    assert result.stdout == ""
