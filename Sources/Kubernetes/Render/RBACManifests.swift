extension DeployConfig {
    static let sparkDriverRole = "spark-driver"

    /// The Spark driver manages its executors' pods, and the services and config maps Spark
    /// makes for them, in this namespace only. Nothing else gets API rights.
    func rbacManifests() -> [Manifest] {
        let rules: ManifestValue = .list([
            .object([
                "apiGroups": .list([.string("")]),
                "resources": .list([.string("pods")]),
                "verbs": .list(["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"].map { .string($0) }),
            ]),
            .object([
                "apiGroups": .list([.string("")]),
                "resources": .list([.string("configmaps"), .string("services")]),
                "verbs": .list(["create", "delete", "deletecollection", "get", "list", "watch"].map { .string($0) }),
            ]),
        ])
        let role: ManifestValue = .object([
            "apiVersion": .string("rbac.authorization.k8s.io/v1"),
            "kind": .string("Role"),
            "metadata": metadata(Self.sparkDriverRole, component: Labels.sparkDriver),
            "rules": rules,
        ])
        let binding: ManifestValue = .object([
            "apiVersion": .string("rbac.authorization.k8s.io/v1"),
            "kind": .string("RoleBinding"),
            "metadata": metadata(Self.sparkDriverRole, component: Labels.sparkDriver),
            "roleRef": .object([
                "apiGroup": .string("rbac.authorization.k8s.io"),
                "kind": .string("Role"),
                "name": .string(Self.sparkDriverRole),
            ]),
            "subjects": .list([
                .object([
                    "kind": .string("ServiceAccount"),
                    "name": .string(spark.serviceAccount),
                    "namespace": .string(namespace),
                ])
            ]),
        ])
        return [
            Manifest(kind: "Role", name: Self.sparkDriverRole, body: role),
            Manifest(kind: "RoleBinding", name: Self.sparkDriverRole, body: binding),
        ]
    }
}
