import Foundation
import Kubernetes

/// deploy.yaml texts for the tests: the shipped example, and a small config per TEE kind.
enum DeployFixtures {
    static var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static func example() throws -> String {
        try String(contentsOf: repository.appendingPathComponent("deploy/example.yaml"), encoding: .utf8)
    }

    /// A config whose Spark pool is `pool` (a YAML list item, indented 2), with SQLite storage.
    static func withSparkPool(_ pool: String, storage: String = volumeStorage) -> String {
        """
        namespace: analytics
        images:
          strongroom: registry.example/strongroom:1
          spark: registry.example/strongroom-spark:1
        cas:
          storage:
        \(storage)
          tls: {secret: cas-tls}
        node_pools:
        \(pool)
        spark:
          node_pool: work
          policy: taxi-analytics
          driver: {service: spark-driver}
          executor: {service: spark-executor, instances: 2, cores: 2, memory: 4g}
        network:
          api_server:
            - {cidr: 10.0.0.1/32, ports: [443]}

        """
    }

    static let volumeStorage = "    volume: {size: 5Gi}"

    static let simulatedPool = """
          - name: work
            tee: simulated
        """

    static let sgxPool = """
          - name: work
            tee: sgx
            node_selector: {kubernetes.azure.com/agentpool: sgxpool}
            tolerations:
              - {key: sgx, operator: Exists, effect: NoSchedule}
            sgx: {epc: 32Mi, enclave: true, provision: true}
        """

    static let snpKataPool = """
          - name: work
            tee: sev-snp
            runtime_class: kata-cc-isolation
            node_selector: {kubernetes.azure.com/agentpool: snppool}
        """

    static let tdxNodePool = """
          - name: work
            tee: tdx
            node_selector: {kubernetes.azure.com/agentpool: tdxpool}
        """

    static func parse(_ yaml: String) throws -> DeployConfig { try DeployConfig.parse(yaml: yaml) }
}
