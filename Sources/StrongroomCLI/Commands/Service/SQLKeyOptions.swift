import AlwaysEncrypted
import ArgumentParser
import CASClient
import EncryptedTables
import Foundation
import Policy
import Runtime

/// `--cmk-key NAME=KEY.pem`: an RSA column master key held in a local file — development only.
struct ColumnKeyFileOptions: ParsableArguments {
    @Option(name: .customLong("cmk-key"), help: "NAME=KEY.pem: the RSA private key of column master key NAME (development only; in production CAS holds the CMKs). Repeatable.")
    var cmkKeys: [String] = []

    func load() throws -> [String: ColumnMasterKey] {
        var keys: [String: ColumnMasterKey] = [:]
        for spec in cmkKeys {
            guard let equals = spec.firstIndex(of: "="), equals != spec.startIndex else {
                throw ValidationError("--cmk-key takes NAME=KEY.pem")
            }
            let path = String(spec[spec.index(after: equals)...])
            guard let pem = FileManager.default.contents(atPath: path) else { throw CLIError("cannot read --cmk-key file \(path)") }
            do {
                keys[String(spec[..<equals])] = try ColumnMasterKey(privateKeyPEM: String(decoding: pem, as: UTF8.self), keyPath: path)
            } catch {
                throw CLIError("--cmk-key \(path): \(error.message)")
            }
        }
        if !keys.isEmpty {
            StandardError.write("warning: --cmk-key reads a column master key from a local file: for development only\n")
        }
        return keys
    }
}

/// An owner working with CAS-held column master keys: `--cas URL [--ca CA.pem] --identity OWNER.json`.
/// CAS checks the owner's signature and the policy that declares the master key.
struct OwnerCASOptions: ParsableArguments {
    @Option(name: .customLong("cas"), help: "CAS base URL, for column master keys held by CAS (provider STRONGROOM_CAS).")
    var casURL: String?

    @Option(name: .customLong("ca"), help: "The CAS CA certificate, for https.")
    var caFile: String?

    @Option(help: "The owner's identity file (signs the wrap/unwrap requests to CAS).")
    var identity: String?

    @Option(help: "The policy declaring the CAS master key (default: the one policy of this owner that declares it).")
    var policy: String?

    func validate() throws {
        if (casURL == nil) != (identity == nil) { throw ValidationError("--cas and --identity go together") }
    }

    /// Runs `body` with the key sources (a CAS KMS client as this owner when --cas is given).
    func withKeySources<T: Sendable>(local: ColumnKeyFileOptions, _ body: (ColumnKeySources) async throws -> T) async throws -> T {
        let localKeys = try local.load()
        guard let casURL, let identity else {
            return try await body(ColumnKeySources(localMasterKeys: localKeys))
        }
        let owner: OwnerIdentity
        do { owner = try OwnerIdentity.read(from: identity) } catch { throw CLIError("cannot read identity \(identity): \(error)") }
        let client: CASClient
        do { client = try CASClient(baseURL: casURL, caFile: caFile) } catch { throw CLIError(error.detail) }
        do {
            let kms = CASKMSClient(client: client, credential: .owner(owner), policy: policy)
            let result = try await body(ColumnKeySources(kms: kms, localMasterKeys: localKeys))
            try? await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }
}
