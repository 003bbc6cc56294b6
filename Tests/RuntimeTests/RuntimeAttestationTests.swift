import CASClient
import Attestation
import CASCore
import Foundation
import Parquet
import StrongroomCrypto
import Testing

@testable import Runtime

/// Attestation and CAS-backed key management against a real CAS and node agent (see CASFixture).
@Suite struct RuntimeAttestationTests {
    @Test func attestationSucceedsAndTheConfigurationDecrypts() async throws {
        try await CASFixture.with { cas in
            try await cas.applyPolicy()
            let session = try await cas.attestation(service: "self").attest(client: try cas.client(), jobHash: JobManifest.query(sql: "SELECT 1").hash)
            #expect(session.configuration.environment["GREETING"] == "hello")
            let token = session.configuration.environment["TOKEN"] ?? ""
            #expect(!token.isEmpty && !token.contains("{{"))
            #expect(session.configuration.files["conf/app.conf"].map { String(decoding: $0, as: UTF8.self) } == "token=\(token)\n")
            #expect(session.configuration.unwrap == ["data"])
            // The description never carries the token.
            #expect(!session.description.contains("ey"))
            await session.shutdown()
        }
    }

    @Test func wrongMeasurementIsRefusedWithTheReason() async throws {
        try await CASFixture.with { cas in
            try await cas.applyPolicy()
            let error = await #expect(throws: RuntimeError.self) {
                try await cas.attestation(service: "wrong").attest(client: try cas.client(), jobHash: ReportDataBinding.noJobHash)
            }
            #expect(error?.code == .attestationRefused)
            #expect(error?.isRefusal == true)
            let message = error?.message ?? ""
            #expect(message.hasPrefix("CAS refused attestation:"), "\(message)")
            #expect(message.contains("measurement \(CASFixture.selfMeasurement)"), "\(message)")
            #expect(message.contains("services[wrong]"), "\(message)")
        }
    }

    @Test func missingAgentSaysSo() async throws {
        try await CASFixture.with { cas in
            try await cas.applyPolicy()
            let attestation = RuntimeAttestation(
                policy: CASFixture.policyName, service: "self", evidenceSource: .agent(socketPath: cas.directory + "/none.sock"))
            let error = await #expect(throws: RuntimeError.self) {
                try await attestation.attest(client: try cas.client(), jobHash: ReportDataBinding.noJobHash)
            }
            #expect(error?.code == .evidence)
            #expect(error?.message.contains("none.sock") == true)
        }
    }

    @Test func kmsClientWrapsAndUnwrapsThroughCASAndRefusesOtherMasterKeys() async throws {
        try await CASFixture.with { cas in
            try await cas.applyPolicy()
            let session = try await cas.attestation(service: "self").attest(client: try cas.client(), jobHash: ReportDataBinding.noJobHash)
            let kms = session.kmsClient()
            let dataKey = try SecretKey.random(bitCount: 128)
            let wrapped = try await kms.wrap(dataKey, masterKeyID: "data")
            // The synchronous call never waits on CAS: before the key was fetched it is refused.
            let early = #expect(throws: RuntimeError.self) { try kms.unwrapKey(wrapped, masterKeyID: "data") }
            #expect(early?.message.contains("fetched before the work starts") == true)
            let first = try await kms.unwrap(wrapped, masterKeyID: "data")
            let second = try kms.unwrapKey(wrapped, masterKeyID: "data")  // now from the cache
            let same = first.withUnsafeBytes { a in dataKey.withUnsafeBytes { b in Array(a) == Array(b) } }
                && second.withUnsafeBytes { a in dataKey.withUnsafeBytes { b in Array(a) == Array(b) } }
            var refusal = ""
            do {
                _ = try await kms.unwrap(wrapped, masterKeyID: "other")
            } catch let error as RuntimeError {
                refusal = error.message
            }
            let outcome = (same, kms.unwrapRoundTrips, refusal)
            await session.shutdown()
            #expect(outcome.0)
            #expect(outcome.1 == 1, "one CAS unwrap for a key unwrapped twice")
            #expect(outcome.2.hasPrefix("CAS refused to unwrap a key with master key other:"), "\(outcome.2)")
            #expect(outcome.2.contains("may not unwrap"), "\(outcome.2)")
        }
    }

    @Test func keyMaterialWrittenThroughCASReadsBackThroughCAS() async throws {
        try await CASFixture.with { cas in
            try await cas.applyPolicy()
            let session = try await cas.attestation(service: "self").attest(client: try cas.client(), jobHash: ReportDataBinding.noJobHash)
            let kms = session.kmsClient()
            let provider = KeyMaterialProvider(kms: kms, doubleWrapping: true)
            try await provider.prepareKeyEncryptionKey(for: "data")
            let issued = try provider.issueKey(keyID: "data", column: nil)
            // A fresh client (another process would have one) fetches the KEK through CAS, and
            // the key material then opens with no further KMS call.
            let fresh = session.kmsClient()
            guard case .internalMaterial(let material) = try KeyMetadata(bytes: issued.keyMetadata), let wrappedKEK = material.wrappedKEK else {
                Issue.record("double-wrapped key material expected")
                return
            }
            _ = try await fresh.unwrap(wrappedKEK, masterKeyID: "data")
            let key = try KeyMaterialProvider(kms: fresh).key(for: issued.keyMetadata, column: nil)
            let same = key.withUnsafeBytes { a in issued.key.withUnsafeBytes { b in Array(a) == Array(b) } }
            await session.shutdown()
            #expect(same)
        }
    }
}
