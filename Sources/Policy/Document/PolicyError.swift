import StrictYAML

/// Policy documents as a YAML format: error codes `policy_*`.
public enum PolicyFormat: YAMLDocumentFormat {
    public static let codePrefix = "policy"
}

/// Why a policy document was rejected: what is wrong and where (`path`, YAML `line`).
public typealias PolicyError = YAMLDocumentError<PolicyFormat>

extension YAMLDocumentError.Code where Format == PolicyFormat {
    /// A `{{secret:NAME}}` template problem.
    public static var template: Self { Self(named: "template") }
}
