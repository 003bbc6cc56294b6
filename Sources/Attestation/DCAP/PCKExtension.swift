import SwiftASN1
import X509

/// The Intel SGX extension of a PCK certificate (OID 1.2.840.113741.1.13.1, "SGX PCK Certificate
/// and CRL Profile"): the platform's TCB as the PCK was issued for, FMSPC and PCE id.
public struct PCKExtension: Sendable, Equatable {
    public static let oid: ASN1ObjectIdentifier = [1, 2, 840, 113741, 1, 13, 1]

    public enum SGXType: Int, Sendable { case standard = 0, scalable = 1, scalableWithIntegrity = 2 }

    public var ppid: [UInt8]
    /// SGX TCB component SVNs 1…16 (sgxtcbcomp01svn…16).
    public var tcbComponents: [UInt8]
    public var pceSVN: UInt16
    public var cpuSVN: [UInt8]
    public var pceID: [UInt8]
    public var fmspc: [UInt8]
    public var sgxType: SGXType
    /// Platform CA certificates only.
    public var platformInstanceID: [UInt8]?

    public init(certificate: Certificate) throws(AttestationError) {
        guard let ext = certificate.extensions[oid: Self.oid] else {
            throw AttestationError(.certificateChain, "PCK certificate has no SGX extension 1.2.840.113741.1.13.1")
        }
        try self.init(der: Array(ext.value))
    }

    public init(der: [UInt8]) throws(AttestationError) {
        let code = AttestationError.Code.certificateChain
        let what = "PCK SGX extension"
        let root = try DERWalk.parse(der, what, code: code)
        var ppid: [UInt8]?, pceID: [UInt8]?, fmspc: [UInt8]?, sgxType: SGXType?
        var tcb: (components: [UInt8], pceSVN: UInt16, cpuSVN: [UInt8])?
        platformInstanceID = nil
        for item in try DERWalk.children(root, what, code: code) {
            let pair = try DERWalk.children(item, "\(what) entry", code: code)
            guard pair.count == 2 else { throw AttestationError(code, "\(what): entry with \(pair.count) fields") }
            let oid = try DERWalk.oid(pair[0], "\(what) entry id", code: code)
            let value = pair[1]
            let parts = oid.oidComponents
            guard parts.count == Self.base.count + 1, parts.starts(with: Self.base), let index = parts.last else { continue }
            switch index {
            case 1: ppid = try DERWalk.octets(value, "\(what) PPID", code: code)
            case 2: tcb = try Self.tcb(value)
            case 3: pceID = try DERWalk.octets(value, "\(what) PCE-ID", code: code)
            case 4: fmspc = try DERWalk.octets(value, "\(what) FMSPC", code: code)
            case 5:
                let raw = try DERWalk.integer(value, "\(what) SGX type", as: Int.self, code: code)
                guard let type = SGXType(rawValue: raw) else { throw AttestationError(code, "\(what): unknown SGX type \(raw)") }
                sgxType = type
            case 6:
                platformInstanceID = try DERWalk.octets(value, "\(what) PlatformInstanceID", code: code)
            default:
                break  // Configuration (7) and future entries do not affect verification.
            }
        }
        guard let ppid, ppid.count == 16 else { throw AttestationError(code, "\(what): PPID missing or not 16 bytes") }
        guard let tcb else { throw AttestationError(code, "\(what): TCB missing") }
        guard let pceID, pceID.count == 2 else { throw AttestationError(code, "\(what): PCE-ID missing or not 2 bytes") }
        guard let fmspc, fmspc.count == 6 else { throw AttestationError(code, "\(what): FMSPC missing or not 6 bytes") }
        guard let sgxType else { throw AttestationError(code, "\(what): SGX type missing") }
        self.ppid = ppid
        self.tcbComponents = tcb.components
        self.pceSVN = tcb.pceSVN
        self.cpuSVN = tcb.cpuSVN
        self.pceID = pceID
        self.fmspc = fmspc
        self.sgxType = sgxType
    }

    static let base: [UInt] = oid.oidComponents

    /// TCB: sgxtcbcomp01…16 svn (.2.1–.2.16), pcesvn (.2.17), cpusvn (.2.18).
    private static func tcb(_ node: ASN1Node) throws(AttestationError) -> ([UInt8], UInt16, [UInt8]) {
        let code = AttestationError.Code.certificateChain
        let what = "PCK SGX extension TCB"
        var components = [UInt8?](repeating: nil, count: 16)
        var pceSVN: UInt16?, cpuSVN: [UInt8]?
        for item in try DERWalk.children(node, what, code: code) {
            let pair = try DERWalk.children(item, "\(what) entry", code: code)
            guard pair.count == 2 else { throw AttestationError(code, "\(what): entry with \(pair.count) fields") }
            let oid = try DERWalk.oid(pair[0], "\(what) entry id", code: code)
            let parts = oid.oidComponents
            guard parts.count == base.count + 2, parts.starts(with: base + [2]),
                let index = parts.last
            else { continue }
            switch index {
            case 1...16:
                components[Int(index) - 1] = try DERWalk.integer(pair[1], "\(what) comp\(index) SVN", as: UInt8.self, code: code)
            case 17: pceSVN = try DERWalk.integer(pair[1], "\(what) PCESVN", as: UInt16.self, code: code)
            case 18: cpuSVN = try DERWalk.octets(pair[1], "\(what) CPUSVN", code: code)
            default: break
            }
        }
        let present = components.compactMap { $0 }
        guard present.count == 16 else { throw AttestationError(code, "\(what): \(16 - present.count) component SVNs missing") }
        guard let pceSVN else { throw AttestationError(code, "\(what): PCESVN missing") }
        guard let cpuSVN, cpuSVN.count == 16 else { throw AttestationError(code, "\(what): CPUSVN missing or not 16 bytes") }
        return (present, pceSVN, cpuSVN)
    }
}
