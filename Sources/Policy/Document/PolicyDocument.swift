import Attestation

/// A policy as its owners wrote it (docs/design/cas.md "Policies"), parsed and validated.
/// Parse with `PolicyDocument.parse(yaml:)`; the signed form is `PolicyVersion`.
public struct PolicyDocument: Sendable, Equatable {
    public var name: String
    public var version: Int
    /// Lowercase hex SHA-256 of the previous version's bytes; nil exactly for version 1.
    public var previous: String?
    public var owners: [NamedKey]
    public var approvalsRequired: Int
    public var auditors: [NamedKey]
    public var masterKeys: [String]
    public var services: [ServicePolicy]
    public var secrets: [SecretSpec]
    public var exports: [SecretExport]

    public func service(named name: String) -> ServicePolicy? {
        services.first { $0.name == name }
    }

    public func secret(named name: String) -> SecretSpec? {
        secrets.first { $0.name == name }
    }
}

/// An owner or auditor: a name and an Ed25519 public key.
public struct NamedKey: Sendable, Equatable {
    public var name: String
    public var publicKey: OwnerPublicKey

    public init(name: String, publicKey: OwnerPublicKey) {
        self.name = name
        self.publicKey = publicKey
    }
}

/// One service of a policy: which evidence it accepts and what it receives.
public struct ServicePolicy: Sendable, Equatable {
    public var name: String
    /// One entry per accepted evidence kind.
    public var attestation: [AttestationRequirement]
    public var allowDebug: Bool
    public var allowSimulation: Bool
    /// Lowercase hex SHA-256 of the only job this service may run, if pinned.
    public var jobHash: String?
    /// Values may contain `{{secret:NAME}}` (see `ConfigTemplate`).
    public var environment: [String: String]
    public var arguments: [String]
    /// Relative path (inside the runtime's private directory) → templated contents.
    public var files: [String: String]
    public var unwrap: [String]
    public var wrap: [String]
    public var results: ResultsSpec?
    /// A helper service (Spark executors): it attests only with a grant that an attested job of
    /// this service obtained from CAS, never by claiming that job's hash.
    public var helperOf: String?

    public func requirement(for kind: TEEKind) -> AttestationRequirement? {
        attestation.first { $0.kind == kind }
    }
}

/// Reference values for one TEE kind.
public struct AttestationRequirement: Sendable, Equatable {
    public var kind: TEEKind
    /// Lowercase hex measurements, any of which is accepted.
    public var measurements: [String]
    /// Exact matches on `AttestationClaims.values`.
    public var values: [String: String]
    /// Numeric minimums on `AttestationClaims.values` (decimal text in the claims).
    public var minTCB: [String: UInt64]
    /// TCB statuses and advisory ids accepted besides "UpToDate".
    public var tolerate: [String]

    public init(kind: TEEKind, measurements: [String], values: [String: String] = [:], minTCB: [String: UInt64] = [:], tolerate: [String] = []) {
        self.kind = kind
        self.measurements = measurements
        self.values = values
        self.minTCB = minTCB
        self.tolerate = tolerate
    }
}

/// Where a service's results go: encrypted under `masterKey`, readable by `recipients`.
public struct ResultsSpec: Sendable, Equatable {
    public var masterKey: String
    public var recipients: [String]

    public init(masterKey: String, recipients: [String]) {
        self.masterKey = masterKey
        self.recipients = recipients
    }
}

/// A secret this policy lets other policies import. Each target names the importing policy by
/// keys, not by name alone (a name belongs to whoever applies it first).
public struct SecretExport: Sendable, Equatable {
    public var secret: String
    public var to: [ExportTarget]

    public init(secret: String, to: [ExportTarget]) {
        self.secret = secret
        self.to = to
    }
}

/// Who may import an exported secret: the policy `policy` whose current owners are all among
/// `owners`, or whose first version has the hash `firstVersion`.
public struct ExportTarget: Sendable, Equatable {
    public enum Identity: Sendable, Equatable {
        /// Every owner of the importing policy's current version must be one of these keys.
        case owners([OwnerPublicKey])
        /// Lowercase hex SHA-256 of the importing policy's version 1.
        case firstVersion(String)
    }

    public var policy: String
    public var identity: Identity

    public init(policy: String, identity: Identity) {
        self.policy = policy
        self.identity = identity
    }

    /// True when the importing policy (its current owners and first version hash) is this target.
    public func admits(policy name: String, currentOwners: [NamedKey], firstVersionHash: String) -> Bool {
        guard name == policy else { return false }
        switch identity {
        case .owners(let keys):
            return !currentOwners.isEmpty && currentOwners.allSatisfy { keys.contains($0.publicKey) }
        case .firstVersion(let hash):
            return hash == firstVersionHash
        }
    }
}

/// A secret a policy declares; CAS creates or receives the value.
public struct SecretSpec: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Sent by an owner, HPKE-encrypted to CAS.
        case given
        /// `size` random bytes.
        case random(size: Int)
        case aes256
        case ed25519
        case p256
        /// A certificate from the policy's own CA.
        case x509(commonName: String, subjectAlternativeNames: [String])
        /// Another policy's exported secret.
        case imported(fromPolicy: String, secret: String)

        /// The policy-file name of the kind.
        public var name: String {
            switch self {
            case .given: "given"
            case .random: "random"
            case .aes256: "aes256"
            case .ed25519: "ed25519"
            case .p256: "p256"
            case .x509: "x509"
            case .imported: "import"
            }
        }
    }

    public var name: String
    public var kind: Kind

    public init(name: String, kind: Kind) {
        self.name = name
        self.kind = kind
    }
}
