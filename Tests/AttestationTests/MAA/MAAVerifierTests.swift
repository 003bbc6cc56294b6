import Foundation
import Testing

@testable import Attestation

private let dir = "azure-maa/azure-sdk-for-cpp/"

private func maaCases() throws -> [(name: String, expected: [String: Any])] {
    let all = try #require(TEEVectors.expected()["azure_maa_jwt"] as? [String: Any])
    return all.compactMap { k, v in (v as? [String: Any]).map { (k, $0) } }.sorted { $0.name < $1.name }
}

private func verifier(_ name: String, issuers: Set<String>) throws -> MAAVerifier {
    MAAVerifier(jwks: try MAAJWKS(json: TEEVectors.bytes(dir + name + ".jwks.json")), issuers: issuers)
}

private func token(_ name: String) throws -> [UInt8] {
    var bytes = try TEEVectors.bytes(dir + name + ".jwt")
    while let last = bytes.last, last == 0x0A || last == 0x0D || last == 0x20 { bytes.removeLast() }
    return bytes
}

@Suite struct MAAVerifierTests {
    @Test func everyExpectedTokenVerifiesWithItsClaims() throws {
        let cases = try maaCases()
        #expect(cases.count == 3)
        for (name, e) in cases {
            let iss = try #require(e["iss"] as? String)
            let now = Date(timeIntervalSince1970: TimeInterval(try #require(e["iat"] as? Int) + 60))
            #expect(e["signature_valid_with_jwks_kid_x5c0"] as? Bool == true)
            let claims = try verifier(name, issuers: [iss]).verify(Evidence(kind: .maa, report: try token(name)), now: now)
            #expect(claims.kind == .maa)
            #expect(claims.values["attestation_type"] == e["x-ms-attestation-type"] as? String, "\(name)")
            #expect(claims.measurement == e["x-ms-sgx-mrenclave"] as? String)
            #expect(claims.values["mrsigner"] == e["x-ms-sgx-mrsigner"] as? String)
            #expect(claims.values["isv_prod_id"] == "\(e["x-ms-sgx-product-id"] ?? "")")
            #expect(claims.values["isv_svn"] == "\(e["x-ms-sgx-svn"] ?? "")")
            #expect(claims.debug == (e["x-ms-sgx-is-debuggable"] as? Bool))
            #expect(TEEVectors.hex(claims.reportData) == e["x-ms-sgx-report-data"] as? String)
            #expect(claims.values["issuer"] == iss)
            #expect(claims.values["x-ms-sgx-mrsigner"] == e["x-ms-sgx-mrsigner"] as? String)
        }
    }

    @Test func timeIssuerKeyAndSignatureAreChecked() throws {
        let (name, e) = try #require(try maaCases().first { $0.name == "sgx-shared-wus" })
        let iss = try #require(e["iss"] as? String)
        let jwt = try token(name)
        let v = try verifier(name, issuers: [iss])
        let exp = try #require(e["exp"] as? Int), nbf = try #require(e["nbf"] as? Int)
        let expired = try #require(refusal { try v.verify(Evidence(kind: .maa, report: jwt), now: Date(timeIntervalSince1970: TimeInterval(exp + 1))) })
        #expect(expired.code == .expired)
        #expect(expired.message == "MAA token expired at 2022-06-01T06:47:56Z")
        let early = try #require(refusal { try v.verify(Evidence(kind: .maa, report: jwt), now: Date(timeIntervalSince1970: TimeInterval(nbf - 1))) })
        #expect(early.code == .expired)
        let now = Date(timeIntervalSince1970: TimeInterval(nbf + 60))
        let otherIssuer = try verifier(name, issuers: ["https://other.attest.azure.net"])
        #expect(refusal { try otherIssuer.verify(Evidence(kind: .maa, report: jwt), now: now) }?.code == .untrustedSigner)
        // The token's kid bound to another key (a Microsoft CA chain from the same JWKS): signature fails.
        var swapped = try TEEVectors.json(dir + name + ".jwks.json")
        var keys = try #require(swapped["keys"] as? [[String: Any]])
        let other = try #require(keys.first { $0["kid"] as? String == "D5DR62_fG0AlpALMbsP-wriTWjU" })
        for i in keys.indices where keys[i]["kid"] as? String == e["kid"] as? String { keys[i]["x5c"] = other["x5c"] }
        swapped["keys"] = keys
        let wrongKey = MAAVerifier(jwks: try MAAJWKS(json: [UInt8](JSONSerialization.data(withJSONObject: swapped))), issuers: [])
        let bad = try #require(refusal { try wrongKey.verify(Evidence(kind: .maa, report: jwt), now: now) })
        #expect(bad.code == .badSignature)
        #expect(bad.message == "MAA token signature by kid XxRc2vLh1E5FrsNawnRH3PzuFgqg3q7NvCdnjoJHBGE= does not verify")
        // A JWKS without the kid.
        var jwks = try TEEVectors.json(dir + name + ".jwks.json")
        jwks["keys"] = (jwks["keys"] as? [[String: Any]])?.filter { $0["kid"] as? String != e["kid"] as? String }
        let withoutKid = MAAVerifier(jwks: try MAAJWKS(json: [UInt8](JSONSerialization.data(withJSONObject: jwks))), issuers: [])
        #expect(refusal { try withoutKid.verify(Evidence(kind: .maa, report: jwt), now: now) }?.code == .untrustedSigner)
        // Byte flips across header, payload and signature.
        for position in stride(from: 0, to: jwt.count, by: 37) where jwt[position] != UInt8(ascii: ".") {
            var flipped = jwt
            flipped[position] = flipped[position] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
            let error = try #require(refusal { try v.verify(Evidence(kind: .maa, report: flipped), now: now) }, "flip at \(position)")
            #expect([.badSignature, .malformedEvidence, .untrustedSigner].contains(error.code))
        }
        // The signing certificate's validity (2019-05-01 … 2050-12-31) is checked too.
        let lenient = MAAVerifier(jwks: v.jwks, issuers: [], leeway: 1e10)
        let e2 = try #require(refusal { try lenient.verify(Evidence(kind: .maa, report: jwt), now: try TEEVectors.date("2051-06-01 00:00:00")) })
        #expect(e2.code == .expired)
        #expect(e2.message.hasPrefix("MAA signing certificate x5c[0]"))
    }

    @Test func x5cChainsOfTheOtherKeysLink() throws {
        let jwks = try MAAJWKS(json: TEEVectors.bytes(dir + "sgx-shared-wus.jwks.json"))
        #expect(jwks.keys.count == 3)
        for kid in ["D5DR62_fG0AlpALMbsP-wriTWjU", "5n95sus8qrcBcVLXZu3lPYgdMlM"] {
            let key = try #require(jwks.keys[kid])
            #expect(key.chain.count == 3)
            try MAAJWKS.checkChain(key, now: key.chain[0].notValidBefore.addingTimeInterval(86400))
        }
    }

    @Test func snpAndTDXClaimSetsMap() throws {
        // Claim names from learn.microsoft.com (MAA claim sets); values are illustrative.
        let snp: [String: MAAJSONValue] = [
            "iss": .string("https://x.attest.azure.net"), "x-ms-attestation-type": .string("azurevm"),
            "x-ms-isolation-tee": .object([
                "x-ms-attestation-type": .string("sevsnpvm"),
                "x-ms-sevsnpvm-launchmeasurement": .string("AB" + String(repeating: "00", count: 47)),
                "x-ms-sevsnpvm-is-debuggable": .bool(false), "x-ms-sevsnpvm-hostdata": .string(String(repeating: "11", count: 32)),
                "x-ms-sevsnpvm-snpfw-svn": .number(8, text: "8"), "x-ms-sevsnpvm-vmpl": .number(0, text: "0"),
                "x-ms-sevsnpvm-reportdata": .string(String(repeating: "22", count: 64)),
            ]),
        ]
        let c = try MAAClaimMapping.claims(from: snp, issuer: "https://x.attest.azure.net")
        #expect(c.values["attestation_type"] == "sevsnpvm")
        #expect(c.values["x-ms-attestation-type"] == "azurevm")
        #expect(c.measurement.hasPrefix("ab00"))
        #expect(c.values["tcb.snp"] == "8")
        #expect(c.values["host_data"] == String(repeating: "11", count: 32))
        #expect(c.reportData == [UInt8](repeating: 0x22, count: 64))
        #expect(c.debug == false)
        let tdx: [String: MAAJSONValue] = [
            "x-ms-attestation-type": .string("tdxvm"), "tdx_mrtd": .string("CD" + String(repeating: "00", count: 47)),
            "tdx_td_attributes_debug": .bool(true), "tdx_rtmr0": .string("00"), "tdx_report_data": .string("33"),
        ]
        let t = try MAAClaimMapping.claims(from: tdx, issuer: "i")
        #expect(t.measurement.hasPrefix("cd00"))
        #expect(t.debug)
        #expect(t.values["rtmr0"] == "00")
        #expect(refusal { try MAAClaimMapping.claims(from: ["x-ms-attestation-type": .string("openenclave")], issuer: "i") }?.code == .unsupportedKind)
    }

    @Test func truncatedAndRandomTokensNeverCrash() throws {
        let jwt = try token("sgx-shared-wus")
        let v = try verifier("sgx-shared-wus", issuers: [])
        let now = try TEEVectors.date("2022-06-01 00:00:00")
        for n in 0..<jwt.count {
            #expect(refusal { try v.verify(Evidence(kind: .maa, report: Array(jwt.prefix(n))), now: now) } != nil, "prefix \(n)")
        }
        var rng = SeededBytes(seed: 9)
        for _ in 0..<1000 {
            let random = rng.bytes(Int.random(in: 0...400, using: &rng))
            _ = refusal { try v.verify(Evidence(kind: .maa, report: random), now: now) }
            _ = refusal { try MAAJWKS(json: random) }
        }
    }
}
