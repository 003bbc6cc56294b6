import Attestation
import Yams
import Support

extension PolicyDocument {
    /// Names of policies, services, secrets, master keys and identities.
    public static func isValidName(_ name: String) -> Bool {
        let u = Array(name.utf8)
        guard let first = u.first, u.count <= 63, isLowerAlnum(first) else { return false }
        return u.dropFirst().allSatisfy { isLowerAlnum($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }
    }

    private static func isLowerAlnum(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"))
    }

    /// Hex characters a measurement of `kind` has (SHA-384-sized launch digests, SGX MRENCLAVE
    /// SHA-256; MAA tokens carry either).
    static func measurementHexLengths(_ kind: TEEKind) -> Set<Int> {
        switch kind {
        case .simulated, .sevSNP, .tdx, .azureSNPvTPM, .azureTDXvTPM: [96]
        case .sgx: [64]
        case .maa: [64, 96]
        }
    }

    /// Parses and validates a policy. Every error names the YAML path and line.
    public static func parse(yaml: String) throws(PolicyError) -> PolicyDocument {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: yaml) else {
                throw PolicyError(.syntax, path: "", line: nil, "the policy is empty")
            }
            root = node
        } catch let error as PolicyError {
            throw error
        } catch let error as YamlError {
            throw Self.syntaxError(error)
        } catch {
            throw PolicyError(.syntax, path: "", line: nil, "not valid YAML")
        }
        return try PolicyParser().document(YAMLValue.root(root, document: "policy"))
    }

    /// Yams errors carry the whole YAML text; keep only the problem and the line.
    private static func syntaxError(_ error: YamlError) -> PolicyError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return PolicyError(.syntax, path: "", line: mark.line, "invalid YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return PolicyError(
                .duplicate, path: "", line: context.mark.line,
                "duplicate key \(duplicates.map { "\"\($0)\"" }.joined(separator: ", ")) in a mapping")
        case .reader(let problem, _, _, _):
            return PolicyError(.syntax, path: "", line: nil, "invalid YAML: \(problem)")
        default:
            return PolicyError(.syntax, path: "", line: nil, "invalid YAML")
        }
    }
}

/// Builds a `PolicyDocument` from YAML nodes: types first, then references between sections.
private struct PolicyParser {
    func document(_ root: YAMLValue) throws(PolicyError) -> PolicyDocument {
        let m = try root.mapping(allowed: [
            "name", "version", "previous", "owners", "approvals_required", "auditors", "master_keys",
            "services", "secrets", "exports",
        ])
        let name = try policyName(m.required("name"))
        let versionValue = try m.required("version")
        let version = try versionValue.int()
        guard version >= 1 else { throw versionValue.error(.invalidValue, "version starts at 1") }
        var previous: String?
        if let p = m.optional("previous") {
            guard version > 1 else { throw p.error(.invalidValue, "version 1 has no previous version") }
            previous = try hex(p, lengths: [64], what: "SHA-256")
        } else if version > 1 {
            throw PolicyError(.missingKey, path: "previous", line: versionValue.line,
                              "version \(version) must name the hash of version \(version - 1)")
        }

        let ownersValue = try m.required("owners")
        let owners = try namedKeys(ownersValue)
        guard !owners.isEmpty else { throw ownersValue.error(.invalidValue, "a policy needs at least one owner") }
        var approvals = 1
        if let a = m.optional("approvals_required") {
            approvals = try a.int()
            guard approvals >= 1, approvals <= owners.count else {
                throw a.error(.invalidValue, "approvals_required must be between 1 and the number of owners (\(owners.count))")
            }
        }
        let auditorsValue = m.optional("auditors")
        let auditors = try auditorsValue.map { v throws(PolicyError) in try namedKeys(v) } ?? []
        var identities = Set(owners.map(\.name))
        for (i, auditor) in auditors.enumerated() where !identities.insert(auditor.name).inserted {
            throw PolicyError(.duplicate, path: "auditors[\(i)].name", line: auditorsValue?.line,
                              "\"\(auditor.name)\" is already an owner or auditor")
        }

        var masterKeys: [String] = []
        if let mk = m.optional("master_keys") {
            for item in try mk.sequence() {
                let entry = try item.mapping(allowed: ["id"])
                let idValue = try entry.required("id")
                let id = try identifier(idValue)
                guard !masterKeys.contains(id) else { throw idValue.error(.duplicate, "master key \"\(id)\" is declared twice") }
                masterKeys.append(id)
            }
        }

        var secrets: [SecretSpec] = []
        if let s = m.optional("secrets") {
            for item in try s.sequence() {
                let (spec, nameValue) = try secret(item)
                guard !secrets.contains(where: { $0.name == spec.name }) else {
                    throw nameValue.error(.duplicate, "secret \"\(spec.name)\" is declared twice")
                }
                secrets.append(spec)
            }
        }
        let context = References(masterKeys: Set(masterKeys), secrets: Set(secrets.map(\.name)), identities: identities)

        var services: [ServicePolicy] = []
        var helperLines: [Int: Int] = [:]
        if let sv = m.optional("services") {
            for (index, item) in try sv.sequence().enumerated() {
                let (service, nameValue) = try self.service(item, context)
                if let line = (try? item.mapping(allowed: Self.serviceKeys))?.optional("helper_of")?.line { helperLines[index] = line }
                guard !services.contains(where: { $0.name == service.name }) else {
                    throw nameValue.error(.duplicate, "service \"\(service.name)\" is declared twice")
                }
                services.append(service)
            }
        }

        for (index, service) in services.enumerated() {
            guard let parent = service.helperOf else { continue }
            guard let parentService = services.first(where: { $0.name == parent }) else {
                throw PolicyError(.unknownReference, path: "services[\(index)].helper_of", line: helperLines[index],
                                  "helper_of names \"\(parent)\", which is not a service of this policy")
            }
            guard parentService.helperOf == nil else {
                throw PolicyError(.invalidValue, path: "services[\(index)].helper_of", line: helperLines[index],
                                  "\"\(parent)\" is itself a helper; a helper's grant comes from a job that attested on its own")
            }
        }

        var exports: [SecretExport] = []
        if let ex = m.optional("exports") {
            for item in try ex.sequence() {
                let entry = try item.mapping(allowed: ["secret", "to"])
                let secretValue = try entry.required("secret")
                let secretName = try identifier(secretValue)
                guard context.secrets.contains(secretName) else {
                    throw secretValue.error(.unknownReference, "exports secret \"\(secretName)\", which is not declared in secrets")
                }
                let toValue = try entry.required("to")
                var to: [ExportTarget] = []
                for target in try toValue.sequence() { to.append(try exportTarget(target)) }
                guard !to.isEmpty else { throw toValue.error(.invalidValue, "name at least one policy to export to") }
                exports.append(SecretExport(secret: secretName, to: to))
            }
        }

        return PolicyDocument(
            name: name, version: version, previous: previous, owners: owners, approvalsRequired: approvals,
            auditors: auditors, masterKeys: masterKeys, services: services, secrets: secrets, exports: exports)
    }

    struct References {
        var masterKeys: Set<String>
        var secrets: Set<String>
        var identities: Set<String>
    }

    // MARK: Sections

    /// `{policy: NAME, owners: [ed25519:…]}` or `{policy: NAME, first_version: HASH}`. A bare name
    /// is refused: whoever applies a name first would get the secret.
    func exportTarget(_ value: YAMLValue) throws(PolicyError) -> ExportTarget {
        if (try? value.string()) != nil {
            throw value.error(
                .invalidValue,
                "name the importing policy by its keys, not by name alone: {policy: NAME, owners: [\"ed25519:…\"]} or {policy: NAME, first_version: HASH}")
        }
        let entry = try value.mapping(allowed: ["policy", "owners", "first_version"])
        let policy = try policyName(entry.required("policy"))
        switch (entry.optional("owners"), entry.optional("first_version")) {
        case (let ownersValue?, nil):
            var keys: [OwnerPublicKey] = []
            for item in try ownersValue.sequence() {
                do { keys.append(try OwnerPublicKey(text: try item.string())) } catch let error as PolicyError {
                    throw error
                } catch {
                    throw item.error(.invalidValue, "not an Ed25519 public key (\"ed25519:<base64 of 32 bytes>\")")
                }
            }
            guard !keys.isEmpty else { throw ownersValue.error(.invalidValue, "list the importing policy's owner keys") }
            return ExportTarget(policy: policy, identity: .owners(keys))
        case (nil, let hashValue?):
            return ExportTarget(policy: policy, identity: .firstVersion(try hex(hashValue, lengths: [64], what: "first_version (SHA-256)")))
        default:
            throw value.error(.invalidValue, "give exactly one of owners and first_version")
        }
    }

    func namedKeys(_ value: YAMLValue) throws(PolicyError) -> [NamedKey] {
        var out: [NamedKey] = []
        for item in try value.sequence() {
            let entry = try item.mapping(allowed: ["name", "public_key"])
            let nameValue = try entry.required("name")
            let name = try identifier(nameValue)
            let keyValue = try entry.required("public_key")
            let key: OwnerPublicKey
            do { key = try OwnerPublicKey(text: try keyValue.string()) } catch let error as PolicyError {
                throw error
            } catch {
                throw keyValue.error(.invalidValue, "not an Ed25519 public key (\"ed25519:<base64 of 32 bytes>\")")
            }
            guard !out.contains(where: { $0.name == name }) else { throw nameValue.error(.duplicate, "\"\(name)\" is listed twice") }
            guard !out.contains(where: { $0.publicKey == key }) else {
                throw keyValue.error(.duplicate, "the same public key is listed for two names")
            }
            out.append(NamedKey(name: name, publicKey: key))
        }
        return out
    }

    func secret(_ item: YAMLValue) throws(PolicyError) -> (SecretSpec, YAMLValue) {
        let entry = try item.mapping(allowed: ["name", "kind", "size", "common_name", "sans", "from", "secret"])
        let nameValue = try entry.required("name")
        let name = try identifier(nameValue)
        let kindValue = try entry.required("kind")
        let kindText = try kindValue.string()
        let kind: SecretSpec.Kind
        var allowed: Set<String> = ["name", "kind"]
        switch kindText {
        case "given": kind = .given
        case "aes256": kind = .aes256
        case "ed25519": kind = .ed25519
        case "p256": kind = .p256
        case "random":
            allowed.insert("size")
            let sizeValue = try entry.required("size")
            let size = try sizeValue.int()
            guard (1...4096).contains(size) else { throw sizeValue.error(.invalidValue, "size must be 1 to 4096 bytes") }
            kind = .random(size: size)
        case "x509":
            allowed.formUnion(["common_name", "sans"])
            let cnValue = try entry.required("common_name")
            let commonName = try cnValue.string()
            guard !commonName.isEmpty, commonName.utf8.count <= 64 else {
                throw cnValue.error(.invalidValue, "common_name must be 1 to 64 bytes")
            }
            let sans = try entry.optional("sans").map { v throws(PolicyError) in try v.stringList() } ?? []
            kind = .x509(commonName: commonName, subjectAlternativeNames: sans)
        case "import":
            allowed.formUnion(["from", "secret"])
            let from = try policyName(entry.required("from"))
            let exported = try identifier(entry.required("secret"))
            kind = .imported(fromPolicy: from, secret: exported)
        default:
            throw kindValue.error(
                .invalidValue, "unknown secret kind \"\(kindText)\" (given, random, aes256, ed25519, p256, x509, import)")
        }
        for key in entry.keys where !allowed.contains(key) {
            let v = entry.optional(key)!
            throw v.error(.unknownKey, "key \"\(key)\" does not apply to secrets of kind \(kindText)")
        }
        return (SecretSpec(name: name, kind: kind), nameValue)
    }

    static let serviceKeys = [
        "name", "attestation", "allow_debug", "allow_simulation", "job_hash", "environment", "arguments",
        "files", "unwrap", "wrap", "results", "helper_of",
    ]

    func service(_ item: YAMLValue, _ refs: References) throws(PolicyError) -> (ServicePolicy, YAMLValue) {
        let entry = try item.mapping(allowed: Self.serviceKeys)
        let nameValue = try entry.required("name")
        let name = try identifier(nameValue)

        let attestationValue = try entry.required("attestation")
        var attestation: [AttestationRequirement] = []
        for requirementValue in try attestationValue.sequence() {
            let requirement = try self.requirement(requirementValue)
            guard !attestation.contains(where: { $0.kind == requirement.kind }) else {
                throw requirementValue.error(.duplicate, "TEE kind \(requirement.kind.rawValue) is listed twice")
            }
            attestation.append(requirement)
        }
        guard !attestation.isEmpty else { throw attestationValue.error(.invalidValue, "list at least one accepted TEE kind") }

        let allowDebug = try entry.optional("allow_debug")?.bool() ?? false
        let allowSimulation = try entry.optional("allow_simulation")?.bool() ?? false
        let jobHash = try entry.optional("job_hash").map { v throws(PolicyError) in try hex(v, lengths: [64], what: "SHA-256") }

        var environment: [String: String] = [:]
        if let env = entry.optional("environment") {
            for (key, value) in try env.pairs() {
                guard Self.isEnvironmentName(key) else {
                    throw value.error(.invalidValue, "\"\(key)\" is not an environment variable name ([A-Za-z_][A-Za-z0-9_]*)")
                }
                guard environment[key] == nil else { throw value.error(.duplicate, "set twice") }
                environment[key] = try templated(value, refs)
            }
        }
        var arguments: [String] = []
        if let args = entry.optional("arguments") {
            for value in try args.sequence() {
                let text = try templated(value, refs)
                // Arguments are readable by every local user in /proc/PID/cmdline.
                if (try? ConfigTemplate.secretNames(in: text))?.isEmpty == false {
                    throw value.error(
                        .invalidValue,
                        "arguments are visible to every local user (/proc/PID/cmdline): hand secrets through files (or environment)")
                }
                arguments.append(text)
            }
        }
        var files: [String: String] = [:]
        if let fs = entry.optional("files") {
            for (path, value) in try fs.pairs() {
                guard Self.isSafeRelativePath(path) else {
                    throw value.error(.invalidValue, "file paths are relative to the private directory, without \"..\"")
                }
                guard files[path] == nil else { throw value.error(.duplicate, "file listed twice") }
                files[path] = try templated(value, refs)
            }
        }
        let unwrap = try masterKeyList(entry.optional("unwrap"), refs)
        let wrap = try masterKeyList(entry.optional("wrap"), refs)

        var results: ResultsSpec?
        if let r = entry.optional("results") {
            let rm = try r.mapping(allowed: ["master_key", "recipients"])
            let keyValue = try rm.required("master_key")
            let key = try identifier(keyValue)
            guard refs.masterKeys.contains(key) else {
                throw keyValue.error(.unknownReference, "master key \"\(key)\" is not declared in master_keys")
            }
            let recipientsValue = try rm.required("recipients")
            var recipients: [String] = []
            for value in try recipientsValue.sequence() {
                let recipient = try identifier(value)
                guard refs.identities.contains(recipient) else {
                    throw value.error(.unknownReference, "recipient \"\(recipient)\" is not an owner or auditor")
                }
                recipients.append(recipient)
            }
            guard !recipients.isEmpty else { throw recipientsValue.error(.invalidValue, "name at least one recipient") }
            results = ResultsSpec(masterKey: key, recipients: recipients)
        }

        let helperOf = try entry.optional("helper_of").map { v throws(PolicyError) in try identifier(v) }
        if helperOf == name { throw nameValue.error(.invalidValue, "a service cannot be its own helper") }

        let service = ServicePolicy(
            name: name, attestation: attestation, allowDebug: allowDebug, allowSimulation: allowSimulation,
            jobHash: jobHash, environment: environment, arguments: arguments, files: files, unwrap: unwrap,
            wrap: wrap, results: results, helperOf: helperOf)
        return (service, nameValue)
    }

    func requirement(_ item: YAMLValue) throws(PolicyError) -> AttestationRequirement {
        let entry = try item.mapping(allowed: ["kind", "measurements", "values", "min_tcb", "tolerate"])
        let kindValue = try entry.required("kind")
        let kindText = try kindValue.string()
        guard let kind = TEEKind(rawValue: kindText) else {
            throw kindValue.error(
                .invalidValue,
                "unknown TEE kind \"\(kindText)\" (\(TEEKind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let measurementsValue = try entry.required("measurements")
        let lengths = PolicyDocument.measurementHexLengths(kind)
        var measurements: [String] = []
        for value in try measurementsValue.sequence() {
            measurements.append(try hex(value, lengths: lengths, what: "\(kind.rawValue) measurement"))
        }
        guard !measurements.isEmpty else { throw measurementsValue.error(.invalidValue, "list at least one measurement") }
        var values: [String: String] = [:]
        if let v = entry.optional("values") {
            for (key, value) in try v.pairs() { values[key] = try value.string() }
        }
        var minTCB: [String: UInt64] = [:]
        if let t = entry.optional("min_tcb") {
            for (key, value) in try t.pairs() { minTCB[key] = try value.uint64() }
        }
        let tolerate = try entry.optional("tolerate").map { v throws(PolicyError) in try v.stringList() } ?? []
        return AttestationRequirement(kind: kind, measurements: measurements, values: values, minTCB: minTCB, tolerate: tolerate)
    }

    // MARK: Values

    func policyName(_ value: YAMLValue) throws(PolicyError) -> String {
        try identifier(value)
    }

    func identifier(_ value: YAMLValue) throws(PolicyError) -> String {
        let text = try value.string()
        guard PolicyDocument.isValidName(text) else {
            throw value.error(
                .invalidValue,
                "\"\(text.prefix(80))\" is not a valid name (lowercase letters, digits, - _ ., starting with a letter or digit, at most 63)")
        }
        return text
    }

    func hex(_ value: YAMLValue, lengths: Set<Int>, what: String) throws(PolicyError) -> String {
        let text = try value.string()
        guard lengths.contains(where: { LowercaseHex.isHex(text, length: $0) }) else {
            let expected = lengths.sorted().map(String.init).joined(separator: " or ")
            throw value.error(.invalidValue, "\(what) must be \(expected) hex characters, got \(text.utf8.count) characters")
        }
        return text.lowercased()
    }

    func templated(_ value: YAMLValue, _ refs: References) throws(PolicyError) -> String {
        let text = try value.string()
        let names: [String]
        do { names = try ConfigTemplate.secretNames(in: text) } catch {
            throw value.error(.template, error.message)
        }
        for name in names where !refs.secrets.contains(name) {
            throw value.error(.unknownReference, "{{secret:\(name)}} names a secret not declared in secrets")
        }
        return text
    }

    func masterKeyList(_ value: YAMLValue?, _ refs: References) throws(PolicyError) -> [String] {
        guard let value else { return [] }
        var out: [String] = []
        for item in try value.sequence() {
            let id = try identifier(item)
            guard refs.masterKeys.contains(id) else {
                throw item.error(.unknownReference, "master key \"\(id)\" is not declared in master_keys")
            }
            guard !out.contains(id) else { throw item.error(.duplicate, "master key \"\(id)\" is listed twice") }
            out.append(id)
        }
        return out
    }

    static func isEnvironmentName(_ name: String) -> Bool {
        let u = Array(name.utf8)
        guard let first = u.first else { return false }
        func ok(_ c: UInt8) -> Bool {
            (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == UInt8(ascii: "_")
        }
        return ok(first) && u.allSatisfy { ok($0) || ($0 >= 48 && $0 <= 57) }
    }

    /// Relative, no empty, "." or ".." components, no NUL: a file can only land inside the
    /// runtime's private directory.
    static func isSafeRelativePath(_ path: String) -> Bool {
        guard !path.isEmpty, !path.hasPrefix("/"), !path.utf8.contains(0), path.utf8.count <= 1024 else { return false }
        return path.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { !$0.isEmpty && $0 != "." && $0 != ".." }
    }
}
