/// Why a policy document was rejected: what is wrong and where (`path`, YAML `line`).
/// Messages quote names and kinds from the policy, never secret values (policies hold none).
public struct PolicyError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: RawRepresentable, Hashable, Sendable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        /// Not YAML, or not UTF-8.
        public static let syntax = Code(rawValue: "policy_syntax")
        /// A key the model does not know (a typo must not silently weaken a policy).
        public static let unknownKey = Code(rawValue: "policy_unknown_key")
        public static let missingKey = Code(rawValue: "policy_missing_key")
        public static let wrongType = Code(rawValue: "policy_wrong_type")
        public static let invalidValue = Code(rawValue: "policy_invalid_value")
        public static let duplicate = Code(rawValue: "policy_duplicate")
        /// A reference to a master key, secret or identity the policy does not declare.
        public static let unknownReference = Code(rawValue: "policy_unknown_reference")
        /// A `{{secret:NAME}}` template problem.
        public static let template = Code(rawValue: "policy_template")
    }

    public var code: Code
    /// YAML path, e.g. `services[0].attestation[1].kind`; empty for the whole document.
    public var path: String
    /// 1-based line in the YAML text, when known.
    public var line: Int?
    public var problem: String

    public init(_ code: Code, path: String, line: Int?, _ problem: String) {
        self.code = code
        self.path = path
        self.line = line
        self.problem = problem
    }

    /// `services[0].attestation[1].kind: unknown TEE kind "sevsnp" (line 14)`.
    public var message: String {
        var text = path.isEmpty ? problem : "\(path): \(problem)"
        if let line { text += " (line \(line))" }
        return text
    }

    public var description: String { "\(code.rawValue): \(message)" }
    public static func == (a: Self, b: Self) -> Bool { a.code == b.code }
}
