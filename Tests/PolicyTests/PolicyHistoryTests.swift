import Crypto
import Foundation
import Policy
import Testing

@Suite struct PolicyVersionTests {
    let f = PolicyFixtures()

    @Test func hashIsSHA256OfTheExactBytesAndSignaturesCoverIt() throws {
        let yaml = f.full()
        let version = try PolicyVersion(yaml: yaml)
        let expected = SHA256.hash(data: Array(yaml.utf8)).map { String(format: "%02x", $0) }.joined()
        #expect(version.hash == expected)
        #expect(version.signingMessage == Array("strongroom-policy-v1\n\(expected)".utf8))
        // One more space: same meaning, different version bytes.
        #expect(try PolicyVersion(yaml: yaml + " ").hash != version.hash)
        let signature = PolicySignature(signing: version, by: f.alice)
        #expect(signature.keyID == f.alice.publicKey.keyID)
        #expect(signature.isValid(for: version, by: f.alice.publicKey))
        #expect(!signature.isValid(for: version, by: f.bob.publicKey))
        #expect(!signature.isValid(for: try PolicyVersion(yaml: yaml + "\n"), by: f.alice.publicKey))
    }

    @Test func submissionJSONHasTheWireFieldNames() throws {
        let version = try PolicyVersion(yaml: f.full())
        let submission = SignedPolicySubmission(version: version, signedBy: [f.alice, f.bob])
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(submission)) as? [String: Any]
        #expect(json?["policy"] as? String == f.full())
        let signatures = json?["signatures"] as? [[String: String]]
        #expect(signatures?.first?["key_id"] == f.alice.publicKey.keyID)
        #expect(signatures?.first?["signature"].flatMap { Data(base64Encoded: $0) }?.count == 64)
        let decoded = try JSONDecoder().decode(SignedPolicySubmission.self, from: JSONEncoder().encode(submission))
        #expect(decoded == submission)
        #expect(try decoded.version().hash == version.hash)
        let bad = Data(#"{"policy": "x", "signatures": [{"key_id": "a", "signature": "!!"}]}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(SignedPolicySubmission.self, from: bad) }
    }

    @Test func nonUTF8AndOversizedPoliciesAreRefused() {
        #expect(throws: PolicyError.self) { try PolicyVersion(yaml: [0x6e, 0xff, 0xfe]) }
        #expect(throws: PolicyError.self) { try PolicyVersion(yaml: [UInt8](repeating: 0x20, count: PolicyVersion.maxByteCount + 1)) }
    }
}

@Suite struct PolicyHistoryTests {
    let f = PolicyFixtures()

    func refusal(_ acceptance: PolicyAcceptance) -> PolicyRefusal? {
        if case .refused(let r) = acceptance { return r }
        return nil
    }

    @Test func firstVersionNeedsItsOwnOwners() throws {
        let v1 = try PolicyVersion(yaml: f.full(approvals: 2))
        let both = [PolicySignature(signing: v1, by: f.alice), PolicySignature(signing: v1, by: f.bob)]
        #expect(PolicyHistory.accept(new: v1, signatures: both, current: nil) == .accepted(approvedBy: ["alice", "bob"]))
        let one = PolicyHistory.accept(new: v1, signatures: [both[0]], current: nil)
        #expect(refusal(one)?.code == .insufficientApprovals)
        #expect(refusal(one)?.reason.contains("needs 2") == true)
    }

    @Test func duplicateSignaturesOfOneOwnerCountOnce() throws {
        let v1 = try PolicyVersion(yaml: f.full(approvals: 2))
        let alice = PolicySignature(signing: v1, by: f.alice)
        let result = PolicyHistory.accept(new: v1, signatures: [alice, alice, alice], current: nil)
        #expect(refusal(result)?.code == .insufficientApprovals)
    }

    @Test func nonOwnerAndInvalidSignaturesAreIgnored() throws {
        let v1 = try PolicyVersion(yaml: f.full(approvals: 1))
        let outsider = PolicySignature(signing: v1, by: f.carol)
        let auditor = PolicySignature(signing: v1, by: f.auditor)
        var forged = PolicySignature(signing: v1, by: f.alice)
        forged.signature[0] ^= 1
        let wrongKeyID = PolicySignature(keyID: f.bob.publicKey.keyID, signature: PolicySignature(signing: v1, by: f.carol).signature)
        let result = PolicyHistory.accept(new: v1, signatures: [outsider, auditor, forged, wrongKeyID], current: nil)
        #expect(refusal(result)?.code == .insufficientApprovals)
        #expect(PolicyHistory.accept(new: v1, signatures: [outsider, PolicySignature(signing: v1, by: f.bob)], current: nil)
            == .accepted(approvedBy: ["bob"]))
    }

    @Test func nextVersionIsApprovedByTheCurrentOwners() throws {
        let v1 = try PolicyVersion(yaml: f.full(owners: [f.alice, f.bob], approvals: 2))
        // Version 2 adds carol; carol cannot approve her own admission.
        let v2 = try PolicyVersion(yaml: f.full(version: 2, previous: v1.hash, owners: [f.carol, f.alice], approvals: 1))
        let byCarol = PolicyHistory.accept(new: v2, signatures: [PolicySignature(signing: v2, by: f.carol)], current: v1)
        #expect(refusal(byCarol)?.code == .insufficientApprovals)
        let byAlice = PolicyHistory.accept(new: v2, signatures: [PolicySignature(signing: v2, by: f.alice)], current: v1)
        #expect(refusal(byAlice)?.code == .insufficientApprovals)  // v1 needs 2
        let byBoth = PolicyHistory.accept(
            new: v2, signatures: [PolicySignature(signing: v2, by: f.alice), PolicySignature(signing: v2, by: f.bob)], current: v1)
        #expect(byBoth == .accepted(approvedBy: ["alice", "bob"]))
        // Signatures over v1 do not approve v2.
        let stale = PolicyHistory.accept(
            new: v2, signatures: [PolicySignature(signing: v1, by: f.alice), PolicySignature(signing: v1, by: f.bob)], current: v1)
        #expect(refusal(stale)?.code == .insufficientApprovals)
    }

    @Test func chainRulesAreEnforced() throws {
        let v1 = try PolicyVersion(yaml: f.full())
        let sign = { (v: PolicyVersion) in [PolicySignature(signing: v, by: f.alice)] }
        let wrongPrevious = try PolicyVersion(yaml: f.full(version: 2, previous: String(repeating: "0", count: 64)))
        #expect(refusal(PolicyHistory.accept(new: wrongPrevious, signatures: sign(wrongPrevious), current: v1))?.code == .previousMismatch)
        let skipped = try PolicyVersion(yaml: f.full(version: 3, previous: v1.hash))
        #expect(refusal(PolicyHistory.accept(new: skipped, signatures: sign(skipped), current: v1))?.code == .versionOutOfOrder)
        let replay = try PolicyVersion(yaml: f.full())
        #expect(refusal(PolicyHistory.accept(new: replay, signatures: sign(replay), current: v1))?.code == .versionOutOfOrder)
        let fresh2 = try PolicyVersion(yaml: f.full(version: 2, previous: v1.hash))
        #expect(refusal(PolicyHistory.accept(new: fresh2, signatures: sign(fresh2), current: nil))?.code == .versionOutOfOrder)
        let other = try PolicyVersion(yaml: f.minimal().replacingOccurrences(of: "version: 1", with: "version: 2\nprevious: \"\(v1.hash)\""))
        #expect(refusal(PolicyHistory.accept(new: other, signatures: sign(other), current: v1))?.code == .wrongPolicy)
        #expect(PolicyHistory.accept(new: fresh2, signatures: sign(fresh2), current: v1) == .accepted(approvedBy: ["alice"]))
    }
}
