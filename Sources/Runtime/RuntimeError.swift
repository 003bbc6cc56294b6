import Support

/// Why the runtime could not attest or start the workload. Messages name what failed and never
/// contain a secret, key or token.
public typealias RuntimeError = CodedError<RuntimeErrorCode>

public struct RuntimeErrorCode: ErrorCode {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    /// Runtime messages are written for the person running the job.
    public static var descriptionShowsCode: Bool { false }

    public static let privateDirectory = Self("private_directory")
    public static let badFilePath = Self("bad_file_path")
    public static let launch = Self("launch")
    public static let evidence = Self("evidence")
    /// CAS could not be asked (unreachable, an answer that does not parse).
    public static let attestation = Self("attestation")
    /// CAS answered and said no: the evidence fails the policy.
    public static let attestationRefused = Self("attestation_refused")
    public static let configuration = Self("configuration")
    public static let kms = Self("kms")
}

extension CodedError where Domain == RuntimeErrorCode {
    /// CAS answered and said no (the evidence fails the policy), as opposed to CAS unreachable.
    public var isRefusal: Bool { code == .attestationRefused }
}
