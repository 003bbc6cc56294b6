/// A TCB_VERSION (AMD 56860 "TCB_VERSION"): security patch levels of the firmware parts.
/// The 64-bit layout differs per product, so decoding needs the product:
/// Milan/Genoa: byte 0 boot loader, 1 TEE, 2–5 reserved, 6 SNP, 7 microcode;
/// Turin: byte 0 FMC, 1 boot loader, 2 TEE, 3 SNP, 4–6 reserved, 7 microcode.
public struct SNPTCB: Sendable, Hashable, Codable, CustomStringConvertible {
    public var bootloader: UInt8
    public var tee: UInt8
    public var snp: UInt8
    public var microcode: UInt8
    /// Turin only: the FMC (firmware) SPL.
    public var fmc: UInt8?

    public init(bootloader: UInt8, tee: UInt8, snp: UInt8, microcode: UInt8, fmc: UInt8? = nil) {
        self.bootloader = bootloader
        self.tee = tee
        self.snp = snp
        self.microcode = microcode
        self.fmc = fmc
    }

    public init(raw: UInt64, product: SNPProduct) {
        func byte(_ i: UInt64) -> UInt8 { UInt8(truncatingIfNeeded: raw >> (8 * i)) }
        switch product {
        case .milan, .genoa:
            self.init(bootloader: byte(0), tee: byte(1), snp: byte(6), microcode: byte(7))
        case .turin:
            self.init(bootloader: byte(1), tee: byte(2), snp: byte(3), microcode: byte(7), fmc: byte(0))
        }
    }

    /// Named components in a stable order, for comparisons and messages.
    public var components: [(name: String, value: UInt8)] {
        var out: [(String, UInt8)] = []
        if let fmc { out.append(("fmc", fmc)) }
        out += [("bootloader", bootloader), ("tee", tee), ("snp", snp), ("microcode", microcode)]
        return out
    }

    public var description: String {
        components.map { "\($0.name) \($0.value)" }.joined(separator: ", ")
    }

    /// The first component of `self` that is below `minimum`'s, if any (component-wise order:
    /// TCB versions are not totally ordered, each SPL must meet its own minimum).
    public func firstComponentBelow(_ minimum: SNPTCB) -> (name: String, value: UInt8, minimum: UInt8)? {
        let mins = Dictionary(uniqueKeysWithValues: minimum.components.map { ($0.name, $0.value) })
        for (name, value) in components {
            if let m = mins[name], value < m { return (name, value, m) }
        }
        return nil
    }
}
