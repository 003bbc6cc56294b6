import Support
/// A PCS JSON document and Intel's ECDSA-P256 signature over its exact bytes (tcbInfo,
/// enclaveIdentity). The signature covers the bytes as served, so they are kept verbatim and
/// never re-serialised.
public struct SignedCollateralJSON: Sendable, Equatable {
    /// The signed JSON object, byte for byte.
    public var body: [UInt8]
    /// Raw r ‖ s, 64 bytes.
    public var signature: [UInt8]

    public init(body: [UInt8], signature: [UInt8]) {
        self.body = body
        self.signature = signature
    }

    /// From a PCS response `{"<member>": {…}, "signature": "<hex>"}`: the member's exact bytes.
    public init(pcsResponse bytes: [UInt8], member: [String], name: String) throws(AttestationError) {
        let members = try JSONMemberSpans.topLevel(bytes, name: name)
        guard let span = member.lazy.compactMap({ members[$0] }).first else {
            throw AttestationError(.collateral, "\(name): no \(member.joined(separator: "/")) member")
        }
        guard let signatureSpan = members["signature"] else {
            throw AttestationError(.collateral, "\(name): no signature member")
        }
        let signatureText = bytes[signatureSpan].dropFirst().dropLast()  // strip the quotes
        body = Array(bytes[span])
        signature = try Self.signature(Array(signatureText), name: name)
    }

    /// Hex text (PCS and dcap-qvl) or the 64 raw bytes.
    static func signature(_ bytes: [UInt8], name: String) throws(AttestationError) -> [UInt8] {
        if bytes.count == 64 { return bytes }
        let text = String(decoding: bytes, as: UTF8.self).filter { !$0.isWhitespace && $0 != "\"" }
        guard let raw = LowercaseHex.decode(text), raw.count == 64 else {
            throw AttestationError(.collateral, "\(name) signature is not 64 bytes of hex")
        }
        return raw
    }

    /// True when the bytes start with `{"<member>"`, i.e. a PCS response wrapping the document.
    static func isPCSResponse(_ bytes: [UInt8], member: [String]) -> Bool {
        guard let members = try? JSONMemberSpans.topLevel(bytes, name: "") else { return false }
        return member.contains { members[$0] != nil } && members["signature"] != nil
    }
}

/// Finds the byte ranges of a JSON object's top-level member values without decoding them,
/// so signed sub-documents keep their exact bytes.
package enum JSONMemberSpans {
    package static func topLevel(_ bytes: [UInt8], name: String) throws(AttestationError) -> [String: Range<Int>] {
        var scanner = Scanner(bytes: bytes, name: name)
        scanner.skipSpace()
        try scanner.expect(UInt8(ascii: "{"))
        var members: [String: Range<Int>] = [:]
        scanner.skipSpace()
        if scanner.peek == UInt8(ascii: "}") { return members }
        while true {
            scanner.skipSpace()
            let keyRange = try scanner.skipValue()
            guard bytes[keyRange.lowerBound] == UInt8(ascii: "\"") else { throw scanner.error("member name is not a string") }
            let key = String(decoding: bytes[(keyRange.lowerBound + 1)..<(keyRange.upperBound - 1)], as: UTF8.self)
            scanner.skipSpace()
            try scanner.expect(UInt8(ascii: ":"))
            scanner.skipSpace()
            members[key] = try scanner.skipValue()
            scanner.skipSpace()
            if scanner.peek == UInt8(ascii: ",") { scanner.index += 1; continue }
            try scanner.expect(UInt8(ascii: "}"))
            return members
        }
    }

    struct Scanner {
        let bytes: [UInt8]
        let name: String
        var index = 0

        var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

        func error(_ what: String) -> AttestationError {
            AttestationError(.collateral, "\(name): invalid JSON, \(what) at offset \(index)")
        }

        mutating func skipSpace() {
            while let c = peek, c == 0x20 || c == 0x0a || c == 0x0d || c == 0x09 { index += 1 }
        }

        mutating func expect(_ c: UInt8) throws(AttestationError) {
            guard peek == c else { throw error("expected '\(Character(Unicode.Scalar(c)))'") }
            index += 1
        }

        /// Skips one value (string, object, array or scalar) and returns its range.
        mutating func skipValue() throws(AttestationError) -> Range<Int> {
            let start = index
            var depth = 0
            repeat {
                guard let c = peek else { throw error("unexpected end") }
                switch c {
                case UInt8(ascii: "\""):
                    index += 1
                    while true {
                        guard let d = peek else { throw error("unterminated string") }
                        index += 1
                        if d == UInt8(ascii: "\\") { index += 1 } else if d == UInt8(ascii: "\"") { break }
                    }
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                    index += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    guard depth > 0 else { throw error("unbalanced bracket") }
                    depth -= 1
                    index += 1
                case UInt8(ascii: ","), UInt8(ascii: ":"), 0x20, 0x0a, 0x0d, 0x09:
                    guard depth > 0 else { throw error("missing value") }
                    index += 1
                default:
                    index += 1
                    if depth == 0 {
                        // A scalar: runs until a delimiter.
                        while let d = peek, ![UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x0a, 0x0d, 0x09].contains(d) {
                            index += 1
                        }
                    }
                }
            } while depth > 0
            guard index <= bytes.count else { throw error("unexpected end") }
            return start..<index
        }
    }
}
