import StrictYAML

/// deploy.yaml as a YAML format: error codes `deploy_*`.
public enum DeployFormat: YAMLDocumentFormat {
    public static let codePrefix = "deploy"
}

/// Why a deploy.yaml was rejected: what is wrong and where (`path`, YAML `line`). The file holds
/// no secret values (only Secret names).
public typealias DeployConfigError = YAMLDocumentError<DeployFormat>

extension YAMLDocumentError.Code where Format == DeployFormat {
    /// Settings that each parse but cannot work together (e.g. two CAS replicas on one volume).
    public static var conflict: Self { Self(named: "conflict") }
}
