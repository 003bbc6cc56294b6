/// The Spark driver and executor pod templates (spark.kubernetes.{driver,executor}.podTemplateFile).
/// Spark sets the container's args (`driver …`, `executor`) and keeps the template's command, so
/// the command `strongroom run … -- ENTRYPOINT` makes every Spark process attest before it starts.
extension DeployConfig {
    static let casCADir = "/etc/strongroom/cas"
    static let configfsTSM = "/sys/kernel/config/tsm"
    static let sparkUser = 185
    static let driverContainer = "spark-kubernetes-driver"
    static let executorContainer = "spark-kubernetes-executor"

    var sparkPool: NodePool { nodePool(named: spark.nodePool)! }

    public func sparkDriverTemplate() -> ManifestValue {
        sparkPodTemplate(component: Labels.sparkDriver, container: Self.driverContainer, service: spark.driver.service,
                         serviceAccount: spark.serviceAccount, token: true)
    }

    public func sparkExecutorTemplate() -> ManifestValue {
        sparkPodTemplate(component: Labels.sparkExecutor, container: Self.executorContainer, service: spark.executor.service,
                         serviceAccount: spark.executorServiceAccount, token: false)
    }

    /// `strongroom run` and its flags for one policy service on the Spark pool.
    func attestedCommand(service: String) -> [String] {
        var command = ["strongroom", "run", "--cas", casURL, "--ca", Self.casCADir + "/ca.pem",
                       "--policy", spark.policy, "--service", service]
        switch sparkPool.evidence {
        case .agent: command += ["--agent", agent.socketPath]
        case .configfs: command += ["--evidence", "configfs"]
        case .none: break  // refused by the parser: Spark never runs on a tee: none pool
        }
        return command + ["--"] + spark.entrypoint
    }

    private func sparkPodTemplate(component: String, container name: String, service: String, serviceAccount: String, token: Bool)
        -> ManifestValue
    {
        let pool = sparkPool
        var mounts = [PodSpecParts.mount("cas-ca", at: Self.casCADir, readOnly: true)]
        // Only the CA certificate of the CAS TLS Secret reaches Spark pods.
        var volumes: [ManifestValue] = [
            .object([
                "name": .string("cas-ca"),
                "secret": .object([
                    "secretName": .string(cas.tlsSecret),
                    "items": .list([.object(["key": .string("ca.pem"), "path": .string("ca.pem")])]),
                    "defaultMode": .int(0o444),
                ]),
            ])
        ]
        if pool.evidence == .agent {
            mounts.append(PodSpecParts.mount("agent-socket", at: agent.socketDir, readOnly: true))
            volumes.append(PodSpecParts.hostPathVolume(name: "agent-socket", path: agent.socketDir, type: "Directory"))
        }
        if pool.mountsHostConfigfs {
            mounts.append(PodSpecParts.mount("tsm", at: Self.configfsTSM))
            volumes.append(PodSpecParts.hostPathVolume(name: "tsm", path: Self.configfsTSM, type: "Directory"))
        }
        let container: ManifestValue = .object([
            "name": .string(name),
            "command": .list(attestedCommand(service: service).map { .string($0) }),
            "resources": PodSpecParts.resources(nil, extended: PodSpecParts.sgxResources(pool)),
            "securityContext": PodSpecParts.restrictedContainerSecurity(readOnlyRoot: false),
            "volumeMounts": .list(mounts),
        ])
        // configfs-tsm report entries are created with mkdir in a root-owned directory.
        let podSecurity: ManifestValue = pool.mountsHostConfigfs
            ? .object([
                "runAsUser": .int(0),
                "runAsNonRoot": .bool(false),
                "seccompProfile": .object(["type": .string("RuntimeDefault")]),
            ])
            : PodSpecParts.restrictedPodSecurity(user: Self.sparkUser)
        var spec: [ManifestField] = [
            ManifestField("serviceAccountName", .string(serviceAccount)),
            ManifestField("automountServiceAccountToken", .bool(token)),
            ManifestField("enableServiceLinks", .bool(false)),
        ]
        spec += PodSpecParts.placement(pool)
        spec.append(ManifestField("securityContext", podSecurity))
        spec.append(ManifestField("containers", .list([container])))
        spec.append(ManifestField("volumes", .list(volumes)))
        let labels = Labels.standard(name: "strongroom-spark", component: component) + [(Labels.casClient, "true")]
        return .object([
            "apiVersion": .string("v1"),
            "kind": .string("Pod"),
            "metadata": .object(["labels": .strings(labels)]),
            "spec": .map(spec),
        ])
    }
}

