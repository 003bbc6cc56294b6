import Crypto
import Foundation
import Policy
import StrongroomCrypto

/// Policy secrets at rest: creates the generated ones when a policy version is applied, stores
/// owners' given values, and reads the values a service's configuration needs (imports
/// included). Values are sealed per (policy, name); no value ever leaves except inside an
/// HPKE envelope to an attested runtime.
public struct SecretVault: Sendable {
    let store: any CASStore
    let sealer: Sealer

    public init(store: any CASStore, sealer: Sealer) {
        self.store = store
        self.sealer = sealer
    }

    /// The policy's own CA for `x509` secrets is an internal secret of this name.
    static let policyCAName = "__policy_ca"

    /// Generates every declared secret that has no value yet. A secret whose kind changed in
    /// the new version is generated anew; given and imported secrets are left alone.
    public func provision(_ policy: PolicyDocument, now: Date) async throws {
        for spec in policy.secrets {
            let existing = try await read(policy: policy.name, name: spec.name)
            if let existing, existing.kind == spec.kind.name, existing.parameters == Self.parameters(of: spec.kind) { continue }
            guard let value = try await generate(spec.kind, policy: policy.name, now: now) else { continue }
            try await write(StoredSecret(kind: spec.kind.name, parameters: Self.parameters(of: spec.kind), value: value),
                            policy: policy.name, name: spec.name, now: now)
        }
    }

    /// An owner's value for a `given` secret.
    public func putGiven(policy: String, name: String, value: [UInt8], now: Date) async throws {
        try await write(StoredSecret(kind: "given", parameters: "", value: value), policy: policy, name: name, now: now)
    }

    /// The values of the named secrets for rendering a service's configuration: own secrets,
    /// and imports resolved through the exporting policy's current export list, which must name
    /// this policy by its owners' keys or its first version (`firstVersionHash`), never by name alone.
    /// Names of x509 secrets also yield NAME.crt, NAME.key and NAME.ca.
    public func values(for policy: PolicyDocument, firstVersionHash: String, names: Set<String>,
                       latestPolicy: (String) async throws -> PolicyDocument?) async throws -> [String: [UInt8]] {
        var out: [String: [UInt8]] = [:]
        for spec in policy.secrets where names.contains(spec.name) {
            let value: [UInt8]
            switch spec.kind {
            case .imported(let fromPolicy, let secret):
                guard let exporter = try await latestPolicy(fromPolicy),
                      exporter.exports.contains(where: { export in
                          export.secret == secret && export.to.contains {
                              $0.admits(policy: policy.name, currentOwners: policy.owners, firstVersionHash: firstVersionHash)
                          }
                      }) else {
                    throw CASError(.forbidden, "secret \(spec.name): policy \(fromPolicy) does not export \(secret) to this policy \(policy.name) (its owners' keys or first version)")
                }
                guard let stored = try await read(policy: fromPolicy, name: secret) else {
                    throw CASError(.notFound, "secret \(spec.name): \(fromPolicy)/\(secret) has no value yet")
                }
                value = stored.value
            default:
                guard let stored = try await read(policy: policy.name, name: spec.name) else {
                    throw CASError(.notFound, "secret \(spec.name) of policy \(policy.name) has no value yet (a given secret must be sent by an owner first)")
                }
                value = stored.value
            }
            out[spec.name] = value
            if case .x509 = spec.kind, let parts = X509SecretValue(bytes: value) {
                out[spec.name + ".crt"] = Array(parts.certificatePEM.utf8)
                out[spec.name + ".key"] = Array(parts.keyPEM.utf8)
                out[spec.name + ".ca"] = Array(parts.caPEM.utf8)
            }
        }
        return out
    }

    // MARK: Generation

    private func generate(_ kind: SecretSpec.Kind, policy: String, now: Date) async throws -> [UInt8]? {
        switch kind {
        case .given, .imported:
            return nil
        case .random(let size):
            return SecureRandom.bytes(count: size)
        case .aes256:
            return SecureRandom.bytes(count: 32)
        case .ed25519:
            return Array(Self.pkcs8PEM(ed25519Seed: [UInt8](Curve25519.Signing.PrivateKey().rawRepresentation)).utf8)
        case .p256:
            return Array(P256.Signing.PrivateKey().pemRepresentation.utf8)
        case .x509(let commonName, let names):
            let ca = try await policyCA(policy: policy, now: now)
            let leaf = try ca.issue(commonName: commonName, names: names, now: now)
            return X509SecretValue(certificatePEM: leaf.certificatePEM, keyPEM: leaf.keyPEM, caPEM: ca.certificatePEM).bytes
        }
    }

    /// The policy's CA, created with its first x509 secret and kept for later versions.
    private func policyCA(policy: String, now: Date) async throws -> CertificateAuthority {
        if let stored = try await read(policy: policy, name: Self.policyCAName), let parts = X509SecretValue(bytes: stored.value) {
            return try CertificateAuthority(certificatePEM: parts.certificatePEM, keyPEM: parts.keyPEM)
        }
        let ca = try CertificateAuthority.create(commonName: "Strongroom policy \(policy) CA", now: now)
        let value = X509SecretValue(certificatePEM: ca.certificatePEM, keyPEM: ca.keyPEM, caPEM: ca.certificatePEM)
        try await write(StoredSecret(kind: "ca", parameters: "", value: value.bytes), policy: policy, name: Self.policyCAName, now: now)
        return ca
    }

    /// RFC 8410 PKCS#8 for an Ed25519 seed: a fixed 16-byte prefix, then the 32-byte seed.
    static func pkcs8PEM(ed25519Seed seed: [UInt8]) -> String {
        let der: [UInt8] = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20] + seed
        return "-----BEGIN PRIVATE KEY-----\n" + Data(der).base64EncodedString() + "\n-----END PRIVATE KEY-----\n"
    }

    /// Generation parameters: a change (a new size, a new common name) means a new value.
    static func parameters(of kind: SecretSpec.Kind) -> String {
        switch kind {
        case .random(let size): "size=\(size)"
        case .x509(let commonName, let names): "cn=\(commonName);sans=\(names.joined(separator: ","))"
        case .imported(let from, let secret): "from=\(from)/\(secret)"
        default: ""
        }
    }

    // MARK: Sealed records

    private func read(policy: String, name: String) async throws -> StoredSecret? {
        guard let record = try await store.secret(policy: policy, name: name) else { return nil }
        let plain = try sealer.open(record.sealed, purpose: .policySecret, recordID: "\(policy)/\(name)")
        return try StoredSecret(sealedPlaintext: plain, where: "\(policy)/\(name)")
    }

    private func write(_ secret: StoredSecret, policy: String, name: String, now: Date) async throws {
        let sealed = try sealer.seal(secret.sealedPlaintext, purpose: .policySecret, recordID: "\(policy)/\(name)")
        try await store.putSecret(SecretRecord(policy: policy, name: name, sealed: sealed, createdAt: now))
    }
}

/// What is sealed for one secret: its kind and generation parameters beside the value, so a
/// changed declaration is noticed.
struct StoredSecret {
    var kind: String
    var parameters: String
    var value: [UInt8]

    init(kind: String, parameters: String, value: [UInt8]) {
        self.kind = kind
        self.parameters = parameters
        self.value = value
    }

    /// kind ‖ 0x00 ‖ parameters ‖ 0x00 ‖ value
    var sealedPlaintext: [UInt8] { Array(kind.utf8) + [0] + Array(parameters.utf8) + [0] + value }

    init(sealedPlaintext bytes: [UInt8], where location: String) throws(CASError) {
        guard let first = bytes.firstIndex(of: 0), let second = bytes[(first + 1)...].firstIndex(of: 0) else {
            throw CASError(.corruptStore, "secret \(location) has no kind header")
        }
        kind = String(decoding: bytes[..<first], as: UTF8.self)
        parameters = String(decoding: bytes[(first + 1)..<second], as: UTF8.self)
        value = Array(bytes[(second + 1)...])
    }
}

/// An x509 secret's value: leaf certificate, its key and the issuing CA, as PEM, in one blob.
/// `{{secret:NAME}}` renders all three (certificate, key, CA — a bundle many servers accept).
struct X509SecretValue {
    var certificatePEM: String
    var keyPEM: String
    var caPEM: String

    init(certificatePEM: String, keyPEM: String, caPEM: String) {
        self.certificatePEM = certificatePEM
        self.keyPEM = keyPEM
        self.caPEM = caPEM
    }

    var bytes: [UInt8] { Array((certificatePEM + keyPEM + caPEM).utf8) }

    /// Splits the bundle back into its PEM blocks (certificate, key, CA in that order).
    init?(bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        var blocks: [String] = []
        var current = ""
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("-----BEGIN ") { current = "" }
            current += line + "\n"
            if line.hasPrefix("-----END ") { blocks.append(current) }
        }
        guard blocks.count == 3 else { return nil }
        certificatePEM = blocks[0]
        keyPEM = blocks[1]
        caPEM = blocks[2]
    }
}
