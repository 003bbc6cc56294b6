import Attestation
import CASClient
import CASCore
import CASServer
import Crypto
import Foundation
import Policy
import Testing

/// The CAS application over real TLS on loopback, driven by CASClient.
@Suite struct EndToEndTests {
    static let yaml = "name: taxi-analytics\nversion: 1\n"

    static func signedSubmission(_ yaml: String, by owner: OwnerIdentity) -> PolicySubmission {
        let hash = HexField.encode(Array(SHA256.hash(data: Array(yaml.utf8))))
        let signature = owner.sign(Array("strongroom-policy-v1\n\(hash)".utf8))
        return PolicySubmission(policy: yaml, signatures: [PolicySignature(keyID: owner.publicKey.keyID, signature: signature)])
    }

    /// challenge → evidence bound to nonce, runtime key and job hash → attest.
    struct Attested {
        var response: AttestResponse
        var credential: CASCredential
        var token: String { response.token }
        var config: HPKEEnvelope { response.config }
    }

    static func attest(
        _ client: CASClient, runtimeKey: P256.KeyAgreement.PrivateKey, bind: Bool = true
    ) async throws(CASClientError) -> Attested {
        let challenge = try await client.challenge()
        let signingKey = P256.Signing.PrivateKey()
        let publicKey = Array(runtimeKey.publicKey.x963Representation)
        let signingPublicKey = Array(signingKey.publicKey.x963Representation)
        let jobHash = Array(SHA256.hash(data: Array("SELECT 1".utf8)))
        var reportData = ReportDataBinding.reportData(nonce: challenge.nonce, runtimePublicKey: publicKey + signingPublicKey, jobHash: jobHash)
        if !bind { reportData[0] ^= 1 }
        let response = try await client.attest(
            AttestRequest(
                policy: "taxi-analytics", service: "query", nonce: challenge.nonce,
                evidence: Evidence(kind: .simulated, report: reportData), runtimePublicKey: publicKey,
                runtimeSigningKey: signingPublicKey, jobHash: jobHash))
        return Attested(response: response, credential: .workload(token: response.token, signingKey: signingKey))
    }

    @Test func attestThenUnwrapOverTLS() async throws {
        try await TestServer.with { server in
            try await withClient(server) { client in
                #expect(try await client.isReady())
                let applied = try await client.applyPolicy(Self.signedSubmission(Self.yaml, by: server.handlers.owner))
                #expect(applied.name == "taxi-analytics" && applied.version == 1)

                let runtimeKey = P256.KeyAgreement.PrivateKey()
                let attested = try await Self.attest(client, runtimeKey: runtimeKey)
                let config = try InMemoryCAS.open(attested.config, with: runtimeKey)
                #expect(String(decoding: config, as: UTF8.self).contains("attested"))

                let dataKey = (0..<16).map { UInt8($0) }
                let wrapped = try await client.wrap(
                    WrapRequest(masterKeyID: "trips-footer", key: dataKey), credential: attested.credential)
                let unwrapped = try await client.unwrap(
                    UnwrapRequest(masterKeyID: "trips-footer", wrappedKey: wrapped.wrappedKey),
                    credential: attested.credential)
                #expect(unwrapped.key == dataKey)
                // An owner may unwrap with a signature instead of a token.
                let byOwner = try await client.unwrap(
                    UnwrapRequest(masterKeyID: "trips-footer", wrappedKey: wrapped.wrappedKey),
                    credential: .owner(server.handlers.owner))
                #expect(byOwner.key == dataKey)
            }
        }
    }

    @Test func nonceIsSingleUse() async throws {
        try await TestServer.with { server in
            try await withClient(server) { client in
                _ = try await client.applyPolicy(Self.signedSubmission(Self.yaml, by: server.handlers.owner))
                let runtimeKey = P256.KeyAgreement.PrivateKey()
                let publicKey = Array(runtimeKey.publicKey.x963Representation)
                let signingPublicKey = Array(P256.Signing.PrivateKey().publicKey.x963Representation)
                let challenge = try await client.challenge()
                let request = AttestRequest(
                    policy: "taxi-analytics", service: "query", nonce: challenge.nonce,
                    evidence: Evidence(
                        kind: .simulated,
                        report: ReportDataBinding.reportData(
                            nonce: challenge.nonce, runtimePublicKey: publicKey + signingPublicKey, jobHash: ReportDataBinding.noJobHash)),
                    runtimePublicKey: publicKey, runtimeSigningKey: signingPublicKey)
                _ = try await client.attest(request)
                let error = await #expect(throws: CASClientError.self) { try await client.attest(request) }
                #expect(error?.code == .refused)
                #expect(error?.status == 403)
                #expect(error?.problemCode == "attestation-refused")
                #expect(error?.detail.contains("already used") == true)
            }
        }
    }

    @Test func reportDataNotBoundIsRefused() async throws {
        try await TestServer.with { server in
            try await withClient(server) { client in
                _ = try await client.applyPolicy(Self.signedSubmission(Self.yaml, by: server.handlers.owner))
                let error = await #expect(throws: CASClientError.self) {
                    try await Self.attest(client, runtimeKey: P256.KeyAgreement.PrivateKey(), bind: false)
                }
                #expect(error?.problemCode == "attestation-refused")
                #expect(error?.detail.contains("report data") == true)
                #expect(error?.status == 403)
            }
        }
    }

    @Test func forgedTokenAndMissingCredentialsAreRefused() async throws {
        try await TestServer.with { server in
            try await withClient(server) { client in
                let forged = await #expect(throws: CASClientError.self) {
                    try await client.wrap(WrapRequest(masterKeyID: "k", key: [1, 2]),
                                          credential: .workload(token: "Zm9yZ2Vk", signingKey: P256.Signing.PrivateKey()))
                }
                #expect(forged?.status == 401)
                #expect(forged?.problemCode == "unauthorized")
                // A signature by someone who is not the owner.
                let stranger = await #expect(throws: CASClientError.self) {
                    try await client.wrap(
                        WrapRequest(masterKeyID: "k", key: [1, 2]), credential: .owner(OwnerIdentity(name: "mallory")))
                }
                #expect(stranger?.status == 403)
            }
        }
    }

    @Test func signedOwnerEndpoints() async throws {
        try await TestServer.with { server in
            try await withClient(server) { client in
                let owner = server.handlers.owner
                _ = try await client.applyPolicy(Self.signedSubmission(Self.yaml, by: owner))
                let second = "name: taxi-analytics\nversion: 2\n"
                _ = try await client.applyPolicy(Self.signedSubmission(second, by: owner))

                let view = try await client.policy(named: "taxi-analytics", as: owner)
                #expect(view.version == 2 && view.policy == second)
                #expect(view.secrets.allSatisfy { $0.value == "<redacted>" })
                let versions = try await client.policyVersions(named: "taxi-analytics", as: owner)
                #expect(versions.map(\.version) == [1, 2])
                #expect(versions[1].previous == versions[0].hash)
                #expect(versions[0].signers == [owner.publicKey.keyID])

                let unsigned = await #expect(throws: CASClientError.self) {
                    try await client.applyPolicy(Self.signedSubmission(second, by: OwnerIdentity(name: "eve")))
                }
                #expect(unsigned?.status == 403)

                let missing = await #expect(throws: CASClientError.self) {
                    try await client.policy(named: "no-such-policy", as: owner)
                }
                #expect(missing?.status == 404)
                #expect(missing?.problemCode == "not-found")

                let page = try await client.audit(AuditQuery(from: 2, limit: 5, policy: "taxi-analytics"), as: owner)
                #expect(page.entries.map(\.type) == ["policy.applied"])
                #expect(page.entries.first?.seq == 2)
                #expect(page.entries.first?.details["seq_is"] == .integer(2))

                let node = OwnerIdentity(name: "node-1").publicKey
                let registered = try await client.registerNode(
                    NodeRegistration(name: "node-1", publicKey: node.text), as: server.handlers.admin)
                #expect(registered.nodeKeyID == HexField.encode(Array(SHA256.hash(data: node.raw))))
                let notAdmin = await #expect(throws: CASClientError.self) {
                    try await client.registerNode(NodeRegistration(name: "n", publicKey: node.text), as: owner)
                }
                #expect(notAdmin?.status == 403)

                try await client.storeSecret(
                    policy: "taxi-analytics", secret: "db_password", envelope: HPKEEnvelope(enc: [4], ciphertext: [1]),
                    as: owner)
                #expect(try await client.casPublicKey().publicKey.count == 65)
                #expect(try await client.jwks().keys.first?.alg == "ES256")
                #expect(try await client.sealStatus().sealed == false)
                let unseal = await #expect(throws: CASClientError.self) { try await client.unseal(share: "srs1-2-1-00") }
                #expect(unseal?.status == 409)
            }
        }
    }

    @Test func oneLogLinePerRequestWithoutSecrets() async throws {
        try await TestServer.with { server in
            let token = try await withClient(server) { client in
                _ = try await client.applyPolicy(Self.signedSubmission(Self.yaml, by: server.handlers.owner))
                let attested = try await Self.attest(client, runtimeKey: P256.KeyAgreement.PrivateKey())
                _ = try await client.wrap(
                    WrapRequest(masterKeyID: "m", key: Array(repeating: 0x5a, count: 32)), credential: attested.credential)
                _ = try await client.policy(named: "taxi-analytics", as: server.handlers.owner)
                return attested.token
            }
            let requests = server.logs.all.filter { $0.message == "request" }
            #expect(requests.count == 5)
            #expect(requests.map { $0.metadata["route"] } == [
                "/v1/policies", "/v1/attest/challenge", "/v1/attest", "/v1/kms/wrap", "/v1/policies/{name}",
            ])
            #expect(requests.allSatisfy { $0.metadata["status"] != nil && $0.metadata["duration_ms"] != nil })
            let everything = server.logs.all.map(\.line).joined(separator: "\n")
            #expect(!everything.contains(token))
            #expect(!everything.contains("SR-Sig"))
            #expect(!everything.contains(Data(repeating: 0x5a, count: 32).base64EncodedString()))
        }
    }

    @Test func plainHTTPOnLoopback() async throws {
        try await TestServer.with(tls: false) { server in
            try await withClient(server) { client in
                #expect(server.baseURL.hasPrefix("http://"))
                let challenge = try await client.challenge()
                #expect(challenge.nonce.count == 32)
            }
        }
    }
}
