extension DeployConfig {
    /// One node-agent DaemonSet per pool whose workloads get evidence from the agent.
    func agentManifests() -> [Manifest] {
        agentPools.map { pool in
            let name = "strongroom-agent-\(pool.name)"
            return Manifest(kind: "DaemonSet", name: name, body: agentDaemonSet(name: name, pool: pool))
        }
    }

    private func agentDaemonSet(name: String, pool: NodePool) -> ManifestValue {
        var args = ["agent", "serve", "--socket", agent.socketPath, "--node-key", agent.nodeKeyDir + "/node.key"]
        if agent.debug { args.append("--debug") }
        let selector: [(String, String)] = [(Labels.name, Labels.agentName), (Labels.nodePool, pool.name)]
        let container: ManifestValue = .object([
            "name": .string("agent"),
            "image": .string(images.strongroom),
            "imagePullPolicy": images.pullPolicy.map { .string($0) },
            "command": .list([.string("strongroom")]),
            "args": .list(args.map { .string($0) }),
            "resources": PodSpecParts.resources(agent.resources, extended: []),
            // Root to create the socket and node key in host directories; SYS_PTRACE (and nothing
            // else) to read /proc/PID/exe of workloads running as other users.
            "securityContext": .object([
                "runAsUser": .int(0),
                "runAsNonRoot": .bool(false),
                "allowPrivilegeEscalation": .bool(false),
                "readOnlyRootFilesystem": .bool(true),
                "capabilities": .object(["drop": .list([.string("ALL")]), "add": .list([.string("SYS_PTRACE")])]),
            ]),
            "volumeMounts": .list([
                PodSpecParts.mount("agent-socket", at: agent.socketDir),
                PodSpecParts.mount("node-key", at: agent.nodeKeyDir),
            ]),
        ])
        var podSpec: [ManifestField] = [
            ManifestField("serviceAccountName", .string("strongroom-agent")),
            ManifestField("automountServiceAccountToken", .bool(false)),
            ManifestField("enableServiceLinks", .bool(false)),
            // SO_PEERCRED reports the peer's PID in the agent's PID namespace: it must be the host's
            // to find the workload's /proc/PID/exe.
            ManifestField("hostPID", .bool(true)),
        ]
        podSpec += PodSpecParts.placement(pool)
        podSpec.append(ManifestField("securityContext", .object(["seccompProfile": .object(["type": .string("RuntimeDefault")])])))
        if let secrets = PodSpecParts.imagePullSecrets(images) { podSpec.append(secrets) }
        podSpec.append(ManifestField("containers", .list([container])))
        podSpec.append(ManifestField("volumes", .list([
            PodSpecParts.hostPathVolume(name: "agent-socket", path: agent.socketDir, type: "DirectoryOrCreate"),
            PodSpecParts.hostPathVolume(name: "node-key", path: agent.nodeKeyDir, type: "DirectoryOrCreate"),
        ])))
        return .object([
            "apiVersion": .string("apps/v1"),
            "kind": .string("DaemonSet"),
            "metadata": metadata(name, component: "agent", extra: [(Labels.nodePool, pool.name)])
                .replacingName(Labels.agentName, forLabel: Labels.name),
            "spec": .object([
                "selector": .object(["matchLabels": .strings(selector)]),
                "updateStrategy": .object(["type": .string("RollingUpdate")]),
                "template": .object([
                    "metadata": .object([
                        "labels": .strings(Labels.standard(name: Labels.agentName, component: "agent") + [(Labels.nodePool, pool.name)])
                    ]),
                    "spec": .map(podSpec),
                ]),
            ]),
        ])
    }
}
