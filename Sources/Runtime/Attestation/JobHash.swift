import Crypto
import Foundation

/// The job a workload runs, as the 32-byte SHA-256 bound into its evidence and pinned by a
/// policy's `job_hash` (docs/design/cas.md "Encodings").
public enum JobHash {
    /// `strongroom run`: SHA-256 of the argv (command and its arguments as given) joined by NUL.
    public static func command(_ argv: [String]) -> [UInt8] {
        Array(SHA256.hash(data: Array(argv.joined(separator: "\0").utf8)))
    }

    /// `strongroom query`: SHA-256 of the SQL text exactly as given.
    public static func sql(_ text: String) -> [UInt8] {
        Array(SHA256.hash(data: Array(text.utf8)))
    }

    /// 64 hex digits (either case) → 32 bytes.
    public static func parse(hex text: String) throws(RuntimeError) -> [UInt8] {
        let digits = Array(text.utf8)
        guard digits.count == 64 else {
            throw RuntimeError(.configuration, "a job hash is 64 hex digits (SHA-256), got \(digits.count) characters")
        }
        var out = [UInt8]()
        out.reserveCapacity(32)
        var index = 0
        while index < 64 {
            guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else {
                throw RuntimeError(.configuration, "the job hash is not hexadecimal")
            }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }

    public static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
