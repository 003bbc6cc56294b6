import Support
import Attestation
import CASCore
import CASStorage
import Crypto
import Foundation
import Policy
import StrongroomCrypto
import Testing

/// CASService's decisions end to end on both real stores: policy versions and approvals,
/// attestation with the simulated TEE, secrets in the config envelope, KMS, and the audit
/// chain — every refusal with its reason, an audit entry and nothing released.
@Suite struct CASServiceFlowTests {
    /// One CAS with an owner, a trusted node and a policy pinning `measurement`.
    struct World {
        let service: CASService
        var owner = OwnerIdentity(name: "alice")
        var secondOwner = OwnerIdentity(name: "bob")
        let admin: OwnerIdentity
        var nodeKey = NodeKey()
        let measurement = String(repeating: "ab", count: 48)
        let now = Date(timeIntervalSince1970: 1_790_000_000)

        func policy(version: Int = 1, previous: String? = nil, measurement: String? = nil, allowSimulation: Bool = true,
                    approvals: Int = 1, jobHash: String? = nil) -> String {
            """
            name: taxi
            version: \(version)
            \(previous.map { "previous: \"\($0)\"" } ?? "")
            owners:
              - {name: alice, public_key: "\(owner.publicKey.text)"}
              - {name: bob, public_key: "\(secondOwner.publicKey.text)"}
            approvals_required: \(approvals)
            master_keys:
              - id: trips
              - id: results
            services:
              - name: query
                attestation:
                  - kind: simulated
                    measurements: ["\(measurement ?? self.measurement)"]
                allow_simulation: \(allowSimulation)
                \(jobHash.map { "job_hash: \"\($0)\"" } ?? "")
                environment: {DB_PASSWORD: "{{secret:db}}", MODE: batch}
                files: {"conf/app.conf": "password={{secret:db}}\\n"}
                unwrap: [trips]
                wrap: [results]
            secrets:
              - {name: db, kind: random, size: 24}
              - {name: tls, kind: x509, common_name: query.taxi}
            """
        }

        func submit(_ yaml: String, signers: [OwnerIdentity]) throws -> SignedPolicySubmission {
            SignedPolicySubmission(version: try PolicyVersion(yaml: yaml), signedBy: signers)
        }

        func signed(_ method: String, _ path: String, body: [UInt8] = [], by identity: OwnerIdentity) -> RequestCredentials {
            let signature = RequestSignature.sign(method: method, pathWithQuery: path, body: body, identity: identity, now: now)
            return RequestCredentials(authorization: .signature(signature), method: method, pathWithQuery: path, body: body)
        }

        /// Evidence from the node for `reportData`, as the agent would sign it.
        func evidence(reportData: [UInt8], measurement: String? = nil, debug: Bool = false) throws -> Evidence {
            let report = SimulatedReport(
                measurement: LowercaseHex.decode(measurement ?? self.measurement) ?? [], reportData: reportData,
                issuedAt: UInt64(now.timeIntervalSince1970), pid: 42, debug: debug)
            return Evidence(kind: .simulated, report: try nodeKey.sign(report).encoded())
        }

        struct Attempt {
            var request: CASService.AttestationRequest
            var runtimeKey: P256.KeyAgreement.PrivateKey
            var signingKey: P256.Signing.PrivateKey
        }

        /// A well-formed attestation request; `tamper` changes it before it is sent.
        func attempt(measurement: String? = nil, jobHash: [UInt8] = ReportDataBinding.noJobHash, debug: Bool = false,
                     policy: String = "taxi", service: String = "query", grant: String? = nil) async throws -> Attempt {
            let runtimeKey = P256.KeyAgreement.PrivateKey()
            let signingKey = P256.Signing.PrivateKey()
            let publicKey = [UInt8](runtimeKey.publicKey.x963Representation)
            let signingPublicKey = [UInt8](signingKey.publicKey.x963Representation)
            let (nonce, _) = try await self.service.challenge(now: now)
            let reportData = ReportDataBinding.reportData(nonce: nonce, runtimePublicKey: publicKey + signingPublicKey, jobHash: jobHash)
            let request = CASService.AttestationRequest(
                policy: policy, service: service, nonce: nonce,
                evidence: try evidence(reportData: reportData, measurement: measurement, debug: debug),
                runtimePublicKey: publicKey, runtimeSigningKey: signingPublicKey, jobHash: jobHash, grant: grant)
            return Attempt(request: request, runtimeKey: runtimeKey, signingKey: signingKey)
        }

        /// A workload request with its token, signed by the runtime key (a fresh rid each time).
        func proof(_ token: String, _ key: P256.Signing.PrivateKey, _ method: String = "POST", _ path: String = "/v1/kms/unwrap",
                   body: [UInt8] = [], at: Date? = nil) throws -> RequestCredentials {
            let proof = try ProofOfPossession.sign(method: method, pathWithQuery: path, body: body, token: token, key: key, now: at ?? now)
            return RequestCredentials(authorization: .proof(proof), method: method, pathWithQuery: path, body: body)
        }
    }

    static func withWorld(_ kind: StoreKind, _ body: (World, any CASStore) async throws -> Void) async throws {
        try await withFreshStore(kind) { store, _ in
            let admin = OwnerIdentity(name: "admin")
            let keyring = try await CASKeyring.initialize(store, masterKey: CASMasterKey.generate(), administrator: admin.publicKey)
            let world = World(service: CASService(store: store, keyring: keyring), admin: admin)
            _ = try await world.service.trustNode(
                name: "node1", publicKey: world.nodeKey.publicKey.text,
                requester: world.signed("POST", "/v1/nodes", by: admin), now: world.now)
            try await body(world, store)
        }
    }

    /// The refusals the audit chain recorded, in order.
    static func auditTypes(_ store: any CASStore) async throws -> [(type: String, reason: String?)] {
        try await store.auditEntries(from: 1, limit: 1000).map { record in
            let object = try JSONSerialization.jsonObject(with: Data(record.entryJSON.utf8)) as? [String: Any] ?? [:]
            return (object["type"] as? String ?? "", object["reason"] as? String)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func attestedWorkloadGetsItsConfigurationAndKeys(kind: StoreKind) async throws {
        try await Self.withWorld(kind) { world, store in
            let applied = try await world.service.applyPolicy(try world.submit(world.policy(), signers: [world.owner]), now: world.now)
            #expect(applied.version == 1)

            let attempt = try await world.attempt()
            let result = try await world.service.attest(attempt.request, now: world.now)
            let configuration = try result.config.openConfiguration(with: attempt.runtimeKey)
            let password = try #require(configuration.environment["DB_PASSWORD"])
            #expect(password.count == 32)  // 24 random bytes, base64
            #expect(configuration.environment["MODE"] == "batch")
            #expect(configuration.files["conf/app.conf"] == Array("password=\(password)\n".utf8))
            #expect(configuration.unwrap == ["trips"])
            #expect(result.claims.measurement == world.measurement)
            #expect(result.claims.exp - result.claims.iat <= 3600)

            // KMS: the owner wraps a data key for "trips"; the workload unwraps it with its token.
            let dataKey = try SecretKey(bytes: SecureRandom.bytes(count: 16))
            let wrapped = try await world.service.wrap(
                masterKeyID: "trips", key: dataKey, policy: "taxi", requester: world.signed("POST", "/v1/kms/wrap", by: world.owner), now: world.now)
            let unwrapped = try await world.service.unwrap(masterKeyID: "trips", wrappedKey: wrapped, policy: nil,
                                                           requester: try world.proof(result.token, attempt.signingKey), now: world.now)
            #expect(unwrapped.withUnsafeBytes { Array($0) } == dataKey.withUnsafeBytes { Array($0) })

            // The workload may wrap under "results" (writing output) but not unwrap it.
            _ = try await world.service.wrap(masterKeyID: "results", key: dataKey, policy: nil,
                                             requester: try world.proof(result.token, attempt.signingKey, "POST", "/v1/kms/wrap"), now: world.now)
            let proof = try world.proof(result.token, attempt.signingKey)
            let refused = await #expect(throws: CASError.self) {
                _ = try await world.service.unwrap(masterKeyID: "results", wrappedKey: wrapped, policy: nil, requester: proof, now: world.now)
            }
            #expect(refused?.code == .forbidden)
            #expect(refused?.message.contains("may not unwrap with master key results") == true)

            let types = try await Self.auditTypes(store).map(\.type)
            #expect(types == ["node.trusted", "policy.applied", "attest.allowed", "secret.released", "kms.wrap", "kms.unwrap", "kms.wrap", "kms.refused"])
        }
    }

    /// Owners of the key's policy unwrap with a signed request (issue 6: `sql read --decrypt`,
    /// `sql encrypt-table`); an auditor only for a master key whose results name them; anyone else is refused.
    @Test(arguments: StoreKind.allCases)
    func ownersAndResultRecipientsUnwrapWithSignatures(kind: StoreKind) async throws {
        try await Self.withWorld(kind) { world, store in
            let auditor = OwnerIdentity(name: "carol")
            let stranger = OwnerIdentity(name: "mallory")
            let yaml = world.policy()
                .replacingOccurrences(of: "approvals_required: 1", with: "approvals_required: 1\nauditors:\n  - {name: carol, public_key: \"\(auditor.publicKey.text)\"}")
                .replacingOccurrences(of: "    wrap: [results]", with: "    wrap: [results]\n    results: {master_key: results, recipients: [carol]}")
            _ = try await world.service.applyPolicy(try world.submit(yaml, signers: [world.owner]), now: world.now)
            let dataKey = try SecretKey(bytes: SecureRandom.bytes(count: 32))
            // Alice and bob own the policy together: each unwraps only the data keys it wrapped itself.
            func wrap(_ id: String, by identity: OwnerIdentity) async throws -> String {
                try await world.service.wrap(masterKeyID: id, key: dataKey, policy: "taxi",
                                             requester: world.signed("POST", "/v1/kms/wrap", by: identity), now: world.now)
            }
            func unwrap(_ id: String, _ wrapped: String, by identity: OwnerIdentity, policy: String? = "taxi") async throws -> SecretKey {
                try await world.service.unwrap(masterKeyID: id, wrappedKey: wrapped, policy: policy,
                                               requester: world.signed("POST", "/v1/kms/unwrap", by: identity), now: world.now)
            }
            let alices = try await wrap("trips", by: world.owner)
            #expect(try await unwrap("trips", alices, by: world.owner).hasSameBytes(as: dataKey))
            // Without naming the policy, CAS finds the one policy of this signer declaring the key.
            #expect(try await unwrap("trips", alices, by: world.owner, policy: nil).hasSameBytes(as: dataKey))
            let bobs = try await wrap("trips", by: world.secondOwner)
            #expect(try await unwrap("trips", bobs, by: world.secondOwner).hasSameBytes(as: dataKey))
            let contributedByAnother = await #expect(throws: CASError.self) { _ = try await unwrap("trips", alices, by: world.secondOwner) }
            #expect(contributedByAnother?.code == .forbidden)
            #expect(contributedByAnother?.message.contains("contributed by another owner") == true)

            // Results: an attested service wraps; its recipient (carol) unwraps that, not an owner's key.
            let attempt = try await world.attempt()
            let result = try await world.service.attest(attempt.request, now: world.now)
            let serviceWrapped = try await world.service.wrap(
                masterKeyID: "results", key: dataKey, policy: nil,
                requester: try world.proof(result.token, attempt.signingKey, "POST", "/v1/kms/wrap"), now: world.now)
            #expect(try await unwrap("results", serviceWrapped, by: auditor).hasSameBytes(as: dataKey))
            let ownerWrappedResults = try await wrap("results", by: world.owner)
            for (id, wrapped, identity) in [("results", ownerWrappedResults, auditor), ("trips", alices, auditor), ("trips", alices, stranger),
                                            ("results", serviceWrapped, stranger), ("trips", alices, world.admin)] {
                let refused = await #expect(throws: CASError.self) { _ = try await unwrap(id, wrapped, by: identity) }
                #expect(refused?.code == .forbidden, "\(identity.name) unwrapping \(id)")
            }
            let entries = try await Self.auditTypes(store)
            #expect(entries.filter { $0.type == "kms.unwrap" }.count == 4)
            #expect(entries.filter { $0.type == "kms.refused" }.count == 6)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func everyAttestationRefusalIsAuditedAndReleasesNothing(kind: StoreKind) async throws {
        try await Self.withWorld(kind) { world, store in
            _ = try await world.service.applyPolicy(try world.submit(world.policy(), signers: [world.owner]), now: world.now)
            func refusal(_ request: CASService.AttestationRequest, now: Date? = nil) async -> String? {
                do {
                    _ = try await world.service.attest(request, now: now ?? world.now)
                    return nil
                } catch let error as CASError {
                    #expect(error.code == .attestationRefused)
                    return error.message
                } catch {
                    return "\(error)"
                }
            }
            // Measurement not in the policy.
            let wrongMeasurement = try await world.attempt(measurement: String(repeating: "cd", count: 48))
            #expect(await refusal(wrongMeasurement.request)?.contains("measurement cdcd") == true)
            // Nonce reused.
            let good = try await world.attempt()
            _ = try await world.service.attest(good.request, now: world.now)
            #expect(await refusal(good.request) == "nonce unknown, already used or expired")
            // Nonce expired (61 s later).
            let late = try await world.attempt()
            #expect(await refusal(late.request, now: world.now.addingTimeInterval(61)) == "nonce unknown, already used or expired")
            // Report data bound to another runtime key, or another signing key.
            var swapped = try await world.attempt()
            swapped.request.runtimePublicKey = [UInt8](P256.KeyAgreement.PrivateKey().publicKey.x963Representation)
            #expect(await refusal(swapped.request)?.contains("report data does not bind") == true)
            var swappedSigner = try await world.attempt()
            swappedSigner.request.runtimeSigningKey = [UInt8](P256.Signing.PrivateKey().publicKey.x963Representation)
            #expect(await refusal(swappedSigner.request)?.contains("report data does not bind") == true)
            // A grant offered for a service that is no helper.
            let withGrant = try await world.attempt(grant: "srg1.\(String(repeating: "ab", count: 16)).\(Base64URL.encode(Array(repeating: UInt8(1), count: 32)))")
            #expect(await refusal(withGrant.request)?.contains("not a helper") == true)
            // Malformed evidence.
            var garbage = try await world.attempt()
            garbage.request.evidence = Evidence(kind: .simulated, report: [1, 2, 3])
            #expect(await refusal(garbage.request)?.hasPrefix("evidence: malformed_evidence") == true)
            // Evidence signed by an untrusted node.
            var foreign = try await world.attempt()
            let rogue = NodeKey()
            let report = try SimulatedReport.parse(foreign.request.evidence.report)
            foreign.request.evidence = Evidence(kind: .simulated, report: try rogue.sign(report).encoded())
            #expect(await refusal(foreign.request)?.contains("untrusted_signer") == true)
            // Debug TEE not allowed.
            let debug = try await world.attempt(debug: true)
            #expect(await refusal(debug.request)?.contains("debug") == true)
            // Unknown service.
            var unknownService = try await world.attempt()
            unknownService.request.service = "admin"
            #expect(await refusal(unknownService.request) == "policy taxi has no service admin")

            let entries = try await Self.auditTypes(store)
            let refusals = entries.filter { $0.type == "attest.refused" }
            #expect(refusals.count == 10)
            #expect(refusals.allSatisfy { $0.reason?.isEmpty == false })
            // Exactly one attestation released anything.
            #expect(entries.filter { $0.type == "secret.released" }.count == 1)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func simulationMustBeAllowedAndJobHashPinned(kind: StoreKind) async throws {
        try await Self.withWorld(kind) { world, _ in
            let job = Array(SHA256.hash(data: Array("SELECT 1".utf8)))  // any 32 bytes stand for a job here
            let v1 = try world.submit(world.policy(allowSimulation: false), signers: [world.owner])
            _ = try await world.service.applyPolicy(v1, now: world.now)
            let plain = try await world.attempt()
            await #expect(throws: CASError(.attestationRefused, "")) { _ = try await world.service.attest(plain.request, now: world.now) }

            let v2 = try world.submit(
                world.policy(version: 2, previous: try PolicyVersion(yaml: v1.policy).hash, jobHash: Hex.encode(job)), signers: [world.owner])
            _ = try await world.service.applyPolicy(v2, now: world.now)
            let otherJob = try await world.attempt(jobHash: Array(SHA256.hash(data: Array("SELECT 2".utf8))))
            do {
                _ = try await world.service.attest(otherJob.request, now: world.now)
                Issue.record("a different job must be refused")
            } catch let error as CASError {
                #expect(error.message.contains("job hash"))
            }
            let pinnedJob = try await world.attempt(jobHash: job)
            _ = try await world.service.attest(pinnedJob.request, now: world.now)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func policyUpdatesNeedTheCurrentOwnersApprovals(kind: StoreKind) async throws {
        try await Self.withWorld(kind) { world, store in
            let v1 = try world.submit(world.policy(approvals: 2), signers: [world.owner, world.secondOwner])
            _ = try await world.service.applyPolicy(v1, now: world.now)
            let previous = try PolicyVersion(yaml: v1.policy).hash
            let v2Text = world.policy(version: 2, previous: previous, approvals: 2)
            await #expect(throws: CASError(.forbidden, "")) {
                _ = try await world.service.applyPolicy(try world.submit(v2Text, signers: [world.owner]), now: world.now)
            }
            await #expect(throws: CASError(.conflict, "")) {
                _ = try await world.service.applyPolicy(try world.submit(world.policy(version: 3, previous: previous, approvals: 2),
                                                                         signers: [world.owner, world.secondOwner]), now: world.now)
            }
            let applied = try await world.service.applyPolicy(try world.submit(v2Text, signers: [world.owner, world.secondOwner]), now: world.now)
            #expect(applied.version == 2)
            // Only owners read the policy; the view never holds a secret value.
            let view = try await world.service.policy("taxi", requester: world.signed("GET", "/v1/policies/taxi", by: world.owner), now: world.now)
            #expect(view.secrets.map(\.name) == ["db", "tls"])
            await #expect(throws: CASError(.forbidden, "")) {
                _ = try await world.service.policy("taxi", requester: world.signed("GET", "/v1/policies/taxi", by: world.admin), now: world.now)
            }
            let types = try await Self.auditTypes(store).map(\.type)
            #expect(types.filter { $0 == "policy.refused" }.count == 2)
            #expect(types.filter { $0 == "policy.applied" }.count == 2)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func tokensAreCheckedForEveryKeyOperation(kind: StoreKind) async throws {
        try await Self.withWorld(kind) { world, _ in
            _ = try await world.service.applyPolicy(try world.submit(world.policy(), signers: [world.owner]), now: world.now)
            let attempt = try await world.attempt()
            let result = try await world.service.attest(attempt.request, now: world.now)
            let key = try SecretKey(bytes: SecureRandom.bytes(count: 16))
            let wrapped = try await world.service.wrap(
                masterKeyID: "trips", key: key, policy: "taxi", requester: world.signed("POST", "/v1/kms/wrap", by: world.owner), now: world.now)
            func unwrap(_ requester: RequestCredentials, id: String = "trips", policy: String? = nil, at: Date? = nil) async -> CASError? {
                do {
                    _ = try await world.service.unwrap(masterKeyID: id, wrappedKey: wrapped, policy: policy, requester: requester, now: at ?? world.now)
                    return nil
                } catch { return error as? CASError }
            }
            #expect(await unwrap(try world.proof(result.token, attempt.signingKey)) == nil)
            let later = world.now.addingTimeInterval(3700)
            #expect(await unwrap(try world.proof(result.token, attempt.signingKey, at: later), at: later)?.code == .invalidToken)
            var forged = result.token
            forged.removeLast(4)
            forged += "AAAA"
            #expect(await unwrap(try world.proof(forged, attempt.signingKey))?.code == .invalidToken)
            #expect(await unwrap(try world.proof(result.token, attempt.signingKey), id: "nope")?.code == .forbidden)
            // The token alone, or proven with another key, is worth nothing.
            #expect(await unwrap(RequestCredentials(authorization: .bearer(result.token), method: "POST", pathWithQuery: "/v1/kms/unwrap", body: []))?.code == .unauthorized)
            #expect(await unwrap(try world.proof(result.token, P256.Signing.PrivateKey()))?.code == .invalidSignature)
            // A proof for another request (path) does not verify; the same proof twice is a replay.
            let proof = try world.proof(result.token, attempt.signingKey)
            #expect(await unwrap(RequestCredentials(authorization: proof.authorization, method: "POST", pathWithQuery: "/v1/kms/wrap", body: []))?.code == .invalidSignature)
            #expect(await unwrap(proof) == nil)
            #expect(await unwrap(proof)?.code == .replayedRequest)
            // The token names its policy: it cannot reach another policy's keys.
            #expect(await unwrap(try world.proof(result.token, attempt.signingKey), policy: "other")?.code == .forbidden)
            // A non-owner cannot wrap by signature.
            let stranger = OwnerIdentity(name: "mallory")
            await #expect(throws: CASError(.forbidden, "")) {
                _ = try await world.service.wrap(masterKeyID: "trips", key: key, policy: "taxi",
                                                 requester: world.signed("POST", "/v1/kms/wrap", by: stranger), now: world.now)
            }
            // An owner's signed request is accepted once.
            let signed = world.signed("POST", "/v1/kms/unwrap", by: world.owner)
            #expect(await unwrap(signed, policy: "taxi") == nil)
            #expect(await unwrap(signed, policy: "taxi")?.code == .replayedRequest)
        }
    }

    /// A new version that drops the token's measurement, and an owner's revocation, end the token at once.
    @Test(arguments: StoreKind.allCases)
    func tokensAreRevokedByNewVersionsAndByOwners(kind: StoreKind) async throws {
        try await Self.withWorld(kind) { world, store in
            let v1 = try world.submit(world.policy(), signers: [world.owner])
            _ = try await world.service.applyPolicy(v1, now: world.now)
            let key = try SecretKey(bytes: SecureRandom.bytes(count: 16))
            let wrapped = try await world.service.wrap(
                masterKeyID: "trips", key: key, policy: "taxi", requester: world.signed("POST", "/v1/kms/wrap", by: world.owner), now: world.now)
            func attested() async throws -> (String, P256.Signing.PrivateKey, String) {
                let attempt = try await world.attempt()
                let result = try await world.service.attest(attempt.request, now: world.now)
                return (result.token, attempt.signingKey, result.claims.jti)
            }
            func unwrap(_ token: (String, P256.Signing.PrivateKey, String)) async -> CASError? {
                do {
                    _ = try await world.service.unwrap(masterKeyID: "trips", wrappedKey: wrapped, policy: nil,
                                                       requester: try world.proof(token.0, token.1), now: world.now)
                    return nil
                } catch { return error as? CASError }
            }
            let first = try await attested(), second = try await attested()
            #expect(await unwrap(first) == nil)
            // One token revoked by id; the other keeps working.
            _ = try await world.service.revokeTokens(policy: "taxi", tokenID: first.2,
                                                     requester: world.signed("POST", "/v1/policies/taxi/tokens/revoke", by: world.secondOwner), now: world.now)
            #expect(await unwrap(first)?.code == .revokedToken)
            #expect(await unwrap(second) == nil)
            // A stranger cannot revoke.
            await #expect(throws: CASError(.forbidden, "")) {
                _ = try await world.service.revokeTokens(policy: "taxi", tokenID: nil,
                                                         requester: world.signed("POST", "/v1/policies/taxi/tokens/revoke", by: world.admin), now: world.now)
            }
            // Version 2 keeps the measurement (another secret): the token lives on.
            let v2Text = world.policy(version: 2, previous: try PolicyVersion(yaml: v1.policy).hash)
                .replacingOccurrences(of: "size: 24", with: "size: 16")
            _ = try await world.service.applyPolicy(try world.submit(v2Text, signers: [world.owner]), now: world.now)
            #expect(await unwrap(second) == nil)
            // Version 3 drops the measurement: every token issued for it ends now.
            let v3Text = world.policy(version: 3, previous: try PolicyVersion(yaml: v2Text).hash, measurement: String(repeating: "cd", count: 48))
            _ = try await world.service.applyPolicy(try world.submit(v3Text, signers: [world.owner]), now: world.now)
            let dropped = await unwrap(second)
            #expect(dropped?.code == .revokedToken)
            #expect(dropped?.message.contains("no longer accepts measurement") == true)
            // Revoke all: tokens issued before now end (a fresh one for the new measurement is refused too once revoked).
            _ = try await world.service.revokeTokens(policy: "taxi", tokenID: nil,
                                                     requester: world.signed("POST", "/v1/policies/taxi/tokens/revoke", by: world.owner), now: world.now)
            let types = try await Self.auditTypes(store).map(\.type)
            #expect(types.filter { $0 == "tokens.revoked" }.count == 2)
            #expect(types.filter { $0 == "kms.refused" }.count >= 2)
        }
    }

    /// Helpers attest only with a grant from an attested job of the service they help, for exactly
    /// the job the grant names; revoking the job's token ends the grant.
    @Test(arguments: StoreKind.allCases)
    func helpersNeedAGrantForTheirExactJob(kind: StoreKind) async throws {
        try await Self.withWorld(kind) { world, store in
            let yaml = world.policy() + """

                  - name: executor
                    helper_of: query
                    attestation:
                      - kind: simulated
                        measurements: ["\(world.measurement)"]
                    allow_simulation: true
                    unwrap: [trips]
                """
            // The helper service is appended after the secrets section: move it under services.
            let fixed = yaml.replacingOccurrences(of: "secrets:\n  - {name: db, kind: random, size: 24}\n  - {name: tls, kind: x509, common_name: query.taxi}\n", with: "")
                + "\nsecrets:\n  - {name: db, kind: random, size: 24}\n  - {name: tls, kind: x509, common_name: query.taxi}\n"
            _ = try await world.service.applyPolicy(try world.submit(fixed, signers: [world.owner]), now: world.now)
            let executorJob = Array(SHA256.hash(data: Array("executor code".utf8)))
            // Without a grant: refused.
            let bare = try await world.attempt(jobHash: executorJob, service: "executor")
            await #expect(throws: CASError(.attestationRefused, "")) { _ = try await world.service.attest(bare.request, now: world.now) }
            // The driver attests and obtains a grant for the executors' code.
            let driver = try await world.attempt()
            let driverResult = try await world.service.attest(driver.request, now: world.now)
            let body = Array(#"{"service":"executor","job_hash":"\#(Hex.encode(executorJob))"}"#.utf8)
            let (grant, _) = try await world.service.issueGrant(
                helperService: "executor", helperJobHash: Hex.encode(executorJob),
                requester: try world.proof(driverResult.token, driver.signingKey, "POST", "/v1/grants", body: body), now: world.now)
            // The right job with the grant: admitted, and the token names its parent.
            let helper = try await world.attempt(jobHash: executorJob, service: "executor", grant: grant.text)
            let helperResult = try await world.service.attest(helper.request, now: world.now)
            #expect(helperResult.claims.parent == driverResult.claims.jti)
            // Another job with the grant, a forged secret, the grant for the job's own service: refused.
            let otherJob = try await world.attempt(jobHash: Array(repeating: 9, count: 32), service: "executor", grant: grant.text)
            await #expect(throws: CASError(.attestationRefused, "")) { _ = try await world.service.attest(otherJob.request, now: world.now) }
            let forged = GrantCredential(id: grant.id, secret: Array(repeating: 1, count: 32)).text
            let wrongSecret = try await world.attempt(jobHash: executorJob, service: "executor", grant: forged)
            await #expect(throws: CASError(.attestationRefused, "")) { _ = try await world.service.attest(wrongSecret.request, now: world.now) }
            // A helper cannot grant; a service that is not the helper's parent cannot either.
            await #expect(throws: CASError(.forbidden, "")) {
                _ = try await world.service.issueGrant(helperService: "executor", helperJobHash: Hex.encode(executorJob),
                                                       requester: try world.proof(helperResult.token, helper.signingKey, "POST", "/v1/grants"), now: world.now)
            }
            // Revoking the driver's token ends the helper's token and the grant.
            _ = try await world.service.revokeTokens(policy: "taxi", tokenID: driverResult.claims.jti,
                                                     requester: world.signed("POST", "/v1/policies/taxi/tokens/revoke", by: world.owner), now: world.now)
            let wrapped = try await world.service.wrap(masterKeyID: "trips", key: try SecretKey(bytes: SecureRandom.bytes(count: 16)), policy: "taxi",
                                                       requester: world.signed("POST", "/v1/kms/wrap", by: world.owner), now: world.now)
            await #expect(throws: CASError(.revokedToken, "")) {
                _ = try await world.service.unwrap(masterKeyID: "trips", wrappedKey: wrapped, policy: nil,
                                                   requester: try world.proof(helperResult.token, helper.signingKey), now: world.now)
            }
            let late = try await world.attempt(jobHash: executorJob, service: "executor", grant: grant.text)
            await #expect(throws: CASError(.attestationRefused, "")) { _ = try await world.service.attest(late.request, now: world.now) }
            let types = try await Self.auditTypes(store).map(\.type)
            #expect(types.contains("grant.issued") && types.contains("grant.refused"))
        }
    }

    @Test(arguments: StoreKind.allCases)
    func theAuditChainVerifiesAndAnEditIsFound(kind: StoreKind) async throws {
        try await Self.withWorld(kind) { world, store in
            _ = try await world.service.applyPolicy(try world.submit(world.policy(), signers: [world.owner]), now: world.now)
            for _ in 0..<70 { _ = try await world.service.challenge(now: world.now) }
            for _ in 0..<70 {
                let attempt = try await world.attempt(measurement: String(repeating: "00", count: 48))
                _ = try? await world.service.attest(attempt.request, now: world.now)
            }
            let export = try await world.service.auditPage(
                from: 1, limit: 10_000, policy: nil, requester: world.signed("GET", "/v1/audit", by: world.admin), now: world.now)
            #expect(export.entries.count == 72)
            #expect(export.checkpoints.map(\.seq) == [64, 72])
            #expect(export.entries[1].event.type.rawValue == "policy.applied")
            guard case .intact = AuditVerifier.verify(entries: export.entries, checkpoints: export.checkpoints, jwks: world.service.jwks) else {
                Issue.record("the chain must verify")
                return
            }
            var edited = export.entries
            edited[10].event.reason = "nothing to see"
            guard case .broken(let failure) = AuditVerifier.verify(entries: edited, checkpoints: export.checkpoints, jwks: world.service.jwks) else {
                Issue.record("an edited entry must be found")
                return
            }
            #expect(failure.seq == 11)
            _ = store
        }
    }
}
