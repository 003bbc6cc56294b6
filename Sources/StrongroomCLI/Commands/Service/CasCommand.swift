import ArgumentParser
import CASClient
import CASCore
import CASServer
import Foundation
import Attestation
import Logging
import Policy

struct CasCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cas",
        abstract: "The Configuration and Attestation Service: keys and secrets only for attested workloads.",
        subcommands: [CasInitCommand.self, CasServeCommand.self, CasTrustNodeCommand.self, CasUnsealCommand.self, CasAddAuditorCommand.self])
}

struct CasInitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create the CAS master key (key file + Shamir recovery shares, printed once) and the CAS keys.")

    @OptionGroup var store: CASStoreOptions

    @Option(help: "Recovery shares to print.")
    var shares: Int = 5

    @Option(help: "Shares needed to unseal.")
    var threshold: Int = 3

    @Option(name: .customLong("admin-public-key"), help: "The administrator's public key (ed25519:…); default: create DATA_DIR/admin.identity.")
    var adminPublicKey: String?

    @Option(name: .customLong("master-key-file"), help: "Where to write the master key (default DATA_DIR/cas-master.key).")
    var masterKeyFile: String?

    func validate() throws {
        guard (2...255).contains(shares), (2...shares).contains(threshold) else {
            throw ValidationError("need 2 ≤ --threshold ≤ --shares ≤ 255")
        }
    }

    func run() async throws {
        try store.createDataDirectory()
        let initialization = CASInitialization(
            masterKeyFile: masterKeyFile ?? store.defaultMasterKeyFile,
            administrator: try adminPublicKey.map { try OwnerPublicKey(text: $0) },
            administratorIdentityFile: store.dataDir + "/admin.identity", shares: shares, threshold: threshold)
        let result = try await initialization.run(try await store.openStore())
        if let identityFile = result.administratorIdentityFile {
            StandardError.write("administrator identity written to \(identityFile)\n")
        }
        StandardError.write("master key written to \(result.masterKeyFile) (mode 0600); move it off this machine for production\n")
        print("Recovery shares (\(threshold) of \(shares) unseal this CAS). They are shown once; give each to a different person:")
        for share in result.recoveryShares { print(share.text) }
    }
}

struct CasServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the CAS API (TLS by default; plain HTTP only on loopback with --insecure-http).")

    @OptionGroup var store: CASStoreOptions

    @Option(help: "HOST:PORT to listen on.")
    var listen: String = "127.0.0.1:8443"

    @Option(name: .customLong("master-key-file"), help: "Unseal with this key file (default DATA_DIR/cas-master.key when present).")
    var masterKeyFile: String?

    @Option(name: .customLong("unseal-shares"), help: "Read recovery shares (one per line, up to the threshold) from FILE, /dev/fd/N, or - for standard input (prompted without echo on a terminal). Without key file or shares CAS starts sealed and takes shares on POST /v1/sys/unseal.")
    var unsealSharesFrom: String?

    @Option(name: .customLong("unseal-share"), help: .hidden)
    var unsealShareOnCommandLine: [String] = []

    @Flag(name: .customLong("insecure-http"), help: "Plain HTTP (development; loopback addresses only).")
    var insecureHTTP = false

    @Flag(name: .customLong("upgrade-store"), help: "Authenticate a store written before row authentication (once): policy chains are verified; you vouch for its trusted nodes and administrator key. Audited.")
    var upgradeStore = false

    @Option(name: .customLong("tls-host"), help: "Extra host names/IPs for the generated server certificate.")
    var tlsHosts: [String] = []

    @Option(name: .customLong("port-file"), help: "Write the bound port here once listening (useful with port 0).")
    var portFile: String?

    @Option(name: .customLong("maa-jwks"), help: "Accept Microsoft Azure Attestation tokens signed by this JWKS (JSON file).")
    var maaJWKS: String?

    @Option(name: .customLong("maa-issuer"), help: "Accepted MAA token issuer (repeatable; needed with --maa-jwks).")
    var maaIssuers: [String] = []

    func validate() throws {
        if !unsealShareOnCommandLine.isEmpty {
            throw ValidationError("--unseal-share put a recovery share in /proc/PID/cmdline, readable by every local user: use --unseal-shares - (standard input, or a prompt without echo), --unseal-shares FILE or --unseal-shares /dev/fd/N")
        }
    }

    func run() async throws {
        var logger = Logger(label: "strongroom.cas")
        logger.logLevel = .info
        let (host, port) = try CASServerConfiguration.parseListenAddress(listen)
        var maa: CASInstanceConfiguration.MAATrust?
        if let maaJWKS {
            guard let json = FileManager.default.contents(atPath: maaJWKS) else { throw CLIError("cannot read \(maaJWKS)") }
            if maaIssuers.isEmpty { throw ValidationError("--maa-jwks needs at least one --maa-issuer") }
            maa = .init(jwks: [UInt8](json), issuers: Set(maaIssuers))
        }
        var configuration = CASInstanceConfiguration(
            dataDirectory: store.dataDir, store: store.databaseURL.map { .postgres(url: $0) } ?? .sqlite,
            host: host, port: port, insecureHTTP: insecureHTTP, tlsHosts: tlsHosts, maa: maa,
            upgradeStore: upgradeStore)
        let keyFile = masterKeyFile ?? (FileManager.default.fileExists(atPath: store.defaultMasterKeyFile) ? store.defaultMasterKeyFile : nil)
        if let unsealSharesFrom {
            configuration.unseal = .shares(try ShareInput.read(from: unsealSharesFrom).map { try ShamirShare(text: $0) })
        } else if let keyFile {
            configuration.unseal = .masterKeyFile(keyFile)
        }
        let metrics = CASMetrics()
        metrics.bootstrapMetricsSystem()
        let instance = try await CASInstance.make(configuration, metrics: metrics, logger: logger)
        if instance.isSealed {
            StandardError.write("CAS is sealed: send recovery shares with `strongroom cas unseal`\n")
        }
        let portFile = self.portFile
        // run() handles SIGINT/SIGTERM with a graceful shutdown.
        try await instance.run { scheme, boundPort in
            StandardError.write("CAS listening on \(scheme)://\(host):\(boundPort)\n")
            if let portFile { try? Data("\(boundPort)\n".utf8).write(to: URL(fileURLWithPath: portFile), options: .atomic) }
        }
    }
}

struct CasTrustNodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trust-node",
        abstract: "Register a node agent's key (administrator only); policies still decide whether simulated evidence counts.")

    @OptionGroup var connection: CASConnectionOptions

    @Option(help: "The administrator identity file.")
    var identity: String

    @Option(help: "A name for the node.")
    var name: String

    @Option(name: .customLong("public-key"), help: "The node key (ed25519:…), from `strongroom agent public-key`.")
    var publicKey: String

    func run() async throws {
        let admin = try OwnerIdentity.read(from: identity)
        let registered = try await connection.client().using { client in
            try await client.registerNode(NodeRegistration(name: name, publicKey: publicKey), as: admin)
        }
        print("node \(registered.name) trusted, key id \(registered.nodeKeyID)")
    }
}

struct CasUnsealCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unseal",
        abstract: "Send one recovery share to a sealed CAS.")

    @OptionGroup var connection: CASConnectionOptions

    @Argument(help: .hidden)
    var share: String?

    func validate() throws {
        if share != nil {
            throw ValidationError("a share on the command line is readable by every local user (/proc/PID/cmdline): give it on standard input (a prompt without echo on a terminal)")
        }
    }

    func run() async throws {
        let text = try ShareInput.read(from: "-", limit: 1).first ?? ""
        let status = try await connection.client().using { try await $0.unseal(share: text) }
        print(status.sealed ? "sealed: \(status.sharesReceived) of \(status.threshold) shares received" : "unsealed")
    }
}

/// Recovery shares from a file, a file descriptor (/dev/fd/N) or standard input — never from the
/// command line. On a terminal each share is prompted for without echo.
enum ShareInput {
    static func read(from source: String, limit: Int = 255) throws -> [String] {
        if source == "-" && isatty(0) == 1 {
            var shares: [String] = []
            while shares.count < limit {
                let prompt = "recovery share \(shares.count + 1) (empty line to finish): "
                guard let pointer = getpass(prompt) else { break }
                let text = String(cString: pointer).trimmingCharacters(in: .whitespaces)
                memset(pointer, 0, strlen(pointer))
                if text.isEmpty { break }
                shares.append(text)
            }
            return shares
        }
        let data: Data?
        if source == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            // A file, or a descriptor (/dev/fd/N): pipes too, read to their end.
            data = FileHandle(forReadingAtPath: source)?.readDataToEndOfFile()
        }
        guard let data else { throw CLIError("cannot read recovery shares from \(source)") }
        let lines = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return Array(lines.prefix(limit))
    }
}
