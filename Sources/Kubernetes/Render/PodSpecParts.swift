/// Pieces every pod spec shares: confidential scheduling per node pool, resources, security
/// contexts, image pull settings.
enum PodSpecParts {
    /// runtimeClassName, nodeSelector and tolerations that put a pod on its confidential pool.
    static func placement(_ pool: NodePool?) -> [ManifestField] {
        guard let pool else { return [] }
        var fields: [ManifestField] = []
        if let runtimeClass = pool.runtimeClass { fields.append(ManifestField("runtimeClassName", .string(runtimeClass))) }
        if !pool.nodeSelector.isEmpty {
            fields.append(ManifestField("nodeSelector", .strings(pool.nodeSelector.map { ($0.key, $0.value) })))
        }
        if !pool.tolerations.isEmpty {
            fields.append(ManifestField("tolerations", .list(pool.tolerations.map(toleration))))
        }
        return fields
    }

    static func toleration(_ t: Toleration) -> ManifestValue {
        .object([
            "key": t.key.map { .string($0) },
            "operator": .string(t.operator),
            "value": t.value.map { .string($0) },
            "effect": t.effect.map { .string($0) },
        ])
    }

    /// SGX device-plugin resources a pod on an SGX pool requests (extended resources: request = limit).
    static func sgxResources(_ pool: NodePool?) -> [(String, String)] {
        guard let sgx = pool?.sgx else { return [] }
        var out = [("sgx.intel.com/epc", sgx.epc)]
        if sgx.enclave { out.append(("sgx.intel.com/enclave", "1")) }
        if sgx.provision { out.append(("sgx.intel.com/provision", "1")) }
        return out
    }

    /// Requests get CPU and memory, limits memory only (a CPU limit throttles, a memory limit
    /// bounds the node's risk); extended resources go in both, equal.
    static func resources(_ r: ContainerResources?, extended: [(String, String)]) -> ManifestValue? {
        var requests: [(String, String)] = []
        var limits: [(String, String)] = []
        if let cpu = r?.cpu { requests.append(("cpu", cpu)) }
        if let memory = r?.memory {
            requests.append(("memory", memory))
            limits.append(("memory", memory))
        }
        requests += extended
        limits += extended
        if requests.isEmpty && limits.isEmpty { return nil }
        return .object([
            "requests": requests.isEmpty ? nil : .strings(requests),
            "limits": limits.isEmpty ? nil : .strings(limits),
        ])
    }

    /// Pod-level context of the pods that need no host access (Pod Security "restricted").
    static func restrictedPodSecurity(user: Int) -> ManifestValue {
        .object([
            "runAsNonRoot": .bool(true),
            "runAsUser": .int(user),
            "runAsGroup": .int(user),
            "fsGroup": .int(user),
            "seccompProfile": .object(["type": .string("RuntimeDefault")]),
        ])
    }

    static func restrictedContainerSecurity(readOnlyRoot: Bool) -> ManifestValue {
        .object([
            "allowPrivilegeEscalation": .bool(false),
            "readOnlyRootFilesystem": readOnlyRoot ? .bool(true) : nil,
            "capabilities": .object(["drop": .list([.string("ALL")])]),
        ])
    }

    static func imagePullSecrets(_ images: Images) -> ManifestField? {
        guard !images.pullSecrets.isEmpty else { return nil }
        return ManifestField("imagePullSecrets", .list(images.pullSecrets.map { .object(["name": .string($0)]) }))
    }

    static func hostPathVolume(name: String, path: String, type: String) -> ManifestValue {
        .object(["name": .string(name), "hostPath": .object(["path": .string(path), "type": .string(type)])])
    }

    static func mount(_ name: String, at path: String, readOnly: Bool = false, subPath: String? = nil) -> ManifestValue {
        .object([
            "name": .string(name),
            "mountPath": .string(path),
            "subPath": subPath.map { .string($0) },
            "readOnly": readOnly ? .bool(true) : nil,
        ])
    }
}

extension ManifestValue {
    /// Appends fields to a mapping (no-op for other values).
    func adding(_ extra: [ManifestField]) -> ManifestValue {
        guard case .map(let fields) = self else { return self }
        return .map(fields + extra)
    }
}
