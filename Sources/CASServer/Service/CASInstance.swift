import Attestation
import CASCore
import CASStorage
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// Everything a running CAS is made of, as one value: where its state lives, how it listens,
/// which evidence it accepts besides the simulated TEE, and how it is unsealed at start.
/// `strongroom cas serve` fills it from its options; a program (or a test) can fill it directly.
public struct CASInstanceConfiguration: Sendable {
    public enum Store: Sendable {
        /// The embedded default: `cas.sqlite` in the data directory.
        case sqlite
        /// `postgres://user@host:port/db`
        case postgres(url: String)
    }

    public enum Unseal: Sendable {
        /// Start sealed; recovery shares arrive over the API (`strongroom cas unseal`).
        case sealed
        case shares([ShamirShare])
        case masterKeyFile(String)
    }

    /// Microsoft Azure Attestation tokens accepted when signed by this key set for these issuers.
    public struct MAATrust: Sendable {
        public var jwks: [UInt8]
        public var issuers: Set<String>
        public init(jwks: [UInt8], issuers: Set<String>) {
            self.jwks = jwks
            self.issuers = issuers
        }
    }

    public var dataDirectory: String
    public var store: Store
    public var host: String
    public var port: Int
    /// Plain HTTP: development on loopback only (the configuration refuses anything else).
    public var insecureHTTP: Bool
    /// Extra names and addresses for the generated server certificate.
    public var tlsHosts: [String]
    public var maa: MAATrust?
    /// Authenticate a store written before row authentication (audited; see `CASGate`).
    public var upgradeStore: Bool
    public var unseal: Unseal

    public init(
        dataDirectory: String, store: Store = .sqlite, host: String, port: Int, insecureHTTP: Bool = false,
        tlsHosts: [String] = [], maa: MAATrust? = nil, upgradeStore: Bool = false, unseal: Unseal = .sealed
    ) {
        self.dataDirectory = dataDirectory
        self.store = store
        self.host = host
        self.port = port
        self.insecureHTTP = insecureHTTP
        self.tlsHosts = tlsHosts
        self.maa = maa
        self.upgradeStore = upgradeStore
        self.unseal = unseal
    }

    public var sqlitePath: String { dataDirectory + "/cas.sqlite" }
    public var defaultMasterKeyFile: String { dataDirectory + "/cas-master.key" }

    /// The store this configuration names, opened (and migrated).
    public func openStore() async throws -> any CASStore {
        switch store {
        case .sqlite: try SQLiteCASStore(path: sqlitePath)
        case .postgres(let url): try await PostgresCASStore(url: url)
        }
    }

    /// Creates the data directory (mode 0700) if it does not exist.
    public func createDataDirectory() throws(CASServerError) {
        if mkdir(dataDirectory, 0o700) != 0 && errno != EEXIST {
            throw CASServerError(.dataDirectory, "cannot create data directory \(dataDirectory)")
        }
    }
}

/// A CAS built from its configuration: the store opened, the verifiers for real TEE evidence
/// with their bundled roots, the gate unsealed (or waiting for shares), and the HTTP
/// application over TLS. `run()` serves until SIGINT/SIGTERM, then checkpoints the audit and
/// closes the store.
public struct CASInstance: Sendable {
    public let configuration: CASInstanceConfiguration
    public let gate: CASGate
    public let store: any CASStore
    public let metrics: CASMetrics
    private let application: CASApplication

    /// `onListening` receives the URL scheme and the bound port (useful with port 0).
    public static func make(
        _ configuration: CASInstanceConfiguration, metrics: CASMetrics = CASMetrics(),
        logger: Logger = Logger(label: "strongroom.cas")
    ) async throws -> CASInstance {
        let transport: CASServerConfiguration.Transport
        if configuration.insecureHTTP {
            transport = .insecureHTTP
        } else {
            try configuration.createDataDirectory()
            transport = .tls(
                try CASTLSMaterial.loadOrCreate(
                    dataDir: configuration.dataDirectory, hosts: [configuration.host] + configuration.tlsHosts))
        }
        let server = CASServerConfiguration(host: configuration.host, port: configuration.port, transport: transport)
        try server.validate()

        var verifiers = try HardwareVerifiers.all()
        if let maa = configuration.maa {
            verifiers.append(MAAVerifier(jwks: try MAAJWKS(json: maa.jwks), issuers: maa.issuers))
        }
        let store = try await configuration.openStore()
        let gate = CASGate(
            store: store, hardwareVerifiers: verifiers, upgradeStore: configuration.upgradeStore, logger: logger)
        do {
            switch configuration.unseal {
            case .sealed:
                break
            case .shares(let shares):
                try await gate.unseal(masterKey: CASMasterKey.combine(shares), method: "shares")
            case .masterKeyFile(let path):
                try await gate.unseal(masterKey: CASMasterKey.read(from: path), method: "key-file")
            }
        } catch {
            await store.close()
            throw error
        }
        let application = CASApplication(
            configuration: server, handlers: CASServiceHandlers(gate: gate), metrics: metrics, logger: logger)
        return CASInstance(
            configuration: configuration, gate: gate, store: store, metrics: metrics, application: application)
    }

    public var isSealed: Bool { (try? gate.service()) == nil }

    /// Serves until SIGINT or SIGTERM (a graceful shutdown), then checkpoints the audit log and
    /// closes the store.
    public func run(onListening: @escaping @Sendable (_ scheme: String, _ port: Int) async -> Void = { _, _ in }) async throws {
        let scheme = configuration.insecureHTTP ? "http" : "https"
        let app = try application.makeApplication { port in await onListening(scheme, port) }
        do {
            try await app.runService()
        } catch {
            await finish()
            throw error
        }
        await finish()
    }

    private func finish() async {
        if let service = try? gate.service() { try? await service.checkpoint(now: Date()) }
        await store.close()
    }
}

/// The verifiers for real TEE evidence CAS accepts besides the simulated TEE, with their
/// bundled roots (AMD ARK/ASK, Intel SGX Root CA).
public enum HardwareVerifiers {
    public static func all() throws -> [any EvidenceVerifier] {
        let tdx = try TDXVerifier()
        return [try SNPVerifier(), tdx, try SGXVerifier(), AzureSNPVTPMVerifier(), AzureTDXVTPMVerifier(tdx: tdx)]
    }
}
