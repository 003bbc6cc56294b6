import Foundation
import SharedVectors
import Testing

@testable import Attestation

/// ../shared/vectors/attestation (CI lays shared/ beside the clone) and its expected results,
/// read at run time so the truth stays outside this repository.
enum TEEVectors {
    static let root = SharedVectors.directory("attestation")

    static func bytes(_ relative: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: root.appendingPathComponent(relative)))
    }

    static func json(_ relative: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent(relative))) as? [String: Any])
    }

    static func expected() throws -> [String: Any] { try json("ATTESTATION_EXPECTED.json") }

    /// "2022-09-24 00:55:28" or "2019-05-01 00:00:00+00:00" as UTC.
    static func date(_ text: String) throws -> Date {
        let plain = String(text.prefix(19)).replacingOccurrences(of: " ", with: "T") + "Z"
        return try #require(ISO8601DateFormatter().date(from: plain), "bad date \(text)")
    }

    /// A time inside a certificate's validity window given by an expected-file entry.
    static func midpoint(_ vekInfo: [String: Any]) throws -> Date {
        let from = try date(try #require(vekInfo["not_before"] as? String))
        let to = try date(try #require(vekInfo["not_after"] as? String))
        return from.addingTimeInterval(to.timeIntervalSince(from) / 2)
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    static func unhex(_ text: String) throws -> [UInt8] {
        let chars = Array(text.utf8)
        var out: [UInt8] = []
        var i = 0
        while i + 1 < chars.count {
            out.append(try #require(UInt8(String(decoding: chars[i...i + 1], as: UTF8.self), radix: 16)))
            i += 2
        }
        return out
    }
}

/// The refusal a throwing call produced, or nil when it succeeded.
/// (Untyped so test helpers may throw inside; any other error is recorded as a test issue.)
func refusal<T>(_ body: () throws -> T) -> AttestationError? {
    do {
        _ = try body()
        return nil
    } catch let error as AttestationError {
        return error
    } catch {
        Issue.record("unexpected non-attestation error: \(error)")
        return AttestationError(.init("unexpected"), "\(error)")
    }
}

/// Deterministic bytes for robustness tests (SplitMix64).
struct SeededBytes: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func bytes(_ n: Int) -> [UInt8] { (0..<n).map { _ in UInt8.random(in: 0...255, using: &self) } }
}
