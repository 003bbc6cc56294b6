/// What CAS injects into an attested workload (docs/design/cas.md "Config envelope"): the
/// plaintext inside the HPKE envelope. File contents and secret values are bytes (base64 in JSON).
public struct ServiceConfiguration: Codable, Sendable, Equatable {
    public var environment: [String: String]
    public var arguments: [String]
    /// Path relative to the workload's private directory → contents.
    public var files: [String: [UInt8]]
    /// Secret name → value.
    public var secrets: [String: [UInt8]]
    /// Master key ids the service may unwrap with / wrap with.
    public var unwrap: [String]
    public var wrap: [String]
    public var results: ResultsTarget?

    public init(environment: [String: String] = [:], arguments: [String] = [], files: [String: [UInt8]] = [:],
                secrets: [String: [UInt8]] = [:], unwrap: [String] = [], wrap: [String] = [], results: ResultsTarget? = nil) {
        self.environment = environment
        self.arguments = arguments
        self.files = files
        self.secrets = secrets
        self.unwrap = unwrap
        self.wrap = wrap
        self.results = results
    }

    /// Where results go: the master key that wraps them and the owners who may read them.
    public struct ResultsTarget: Codable, Sendable, Equatable {
        public var masterKey: String
        public var recipients: [String]

        public init(masterKey: String, recipients: [String]) {
            self.masterKey = masterKey
            self.recipients = recipients
        }

        enum CodingKeys: String, CodingKey {
            case masterKey = "master_key"
            case recipients
        }
    }

    enum CodingKeys: String, CodingKey {
        case environment, arguments, files, secrets, unwrap, wrap, results
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        environment = try c.decodeIfPresent([String: String].self, forKey: .environment) ?? [:]
        arguments = try c.decodeIfPresent([String].self, forKey: .arguments) ?? []
        files = try Self.decodeBytes(c.decodeIfPresent([String: String].self, forKey: .files) ?? [:], field: "files")
        secrets = try Self.decodeBytes(c.decodeIfPresent([String: String].self, forKey: .secrets) ?? [:], field: "secrets")
        unwrap = try c.decodeIfPresent([String].self, forKey: .unwrap) ?? []
        wrap = try c.decodeIfPresent([String].self, forKey: .wrap) ?? []
        results = try c.decodeIfPresent(ResultsTarget.self, forKey: .results)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(environment, forKey: .environment)
        try c.encode(arguments, forKey: .arguments)
        try c.encode(files.mapValues(Base64Text.encode), forKey: .files)
        try c.encode(secrets.mapValues(Base64Text.encode), forKey: .secrets)
        try c.encode(unwrap, forKey: .unwrap)
        try c.encode(wrap, forKey: .wrap)
        try c.encodeIfPresent(results, forKey: .results)
    }

    private static func decodeBytes(_ texts: [String: String], field: String) throws -> [String: [UInt8]] {
        var out = [String: [UInt8]]()
        for (name, text) in texts {
            // The name is a path or secret name, not a value: safe to report.
            out[name] = try Base64Text.decode(text, field: "\(field)[\(name)]")
        }
        return out
    }
}
