import Foundation
import SwiftASN1

/// Small helpers for walking DER the X509 package does not model (CRLs, Intel's SGX
/// extension). Every failure becomes an `AttestationError` naming the structure.
enum DERWalk {
    static func parse(_ bytes: [UInt8], _ what: String, code: AttestationError.Code) throws(AttestationError) -> ASN1Node {
        do { return try DER.parse(bytes) } catch {
            throw AttestationError(code, "\(what) is not valid DER")
        }
    }

    static func children(_ node: ASN1Node, _ what: String, code: AttestationError.Code) throws(AttestationError) -> [ASN1Node] {
        guard case .constructed(let nodes) = node.content else {
            throw AttestationError(code, "\(what) is not a constructed DER value")
        }
        return Array(nodes)
    }

    static func primitive(_ node: ASN1Node, _ what: String, code: AttestationError.Code) throws(AttestationError) -> ArraySlice<UInt8> {
        guard case .primitive(let bytes) = node.content else {
            throw AttestationError(code, "\(what) is not a primitive DER value")
        }
        return bytes
    }

    static func oid(_ node: ASN1Node, _ what: String, code: AttestationError.Code) throws(AttestationError) -> ASN1ObjectIdentifier {
        do { return try ASN1ObjectIdentifier(derEncoded: node) } catch {
            throw AttestationError(code, "\(what) is not an OBJECT IDENTIFIER")
        }
    }

    /// A DER INTEGER that must fit `T` (SVNs are small; an attacker-sized integer is refused).
    static func integer<T: FixedWidthInteger>(_ node: ASN1Node, _ what: String, as: T.Type, code: AttestationError.Code) throws(AttestationError) -> T {
        guard node.identifier == .integer || node.identifier == .enumerated else {
            throw AttestationError(code, "\(what) is not an INTEGER")
        }
        let raw = try primitive(node, what, code: code)
        var value = Int64(0)
        var bytes = Array(raw)
        guard !bytes.isEmpty, bytes[0] & 0x80 == 0 else { throw AttestationError(code, "\(what) is empty or negative") }
        while bytes.count > 1, bytes[0] == 0 { bytes.removeFirst() }
        guard bytes.count <= 7 else { throw AttestationError(code, "\(what) is out of range") }
        for b in bytes { value = value << 8 | Int64(b) }
        guard let result = T(exactly: value) else { throw AttestationError(code, "\(what) \(value) is out of range") }
        return result
    }

    static func octets(_ node: ASN1Node, _ what: String, code: AttestationError.Code) throws(AttestationError) -> [UInt8] {
        guard node.identifier == .octetString else { throw AttestationError(code, "\(what) is not an OCTET STRING") }
        return Array(try primitive(node, what, code: code))
    }

    /// UTCTime or GeneralizedTime → Date (UTC), as RFC 5280 encodes certificate and CRL times.
    static func time(_ node: ASN1Node, _ what: String, code: AttestationError.Code) throws(AttestationError) -> Date {
        let parts: (Int, Int, Int, Int, Int, Int)
        do {
            if node.identifier == .utcTime {
                let t = try UTCTime(derEncoded: node)
                parts = (t.year, t.month, t.day, t.hours, t.minutes, t.seconds)
            } else if node.identifier == .generalizedTime {
                let t = try GeneralizedTime(derEncoded: node)
                parts = (t.year, t.month, t.day, t.hours, t.minutes, t.seconds)
            } else {
                throw AttestationError(code, "\(what) is not a time")
            }
        } catch let error as AttestationError {
            throw error
        } catch {
            throw AttestationError(code, "\(what) is not a valid time")
        }
        return utcDate(year: parts.0, month: parts.1, day: parts.2, hour: parts.3, minute: parts.4, second: parts.5)
    }

    /// Days from civil (proleptic Gregorian), avoiding Calendar/TimeZone lookups.
    static func utcDate(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Date {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146097 + doe - 719468
        return Date(timeIntervalSince1970: TimeInterval(days * 86400 + hour * 3600 + minute * 60 + second))
    }
}

extension Date {
    /// RFC 3339 UTC with seconds, the form used in messages and JSON.
    var rfc3339: String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: self)
    }
}
