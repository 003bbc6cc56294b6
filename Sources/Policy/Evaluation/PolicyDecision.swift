/// The outcome of checking attestation claims against a service policy.
public enum PolicyDecision: Sendable, Equatable {
    case meetsPolicy
    case failsToMeetPolicy(PolicyRefusal)
}

/// Why a policy refused something: a stable code for tests, metrics and audit, and a reason
/// that says what failed. Reasons may hold measurements and names; never secrets.
public struct PolicyRefusal: Sendable, Equatable, CustomStringConvertible {
    public struct Code: RawRepresentable, Hashable, Sendable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        // Evaluation
        public static let unknownService = Code(rawValue: "unknown_service")
        public static let kindNotAllowed = Code(rawValue: "kind_not_allowed")
        public static let simulationNotAllowed = Code(rawValue: "simulation_not_allowed")
        public static let debugNotAllowed = Code(rawValue: "debug_not_allowed")
        public static let measurementMismatch = Code(rawValue: "measurement_mismatch")
        public static let valueMismatch = Code(rawValue: "value_mismatch")
        public static let tcbTooLow = Code(rawValue: "tcb_too_low")
        public static let tcbStatus = Code(rawValue: "tcb_status")
        public static let advisory = Code(rawValue: "advisory_not_tolerated")
        public static let jobHashMismatch = Code(rawValue: "job_hash_mismatch")
        // Version chain
        public static let wrongPolicy = Code(rawValue: "wrong_policy")
        public static let versionOutOfOrder = Code(rawValue: "version_out_of_order")
        public static let previousMismatch = Code(rawValue: "previous_mismatch")
        public static let insufficientApprovals = Code(rawValue: "insufficient_approvals")
    }

    public var code: Code
    public var reason: String

    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { "\(code.rawValue): \(reason)" }
}
