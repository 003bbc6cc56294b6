import Attestation
import Policy
import Testing

@Suite struct PolicyDocumentTests {
    let f = PolicyFixtures()

    @Test func parsesTheDesignDocumentExample() throws {
        let doc = try PolicyDocument.parse(yaml: f.full())
        #expect(doc.name == "taxi-analytics")
        #expect(doc.version == 1)
        #expect(doc.previous == nil)
        #expect(doc.owners.map(\.name) == ["alice", "bob"])
        #expect(doc.owners[0].publicKey == f.alice.publicKey)
        #expect(doc.approvalsRequired == 1)
        #expect(doc.auditors.map(\.name) == ["dave"])
        #expect(doc.masterKeys == ["trips-footer", "trips-columns", "results"])
        let query = try #require(doc.service(named: "query"))
        #expect(query.attestation.map(\.kind) == [.simulated, .sevSNP, .sgx])
        let snp = try #require(query.requirement(for: .sevSNP))
        #expect(snp.values == ["host_data": PolicyFixtures.hostData])
        #expect(snp.minTCB == ["tcb.snp": 8, "tcb.microcode": 115])
        #expect(snp.tolerate == ["SWHardeningNeeded", "INTEL-SA-00615"])
        #expect(query.allowSimulation && !query.allowDebug)
        #expect(query.jobHash == PolicyFixtures.jobHashHex)
        #expect(query.environment == ["DB_PASSWORD": "{{secret:db_password}}"])
        #expect(query.arguments == ["--verbose"])
        #expect(query.files == ["conf/app.conf": "password={{secret:db_password}}\n"])
        #expect(query.unwrap == ["trips-footer", "trips-columns"])
        #expect(query.wrap == ["results"])
        #expect(query.results == ResultsSpec(masterKey: "results", recipients: ["alice"]))
        let loader = try #require(doc.service(named: "loader"))
        #expect(!loader.allowSimulation && !loader.allowDebug && loader.jobHash == nil)
        #expect(doc.secrets.map(\.kind) == [
            .given, .random(size: 32), .aes256, .ed25519,
            .x509(commonName: "query.taxi", subjectAlternativeNames: ["query.local"]),
            .imported(fromPolicy: "other-policy", secret: "exported_name"),
        ])
        #expect(doc.exports == [SecretExport(secret: "api_key", to: [
            ExportTarget(policy: "other-policy", identity: .owners([f.bob.publicKey])),
            ExportTarget(policy: "third", identity: .firstVersion(PolicyFixtures.jobHashHex)),
        ])])
    }

    @Test func uppercaseHexIsNormalised() throws {
        let yaml = f.minimal().replacingOccurrences(of: PolicyFixtures.simulatedMeasurement, with: PolicyFixtures.simulatedMeasurement.uppercased())
        #expect(try PolicyDocument.parse(yaml: yaml).services[0].attestation[0].measurements == [PolicyFixtures.simulatedMeasurement])
    }

    /// The design document's own example error, path and line.
    @Test func unknownTEEKindNamesPathAndLine() {
        let yaml = f.full().replacingOccurrences(of: "kind: sev-snp", with: "kind: sevsnp")
        let error = #expect(throws: PolicyError.self) { try PolicyDocument.parse(yaml: yaml) }
        let line = yaml.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("sevsnp") }.map { $0 + 1 }
        #expect(error?.code == .invalidValue)
        #expect(error?.path == "services[0].attestation[1].kind")
        #expect(error?.line == line)
        #expect(error?.message.hasPrefix("services[0].attestation[1].kind: unknown TEE kind \"sevsnp\"") == true)
        #expect(error?.message.hasSuffix("(line \(line ?? 0))") == true)
    }

    /// Each case: a change to a valid policy, the error code and the path it must name.
    static let refusals: [(String, String, PolicyError.Code, String)] = [
        ("unknown top-level key", "approval_required: 1", .unknownKey, "approval_required"),
        ("unknown service key", "    allow_simulations: true", .unknownKey, "services[0].allow_simulations"),
        ("allow_debug not a bool", "    allow_debug: yes", .wrongType, "services[0].allow_debug"),
        ("allow_debug quoted", "    allow_debug: \"true\"", .wrongType, "services[0].allow_debug"),
        ("job hash too short", "    job_hash: \"abcd\"", .invalidValue, "services[0].job_hash"),
        ("unwrap unknown key", "    unwrap: [k2]", .unknownReference, "services[0].unwrap[0]"),
        ("wrap unknown key", "    wrap: [k1, nope]", .unknownReference, "services[0].wrap[1]"),
        ("unwrap listed twice", "    unwrap: [k1, k1]", .duplicate, "services[0].unwrap[1]"),
        ("env names unknown secret", "    environment: {X: \"{{secret:s2}}\"}", .unknownReference, "services[0].environment.X"),
        ("file names unknown secret", "    files: {a.conf: \"{{secret:nope}}\"}", .unknownReference, "services[0].files.a.conf"),
        ("argument names unknown secret", "    arguments: [\"--p={{secret:x}}\"]", .unknownReference, "services[0].arguments[0]"),
        ("broken placeholder", "    arguments: [\"{{secret:s1\"]", .template, "services[0].arguments[0]"),
        ("secret in an argument", "    arguments: [\"--password={{secret:s1}}\"]", .invalidValue, "services[0].arguments[0]"),
        ("helper of itself", "    helper_of: svc", .invalidValue, "services[0].name"),
        ("helper of an unknown service", "    helper_of: q", .unknownReference, "services[0].helper_of"),
        ("bad env name", "    environment: {\"1X\": a}", .invalidValue, "services[0].environment.1X"),
        ("file escapes", "    files: {\"../etc/passwd\": x}", .invalidValue, "services[0].files.../etc/passwd"),
        ("absolute file", "    files: {\"/etc/passwd\": x}", .invalidValue, "services[0].files./etc/passwd"),
        ("results unknown key", "    results: {master_key: k9, recipients: [alice]}", .unknownReference, "services[0].results.master_key"),
        ("results unknown recipient", "    results: {master_key: k1, recipients: [mallory]}", .unknownReference, "services[0].results.recipients[0]"),
    ]

    @Test(arguments: refusals)
    func serviceMistakesAreRefusedWithPath(_ c: (String, String, PolicyError.Code, String)) {
        let (label, line, code, path) = c
        let yaml = line.hasPrefix("    ") ? f.minimal(service: line) : f.minimal(extra: line)
        let error = #expect(throws: PolicyError.self, "\(label)") { try PolicyDocument.parse(yaml: yaml) }
        #expect(error?.code == code, "\(label): \(error?.description ?? "")")
        #expect(error?.path == path, "\(label): \(error?.description ?? "")")
        #expect(error?.line != nil, "\(label)")
    }

    @Test func documentLevelMistakes() {
        let cases: [(String, String, PolicyError.Code)] = [
            ("bad policy name", f.minimal().replacingOccurrences(of: "name: p\n", with: "name: Bad_Name\n"), .invalidValue),
            ("quoted version", f.minimal().replacingOccurrences(of: "version: 1", with: "version: \"1\""), .wrongType),
            ("version 0", f.minimal().replacingOccurrences(of: "version: 1", with: "version: 0"), .invalidValue),
            ("version 2 without previous", f.minimal().replacingOccurrences(of: "version: 1", with: "version: 2"), .missingKey),
            ("previous on version 1", f.minimal(extra: "previous: \"\(String(repeating: "0", count: 64))\""), .invalidValue),
            ("too many approvals", f.minimal(extra: "approvals_required: 2"), .invalidValue),
            ("no owners", f.minimal().replacingOccurrences(of: "owners:\n  - name: alice\n    public_key: \"\(f.alice.publicKey.text)\"", with: "owners: []"), .invalidValue),
            ("bad owner key", f.minimal().replacingOccurrences(of: f.alice.publicKey.text, with: "ed25519:AAAA"), .invalidValue),
            ("duplicate master key", f.minimal().replacingOccurrences(of: "  - id: k1", with: "  - id: k1\n  - id: k1"), .duplicate),
            ("duplicate secret", f.minimal().replacingOccurrences(of: "  - {name: s1, kind: given}", with: "  - {name: s1, kind: given}\n  - {name: s1, kind: aes256}"), .duplicate),
            ("size on aes256", f.minimal().replacingOccurrences(of: "{name: s1, kind: given}", with: "{name: s1, kind: aes256, size: 3}"), .unknownKey),
            ("random without size", f.minimal().replacingOccurrences(of: "{name: s1, kind: given}", with: "{name: s1, kind: random}"), .missingKey),
            ("unknown secret kind", f.minimal().replacingOccurrences(of: "kind: given", with: "kind: magic"), .invalidValue),
            ("bad secret name", f.minimal().replacingOccurrences(of: "{name: s1,", with: "{name: \"S 1\","), .invalidValue),
            ("export of unknown secret", f.minimal(extra: "exports: [{secret: nope, to: [{policy: q, first_version: \"\(String(repeating: "a", count: 64))\"}]}]"), .unknownReference),
            ("export to a bare name", f.minimal(extra: "exports: [{secret: s1, to: [q]}]"), .invalidValue),
            ("export with both identities", f.minimal(extra: "exports: [{secret: s1, to: [{policy: q, first_version: \"\(String(repeating: "a", count: 64))\", owners: [\"\(f.alice.publicKey.text)\"]}]}]"), .invalidValue),
            ("export with a bad owner key", f.minimal(extra: "exports: [{secret: s1, to: [{policy: q, owners: [\"ed25519:AAAA\"]}]}]"), .invalidValue),
            ("duplicate mapping key", f.minimal(extra: "version: 3"), .duplicate),
            ("not YAML", "name: [unclosed", .syntax),
            ("empty", "", .syntax),
            ("not a mapping", "- a\n- b", .wrongType),
        ]
        for (label, yaml, code) in cases {
            let error = #expect(throws: PolicyError.self, "\(label)") { try PolicyDocument.parse(yaml: yaml) }
            #expect(error?.code == code, "\(label): \(error?.description ?? "")")
        }
    }

    /// The walk has a node budget: the schema nests only a few levels, so the way to a huge
    /// walk is a huge list, refused before the work grows with it.
    @Test func nodeBudgetBoundsTheWalk() throws {
        let many = "    arguments: [" + Array(repeating: "a", count: 100_001).joined(separator: ", ") + "]"
        let error = #expect(throws: PolicyError.self) { try PolicyDocument.parse(yaml: f.minimal(service: many)) }
        #expect(error?.message.contains("more than 100000 YAML nodes") == true, "\(error?.message ?? "")")
        // Anchors and aliases of allowed shapes are ordinary YAML.
        let aliased = f.minimal(service: "    arguments: [&v --verbose, *v]")
        #expect(try PolicyDocument.parse(yaml: aliased).services[0].arguments == ["--verbose", "--verbose"])
    }

    @Test func duplicateServiceNamesAreRefused() {
        let yaml = f.minimal(service: """
              - name: svc
                attestation:
                  - kind: sgx
                    measurements: ["\(PolicyFixtures.sgxMeasurement)"]
            """)
        let error = #expect(throws: PolicyError.self) { try PolicyDocument.parse(yaml: yaml) }
        #expect(error?.code == .duplicate)
        #expect(error?.path == "services[1].name")
    }

    @Test func measurementLengthsFollowTheKind() {
        // sgx takes 64 hex (MRENCLAVE), everything else 96; simulated with 64 is refused.
        let sgxWith96 = f.minimal(service: """
              - name: enclave
                attestation:
                  - kind: sgx
                    measurements: ["\(PolicyFixtures.snpMeasurement)"]
            """)
        let e1 = #expect(throws: PolicyError.self) { try PolicyDocument.parse(yaml: sgxWith96) }
        #expect(e1?.path == "services[1].attestation[0].measurements[0]")
        #expect(e1?.message.contains("64 hex characters") == true)
        let simWith64 = f.minimal().replacingOccurrences(of: PolicyFixtures.simulatedMeasurement, with: PolicyFixtures.sgxMeasurement)
        let e2 = #expect(throws: PolicyError.self) { try PolicyDocument.parse(yaml: simWith64) }
        #expect(e2?.message.contains("96 hex characters") == true)
        let notHex = f.minimal().replacingOccurrences(of: PolicyFixtures.simulatedMeasurement, with: String(repeating: "zz", count: 48))
        #expect(throws: PolicyError.self) { try PolicyDocument.parse(yaml: notHex) }
    }

    @Test func sameKindTwiceInOneServiceIsRefused() {
        let yaml = f.minimal().replacingOccurrences(
            of: "measurements: [\"\(PolicyFixtures.simulatedMeasurement)\"]",
            with: "measurements: [\"\(PolicyFixtures.simulatedMeasurement)\"]\n      - kind: simulated\n        measurements: [\"\(PolicyFixtures.simulatedMeasurement)\"]")
        let error = #expect(throws: PolicyError.self) { try PolicyDocument.parse(yaml: yaml) }
        #expect(error?.code == .duplicate)
        #expect(error?.path == "services[0].attestation[1]")
    }
}
