import Attestation
import Policy
import Testing

@Suite struct PolicyEvaluatorTests {
    let f = PolicyFixtures()

    func policy(_ edit: (String) -> String = { $0 }) throws -> PolicyDocument {
        try PolicyDocument.parse(yaml: edit(f.full()))
    }

    func simulatedClaims(debug: Bool = false) -> AttestationClaims {
        AttestationClaims(
            kind: .simulated, measurement: PolicyFixtures.simulatedMeasurement, reportData: [], debug: debug, simulated: true,
            values: ["node_key_id": "ab", "pid": "1"])
    }

    func snpClaims(snp: String = "8", host: String = PolicyFixtures.hostData, status: String? = nil, advisories: [String] = []) -> AttestationClaims {
        AttestationClaims(
            kind: .sevSNP, measurement: PolicyFixtures.snpMeasurement, reportData: [], debug: false, simulated: false,
            tcbStatus: status, advisoryIDs: advisories,
            values: ["host_data": host, "tcb.snp": snp, "tcb.microcode": "115"])
    }

    func refusal(_ d: PolicyDecision) -> PolicyRefusal? {
        if case .failsToMeetPolicy(let r) = d { return r }
        return nil
    }

    @Test func matchingClaimsMeetPolicy() throws {
        let p = try policy()
        #expect(PolicyEvaluator.evaluate(policy: p, service: "query", claims: simulatedClaims(), jobHash: PolicyFixtures.jobHash) == .meetsPolicy)
        #expect(PolicyEvaluator.evaluate(policy: p, service: "query", claims: snpClaims(snp: "9"), jobHash: PolicyFixtures.jobHash) == .meetsPolicy)
        // No job pin on loader: any job hash, including none.
        let tdx = AttestationClaims(kind: .tdx, measurement: PolicyFixtures.snpMeasurement, reportData: [], debug: false, simulated: false)
        #expect(PolicyEvaluator.evaluate(policy: p, service: "loader", claims: tdx, jobHash: ReportDataBinding.noJobHash) == .meetsPolicy)
    }

    @Test func eachRefusalNamesWhatFailed() throws {
        let p = try policy()
        let job = PolicyFixtures.jobHash
        let otherMeasurement = String(repeating: "00", count: 48)
        var wrongMeasurement = simulatedClaims()
        wrongMeasurement.measurement = otherMeasurement
        let tdx = AttestationClaims(kind: .tdx, measurement: PolicyFixtures.snpMeasurement, reportData: [], debug: false, simulated: false)
        var missingHost = snpClaims()
        missingHost.values["host_data"] = nil
        let cases: [(String, AttestationClaims, [UInt8], PolicyRefusal.Code, String)] = [
            ("nosuch", simulatedClaims(), job, .unknownService, "has no service \"nosuch\""),
            ("query", tdx, job, .kindNotAllowed, "TEE kind tdx not allowed"),
            ("query", simulatedClaims(debug: true), job, .debugNotAllowed, "debug TEE not allowed"),
            ("query", wrongMeasurement, job, .measurementMismatch, "measurement \(otherMeasurement) not in services[query].attestation[simulated]"),
            ("query", snpClaims(host: String(repeating: "22", count: 32)), job, .valueMismatch, "host_data"),
            ("query", missingHost, job, .valueMismatch, "host_data missing"),
            ("query", snpClaims(snp: "7"), job, .tcbTooLow, "tcb.snp 7 below minimum 8"),
            ("query", snpClaims(snp: "seven"), job, .tcbTooLow, "not a number"),
            ("query", snpClaims(status: "OutOfDate"), job, .tcbStatus, "TCB status OutOfDate not tolerated"),
            ("query", snpClaims(advisories: ["INTEL-SA-00999"]), job, .advisory, "advisory INTEL-SA-00999 not tolerated"),
            ("query", simulatedClaims(), ReportDataBinding.noJobHash, .jobHashMismatch, "job hash differs from the pinned one"),
        ]
        for (service, claims, jobHash, code, text) in cases {
            let r = refusal(PolicyEvaluator.evaluate(policy: p, service: service, claims: claims, jobHash: jobHash))
            #expect(r?.code == code, "\(text): \(r?.description ?? "met policy")")
            #expect(r?.reason.contains(text) == true, "\(r?.reason ?? "met policy")")
        }
    }

    @Test func toleratedStatusesAndAdvisoriesPass() throws {
        let p = try policy()
        let claims = snpClaims(status: "SWHardeningNeeded", advisories: ["INTEL-SA-00615"])
        #expect(PolicyEvaluator.evaluate(policy: p, service: "query", claims: claims, jobHash: PolicyFixtures.jobHash) == .meetsPolicy)
        #expect(PolicyEvaluator.evaluate(policy: p, service: "query", claims: snpClaims(status: "UpToDate"), jobHash: PolicyFixtures.jobHash) == .meetsPolicy)
    }

    @Test func simulationNeedsExplicitPermission() throws {
        let p = try policy { $0.replacingOccurrences(of: "allow_simulation: true", with: "allow_simulation: false") }
        let r = refusal(PolicyEvaluator.evaluate(policy: p, service: "query", claims: simulatedClaims(), jobHash: PolicyFixtures.jobHash))
        #expect(r?.code == .simulationNotAllowed)
        #expect(r?.reason.contains("simulated TEE not allowed") == true)
        // Omitted means false.
        let omitted = try policy { $0.replacingOccurrences(of: "    allow_simulation: true\n", with: "") }
        #expect(refusal(PolicyEvaluator.evaluate(policy: omitted, service: "query", claims: simulatedClaims(), jobHash: PolicyFixtures.jobHash))?.code == .simulationNotAllowed)
    }

    @Test func debugAllowedWhenThePolicySaysSo() throws {
        let p = try policy { $0.replacingOccurrences(of: "allow_debug: false", with: "allow_debug: true") }
        #expect(PolicyEvaluator.evaluate(policy: p, service: "query", claims: simulatedClaims(debug: true), jobHash: PolicyFixtures.jobHash) == .meetsPolicy)
    }
}
