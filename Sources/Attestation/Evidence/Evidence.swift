/// Evidence as a workload presents it to CAS: the kind plus the kind's own bytes
/// (an SNP report, a DCAP quote, a simulated report…) and optional collateral
/// (certificates, CRLs, TCB info) the caller supplies because CAS may have no network.
///
/// JSON: `{"kind": "simulated", "report": "<base64>", "collateral": {"vcek": "<base64>", …}}`.
public struct Evidence: Sendable, Codable, Equatable {
    public var kind: TEEKind
    public var report: [UInt8]
    public var collateral: [String: [UInt8]]

    public init(kind: TEEKind, report: [UInt8], collateral: [String: [UInt8]] = [:]) {
        self.kind = kind
        self.report = report
        self.collateral = collateral
    }

    enum CodingKeys: String, CodingKey { case kind, report, collateral }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kind = try c.decode(TEEKind.self, forKey: .kind)
        report = try Base64Field.decode(c.decode(String.self, forKey: .report), field: "report")
        let raw = try c.decodeIfPresent([String: String].self, forKey: .collateral) ?? [:]
        var decoded: [String: [UInt8]] = [:]
        for (name, text) in raw { decoded[name] = try Base64Field.decode(text, field: "collateral.\(name)") }
        collateral = decoded
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        try c.encode(Base64Field.encode(report), forKey: .report)
        if !collateral.isEmpty { try c.encode(collateral.mapValues(Base64Field.encode), forKey: .collateral) }
    }
}
