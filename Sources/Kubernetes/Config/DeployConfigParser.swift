import Yams

extension DeployConfig {
    /// Parses and validates deploy.yaml. Every error names the YAML path and line.
    public static func parse(yaml: String) throws(DeployConfigError) -> DeployConfig {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: yaml) else {
                throw DeployConfigError(.syntax, path: "", line: nil, "the file is empty")
            }
            root = node
        } catch let error as DeployConfigError {
            throw error
        } catch let error as YamlError {
            throw Self.syntaxError(error)
        } catch {
            throw DeployConfigError(.syntax, path: "", line: nil, "not valid YAML")
        }
        return try DeployConfigParser().config(ConfigNode.root(root, document: "deploy.yaml"))
    }

    /// Yams errors carry the whole YAML text; keep only the problem and the line.
    private static func syntaxError(_ error: YamlError) -> DeployConfigError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return DeployConfigError(.syntax, path: "", line: mark.line, "invalid YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return DeployConfigError(
                .duplicate, path: "", line: context.mark.line,
                "duplicate key \(duplicates.map { "\"\($0)\"" }.joined(separator: ", ")) in a mapping")
        case .reader(let problem, _, _, _):
            return DeployConfigError(.syntax, path: "", line: nil, "invalid YAML: \(problem)")
        default:
            return DeployConfigError(.syntax, path: "", line: nil, "invalid YAML")
        }
    }
}

/// Builds a `DeployConfig` from YAML nodes: each section, then the references between them.
private struct DeployConfigParser {
    func config(_ root: ConfigNode) throws(DeployConfigError) -> DeployConfig {
        let m = try root.mapping(allowed: ["namespace", "images", "cas", "node_pools", "agent", "spark", "network"])
        let namespace = try label(m.required("namespace"), what: "namespace")
        let images = try self.images(m.required("images"))

        let poolsNode = try m.required("node_pools")
        var pools: [NodePool] = []
        for item in try poolsNode.sequence() {
            let (pool, nameNode) = try nodePool(item)
            guard !pools.contains(where: { $0.name == pool.name }) else {
                throw nameNode.error(.duplicate, "node pool \"\(pool.name)\" is declared twice")
            }
            pools.append(pool)
        }
        guard !pools.isEmpty else { throw poolsNode.error(.invalidValue, "declare at least one node pool") }

        let cas = try self.cas(m.required("cas"), pools: pools)
        let agent = try self.agent(m.optional("agent"))
        let spark = try self.spark(m.required("spark"), pools: pools)
        let network = try self.network(m.required("network"))
        return DeployConfig(
            namespace: namespace, images: images, cas: cas, nodePools: pools, agent: agent, spark: spark, network: network)
    }

    // MARK: Sections

    func images(_ node: ConfigNode) throws(DeployConfigError) -> Images {
        let m = try node.mapping(allowed: ["strongroom", "spark", "pull_policy", "pull_secrets"])
        let strongroom = try image(m.required("strongroom"))
        let spark = try image(m.required("spark"))
        var pullPolicy: String?
        if let p = m.optional("pull_policy") {
            pullPolicy = try oneOf(p, ["Always", "IfNotPresent", "Never"])
        }
        var pullSecrets: [String] = []
        if let s = m.optional("pull_secrets") {
            for item in try s.sequence() { pullSecrets.append(try subdomain(item, what: "Secret name")) }
        }
        return Images(strongroom: strongroom, spark: spark, pullPolicy: pullPolicy, pullSecrets: pullSecrets)
    }

    func cas(_ node: ConfigNode, pools: [NodePool]) throws(DeployConfigError) -> CASDeployment {
        let m = try node.mapping(allowed: ["replicas", "port", "storage", "tls", "node_pool", "resources", "ingress_cidrs"])
        var replicas = 1
        let replicasNode = m.optional("replicas")
        if let replicasNode {
            replicas = try replicasNode.int()
            guard (1...9).contains(replicas) else { throw replicasNode.error(.invalidValue, "replicas must be 1 to 9") }
        }
        let port = try m.optional("port").map { v throws(DeployConfigError) in try self.port(v) } ?? 8443

        let storageNode = try m.required("storage")
        let sm = try storageNode.mapping(allowed: ["volume", "postgres"])
        let storage: CASDeployment.Storage
        switch (sm.optional("volume"), sm.optional("postgres")) {
        case (let volume?, nil):
            let vm = try volume.mapping(allowed: ["size", "storage_class"])
            let size = try quantity(vm.required("size"))
            let storageClass = try vm.optional("storage_class").map { v throws(DeployConfigError) in
                try subdomain(v, what: "StorageClass name")
            }
            // SQLite on a ReadWriteOnce volume: a second replica could never attach it.
            if replicas > 1, let replicasNode {
                throw replicasNode.error(
                    .conflict, "a CAS on storage.volume (SQLite) runs one replica; use storage.postgres for more")
            }
            storage = .volume(size: size, storageClass: storageClass)
        case (nil, let postgres?):
            let pm = try postgres.mapping(allowed: ["secret", "key", "cidrs", "port"])
            let secret = try subdomain(pm.required("secret"), what: "Secret name")
            let key = try pm.optional("key").map { v throws(DeployConfigError) in try secretKey(v) } ?? "url"
            let cidrsNode = try pm.required("cidrs")
            let cidrs = try cidrList(cidrsNode)
            guard !cidrs.isEmpty else { throw cidrsNode.error(.invalidValue, "list where PostgreSQL is (CAS egress is opened only there)") }
            let pgPort = try pm.optional("port").map { v throws(DeployConfigError) in try self.port(v) } ?? 5432
            storage = .postgres(secret: secret, key: key, cidrs: cidrs, port: pgPort)
        case (nil, nil):
            throw storageNode.error(.missingKey, "give storage.volume (SQLite on a PersistentVolumeClaim) or storage.postgres")
        case (_?, _?):
            throw storageNode.error(.conflict, "give storage.volume or storage.postgres, not both")
        }

        let tls = try m.required("tls").mapping(allowed: ["secret"])
        let tlsSecret = try subdomain(tls.required("secret"), what: "Secret name")
        let nodePool = try m.optional("node_pool").map { v throws(DeployConfigError) in try poolReference(v, pools) }
        let resources = try self.resources(m.optional("resources"), default: ContainerResources(cpu: "250m", memory: "256Mi"))
        let ingress = try m.optional("ingress_cidrs").map { v throws(DeployConfigError) in try cidrList(v) } ?? []
        return CASDeployment(
            replicas: replicas, port: port, storage: storage, tlsSecret: tlsSecret, nodePool: nodePool,
            resources: resources, ingressCIDRs: ingress)
    }

    func nodePool(_ item: ConfigNode) throws(DeployConfigError) -> (NodePool, ConfigNode) {
        let m = try item.mapping(allowed: ["name", "tee", "evidence", "runtime_class", "node_selector", "tolerations", "sgx"])
        let nameNode = try m.required("name")
        let name = try label(nameNode, what: "node pool name", maxLength: 40)
        let teeNode = try m.required("tee")
        let teeText = try teeNode.string()
        guard let tee = TEEKind(rawValue: teeText) else {
            throw teeNode.error(
                .invalidValue, "unknown TEE kind \"\(teeText)\" (\(TEEKind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }

        var evidence: EvidenceMode = switch tee {
        case .none: .none
        case .sevSNP, .tdx: .configfs
        case .simulated, .sgx: .agent
        }
        if let e = m.optional("evidence") {
            let text = try e.string()
            guard let mode = EvidenceMode(rawValue: text), mode != .none else {
                throw e.error(.invalidValue, "unknown evidence source \"\(text)\" (agent, configfs)")
            }
            if tee == .none { throw e.error(.conflict, "nothing attests on a tee: none pool") }
            if mode == .configfs && !(tee == .sevSNP || tee == .tdx) {
                throw e.error(.conflict, "configfs evidence exists on SEV-SNP and TDX guests only, not \(tee.rawValue)")
            }
            evidence = mode
        }

        var runtimeClass: String?
        if let r = m.optional("runtime_class") {
            guard tee == .sevSNP || tee == .tdx else {
                throw r.error(.conflict, "a confidential runtime class is for sev-snp and tdx pools, not \(tee.rawValue)")
            }
            runtimeClass = try subdomain(r, what: "RuntimeClass name")
            // The agent's socket is a host file; it does not reach into a pod's own VM.
            if evidence == .agent {
                throw r.error(.conflict, "pods in a runtime class are their own VM and cannot reach the node agent's socket; use evidence: configfs")
            }
        }

        var selector: [LabelPair] = []
        if let s = m.optional("node_selector") {
            for (key, value) in try s.pairs() {
                guard ValueRules.isLabelKey(key) else { throw value.error(.invalidValue, "\"\(key)\" is not a valid label key") }
                let text = try value.string()
                guard ValueRules.isLabelValue(text) else { throw value.error(.invalidValue, "\"\(text)\" is not a valid label value") }
                selector.append(LabelPair(key: key, value: text))
            }
        }
        var tolerations: [Toleration] = []
        if let t = m.optional("tolerations") {
            for item in try t.sequence() { tolerations.append(try toleration(item)) }
        }

        var sgx: NodePool.SGXResources?
        let sgxNode = m.optional("sgx")
        if tee == .sgx {
            guard let sgxNode else {
                throw DeployConfigError(
                    .missingKey, path: item.child("sgx"), line: item.line,
                    "an sgx pool needs sgx.epc (the sgx.intel.com/epc each pod requests)")
            }
            let sm = try sgxNode.mapping(allowed: ["epc", "enclave", "provision"])
            let epc = try quantity(sm.required("epc"))
            let enclave = try sm.optional("enclave")?.bool() ?? false
            let provision = try sm.optional("provision")?.bool() ?? false
            sgx = NodePool.SGXResources(epc: epc, enclave: enclave, provision: provision)
        } else if let sgxNode {
            throw sgxNode.error(.conflict, "sgx resources apply to tee: sgx pools only")
        }
        let pool = NodePool(
            name: name, tee: tee, evidence: evidence, runtimeClass: runtimeClass, nodeSelector: selector,
            tolerations: tolerations, sgx: sgx)
        return (pool, nameNode)
    }

    func toleration(_ item: ConfigNode) throws(DeployConfigError) -> Toleration {
        let m = try item.mapping(allowed: ["key", "operator", "value", "effect"])
        let key = try m.optional("key").map { v throws(DeployConfigError) -> String in
            let text = try v.string()
            guard ValueRules.isLabelKey(text) else { throw v.error(.invalidValue, "\"\(text)\" is not a valid taint key") }
            return text
        }
        let op = try m.optional("operator").map { v throws(DeployConfigError) in try oneOf(v, ["Equal", "Exists"]) } ?? "Equal"
        let valueNode = m.optional("value")
        var value: String?
        if let valueNode {
            guard op == "Equal" else { throw valueNode.error(.conflict, "operator Exists takes no value") }
            let text = try valueNode.string()
            guard ValueRules.isLabelValue(text) else { throw valueNode.error(.invalidValue, "\"\(text)\" is not a valid taint value") }
            value = text
        }
        if key == nil && op == "Equal" {
            throw item.error(.missingKey, "a toleration without key must use operator: Exists")
        }
        let effect = try m.optional("effect").map { v throws(DeployConfigError) in
            try oneOf(v, ["NoSchedule", "PreferNoSchedule", "NoExecute"])
        }
        return Toleration(key: key, operator: op, value: value, effect: effect)
    }

    func agent(_ node: ConfigNode?) throws(DeployConfigError) -> AgentDeployment {
        var agent = AgentDeployment(
            socketDir: "/run/strongroom", nodeKeyDir: "/var/lib/strongroom/agent", debug: false,
            resources: ContainerResources(cpu: "50m", memory: "64Mi"))
        guard let node else { return agent }
        let m = try node.mapping(allowed: ["socket_dir", "node_key_dir", "debug", "resources"])
        if let s = m.optional("socket_dir") { agent.socketDir = try absolutePath(s) }
        if let k = m.optional("node_key_dir") { agent.nodeKeyDir = try absolutePath(k) }
        if agent.socketDir == agent.nodeKeyDir, let k = m.optional("node_key_dir") {
            // Workloads mount the socket directory; the node key must not be in it.
            throw k.error(.conflict, "node_key_dir must differ from socket_dir (workloads mount the socket directory)")
        }
        if let d = m.optional("debug") { agent.debug = try d.bool() }
        agent.resources = try resources(m.optional("resources"), default: agent.resources)
        return agent
    }

    func spark(_ node: ConfigNode, pools: [NodePool]) throws(DeployConfigError) -> SparkDeployment {
        let m = try node.mapping(allowed: [
            "node_pool", "policy", "service_account", "executor_service_account", "entrypoint", "driver", "executor",
            "properties",
        ])
        let poolNode = try m.required("node_pool")
        let nodePool = try poolReference(poolNode, pools)
        if pools.first(where: { $0.name == nodePool })?.tee == TEEKind.none {
            throw poolNode.error(.conflict, "Spark attests: run it on a pool with a TEE (or tee: simulated for development)")
        }
        let policy = try policyName(m.required("policy"))
        let serviceAccount = try m.optional("service_account").map { v throws(DeployConfigError) in
            try subdomain(v, what: "ServiceAccount name")
        } ?? "spark"
        let executorAccountNode = m.optional("executor_service_account")
        let executorAccount = try executorAccountNode.map { v throws(DeployConfigError) in
            try subdomain(v, what: "ServiceAccount name")
        } ?? "spark-executor"
        if executorAccount == serviceAccount {
            throw (executorAccountNode ?? node).error(
                .conflict, "executors need their own service account: only the driver may manage pods")
        }
        var entrypoint = ["/opt/entrypoint.sh"]
        if let e = m.optional("entrypoint") {
            entrypoint = try e.stringList()
            guard !entrypoint.isEmpty, !entrypoint.contains(where: \.isEmpty) else {
                throw e.error(.invalidValue, "the entrypoint is a non-empty list of non-empty strings")
            }
        }
        let driver = try role(m.required("driver"), executor: false).role
        let (executor, instances) = try role(m.required("executor"), executor: true)

        var properties: [LabelPair] = []
        if let p = m.optional("properties") {
            for (key, value) in try p.pairs() {
                guard key.hasPrefix("spark."), key.utf8.allSatisfy({ $0 > 32 && $0 < 127 && $0 != UInt8(ascii: "=") }) else {
                    throw value.error(.invalidValue, "\"\(key)\" is not a Spark property name (spark.…)")
                }
                if SparkProperties.rendered.contains(key) {
                    throw value.error(.conflict, "\(key) is set from the other spark settings; change those instead")
                }
                let text = try value.string()
                guard !text.contains("\n"), !text.contains("\r") else {
                    throw value.error(.invalidValue, "Spark property values are one line")
                }
                properties.append(LabelPair(key: key, value: text))
            }
        }
        return SparkDeployment(
            nodePool: nodePool, policy: policy, serviceAccount: serviceAccount, executorServiceAccount: executorAccount,
            entrypoint: entrypoint, driver: driver, executor: executor, executorInstances: instances, properties: properties)
    }

    func role(_ node: ConfigNode, executor: Bool) throws(DeployConfigError) -> (role: SparkDeployment.Role, instances: Int) {
        let m = try node.mapping(allowed: executor ? ["service", "cores", "memory", "instances"] : ["service", "cores", "memory"])
        let service = try policyName(m.required("service"))
        var cores = 1
        if let c = m.optional("cores") {
            cores = try c.int()
            guard (1...256).contains(cores) else { throw c.error(.invalidValue, "cores must be 1 to 256") }
        }
        var memory = "1g"
        if let mem = m.optional("memory") {
            memory = try mem.string()
            guard ValueRules.isSparkMemory(memory) else {
                throw mem.error(.invalidValue, "\"\(memory)\" is not a Spark memory size (digits and k, m, g or t: 4g, 512m)")
            }
        }
        var instances = 0
        if executor {
            let i = try m.required("instances")
            instances = try i.int()
            guard (1...1000).contains(instances) else { throw i.error(.invalidValue, "instances must be 1 to 1000") }
        }
        return (SparkDeployment.Role(service: service, cores: cores, memory: memory), instances)
    }

    func network(_ node: ConfigNode) throws(DeployConfigError) -> NetworkSettings {
        let m = try node.mapping(allowed: ["api_server", "spark_egress"])
        // Egress is denied by default: without the API server's address the driver cannot start executors.
        let apiNode = try m.required("api_server")
        let api = try egressRules(apiNode)
        guard !api.isEmpty else { throw apiNode.error(.invalidValue, "list the API server's address (the Spark driver creates executor pods)") }
        let egress = try m.optional("spark_egress").map { v throws(DeployConfigError) in try egressRules(v) } ?? []
        return NetworkSettings(apiServer: api, sparkEgress: egress)
    }

    func egressRules(_ node: ConfigNode) throws(DeployConfigError) -> [EgressRule] {
        var out: [EgressRule] = []
        for item in try node.sequence() {
            let m = try item.mapping(allowed: ["cidr", "except", "ports"])
            let cidr = try self.cidr(m.required("cidr"))
            let except = try m.optional("except").map { v throws(DeployConfigError) in try cidrList(v) } ?? []
            let portsNode = try m.required("ports")
            var ports: [Int] = []
            for p in try portsNode.sequence() { ports.append(try port(p)) }
            guard !ports.isEmpty else { throw portsNode.error(.invalidValue, "list at least one port") }
            out.append(EgressRule(cidr: cidr, except: except, ports: ports))
        }
        return out
    }

    func resources(_ node: ConfigNode?, default fallback: ContainerResources) throws(DeployConfigError) -> ContainerResources {
        guard let node else { return fallback }
        let m = try node.mapping(allowed: ["cpu", "memory"])
        return ContainerResources(
            cpu: try m.optional("cpu").map { v throws(DeployConfigError) in try quantity(v) },
            memory: try m.optional("memory").map { v throws(DeployConfigError) in try quantity(v) })
    }

    // MARK: Values

    func label(_ node: ConfigNode, what: String, maxLength: Int = 63) throws(DeployConfigError) -> String {
        let text = try node.string()
        guard ValueRules.isDNSLabel(text, maxLength: maxLength) else {
            throw node.error(
                .invalidValue,
                "\"\(text.prefix(80))\" is not a valid \(what) (lowercase letters, digits and -, starting and ending with a letter or digit, at most \(maxLength))")
        }
        return text
    }

    func subdomain(_ node: ConfigNode, what: String) throws(DeployConfigError) -> String {
        let text = try node.string()
        guard ValueRules.isDNSSubdomain(text) else {
            throw node.error(.invalidValue, "\"\(text.prefix(80))\" is not a valid \(what) (lowercase DNS name)")
        }
        return text
    }

    /// Policy and service names follow the policy format's rule.
    func policyName(_ node: ConfigNode) throws(DeployConfigError) -> String {
        let text = try node.string()
        let u = Array(text.utf8)
        func ok(_ c: UInt8) -> Bool { (c >= 97 && c <= 122) || (c >= 48 && c <= 57) }
        guard let first = u.first, u.count <= 63, ok(first),
            u.allSatisfy({ ok($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") })
        else {
            throw node.error(.invalidValue, "\"\(text.prefix(80))\" is not a valid policy or service name")
        }
        return text
    }

    func secretKey(_ node: ConfigNode) throws(DeployConfigError) -> String {
        let text = try node.string()
        let ok = !text.isEmpty && text.utf8.count <= 253 && text.utf8.allSatisfy {
            ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || "-_.".utf8.contains($0)
        }
        guard ok else { throw node.error(.invalidValue, "\"\(text.prefix(80))\" is not a valid Secret key") }
        return text
    }

    func image(_ node: ConfigNode) throws(DeployConfigError) -> String {
        let text = try node.string()
        guard ValueRules.isImage(text) else { throw node.error(.invalidValue, "not a container image reference") }
        return text
    }

    func quantity(_ node: ConfigNode) throws(DeployConfigError) -> String {
        let text = try node.string()
        guard ValueRules.isQuantity(text) else {
            throw node.error(.invalidValue, "\"\(text.prefix(40))\" is not a Kubernetes quantity (e.g. 500m, 2, 64Mi, 10Gi)")
        }
        return text
    }

    func port(_ node: ConfigNode) throws(DeployConfigError) -> Int {
        let value = try node.int()
        guard (1...65535).contains(value) else { throw node.error(.invalidValue, "port must be 1 to 65535") }
        return value
    }

    func cidr(_ node: ConfigNode) throws(DeployConfigError) -> String {
        let text = try node.string()
        guard ValueRules.isCIDR(text) else { throw node.error(.invalidValue, "\"\(text.prefix(60))\" is not a CIDR (10.0.0.0/16)") }
        return text
    }

    func cidrList(_ node: ConfigNode) throws(DeployConfigError) -> [String] {
        var out: [String] = []
        for item in try node.sequence() { out.append(try cidr(item)) }
        return out
    }

    func absolutePath(_ node: ConfigNode) throws(DeployConfigError) -> String {
        let text = try node.string()
        guard ValueRules.isAbsolutePath(text) else { throw node.error(.invalidValue, "expected an absolute path without . or .. parts") }
        return text
    }

    func oneOf(_ node: ConfigNode, _ allowed: [String]) throws(DeployConfigError) -> String {
        let text = try node.string()
        guard allowed.contains(text) else {
            throw node.error(.invalidValue, "\"\(text.prefix(40))\" is not one of \(allowed.joined(separator: ", "))")
        }
        return text
    }

    func poolReference(_ node: ConfigNode, _ pools: [NodePool]) throws(DeployConfigError) -> String {
        let name = try node.string()
        guard pools.contains(where: { $0.name == name }) else {
            throw node.error(.unknownReference, "node pool \"\(name.prefix(63))\" is not declared in node_pools")
        }
        return name
    }
}
