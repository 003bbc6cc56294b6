extension DeployConfig {
    /// One account per role; only the Spark driver's mounts an API token (it creates executors).
    func serviceAccountManifests() -> [Manifest] {
        var accounts: [(name: String, component: String, token: Bool)] = [("cas", "cas", false)]
        if !agentPools.isEmpty { accounts.append(("strongroom-agent", "agent", false)) }
        accounts.append((spark.serviceAccount, Labels.sparkDriver, true))
        accounts.append((spark.executorServiceAccount, Labels.sparkExecutor, false))
        return accounts.map { account in
            let body: ManifestValue = .object([
                "apiVersion": .string("v1"),
                "kind": .string("ServiceAccount"),
                "metadata": metadata(account.name, component: account.component),
                "automountServiceAccountToken": .bool(account.token),
            ])
            return Manifest(kind: "ServiceAccount", name: account.name, body: body)
        }
    }
}
