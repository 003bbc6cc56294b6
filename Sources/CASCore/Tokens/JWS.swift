import Foundation
import Support

/// The JOSE header of CAS tokens; `alg` is always checked before anything else is trusted.
struct JOSEHeader: Codable {
    var alg: String
    var kid: String?
    var typ: String?
}

/// Compact JWS serialisation (RFC 7515 §7.1): base64url(header) . base64url(payload) . base64url(sig).
enum CompactJWS {
    static func signingInput(header: JOSEHeader, payload: [UInt8]) throws(CASError) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let headerJSON = try? encoder.encode(header) else { throw CASError(.internalFailure, "JOSE header encoding failed") }
        return Base64URL.encode([UInt8](headerJSON)) + "." + Base64URL.encode(payload)
    }

    struct Parts {
        var header: JOSEHeader
        var payload: [UInt8]
        var signature: [UInt8]
        var signingInput: [UInt8]
    }

    static func split(_ token: String) throws(CASError) -> Parts {
        // Tokens are short; bound the work on hostile input.
        guard token.utf8.count <= 16_384 else { throw CASError(.invalidToken, "token longer than 16 KiB") }
        let pieces = token.split(separator: ".", omittingEmptySubsequences: false)
        guard pieces.count == 3 else {
            throw CASError(.invalidToken, "token must have 3 dot-separated parts, has \(pieces.count)")
        }
        guard let headerBytes = Base64URL.decode(pieces[0]) else { throw CASError(.invalidToken, "token header is not base64url") }
        guard let header = try? JSONDecoder().decode(JOSEHeader.self, from: Data(headerBytes)) else {
            throw CASError(.invalidToken, "token header is not a JOSE header with alg")
        }
        guard let payload = Base64URL.decode(pieces[1]) else { throw CASError(.invalidToken, "token payload is not base64url") }
        guard let signature = Base64URL.decode(pieces[2]) else { throw CASError(.invalidToken, "token signature is not base64url") }
        let input = Array(token.utf8.prefix(pieces[0].utf8.count + 1 + pieces[1].utf8.count))
        return Parts(header: header, payload: payload, signature: signature, signingInput: input)
    }
}
