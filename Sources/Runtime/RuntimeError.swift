/// Why the runtime could not attest or start the workload. Messages name what failed and never
/// contain a secret, key or token.
public struct RuntimeError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: RawRepresentable, Hashable, Sendable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public static let privateDirectory = Code(rawValue: "private_directory")
        public static let badFilePath = Code(rawValue: "bad_file_path")
        public static let launch = Code(rawValue: "launch")
        public static let evidence = Code(rawValue: "evidence")
        public static let attestation = Code(rawValue: "attestation")
        public static let configuration = Code(rawValue: "configuration")
        public static let kms = Code(rawValue: "kms")
    }

    public var code: Code
    public var message: String
    /// CAS answered and said no (the evidence fails the policy), as opposed to CAS unreachable.
    public var isRefusal = false

    public init(_ code: Code, _ message: String, isRefusal: Bool = false) {
        self.code = code
        self.message = message
        self.isRefusal = isRefusal
    }

    public var description: String { message }
    public static func == (a: Self, b: Self) -> Bool { a.code == b.code }
}
