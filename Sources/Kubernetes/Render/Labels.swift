/// Labels every rendered object carries, and the ones NetworkPolicies select on.
enum Labels {
    static let name = "app.kubernetes.io/name"
    static let component = "app.kubernetes.io/component"
    static let partOf = "app.kubernetes.io/part-of"
    static let managedBy = "app.kubernetes.io/managed-by"
    /// Pods that may open connections to CAS (NetworkPolicy `cas-ingress`).
    static let casClient = "strongroom.dev/cas-client"
    static let nodePool = "strongroom.dev/node-pool"

    static let casName = "strongroom-cas"
    static let agentName = "strongroom-agent"
    static let sparkDriver = "spark-driver"
    static let sparkExecutor = "spark-executor"

    static func standard(name: String, component: String) -> [(String, String)] {
        [(self.name, name), (self.component, component), (partOf, "strongroom"), (managedBy, "strongroom-k8s-render")]
    }

    static func metadata(name: String, namespace: String?, labels: [(String, String)]) -> ManifestValue {
        .object([
            "name": .string(name),
            "namespace": namespace.map { .string($0) },
            "labels": labels.isEmpty ? nil : .strings(labels),
        ])
    }
}

extension DeployConfig {
    /// Metadata of a namespaced object with the standard labels.
    func metadata(_ name: String, component: String, extra: [(String, String)] = []) -> ManifestValue {
        Labels.metadata(name: name, namespace: namespace, labels: Labels.standard(name: name, component: component) + extra)
    }
}
