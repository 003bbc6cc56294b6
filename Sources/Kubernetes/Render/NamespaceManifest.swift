extension DeployConfig {
    /// Pods that share the host's PID namespace or mount host paths (the node agent, workloads
    /// reading a confidential VM node's configfs-tsm) are outside Pod Security "restricted".
    var needsHostAccess: Bool {
        !agentPools.isEmpty || nodePools.contains { $0.mountsHostConfigfs && $0.name == spark.nodePool }
    }

    func namespaceManifest() -> Manifest {
        var labels: [(String, String)] = [
            ("kubernetes.io/metadata.name", namespace), (Labels.partOf, "strongroom"), (Labels.managedBy, "strongroom-k8s-render"),
        ]
        // Enforce the strictest level the rendered pods allow; audit against "restricted" either way.
        labels.append(("pod-security.kubernetes.io/enforce", needsHostAccess ? "privileged" : "restricted"))
        labels.append(("pod-security.kubernetes.io/audit", "restricted"))
        let body: ManifestValue = .object([
            "apiVersion": .string("v1"),
            "kind": .string("Namespace"),
            "metadata": Labels.metadata(name: namespace, namespace: nil, labels: labels),
        ])
        return Manifest(kind: "Namespace", name: namespace, body: body)
    }
}
