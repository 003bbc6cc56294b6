/// A YAML document format (a policy, deploy.yaml): the prefix of its error codes.
public protocol YAMLDocumentFormat: Sendable {
    static var codePrefix: String { get }
}

/// Why a YAML document was rejected: what is wrong and where (`path`, YAML `line`). Messages
/// quote names and kinds from the document, never secret values (these documents hold none).
public struct YAMLDocumentError<Format: YAMLDocumentFormat>: Error, Sendable, Equatable, CustomStringConvertible, StrictYAMLFailure {
    /// `<prefix>_<name>`, e.g. `policy_unknown_key`; stable for tests and callers.
    public struct Code: RawRepresentable, Hashable, Sendable, StrictYAMLCode {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(named name: String) { rawValue = Format.codePrefix + "_" + name }

        /// Not YAML, not UTF-8, or empty.
        public static var syntax: Self { Self(named: "syntax") }
        /// A key the format does not know: a typo must not silently drop or weaken a setting.
        public static var unknownKey: Self { Self(named: "unknown_key") }
        public static var missingKey: Self { Self(named: "missing_key") }
        public static var wrongType: Self { Self(named: "wrong_type") }
        public static var invalidValue: Self { Self(named: "invalid_value") }
        public static var duplicate: Self { Self(named: "duplicate") }
        /// A reference to something the document does not declare.
        public static var unknownReference: Self { Self(named: "unknown_reference") }
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
