import ArgumentParser
import CASClient
import CASCore
import CASStorage
import Foundation

/// Where a command finds the CAS store: SQLite inside the data directory (the embedded
/// default) or PostgreSQL.
struct CASStoreOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "CAS data directory (SQLite store, TLS files, master key file).")
    var dataDir: String

    @Option(help: "postgres://user@host:port/db — keep CAS state in PostgreSQL instead of SQLite (default $STRONGROOM_CAS_DATABASE).")
    var database: String?

    /// The URL from the environment keeps a password off the command line (Kubernetes passes it from a Secret).
    var databaseURL: String? { database ?? ProcessInfo.processInfo.environment["STRONGROOM_CAS_DATABASE"].flatMap { $0.isEmpty ? nil : $0 } }

    var sqlitePath: String { dataDir + "/cas.sqlite" }
    var defaultMasterKeyFile: String { dataDir + "/cas-master.key" }

    func createDataDirectory() throws {
        if mkdir(dataDir, 0o700) != 0 && errno != EEXIST { throw CLIError("cannot create data directory \(dataDir)") }
    }

    func openStore() async throws -> any CASStore {
        if let databaseURL { return try await PostgresCASStore(url: databaseURL) }
        return try SQLiteCASStore(path: sqlitePath)
    }
}

/// How a client command reaches CAS.
struct CASConnectionOptions: ParsableArguments {
    @Option(help: "CAS base URL, e.g. https://cas.example:8443 (plain http only on loopback).")
    var cas: String

    @Option(help: "The CAS CA certificate (PEM) to trust; default $STRONGROOM_CAS_CA.")
    var ca: String?

    func client() throws -> CASClient {
        try CASClient(baseURL: cas, caFile: ca ?? ProcessInfo.processInfo.environment["STRONGROOM_CAS_CA"])
    }
}
