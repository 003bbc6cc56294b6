import CASClient
import EncryptedTables
import Parquet
import Query
import Runtime
import Support

/// `strongroom query` as one library call: a session's tables, one SQL statement, and where the
/// result goes (back to the caller, a Parquet file, a database table). With development keys
/// (or none), or attested: the query's job hash goes into the evidence, every Parquet key is
/// fetched from CAS before the engine starts and the result's key-encryption key is wrapped
/// ahead, so the engine never waits on CAS.
public struct QueryJob: Sendable {
    public var sql: String
    /// Tables, threads, memory limit, local column master keys, progress hook; its key source is
    /// set by `run`.
    public var session: QuerySession
    public var output: Output
    /// Plan only: `.explained`.
    public var explain = false

    public enum Output: Sendable {
        /// The rows come back to the caller.
        case caller
        /// A Parquet file (written atomically; encrypted when a results key is known).
        case file(String)
        /// A database table, created or appended to in one transaction, these columns encrypted.
        case table(TableLocation, encrypt: [EncryptedColumnRequest])
    }

    public enum Outcome: Sendable {
        case explained(String)
        case result(QueryEngine.Result)
        case wroteFile(rows: Int, path: String, masterKey: String?)
        case wroteTable(rows: Int, location: TableLocation)
    }

    public init(sql: String, session: QuerySession, output: Output = .caller) {
        self.sql = sql
        self.session = session
        self.output = output
    }

    /// The job hash `run(attestation:client:)` attests with (policies pin it).
    public var manifest: JobManifest { JobManifest.query(sql: sql) }

    /// Development keys (KEYS.json) or none; a file result is encrypted under `outputKey`, a
    /// master key of `keys`.
    public func run(keys: KeysFile?, outputKey: String?) async throws -> Outcome {
        var session = self.session
        session.keys = keys.map { .keysFile($0) } ?? .none
        var encryption: ResultEncryption?
        if let outputKey, let keys {
            encryption = ResultEncryption(issuer: KeyMaterialProvider(keysFile: keys, doubleWrapping: true), masterKey: outputKey)
        }
        return try await execute(session, fileEncryption: encryption)
    }

    /// Attested through `client` (the session owns it and shuts it down): keys from CAS, a file
    /// result encrypted under the policy's `results.master_key`.
    public func run(attestation: RuntimeAttestation, client: CASClient) async throws -> Outcome {
        let attested = try await attestation.attest(client: client, jobHash: manifest.hash)
        do {
            let kms = attested.kmsClient()
            var session = self.session
            session.keys = .cas(kms)
            session.keys = .cas(kms, prefetched: await KeyPrefetch.unwrapKeys(for: session, through: kms))
            var encryption: ResultEncryption?
            if case .file = output {
                guard let resultsKey = attested.resultsMasterKey else {
                    throw SessionError(.noResultsKey, "service \(attested.service) of policy \(attested.policy) names no results.master_key, so a file result has no key to encrypt under")
                }
                let issuer = KeyMaterialProvider(kms: kms, doubleWrapping: true)
                try await issuer.prepareKeyEncryptionKey(for: resultsKey)
                encryption = ResultEncryption(issuer: issuer, masterKey: resultsKey)
            }
            let outcome = try await execute(session, fileEncryption: encryption)
            await attested.shutdown()
            return outcome
        } catch {
            await attested.shutdown()
            throw error
        }
    }

    private func execute(_ session: QuerySession, fileEncryption: ResultEncryption?) async throws -> Outcome {
        if explain { return .explained(try await session.explain(sql)) }
        let result = try await session.run(sql)
        switch output {
        case .caller:
            return .result(result)
        case .file(let path):
            let rows = try await Offload.run { try ResultFile.write(result, to: path, encryption: fileEncryption) }
            return .wroteFile(rows: rows, path: path, masterKey: fileEncryption?.masterKey)
        case .table(let location, let encrypt):
            return .wroteTable(rows: try await session.write(result, toTable: location, encrypt: encrypt), location: location)
        }
    }
}
