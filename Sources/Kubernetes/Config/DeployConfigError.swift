/// Why a deploy.yaml was rejected: what is wrong and where (`path`, YAML `line`).
/// Messages quote names from the file; the file holds no secret values (only Secret names).
public struct DeployConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: RawRepresentable, Hashable, Sendable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        /// Not YAML, or empty.
        public static let syntax = Code(rawValue: "deploy_syntax")
        /// A key the format does not know: a typo must not silently drop a setting.
        public static let unknownKey = Code(rawValue: "deploy_unknown_key")
        public static let missingKey = Code(rawValue: "deploy_missing_key")
        public static let wrongType = Code(rawValue: "deploy_wrong_type")
        public static let invalidValue = Code(rawValue: "deploy_invalid_value")
        public static let duplicate = Code(rawValue: "deploy_duplicate")
        /// A node pool name that `node_pools` does not declare.
        public static let unknownReference = Code(rawValue: "deploy_unknown_reference")
        /// Settings that each parse but cannot work together (e.g. two CAS replicas on one volume).
        public static let conflict = Code(rawValue: "deploy_conflict")
    }

    public var code: Code
    /// YAML path, e.g. `node_pools[1].tee`; empty for the whole document.
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

    /// `node_pools[1].tee: unknown TEE kind "snp" (line 14)`.
    public var message: String {
        var text = path.isEmpty ? problem : "\(path): \(problem)"
        if let line { text += " (line \(line))" }
        return text
    }

    public var description: String { "\(code.rawValue): \(message)" }
    public static func == (a: Self, b: Self) -> Bool { a.code == b.code }
}
