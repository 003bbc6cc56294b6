import Attestation
import Foundation
import Support

/// The `name="value", …` parameter list of the SR-Sig and SR-PoP schemes: every parameter
/// quoted, known and given once; nothing else.
enum AuthorizationParameters {
    static func parse(_ text: Substring, scheme: String, allowed: Set<String>) throws(CASError) -> [String: String] {
        var parameters = [String: String]()
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let pair = String(item).trimmingWhitespace()
            guard let eq = pair.firstIndex(of: "=") else {
                throw CASError(.unauthorized, "\(scheme) parameter without '=' in the Authorization header")
            }
            let name = String(pair[..<eq])
            let quoted = pair[pair.index(after: eq)...]
            guard quoted.count >= 2, quoted.first == "\"", quoted.last == "\"" else {
                throw CASError(.unauthorized, "\(scheme) parameter \(name.prefix(16)) is not a quoted string")
            }
            let value = String(quoted.dropFirst().dropLast())
            guard !value.contains("\"") else { throw CASError(.unauthorized, "\(scheme) parameter \(name.prefix(16)) has a stray quote") }
            guard allowed.contains(name) else {
                throw CASError(.unauthorized, "unknown \(scheme) parameter \(name.prefix(16))")
            }
            guard parameters.updateValue(value, forKey: name) == nil else {
                throw CASError(.unauthorized, "\(scheme) parameter \(name) given twice")
            }
        }
        return parameters
    }

    static func timestamp(_ text: String?, scheme: String) throws(CASError) -> Int64 {
        guard let text else { throw CASError(.unauthorized, "\(scheme) ts is missing") }
        guard text.utf8.count <= 18, !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let ts = Int64(text) else {
            throw CASError(.unauthorized, "\(scheme) ts is not unix seconds")
        }
        return ts
    }

    static func requestID(_ text: String, scheme: String) throws(CASError) -> String {
        guard LowercaseHex.isHex(text, length: 32) else { throw CASError(.unauthorized, "\(scheme) rid is not 32 lowercase hex characters") }
        return text
    }

    static func checkWindow(_ timestamp: Int64, now: Date, window: Int64, scheme: String) throws(CASError) {
        let t = Int64(now.timeIntervalSince1970.rounded(.down))
        guard timestamp >= t - window, timestamp <= t + window else {
            throw CASError(.invalidSignature, "\(scheme) ts is more than \(window) s away from the CAS clock")
        }
    }
}
