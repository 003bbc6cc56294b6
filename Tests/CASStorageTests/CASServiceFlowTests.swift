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
        let owner = OwnerIdentity(name: "alice")
        let secondOwner = OwnerIdentity(name: "bob")
        let admin: OwnerIdentity
        let nodeKey = NodeKey()
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
        }

        /// A well-formed attestation request; `tamper` changes it before it is sent.
        func attempt(measurement: String? = nil, jobHash: [UInt8] = ReportDataBinding.noJobHash, debug: Bool = false) async throws -> Attempt {
            let runtimeKey = P256.KeyAgreement.PrivateKey()
            let publicKey = [UInt8](runtimeKey.publicKey.x963Representation)
            let (nonce, _) = try await service.challenge(now: now)
            let reportData = ReportDataBinding.reportData(nonce: nonce, runtimePublicKey: publicKey, jobHash: jobHash)
            let request = CASService.AttestationRequest(
                policy: "taxi", service: "query", nonce: nonce,
                evidence: try evidence(reportData: reportData, measurement: measurement, debug: debug),
                runtimePublicKey: publicKey, jobHash: jobHash)
            return Attempt(request: request, runtimeKey: runtimeKey)
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
                masterKeyID: "trips", key: dataKey, requester: world.signed("POST", "/v1/kms/wrap", by: world.owner), now: world.now)
            let bearer = RequestCredentials(authorization: .bearer(result.token), method: "POST", pathWithQuery: "/v1/kms/unwrap", body: [])
            let unwrapped = try await world.service.unwrap(masterKeyID: "trips", wrappedKey: wrapped, requester: bearer, now: world.now)
            #expect(unwrapped.withUnsafeBytes { Array($0) } == dataKey.withUnsafeBytes { Array($0) })

            // The workload may wrap under "results" (writing output) but not unwrap it.
            _ = try await world.service.wrap(masterKeyID: "results", key: dataKey, requester: bearer, now: world.now)
            let refused = await #expect(throws: CASError.self) {
                _ = try await world.service.unwrap(masterKeyID: "results", wrappedKey: wrapped, requester: bearer, now: world.now)
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
            func unwrap(_ id: String, by identity: OwnerIdentity) async throws -> SecretKey {
                let wrapped = try await world.service.wrap(masterKeyID: id, key: dataKey, requester: world.signed("POST", "/v1/kms/wrap", by: world.owner), now: world.now)
                return try await world.service.unwrap(masterKeyID: id, wrappedKey: wrapped, requester: world.signed("POST", "/v1/kms/unwrap", by: identity), now: world.now)
            }
            #expect(try await unwrap("trips", by: world.owner).hasSameBytes(as: dataKey))
            #expect(try await unwrap("results", by: world.secondOwner).hasSameBytes(as: dataKey))
            #expect(try await unwrap("results", by: auditor).hasSameBytes(as: dataKey))
            for (id, identity) in [("trips", auditor), ("trips", stranger), ("results", stranger), ("trips", world.admin)] {
                let refused = await #expect(throws: CASError.self) { _ = try await unwrap(id, by: identity) }
                #expect(refused?.code == .forbidden, "\(identity.name) unwrapping \(id)")
            }
            let entries = try await Self.auditTypes(store)
            #expect(entries.filter { $0.type == "kms.unwrap" }.count == 3)
            #expect(entries.filter { $0.type == "kms.refused" }.count == 4)
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
            // Report data bound to another runtime key.
            var swapped = try await world.attempt()
            swapped.request.runtimePublicKey = [UInt8](P256.KeyAgreement.PrivateKey().publicKey.x963Representation)
            #expect(await refusal(swapped.request)?.contains("report data does not bind") == true)
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
            #expect(refusals.count == 8)
            #expect(refusals.allSatisfy { $0.reason?.isEmpty == false })
            // Exactly one attestation released anything.
            #expect(entries.filter { $0.type == "secret.released" }.count == 1)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func simulationMustBeAllowedAndJobHashPinned(kind: StoreKind) async throws {
        try await Self.withWorld(kind) { world, _ in
            let job = Array(SHA256.hash(data: Array("SELECT 1".utf8)))
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
                masterKeyID: "trips", key: key, requester: world.signed("POST", "/v1/kms/wrap", by: world.owner), now: world.now)
            func unwrap(token: String, id: String = "trips", at: Date? = nil) async -> CASError? {
                let bearer = RequestCredentials(authorization: .bearer(token), method: "POST", pathWithQuery: "/v1/kms/unwrap", body: [])
                do {
                    _ = try await world.service.unwrap(masterKeyID: id, wrappedKey: wrapped, requester: bearer, now: at ?? world.now)
                    return nil
                } catch { return error as? CASError }
            }
            #expect(await unwrap(token: result.token) == nil)
            #expect(await unwrap(token: result.token, at: world.now.addingTimeInterval(3700))?.code == .invalidToken)
            var forged = result.token
            forged.removeLast(4)
            forged += "AAAA"
            #expect(await unwrap(token: forged)?.code == .invalidToken)
            #expect(await unwrap(token: result.token, id: "nope")?.code == .forbidden)
            // A non-owner cannot wrap by signature.
            let stranger = OwnerIdentity(name: "mallory")
            await #expect(throws: CASError(.forbidden, "")) {
                _ = try await world.service.wrap(masterKeyID: "trips", key: key,
                                                 requester: world.signed("POST", "/v1/kms/wrap", by: stranger), now: world.now)
            }
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
