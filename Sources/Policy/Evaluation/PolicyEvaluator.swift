import Attestation
import Support

/// Checks verified claims against one service of a policy. Evidence verification (signatures,
/// chains) and the report-data binding happen before this; here only reference values count.
public enum PolicyEvaluator {
    /// The checks, in the order their refusals are reported. Each is one small rule.
    static let checks: [any ClaimCheck] = [
        SimulationCheck(), DebugCheck(), MeasurementCheck(), ValuesCheck(), MinimumTCBCheck(), TCBStatusCheck(),
        JobHashCheck(),
    ]

    /// `jobHash` is the 32-byte SHA-256 of the job (`ReportDataBinding.noJobHash` when none).
    public static func evaluate(policy: PolicyDocument, service: String, claims: AttestationClaims, jobHash: [UInt8]) -> PolicyDecision {
        guard let servicePolicy = policy.service(named: service) else {
            return .failsToMeetPolicy(PolicyRefusal(.unknownService, "policy \(policy.name) has no service \"\(service)\""))
        }
        guard let requirement = servicePolicy.requirement(for: claims.kind) else {
            let allowed = servicePolicy.attestation.map(\.kind.rawValue).joined(separator: ", ")
            return .failsToMeetPolicy(PolicyRefusal(
                .kindNotAllowed, "TEE kind \(claims.kind.rawValue) not allowed for services[\(service)] (allowed: \(allowed))"))
        }
        let context = ClaimContext(service: servicePolicy, requirement: requirement, claims: claims, jobHash: jobHash)
        for check in checks {
            if let refusal = check.refusal(context) { return .failsToMeetPolicy(refusal) }
        }
        return .meetsPolicy
    }
}

struct ClaimContext {
    var service: ServicePolicy
    var requirement: AttestationRequirement
    var claims: AttestationClaims
    var jobHash: [UInt8]

    var where_: String { "services[\(service.name)].attestation[\(requirement.kind.rawValue)]" }
}

/// One rule of service policy; nil when the claims satisfy it.
protocol ClaimCheck: Sendable {
    func refusal(_ context: ClaimContext) -> PolicyRefusal?
}

struct SimulationCheck: ClaimCheck {
    func refusal(_ c: ClaimContext) -> PolicyRefusal? {
        guard c.claims.simulated || c.claims.kind == .simulated, !c.service.allowSimulation else { return nil }
        return PolicyRefusal(.simulationNotAllowed, "simulated TEE not allowed for services[\(c.service.name)]")
    }
}

struct DebugCheck: ClaimCheck {
    func refusal(_ c: ClaimContext) -> PolicyRefusal? {
        guard c.claims.debug, !c.service.allowDebug else { return nil }
        return PolicyRefusal(.debugNotAllowed, "debug TEE not allowed for services[\(c.service.name)]")
    }
}

struct MeasurementCheck: ClaimCheck {
    func refusal(_ c: ClaimContext) -> PolicyRefusal? {
        let measurement = c.claims.measurement.lowercased()
        guard !c.requirement.measurements.contains(measurement) else { return nil }
        return PolicyRefusal(.measurementMismatch, "measurement \(measurement) not in \(c.where_)")
    }
}

struct ValuesCheck: ClaimCheck {
    func refusal(_ c: ClaimContext) -> PolicyRefusal? {
        for (name, expected) in c.requirement.values.sorted(by: { $0.key < $1.key }) {
            guard let actual = c.claims.values[name] else {
                return PolicyRefusal(.valueMismatch, "\(name) missing from the evidence; \(c.where_) requires \(expected)")
            }
            guard actual == expected else {
                return PolicyRefusal(.valueMismatch, "\(name) \(actual) differs from \(expected) required by \(c.where_)")
            }
        }
        return nil
    }
}

struct MinimumTCBCheck: ClaimCheck {
    func refusal(_ c: ClaimContext) -> PolicyRefusal? {
        for (name, minimum) in c.requirement.minTCB.sorted(by: { $0.key < $1.key }) {
            guard let text = c.claims.values[name] else {
                return PolicyRefusal(.tcbTooLow, "\(name) missing from the evidence; minimum \(minimum)")
            }
            guard let actual = UInt64(text) else {
                return PolicyRefusal(.tcbTooLow, "\(name) in the evidence is not a number")
            }
            guard actual >= minimum else {
                return PolicyRefusal(.tcbTooLow, "\(name) \(actual) below minimum \(minimum)")
            }
        }
        return nil
    }
}

/// "UpToDate" (or no status at all, for kinds without TCB evaluation) passes; any other status
/// and every advisory must be listed in `tolerate`.
struct TCBStatusCheck: ClaimCheck {
    func refusal(_ c: ClaimContext) -> PolicyRefusal? {
        if let status = c.claims.tcbStatus, status != "UpToDate", !c.requirement.tolerate.contains(status) {
            return PolicyRefusal(.tcbStatus, "TCB status \(status) not tolerated")
        }
        for advisory in c.claims.advisoryIDs where !c.requirement.tolerate.contains(advisory) {
            return PolicyRefusal(.advisory, "advisory \(advisory) not tolerated")
        }
        return nil
    }
}

struct JobHashCheck: ClaimCheck {
    func refusal(_ c: ClaimContext) -> PolicyRefusal? {
        guard let pinned = c.service.jobHash else { return nil }
        guard LowercaseHex.encode(c.jobHash) == pinned else {
            return PolicyRefusal(.jobHashMismatch, "job hash differs from the pinned one")
        }
        return nil
    }
}
