/// The guest POLICY the owner set at launch (AMD 56860 Table 9); the report carries it signed.
public struct SNPGuestPolicy: Sendable, Hashable {
    public var raw: UInt64

    public init(raw: UInt64) { self.raw = raw }

    public var abiMinor: UInt8 { UInt8(truncatingIfNeeded: raw) }
    public var abiMajor: UInt8 { UInt8(truncatingIfNeeded: raw >> 8) }
    /// Bit 16: SMT may be enabled on the host.
    public var smtAllowed: Bool { bit(16) }
    /// Bit 18: a migration agent may be associated (it can read the guest's memory on export).
    public var migrationAgentAllowed: Bool { bit(18) }
    /// Bit 19: the host may debug the guest (decrypt its memory).
    public var debugAllowed: Bool { bit(19) }
    /// Bit 20: the guest may run on one socket only.
    public var singleSocketOnly: Bool { bit(20) }
    /// Bit 21: CXL may be populated with guest memory.
    public var cxlAllowed: Bool { bit(21) }
    /// Bit 22: AES-256-XTS memory encryption required.
    public var memAES256XTSRequired: Bool { bit(22) }
    /// Bit 23: RAPL must be disabled.
    public var raplDisabledRequired: Bool { bit(23) }
    /// Bit 24: ciphertext hiding required.
    public var ciphertextHidingRequired: Bool { bit(24) }
    /// Bit 25: page swap commands disabled.
    public var pageSwapDisabled: Bool { bit(25) }

    private func bit(_ n: UInt64) -> Bool { raw >> n & 1 == 1 }
}

/// PLATFORM_INFO (AMD 56860 Table 24): how the host platform was configured when signing.
public struct SNPPlatformInfo: Sendable, Hashable {
    public var raw: UInt64

    public init(raw: UInt64) { self.raw = raw }

    public var smtEnabled: Bool { raw & 1 == 1 }
    public var tsmeEnabled: Bool { raw >> 1 & 1 == 1 }
    public var eccEnabled: Bool { raw >> 2 & 1 == 1 }
    public var raplDisabled: Bool { raw >> 3 & 1 == 1 }
    public var ciphertextHidingEnabled: Bool { raw >> 4 & 1 == 1 }
    public var aliasCheckComplete: Bool { raw >> 5 & 1 == 1 }
}
