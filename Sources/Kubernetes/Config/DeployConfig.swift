/// deploy.yaml: what `strongroom k8s render` turns into Kubernetes manifests
/// (docs: deploy/README.md, example: deploy/example.yaml).
public struct DeployConfig: Sendable, Equatable {
    public var namespace: String
    public var images: Images
    public var cas: CASDeployment
    public var nodePools: [NodePool]
    public var agent: AgentDeployment
    public var spark: SparkDeployment
    public var network: NetworkSettings

    public func nodePool(named name: String) -> NodePool? { nodePools.first { $0.name == name } }

    /// The in-cluster CAS URL workloads use.
    public var casURL: String { "https://cas.\(namespace).svc:\(cas.port)" }

    /// Pools whose workloads get evidence from the node agent (one DaemonSet each).
    public var agentPools: [NodePool] { nodePools.filter { $0.evidence == .agent } }
}

public struct Images: Sendable, Equatable {
    /// CAS and node agent.
    public var strongroom: String
    /// Spark driver and executors: Spark with `strongroom` on PATH and the KMS client jar.
    public var spark: String
    public var pullPolicy: String?
    public var pullSecrets: [String]
}

/// A Kubernetes CPU/memory pair; requests get both, limits only memory (CPU limits throttle).
public struct ContainerResources: Sendable, Equatable {
    public var cpu: String?
    public var memory: String?
}

public struct CASDeployment: Sendable, Equatable {
    public enum Storage: Sendable, Equatable {
        /// SQLite on a PersistentVolumeClaim (one replica: the volume is ReadWriteOnce).
        case volume(size: String, storageClass: String?)
        /// PostgreSQL; the `postgres://` URL comes from a Secret, the CIDRs open egress to it.
        case postgres(secret: String, key: String, cidrs: [String], port: Int)
    }

    public var replicas: Int
    public var port: Int
    public var storage: Storage
    /// Secret with ca.pem, server.pem, server-key.pem (names the CAS Service's DNS names).
    public var tlsSecret: String
    public var nodePool: String?
    public var resources: ContainerResources
    /// Addresses outside the cluster that may reach CAS (owners' and auditors' tools).
    public var ingressCIDRs: [String]
}

public enum TEEKind: String, Sendable, Equatable, CaseIterable {
    /// No TEE: a pool for CAS or system pods, where nothing attests.
    case none
    case simulated
    case sgx
    case sevSNP = "sev-snp"
    case tdx
}

/// Where a workload's evidence comes from (`strongroom run --evidence`).
public enum EvidenceMode: String, Sendable, Equatable, CaseIterable {
    /// The node agent's Unix socket on a hostPath.
    case agent
    /// configfs-tsm inside the TEE guest (SEV-SNP/TDX).
    case configfs
    /// Nothing attests on this pool (tee: none).
    case none
}

public struct Toleration: Sendable, Equatable {
    public var key: String?
    public var `operator`: String
    public var value: String?
    public var effect: String?
}

public struct LabelPair: Sendable, Equatable {
    public var key: String
    public var value: String
}

/// A group of nodes with one TEE kind and the scheduling its pods need.
public struct NodePool: Sendable, Equatable {
    public struct SGXResources: Sendable, Equatable {
        /// `sgx.intel.com/epc` per pod (a memory quantity).
        public var epc: String
        /// Also request `sgx.intel.com/enclave` / `sgx.intel.com/provision` (Intel device plugin).
        public var enclave: Bool
        public var provision: Bool
    }

    public var name: String
    public var tee: TEEKind
    public var evidence: EvidenceMode
    /// A confidential runtime class (kata-cc-isolation on AKS): each pod is its own TEE guest.
    public var runtimeClass: String?
    public var nodeSelector: [LabelPair]
    public var tolerations: [Toleration]
    public var sgx: SGXResources?

    /// SEV-SNP/TDX without a runtime class: the node itself is the confidential VM, so its
    /// configfs-tsm is the workload's evidence source (mounted from the host).
    public var mountsHostConfigfs: Bool { evidence == .configfs && runtimeClass == nil }
}

public struct AgentDeployment: Sendable, Equatable {
    public var socketDir: String
    public var nodeKeyDir: String
    public var debug: Bool
    public var resources: ContainerResources

    public var socketPath: String { socketDir + "/agent.sock" }
}

public struct SparkDeployment: Sendable, Equatable {
    public struct Role: Sendable, Equatable {
        /// The policy service this process attests as.
        public var service: String
        public var cores: Int
        /// Spark memory string (`2g`, `512m`).
        public var memory: String
    }

    public var nodePool: String
    public var policy: String
    public var serviceAccount: String
    public var executorServiceAccount: String
    /// The image's own entrypoint, which `strongroom run` starts after attesting.
    public var entrypoint: [String]
    public var driver: Role
    public var executor: Role
    public var executorInstances: Int
    /// Extra Spark properties (KMS client class, event log dir, …), in file order.
    public var properties: [LabelPair]
}

public struct NetworkSettings: Sendable, Equatable {
    /// Egress the Spark driver needs to create executor pods (the API server's addresses).
    public var apiServer: [EgressRule]
    /// Egress Spark needs for data (object storage endpoints).
    public var sparkEgress: [EgressRule]
}

public struct EgressRule: Sendable, Equatable {
    public var cidr: String
    public var except: [String]
    public var ports: [Int]
}
