import Kubernetes
import Testing
import Yams

@Suite struct ManifestRendererTests {
    func render(_ yaml: String) throws -> RenderedDeployment { RenderedDeployment(try DeployConfig.parse(yaml: yaml)) }

    /// The YAML stream read back by an independent parser (Yams), one dictionary per object.
    func objects(_ rendered: RenderedDeployment) throws -> [[String: Any]] {
        try Yams.load_all(yaml: rendered.stream()).map { try #require($0 as? [String: Any]) }
    }

    func object(_ objects: [[String: Any]], kind: String, name: String) throws -> [String: Any] {
        try #require(objects.first { $0["kind"] as? String == kind && ($0["metadata"] as? [String: Any])?["name"] as? String == name })
    }

    func podSpec(_ template: ManifestValue) throws -> [String: Any] {
        let loaded = try #require(try Yams.load(yaml: ManifestEmitter.document(template)) as? [String: Any])
        return try #require(loaded["spec"] as? [String: Any])
    }

    @Test func sameConfigSameBytes() throws {
        let yaml = try DeployFixtures.example()
        #expect(try render(yaml).stream() == render(yaml).stream())
        let files = try render(yaml).files(outputDir: "out")
        #expect(files.map(\.path) == (try render(yaml).files(outputDir: "out").map(\.path)))
    }

    @Test func exampleRendersEveryObjectInApplyOrder() throws {
        let rendered = try render(DeployFixtures.example())
        #expect(rendered.manifests.map { "\($0.kind)/\($0.name)" } == [
            "Namespace/strongroom",
            "ServiceAccount/cas", "ServiceAccount/strongroom-agent", "ServiceAccount/spark", "ServiceAccount/spark-executor",
            "Role/spark-driver", "RoleBinding/spark-driver",
            "Deployment/cas", "Service/cas",
            "DaemonSet/strongroom-agent-sgx",
            "ConfigMap/spark-pod-templates",
            "NetworkPolicy/default-deny", "NetworkPolicy/allow-dns", "NetworkPolicy/cas-ingress",
            "NetworkPolicy/cas-egress-postgres", "NetworkPolicy/cas-clients-egress", "NetworkPolicy/spark-internal",
            "NetworkPolicy/spark-driver-api-server", "NetworkPolicy/spark-egress",
        ])
        let loaded = try objects(rendered)
        #expect(loaded.count == rendered.manifests.count)
        let files = rendered.files(outputDir: "out/")
        #expect(files.first?.path == "00-namespace-strongroom.yaml")
        #expect(files.suffix(3).map(\.path) == ["spark/driver-pod-template.yaml", "spark/executor-pod-template.yaml", "spark/spark.properties"])
        let properties = try #require(files.last?.text)
        #expect(properties.contains("spark.kubernetes.driver.podTemplateFile=out/spark/driver-pod-template.yaml\n"))
        #expect(properties.contains("spark.executor.instances=3\n"))
        #expect(properties.contains("spark.kubernetes.authenticate.executor.serviceAccountName=spark-executor\n"))
        #expect(properties.contains("spark.eventLog.enabled=false\n"))
    }

    @Test func sgxPodsRequestEPCAndDevicePluginResources() throws {
        let config = try DeployFixtures.parse(DeployFixtures.withSparkPool(DeployFixtures.sgxPool))
        for template in [config.sparkDriverTemplate(), config.sparkExecutorTemplate()] {
            let spec = try podSpec(template)
            #expect(spec["runtimeClassName"] == nil)
            #expect(spec["nodeSelector"] as? [String: String] == ["kubernetes.azure.com/agentpool": "sgxpool"])
            let tolerations = try #require(spec["tolerations"] as? [[String: String]])
            #expect(tolerations == [["key": "sgx", "operator": "Exists", "effect": "NoSchedule"]])
            let container = try #require((spec["containers"] as? [[String: Any]])?.first)
            let resources = try #require(container["resources"] as? [String: [String: String]])
            let expected = ["sgx.intel.com/epc": "32Mi", "sgx.intel.com/enclave": "1", "sgx.intel.com/provision": "1"]
            #expect(resources["limits"] == expected)
            #expect(resources["requests"] == expected)
            let command = try #require(container["command"] as? [String])
            #expect(Array(command.prefix(2)) == ["strongroom", "run"])
            #expect(command.contains("--agent") && command.last == "/opt/entrypoint.sh")
        }
        // An SGX pool attests through the node agent: one DaemonSet, host PID namespace.
        let rendered = RenderedDeployment(config)
        let agent = try object(try objects(rendered), kind: "DaemonSet", name: "strongroom-agent-work")
        let agentSpec = try #require(((agent["spec"] as? [String: Any])?["template"] as? [String: Any])?["spec"] as? [String: Any])
        #expect(agentSpec["hostPID"] as? Bool == true)
        #expect(agentSpec["tolerations"] != nil)
    }

    @Test func sevSNPPodsRunInTheConfidentialRuntimeClass() throws {
        let config = try DeployFixtures.parse(DeployFixtures.withSparkPool(DeployFixtures.snpKataPool))
        let spec = try podSpec(config.sparkExecutorTemplate())
        #expect(spec["runtimeClassName"] as? String == "kata-cc-isolation")
        let container = try #require((spec["containers"] as? [[String: Any]])?.first)
        let command = try #require(container["command"] as? [String])
        #expect(command == [
            "strongroom", "run", "--cas", "https://cas.analytics.svc:8443", "--ca", "/etc/strongroom/cas/ca.pem",
            "--policy", "taxi-analytics", "--service", "spark-executor", "--evidence", "configfs", "--", "/opt/entrypoint.sh",
        ])
        #expect(container["resources"] == nil)
        // The pod is its own VM: no host paths, no node agent.
        let volumes = try #require(spec["volumes"] as? [[String: Any]])
        #expect(volumes.allSatisfy { $0["hostPath"] == nil })
        let rendered = RenderedDeployment(config)
        #expect(!rendered.manifests.contains { $0.kind == "DaemonSet" })
        let namespace = try object(try objects(rendered), kind: "Namespace", name: "analytics")
        #expect((namespace["metadata"] as? [String: Any]).flatMap { $0["labels"] as? [String: String] }?["pod-security.kubernetes.io/enforce"] == "restricted")
    }

    @Test func tdxNodePoolsMountTheHostConfigfs() throws {
        let config = try DeployFixtures.parse(DeployFixtures.withSparkPool(DeployFixtures.tdxNodePool))
        let spec = try podSpec(config.sparkDriverTemplate())
        let volumes = try #require(spec["volumes"] as? [[String: Any]])
        #expect(volumes.contains { ($0["hostPath"] as? [String: String])?["path"] == "/sys/kernel/config/tsm" })
        #expect(spec["runtimeClassName"] == nil)
    }

    @Test func casOnAVolumeRunsOneReplicaWithRecreate() throws {
        let rendered = try render(DeployFixtures.withSparkPool(DeployFixtures.simulatedPool))
        let loaded = try objects(rendered)
        let pvc = try object(loaded, kind: "PersistentVolumeClaim", name: "cas-data")
        #expect(((pvc["spec"] as? [String: Any])?["resources"] as? [String: [String: String]])?["requests"]?["storage"] == "5Gi")
        let deployment = try object(loaded, kind: "Deployment", name: "cas")
        let spec = try #require(deployment["spec"] as? [String: Any])
        #expect(spec["replicas"] as? Int == 1)
        #expect((spec["strategy"] as? [String: Any])?["type"] as? String == "Recreate")
        let pod = try #require((spec["template"] as? [String: Any])?["spec"] as? [String: Any])
        let container = try #require((pod["containers"] as? [[String: Any]])?.first)
        #expect(container["env"] == nil)
        #expect(container["args"] as? [String] == [
            "cas", "serve", "--data-dir", "/var/lib/strongroom/cas", "--listen", "0.0.0.0:8443",
            "--tls-host", "cas.analytics.svc", "--tls-host", "cas.analytics.svc.cluster.local",
        ])
        #expect(rendered.manifests.filter { $0.kind == "NetworkPolicy" }.map(\.name) == [
            "default-deny", "allow-dns", "cas-ingress", "cas-clients-egress", "spark-internal", "spark-driver-api-server",
        ])
    }

    @Test func casOnPostgresTakesTheURLFromTheSecret() throws {
        let rendered = try render(DeployFixtures.example())
        let deployment = try object(try objects(rendered), kind: "Deployment", name: "cas")
        let pod = try #require((((deployment["spec"] as? [String: Any])?["template"] as? [String: Any])?["spec"] as? [String: Any]))
        let container = try #require((pod["containers"] as? [[String: Any]])?.first)
        let env = try #require(container["env"] as? [[String: Any]])
        #expect(env.count == 1 && env[0]["name"] as? String == "STRONGROOM_CAS_DATABASE")
        #expect(((env[0]["valueFrom"] as? [String: Any])?["secretKeyRef"] as? [String: String]) == ["name": "cas-postgres", "key": "url"])
        #expect(!(container["args"] as? [String] ?? []).contains("--database"))
        #expect(pod["nodeSelector"] as? [String: String] == ["kubernetes.azure.com/agentpool": "system"])
    }

    @Test func onlyLabelledWorkloadsReachCAS() throws {
        let rendered = try render(DeployFixtures.example())
        let policy = try object(try objects(rendered), kind: "NetworkPolicy", name: "cas-ingress")
        let spec = try #require(policy["spec"] as? [String: Any])
        let rule = try #require((spec["ingress"] as? [[String: Any]])?.first)
        let from = try #require(rule["from"] as? [[String: Any]])
        #expect((from[0]["podSelector"] as? [String: Any])?["matchLabels"] as? [String: String] == ["strongroom.dev/cas-client": "true"])
        #expect((from[1]["ipBlock"] as? [String: String]) == ["cidr": "203.0.113.0/24"])
        #expect(rule["ports"] as? [[String: AnyHashable]] == [["protocol": "TCP", "port": 8443]])
    }

    @Test func driverRoleCoversExecutorPodsServicesAndConfigMaps() throws {
        let rendered = try render(DeployFixtures.example())
        let role = try object(try objects(rendered), kind: "Role", name: "spark-driver")
        let rules = try #require(role["rules"] as? [[String: [String]]])
        #expect(rules.flatMap { $0["resources"] ?? [] }.sorted() == ["configmaps", "pods", "services"])
        #expect(rules[0]["verbs"]?.contains("create") == true && rules[0]["verbs"]?.contains("delete") == true)
    }

    @Test func emitterQuotesWhatAYAMLReaderWouldRetype() throws {
        let tricky = ["true", "no", "1", "0o17", "1e3", "-", "@x", "a: b", "x #y", "", "null", "~", " lead", "line\nbreak", "é", "a\tb"]
        let doc = ManifestEmitter.document(.map(tricky.enumerated().map { ManifestField("k\($0.offset)", .string($0.element)) }))
        let loaded = try #require(try Yams.load(yaml: doc) as? [String: Any])
        for (i, value) in tricky.enumerated() {
            #expect(loaded["k\(i)"] as? String == value, "\(value) → \(String(describing: loaded["k\(i)"]))")
        }
        let block = "a: 1\n\nb:\n  - c\n"
        let loadedBlock = try #require(try Yams.load(yaml: ManifestEmitter.document(.map([ManifestField("f", .string(block))]))) as? [String: String])
        #expect(loadedBlock["f"] == block)
    }
}
