extension DeployConfig {
    static let casDataDir = "/var/lib/strongroom/cas"
    /// Memory-backed scratch for `cas init --master-key-file` run with kubectl exec: gone at the next restart.
    static let casInitDir = "/run/strongroom/cas-init"
    static let casUser = 65532
    /// Environment variable `strongroom cas` reads the PostgreSQL URL from (kept off the command line).
    static let casDatabaseVariable = "STRONGROOM_CAS_DATABASE"

    /// DNS names clients use; the TLS certificate must name them (CAS checks at start).
    var casHostNames: [String] { ["cas.\(namespace).svc", "cas.\(namespace).svc.cluster.local"] }

    var casSelector: [(String, String)] { [(Labels.name, Labels.casName)] }

    func casManifests() -> [Manifest] {
        var out: [Manifest] = []
        if case .volume(let size, let storageClass) = cas.storage {
            let body: ManifestValue = .object([
                "apiVersion": .string("v1"),
                "kind": .string("PersistentVolumeClaim"),
                "metadata": metadata("cas-data", component: "cas"),
                "spec": .object([
                    "accessModes": .list([.string("ReadWriteOnce")]),
                    "storageClassName": storageClass.map { .string($0) },
                    "resources": .object(["requests": .strings([("storage", size)])]),
                ]),
            ])
            out.append(Manifest(kind: "PersistentVolumeClaim", name: "cas-data", body: body))
        }
        out.append(Manifest(kind: "Deployment", name: "cas", body: casDeployment()))
        out.append(Manifest(kind: "Service", name: "cas", body: casService()))
        return out
    }

    private func casDeployment() -> ManifestValue {
        var args = ["cas", "serve", "--data-dir", Self.casDataDir, "--listen", "0.0.0.0:\(cas.port)"]
        for host in casHostNames { args += ["--tls-host", host] }
        var env: [ManifestValue] = []
        if case .postgres(let secret, let key, _, _) = cas.storage {
            env.append(.object([
                "name": .string(Self.casDatabaseVariable),
                "valueFrom": .object(["secretKeyRef": .object(["name": .string(secret), "key": .string(key)])]),
            ]))
        }
        let tlsFiles = ["ca.pem", "server.pem", "server-key.pem"]
        let mounts: [ManifestValue] = [PodSpecParts.mount("data", at: Self.casDataDir)]
            + tlsFiles.map { PodSpecParts.mount("tls", at: "\(Self.casDataDir)/\($0)", readOnly: true, subPath: $0) }
            + [PodSpecParts.mount("init", at: Self.casInitDir), PodSpecParts.mount("tmp", at: "/tmp")]
        let pool = cas.nodePool.flatMap(nodePool(named:))
        let container: ManifestValue = .object([
            "name": .string("cas"),
            "image": .string(images.strongroom),
            "imagePullPolicy": images.pullPolicy.map { .string($0) },
            "command": .list([.string("strongroom")]),
            "args": .list(args.map { .string($0) }),
            "env": env.isEmpty ? nil : .list(env),
            "ports": .list([.object(["name": .string("https"), "containerPort": .int(cas.port), "protocol": .string("TCP")])]),
            // Sealed → 503 → not ready: no traffic reaches a replica until it is unsealed.
            "readinessProbe": .object([
                "httpGet": .object(["path": .string("/healthz"), "port": .string("https"), "scheme": .string("HTTPS")]),
                "periodSeconds": .int(5),
            ]),
            // TCP only: restarting a sealed CAS would throw away the shares it has received.
            "livenessProbe": .object([
                "tcpSocket": .object(["port": .string("https")]),
                "initialDelaySeconds": .int(10),
                "periodSeconds": .int(20),
            ]),
            "resources": PodSpecParts.resources(cas.resources, extended: PodSpecParts.sgxResources(pool)),
            "securityContext": PodSpecParts.restrictedContainerSecurity(readOnlyRoot: true),
            "volumeMounts": .list(mounts),
        ])
        let data: ManifestValue
        switch cas.storage {
        case .volume: data = .object(["name": .string("data"), "persistentVolumeClaim": .object(["claimName": .string("cas-data")])])
        case .postgres: data = .object(["name": .string("data"), "emptyDir": .object([:])])
        }
        let volumes: ManifestValue = .list([
            data,
            .object([
                "name": .string("tls"),
                "secret": .object(["secretName": .string(cas.tlsSecret), "defaultMode": .int(0o440)]),
            ]),
            .object(["name": .string("init"), "emptyDir": .object(["medium": .string("Memory"), "sizeLimit": .string("1Mi")])]),
            .object(["name": .string("tmp"), "emptyDir": .object(["medium": .string("Memory"), "sizeLimit": .string("64Mi")])]),
        ])
        var podSpec: [ManifestField] = [
            ManifestField("serviceAccountName", .string("cas")),
            ManifestField("automountServiceAccountToken", .bool(false)),
            ManifestField("enableServiceLinks", .bool(false)),
        ]
        podSpec += PodSpecParts.placement(pool)
        podSpec.append(ManifestField("securityContext", PodSpecParts.restrictedPodSecurity(user: Self.casUser)))
        if let secrets = PodSpecParts.imagePullSecrets(images) { podSpec.append(secrets) }
        podSpec.append(ManifestField("containers", .list([container])))
        podSpec.append(ManifestField("volumes", volumes))

        let strategy: ManifestValue
        switch cas.storage {
        // A ReadWriteOnce volume cannot be attached by the new pod while the old one holds it.
        case .volume: strategy = .object(["type": .string("Recreate")])
        case .postgres:
            strategy = .object([
                "type": .string("RollingUpdate"),
                "rollingUpdate": .object(["maxUnavailable": .int(0), "maxSurge": .int(1)]),
            ])
        }
        return .object([
            "apiVersion": .string("apps/v1"),
            "kind": .string("Deployment"),
            "metadata": metadata("cas", component: "cas", extra: []).replacingName(Labels.casName, forLabel: Labels.name),
            "spec": .object([
                "replicas": .int(cas.replicas),
                "strategy": strategy,
                "selector": .object(["matchLabels": .strings(casSelector)]),
                "template": .object([
                    "metadata": .object(["labels": .strings(Labels.standard(name: Labels.casName, component: "cas"))]),
                    "spec": .map(podSpec),
                ]),
            ]),
        ])
    }

    private func casService() -> ManifestValue {
        .object([
            "apiVersion": .string("v1"),
            "kind": .string("Service"),
            "metadata": metadata("cas", component: "cas").replacingName(Labels.casName, forLabel: Labels.name),
            "spec": .object([
                "type": .string("ClusterIP"),
                "selector": .strings(casSelector),
                "ports": .list([
                    .object([
                        "name": .string("https"),
                        "port": .int(cas.port),
                        "targetPort": .string("https"),
                        "protocol": .string("TCP"),
                    ])
                ]),
            ]),
        ])
    }
}

extension ManifestValue {
    /// Sets one label of a metadata mapping (the `name` label differs from the object name for CAS).
    func replacingName(_ value: String, forLabel label: String) -> ManifestValue {
        guard case .map(var fields) = self, let i = fields.firstIndex(where: { $0.key == "labels" }),
            case .map(var labels) = fields[i].value, let j = labels.firstIndex(where: { $0.key == label })
        else { return self }
        labels[j].value = .string(value)
        fields[i].value = .map(labels)
        return .map(fields)
    }
}
