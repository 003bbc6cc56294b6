import ArgumentParser
import CASClient
import CASCore
import Foundation
import Parquet
import Policy
import Runtime
import Session

struct DataCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Encrypt data for attested workloads, with keys held by CAS.",
        subcommands: [DataEncryptCommand.self])
}

struct DataEncryptCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encrypt",
        abstract: "Encrypt a Parquet file or data set with data keys wrapped by CAS master keys (PME, parquet-java key material).",
        discussion: """
        Every file gets fresh data keys; each is wrapped (double wrapping, as parquet-java does) under a \
        master key that never leaves CAS: the wrap requests are signed with the owner identity. The key \
        material is stored inside the files (PKMT1), so Spark and pyarrow read them with a CAS-backed KMS \
        client and `strongroom query --cas` reads them in an attested workload. Without --column-key every \
        column is encrypted with the footer's master key.
        """)

    @Argument(help: "Input Parquet file or data set directory (plaintext).")
    var input: String

    @Argument(help: "Output file or directory (each file written atomically: complete or absent).")
    var output: String

    @Option(name: .customLong("cas"), help: "CAS base URL (https://HOST:PORT; http only on loopback).")
    var casURL: String

    @Option(name: .customLong("ca"), help: "The CAS CA certificate, for https.")
    var caFile: String?

    @Option(help: "The policy that owns the master keys.")
    var policy: String

    @Option(name: .customLong("master-key"), help: "Master key id for the footer (and every column without --column-key).")
    var masterKey: String

    @Option(help: "The owner's identity file (signs the wrap requests).")
    var identity: String

    @Option(name: .customLong("column-key"), help: "ID:col1,col2 — encrypt these columns under master key ID (repeatable).")
    var columnKeys: [String] = []

    @Option(help: "AES_GCM_V1 or AES_GCM_CTR_V1.")
    var algorithm: AlgorithmOption = .gcm

    func run() async throws {
        let owner: OwnerIdentity
        do {
            owner = try OwnerIdentity.read(from: identity)
        } catch {
            throw CLIError("cannot read identity \(identity): \(error)")
        }
        let columnKeyIDs = try columnKeys.map(ParquetEncryptionConfig.parseColumnKeyOption)
        let client: CASClient
        do {
            client = try CASClient(baseURL: casURL, caFile: caFile)
        } catch {
            throw CLIError(error.detail)
        }
        do {
            try await checkMasterKeys([masterKey] + columnKeyIDs.map(\.keyID), client: client, owner: owner)
            let kms = CASKMSClient(client: client, credential: .owner(owner), policy: policy)
            let progress = RewriteProgress("encrypt")
            defer { progress.finish() }
            try await DatasetRewrite.encrypt(
                input: input, output: output, kms: kms, footerKey: masterKey, columnKeys: columnKeyIDs,
                algorithm: algorithm.algorithm, progress: progress.update)
            try await client.shutdown()
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// Fails early, before any file is written, when the policy does not name a master key
    /// (CAS would refuse the wrap anyway; this says which policy to fix).
    private func checkMasterKeys(_ ids: [String], client: CASClient, owner: OwnerIdentity) async throws {
        let view: PolicyView
        do {
            view = try await client.policy(named: policy, as: owner)
        } catch {
            throw CLIError(error.code == .refused ? "CAS refused to show policy \(policy): \(error.detail)" : error.description)
        }
        let document: PolicyDocument
        do {
            document = try PolicyVersion(yaml: view.policy).document
        } catch {
            throw CLIError("policy \(policy) from CAS does not parse: \(error.message)")
        }
        for id in Set(ids) where !document.masterKeys.contains(id) {
            throw CLIError("policy \(policy) has no master key \(id) (master_keys: \(document.masterKeys.joined(separator: ", ")))")
        }
    }
}
