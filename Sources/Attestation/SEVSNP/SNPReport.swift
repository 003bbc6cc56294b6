/// An SEV-SNP ATTESTATION_REPORT (AMD SEV-SNP ABI spec 56860, Table 22), versions 2 to 5:
/// 1184 bytes, little-endian, signed by the VCEK or VLEK over bytes 0x000–0x29F.
/// Fields added in later versions (CPUID at 0x188 in v3, mitigation vectors in v5) read as
/// zero in earlier ones, exactly as the firmware wrote them.
public struct SNPReport: Sendable, Hashable {
    public static let size = 0x4A0
    /// The signed part: everything before the signature.
    public static let signedRange = 0..<0x2A0

    public var bytes: [UInt8]

    public var version: UInt32
    public var guestSVN: UInt32
    public var policy: SNPGuestPolicy
    public var familyID: [UInt8]
    public var imageID: [UInt8]
    public var vmpl: UInt32
    /// 1 = ECDSA P-384 with SHA-384, the only algorithm defined.
    public var signatureAlgorithm: UInt32
    public var currentTCBRaw: UInt64
    public var platformInfo: SNPPlatformInfo
    /// Bit 0 AUTHOR_KEY_EN, bit 1 MASK_CHIP_KEY, bits 2–4 SIGNING_KEY (0 VCEK, 1 VLEK, 7 none).
    public var keyInfo: UInt32
    public var reportData: [UInt8]
    public var measurement: [UInt8]
    public var hostData: [UInt8]
    public var idKeyDigest: [UInt8]
    public var authorKeyDigest: [UInt8]
    public var reportID: [UInt8]
    public var reportIDMigrationAgent: [UInt8]
    public var reportedTCBRaw: UInt64
    /// CPUID family/model/stepping (v3+; zero in v2).
    public var cpuidFamily: UInt8
    public var cpuidModel: UInt8
    public var cpuidStepping: UInt8
    public var chipID: [UInt8]
    public var committedTCBRaw: UInt64
    public var currentVersion: FirmwareVersion
    public var committedVersion: FirmwareVersion
    public var launchTCBRaw: UInt64
    /// v5+: mitigation vectors (zero before).
    public var launchMitigationVector: UInt64
    public var currentMitigationVector: UInt64
    /// ECDSA r and s as stored: 72-byte little-endian fields.
    public var signatureR: [UInt8]
    public var signatureS: [UInt8]

    public struct FirmwareVersion: Sendable, Hashable, CustomStringConvertible {
        public var major: UInt8
        public var minor: UInt8
        public var build: UInt8
        public var description: String { "\(major).\(minor).\(build)" }
    }

    public enum SigningKey: Sendable, Hashable {
        case vcek, vlek, none
        case reserved(UInt32)
    }

    public init(bytes input: [UInt8]) throws(AttestationError) {
        let r = EvidenceReader(input, context: "SNP report")
        guard input.count >= Self.size else {
            throw AttestationError(.malformedEvidence, "SNP report truncated: \(input.count) bytes, a report has \(Self.size)")
        }
        guard input.count == Self.size else {
            throw AttestationError(.malformedEvidence, "SNP report has \(input.count - Self.size) trailing bytes after offset 0x4a0")
        }
        bytes = input
        version = try r.u32(at: 0x00, "version")
        guard (2...5).contains(version) else {
            throw AttestationError(.malformedEvidence, "SNP report version \(version) at offset 0x0 is not supported (2–5)")
        }
        guestSVN = try r.u32(at: 0x04, "guest_svn")
        policy = SNPGuestPolicy(raw: try r.u64(at: 0x08, "policy"))
        familyID = try r.bytes(at: 0x10, 16, "family_id")
        imageID = try r.bytes(at: 0x20, 16, "image_id")
        vmpl = try r.u32(at: 0x30, "vmpl")
        signatureAlgorithm = try r.u32(at: 0x34, "signature_algo")
        currentTCBRaw = try r.u64(at: 0x38, "current_tcb")
        platformInfo = SNPPlatformInfo(raw: try r.u64(at: 0x40, "platform_info"))
        keyInfo = try r.u32(at: 0x48, "key_info")
        reportData = try r.bytes(at: 0x50, 64, "report_data")
        measurement = try r.bytes(at: 0x90, 48, "measurement")
        hostData = try r.bytes(at: 0xC0, 32, "host_data")
        idKeyDigest = try r.bytes(at: 0xE0, 48, "id_key_digest")
        authorKeyDigest = try r.bytes(at: 0x110, 48, "author_key_digest")
        reportID = try r.bytes(at: 0x140, 32, "report_id")
        reportIDMigrationAgent = try r.bytes(at: 0x160, 32, "report_id_ma")
        reportedTCBRaw = try r.u64(at: 0x180, "reported_tcb")
        cpuidFamily = try r.u8(at: 0x188, "cpuid_fam_id")
        cpuidModel = try r.u8(at: 0x189, "cpuid_mod_id")
        cpuidStepping = try r.u8(at: 0x18A, "cpuid_step")
        chipID = try r.bytes(at: 0x1A0, 64, "chip_id")
        committedTCBRaw = try r.u64(at: 0x1E0, "committed_tcb")
        currentVersion = FirmwareVersion(
            major: try r.u8(at: 0x1EA, "current_major"), minor: try r.u8(at: 0x1E9, "current_minor"),
            build: try r.u8(at: 0x1E8, "current_build"))
        committedVersion = FirmwareVersion(
            major: try r.u8(at: 0x1EE, "committed_major"), minor: try r.u8(at: 0x1ED, "committed_minor"),
            build: try r.u8(at: 0x1EC, "committed_build"))
        launchTCBRaw = try r.u64(at: 0x1F0, "launch_tcb")
        launchMitigationVector = try r.u64(at: 0x1F8, "launch_mit_vector")
        currentMitigationVector = try r.u64(at: 0x200, "current_mit_vector")
        signatureR = try r.bytes(at: 0x2A0, 72, "signature.r")
        signatureS = try r.bytes(at: 0x2E8, 72, "signature.s")
    }

    public var authorKeyEnabled: Bool { keyInfo & 1 == 1 }
    /// The firmware zeroed CHIP_ID (MASK_CHIP_ID policy of the host).
    public var chipIDMasked: Bool { keyInfo >> 1 & 1 == 1 }

    public var signingKey: SigningKey {
        switch keyInfo >> 2 & 0b111 {
        case 0: return .vcek
        case 1: return .vlek
        case 7: return .none
        case let other: return .reserved(other)
        }
    }

    /// The product the CPUID fields name (v3+), nil when absent or unknown.
    public var cpuidProduct: SNPProduct? {
        version >= 3 ? SNPProduct(cpuidFamily: cpuidFamily, model: cpuidModel) : nil
    }

    public func reportedTCB(_ product: SNPProduct) -> SNPTCB { SNPTCB(raw: reportedTCBRaw, product: product) }
    public func currentTCB(_ product: SNPProduct) -> SNPTCB { SNPTCB(raw: currentTCBRaw, product: product) }
    public func committedTCB(_ product: SNPProduct) -> SNPTCB { SNPTCB(raw: committedTCBRaw, product: product) }
    public func launchTCB(_ product: SNPProduct) -> SNPTCB { SNPTCB(raw: launchTCBRaw, product: product) }

    public var signedBytes: ArraySlice<UInt8> { bytes[Self.signedRange] }
}
