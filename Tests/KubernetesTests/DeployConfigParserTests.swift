import Kubernetes
import Testing

@Suite struct DeployConfigParserTests {
    @Test func parsesTheShippedExample() throws {
        let config = try DeployConfig.parse(yaml: DeployFixtures.example())
        #expect(config.namespace == "strongroom")
        #expect(config.nodePools.map(\.name) == ["system", "sgx", "snp"])
        #expect(config.nodePools.map(\.tee) == [.none, .sgx, .sevSNP])
        #expect(config.nodePools.map(\.evidence) == [.none, .agent, .configfs])
        let sgx = try #require(config.nodePool(named: "sgx")?.sgx)
        #expect(sgx.epc == "64Mi" && !sgx.enclave && !sgx.provision)
        #expect(config.nodePool(named: "snp")?.runtimeClass == "kata-cc-isolation")
        #expect(config.cas.storage == .postgres(secret: "cas-postgres", key: "url", cidrs: ["10.20.0.0/28"], port: 5432))
        #expect(config.cas.replicas == 2)
        #expect(config.spark.executorInstances == 3)
        #expect(config.spark.executor.service == "spark-executor")
        #expect(config.spark.executor.cores == 2 && config.spark.executor.memory == "4g")
        #expect(config.casURL == "https://cas.strongroom.svc:8443")
    }

    @Test func defaultsFollowTheTEEKind() throws {
        let snp = try DeployFixtures.parse(DeployFixtures.withSparkPool(DeployFixtures.snpKataPool))
        #expect(snp.nodePools[0].evidence == .configfs)
        #expect(!snp.nodePools[0].mountsHostConfigfs)
        let tdx = try DeployFixtures.parse(DeployFixtures.withSparkPool(DeployFixtures.tdxNodePool))
        #expect(tdx.nodePools[0].mountsHostConfigfs)
        let sim = try DeployFixtures.parse(DeployFixtures.withSparkPool(DeployFixtures.simulatedPool))
        #expect(sim.nodePools[0].evidence == .agent)
        #expect(sim.agent.socketPath == "/run/strongroom/agent.sock")
        #expect(sim.cas.port == 8443 && sim.cas.replicas == 1)
    }

    /// Each bad input: the error code, the YAML path and the line it names.
    @Test(arguments: [
        // unknown keys, at the top and deep inside
        ("namespace: x\nnamespaces: y\n", "deploy_unknown_key", "namespaces", 2),
        (DeployFixtures.withSparkPool(DeployFixtures.sgxPool.replacingOccurrences(of: "epc: 32Mi", with: "epcs: 32Mi")),
         "deploy_unknown_key", "node_pools[0].sgx.epcs", 15),
        (DeployFixtures.withSparkPool(DeployFixtures.simulatedPool.replacingOccurrences(of: "tee: simulated", with: "tee: snp")),
         "deploy_invalid_value", "node_pools[0].tee", 11),
        (DeployFixtures.withSparkPool(DeployFixtures.simulatedPool).replacingOccurrences(of: "node_pool: work", with: "node_pool: gpu"),
         "deploy_unknown_reference", "spark.node_pool", 13),
        (DeployFixtures.withSparkPool(DeployFixtures.simulatedPool).replacingOccurrences(of: "cas:\n", with: "cas:\n  replicas: 2\n"),
         "deploy_conflict", "cas.replicas", 6),
        (DeployFixtures.withSparkPool(DeployFixtures.simulatedPool, storage: "    volume: {size: 5 GB}"),
         "deploy_invalid_value", "cas.storage.volume.size", 7),
        (DeployFixtures.withSparkPool(DeployFixtures.sgxPool + "\n    runtime_class: kata-cc"),
         "deploy_conflict", "node_pools[0].runtime_class", 16),
        (DeployFixtures.withSparkPool(DeployFixtures.snpKataPool + "\n    evidence: agent"),
         "deploy_conflict", "node_pools[0].runtime_class", 12),
        (DeployFixtures.withSparkPool(DeployFixtures.sgxPool.replacingOccurrences(of: "\n    sgx: {epc: 32Mi, enclave: true, provision: true}", with: "")),
         "deploy_missing_key", "node_pools[0].sgx", 10),
        (DeployFixtures.withSparkPool(DeployFixtures.simulatedPool + "\n  - name: work\n    tee: sgx\n    sgx: {epc: 1Mi}"),
         "deploy_duplicate", "node_pools[1].name", 12),
        (DeployFixtures.withSparkPool(DeployFixtures.simulatedPool).replacingOccurrences(of: "    - {cidr: 10.0.0.1/32, ports: [443]}\n", with: "    []\n"),
         "deploy_invalid_value", "network.api_server", 19),
        (DeployFixtures.withSparkPool(DeployFixtures.simulatedPool).replacingOccurrences(of: "10.0.0.1/32", with: "10.0.0.300/32"),
         "deploy_invalid_value", "network.api_server[0].cidr", 19),
        (DeployFixtures.withSparkPool(DeployFixtures.simulatedPool).replacingOccurrences(of: "memory: 4g", with: "memory: 4GB"),
         "deploy_invalid_value", "spark.executor.memory", 16),
        (DeployFixtures.withSparkPool(DeployFixtures.simulatedPool).replacingOccurrences(
            of: "  policy: taxi-analytics\n", with: "  policy: taxi-analytics\n  properties: {spark.executor.instances: \"9\"}\n"),
         "deploy_conflict", "spark.properties.spark.executor.instances", 15),
        (DeployFixtures.withSparkPool(DeployFixtures.simulatedPool).replacingOccurrences(of: "namespace: analytics", with: "namespace: Analytics"),
         "deploy_invalid_value", "namespace", 1),
        (DeployFixtures.withSparkPool(DeployFixtures.sgxPool.replacingOccurrences(of: "operator: Exists", with: "operator: Exists, value: x")),
         "deploy_conflict", "node_pools[0].tolerations[0].value", 14),
        (DeployFixtures.withSparkPool(DeployFixtures.simulatedPool).replacingOccurrences(of: "instances: 2", with: "instances: two"),
         "deploy_wrong_type", "spark.executor.instances", 16),
        ("namespace: [unclosed\n", "deploy_syntax", "", 2),
        ("", "deploy_syntax", "", nil),
        ("namespace: a\nnamespace: b\n", "deploy_duplicate", "", 1),
    ] as [(String, String, String, Int?)])
    func rejectsWithPathAndLine(yaml: String, code: String, path: String, line: Int?) {
        do {
            _ = try DeployConfig.parse(yaml: yaml)
            Issue.record("accepted: \(yaml)")
        } catch {
            #expect(error.code.rawValue == code, "\(error.message)")
            #expect(error.path == path, "\(error.message)")
            #expect(error.line == line, "\(error.message)")
        }
    }

    @Test func messagesNameThePlaceAndTheAllowedKeys() {
        #expect(throws: DeployConfigError.self) { try DeployConfig.parse(yaml: "namespace: x\nimagez: {}\n") }
        do {
            _ = try DeployConfig.parse(yaml: "namespace: x\nimagez: {}\n")
        } catch {
            #expect(error.message.hasPrefix("imagez: unknown key \"imagez\" (allowed: agent, cas, images, namespace, network, node_pools, spark)"))
            #expect(error.message.hasSuffix("(line 2)"))
        }
    }

    @Test func missingSectionsAreNamed() {
        do {
            _ = try DeployConfig.parse(yaml: "namespace: x\n")
            Issue.record("accepted")
        } catch {
            #expect(error.code == .missingKey)
            #expect(error.path == "images")
        }
    }
}
