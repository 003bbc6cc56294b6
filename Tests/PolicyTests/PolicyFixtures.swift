import Support
import Attestation
import Crypto
import Foundation
import Policy

/// Policies with real keys, written as owners would write them.
struct PolicyFixtures {
    let alice = OwnerIdentity(name: "alice")
    let bob = OwnerIdentity(name: "bob")
    let carol = OwnerIdentity(name: "carol")
    let auditor = OwnerIdentity(name: "dave")

    static let simulatedMeasurement = String(repeating: "3f", count: 47) + "a1"
    static let snpMeasurement = String(repeating: "ab", count: 48)
    static let sgxMeasurement = String(repeating: "cd", count: 32)
    static let hostData = String(repeating: "11", count: 32)
    static let jobHash = [UInt8](SHA256.hash(data: Array("SELECT count(*) FROM trips".utf8)))
    static var jobHashHex: String { LowercaseHex.encode(jobHash) }

    /// The docs/design/cas.md example, with every section.
    func full(version: Int = 1, previous: String? = nil, owners: [OwnerIdentity]? = nil, approvals: Int = 1) -> String {
        let owners = owners ?? [alice, bob]
        var yaml = """
            name: taxi-analytics
            version: \(version)

            """
        if let previous { yaml += "previous: \"\(previous)\"\n" }
        yaml += "owners:\n"
        for owner in owners {
            yaml += "  - name: \(owner.name)\n    public_key: \"\(owner.publicKey.text)\"\n"
        }
        yaml += """
            approvals_required: \(approvals)
            auditors:
              - name: dave
                public_key: "\(auditor.publicKey.text)"
            master_keys:
              - id: trips-footer
              - id: trips-columns
              - id: results
            services:
              - name: query
                attestation:
                  - kind: simulated
                    measurements: ["\(Self.simulatedMeasurement)"]
                  - kind: sev-snp
                    measurements: ["\(Self.snpMeasurement)"]
                    values: {host_data: "\(Self.hostData)"}
                    min_tcb: {tcb.snp: 8, tcb.microcode: 115}
                    tolerate: [SWHardeningNeeded, INTEL-SA-00615]
                  - kind: sgx
                    measurements: ["\(Self.sgxMeasurement)"]
                    tolerate: [SWHardeningNeeded, INTEL-SA-00615]
                allow_debug: false
                allow_simulation: true
                job_hash: "\(Self.jobHashHex)"
                environment: {DB_PASSWORD: "{{secret:db_password}}"}
                arguments: ["--verbose"]
                files: {"conf/app.conf": "password={{secret:db_password}}\\n"}
                unwrap: [trips-footer, trips-columns]
                wrap: [results]
                results: {master_key: results, recipients: [alice]}
              - name: loader
                attestation:
                  - kind: tdx
                    measurements: ["\(Self.snpMeasurement)"]
            secrets:
              - {name: db_password, kind: given}
              - {name: api_key, kind: random, size: 32}
              - {name: spark_auth, kind: aes256}
              - {name: signing, kind: ed25519}
              - {name: tls, kind: x509, common_name: "query.taxi", sans: ["query.local"]}
              - {name: shared, kind: import, from: other-policy, secret: exported_name}
            exports: [{secret: api_key, to: [{policy: other-policy, owners: ["\(bob.publicKey.text)"]}, {policy: third, first_version: "\(Self.jobHashHex)"}]}]

            """
        return yaml
    }

    /// A minimal valid policy; `service` is spliced under `services:` as the only service.
    func minimal(service: String = "", extra: String = "") -> String {
        """
        name: p
        version: 1
        owners:
          - name: alice
            public_key: "\(alice.publicKey.text)"
        master_keys:
          - id: k1
        secrets:
          - {name: s1, kind: given}
        services:
          - name: svc
            attestation:
              - kind: simulated
                measurements: ["\(Self.simulatedMeasurement)"]
        \(service)
        \(extra)
        """
    }
}
