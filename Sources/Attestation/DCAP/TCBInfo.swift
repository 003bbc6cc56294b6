import Foundation

/// Intel PCS TCB info (v2 SGX, v3 SGX/TDX): the TCB levels of one FMSPC, newest first, each
/// with a status and advisories, plus the TDX module identities for TDX.
public struct TCBInfo: Sendable, Decodable, Equatable {
    /// "SGX" or "TDX" (v3); v2 has no id and is always SGX.
    public var id: String
    public var version: Int
    public var issueDate: Date
    public var nextUpdate: Date
    public var fmspc: String
    public var pceID: String
    public var tcbEvaluationDataNumber: Int
    public var tdxModule: TDXModule?
    public var tdxModuleIdentities: [TDXModuleIdentity]
    public var tcbLevels: [TCBLevel]

    public struct TDXModule: Sendable, Decodable, Equatable {
        public var mrsigner: String
        public var attributes: String
        public var attributesMask: String
    }

    public struct TDXModuleIdentity: Sendable, Decodable, Equatable {
        public var id: String
        public var mrsigner: String
        public var attributes: String
        public var attributesMask: String
        public var tcbLevels: [ModuleTCBLevel]
    }

    public struct ModuleTCBLevel: Sendable, Decodable, Equatable {
        public struct TCB: Sendable, Decodable, Equatable { public var isvsvn: Int }
        public var tcb: TCB
        public var tcbStatus: TCBStatus
        public var advisoryIDs: [String]?
    }

    public struct TCBLevel: Sendable, Decodable, Equatable {
        public var sgxComponents: [Int]
        public var tdxComponents: [Int]
        public var pceSVN: Int
        public var tcbStatus: TCBStatus
        public var advisoryIDs: [String]

        enum CodingKeys: String, CodingKey { case tcb, tcbStatus, advisoryIDs }
        struct AnyKey: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }
        struct Component: Decodable { var svn: Int }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            tcbStatus = try c.decode(TCBStatus.self, forKey: .tcbStatus)
            advisoryIDs = try c.decodeIfPresent([String].self, forKey: .advisoryIDs) ?? []
            let tcb = try c.nestedContainer(keyedBy: AnyKey.self, forKey: .tcb)
            pceSVN = try tcb.decode(Int.self, forKey: AnyKey(stringValue: "pcesvn"))
            if let components = try tcb.decodeIfPresent([Component].self, forKey: AnyKey(stringValue: "sgxtcbcomponents")) {
                sgxComponents = components.map(\.svn)  // v3
            } else {
                // v2: sgxtcbcomp01svn … sgxtcbcomp16svn
                sgxComponents = try (1...16).map { i in
                    try tcb.decode(Int.self, forKey: AnyKey(stringValue: String(format: "sgxtcbcomp%02dsvn", i)))
                }
            }
            tdxComponents = try tcb.decodeIfPresent([Component].self, forKey: AnyKey(stringValue: "tdxtcbcomponents"))?.map(\.svn) ?? []
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, version, issueDate, nextUpdate, fmspc, pceId, tcbEvaluationDataNumber, tdxModule, tdxModuleIdentities, tcbLevels
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        version = try c.decode(Int.self, forKey: .version)
        id = try c.decodeIfPresent(String.self, forKey: .id) ?? "SGX"
        issueDate = try PCSDate.decode(c.decode(String.self, forKey: .issueDate), field: "issueDate")
        nextUpdate = try PCSDate.decode(c.decode(String.self, forKey: .nextUpdate), field: "nextUpdate")
        fmspc = try c.decode(String.self, forKey: .fmspc)
        pceID = try c.decode(String.self, forKey: .pceId)
        tcbEvaluationDataNumber = try c.decodeIfPresent(Int.self, forKey: .tcbEvaluationDataNumber) ?? 0
        tdxModule = try c.decodeIfPresent(TDXModule.self, forKey: .tdxModule)
        tdxModuleIdentities = try c.decodeIfPresent([TDXModuleIdentity].self, forKey: .tdxModuleIdentities) ?? []
        tcbLevels = try c.decode([TCBLevel].self, forKey: .tcbLevels)
    }

    public init(json: [UInt8]) throws(AttestationError) {
        do { self = try JSONDecoder().decode(TCBInfo.self, from: Data(json)) } catch {
            throw AttestationError(.collateral, "TCB info JSON does not decode: \(PCSDate.describe(error))")
        }
    }
}

/// PCS dates are RFC 3339 UTC ("2025-06-19T10:16:03Z", sometimes with fractions).
enum PCSDate {
    static func decode(_ text: String, field: String) throws -> Date {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "\(field) is not an RFC 3339 date"))
    }

    /// A decoding error's path and reason, without values.
    static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "invalid JSON" }
        let context: DecodingError.Context
        switch error {
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c): context = c
        case .keyNotFound(let key, let c):
            return "missing \((c.codingPath + [key]).map(\.stringValue).joined(separator: "."))"
        @unknown default: return "invalid JSON"
        }
        let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        return path.isEmpty ? "invalid JSON" : "bad value at \(path)"
    }
}
