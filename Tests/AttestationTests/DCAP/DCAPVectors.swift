import Foundation
import SharedVectors
@testable import Attestation

/// The recorded Intel DCAP vectors and their expected results
/// (../shared/vectors/attestation/ATTESTATION_EXPECTED.json, "intel_dcap_quotes").
enum DCAPVectors {
    static let directory = SharedVectors.directory("attestation")

    static func bytes(_ relative: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent(relative)))
    }

    struct Case: Sendable {
        var path: String
        var collateral: String?
        var now: Date?
        var expectedStatus: String?
        var expectedAdvisories: [String]
        var expectedError: String?
        var header: [String: Any & Sendable]
        var report: [String: String]
        var fmspc: String
        var isTDX: Bool
        var size: Int
    }

    /// Every DCAP case, read at run time so the truth stays in the external file.
    static func cases() throws -> [Case] {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("ATTESTATION_EXPECTED.json")))
        guard let all = (json as? [String: Any])?["intel_dcap_quotes"] as? [String: Any] else { return [] }
        return all.keys.sorted().compactMap { path in
            guard let entry = all[path] as? [String: Any], let parsed = entry["parsed"] as? [String: Any] else { return nil }
            let verify = entry["verify"] as? [String: Any]
            var header: [String: Any & Sendable] = [:]
            for (k, v) in parsed["header"] as? [String: Any] ?? [:] {
                if let n = v as? Int { header[k] = n } else if let s = v as? String { header[k] = s }
            }
            var report: [String: String] = [:]
            for (k, v) in parsed["report"] as? [String: Any] ?? [:] {
                if let s = v as? String { report[k] = s } else if let n = v as? Int { report[k] = String(n) }
            }
            return Case(
                path: path, collateral: entry["collateral"] as? String,
                now: (entry["now_unix"] as? Int).map { Date(timeIntervalSince1970: TimeInterval($0)) },
                expectedStatus: verify?["status"] as? String,
                expectedAdvisories: verify?["advisory_ids"] as? [String] ?? [],
                expectedError: entry["verify_error"] as? String,
                header: header, report: report, fmspc: parsed["fmspc"] as? String ?? "",
                isTDX: parsed["is_tdx"] as? Bool ?? false, size: parsed["size"] as? Int ?? 0)
        }
    }

    static func evidence(_ c: Case) throws -> Evidence {
        let collateral = try c.collateral.map { try DCAPCollateral(dcapQVLJSON: bytes($0)).evidenceCollateral } ?? [:]
        return Evidence(kind: c.isTDX ? .tdx : .sgx, report: try bytes(c.path), collateral: collateral)
    }

    /// The two quotes that verify end to end, with their collateral and pinned time.
    static func verifiable() throws -> [Case] { try cases().filter { $0.expectedStatus != nil } }

    static func verifier(for c: Case) throws -> any EvidenceVerifier {
        c.isTDX ? try TDXVerifier() : try SGXVerifier()
    }
}
