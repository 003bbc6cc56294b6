import Yams

/// A YAML node with its path in deploy.yaml, so every error names where it happened.
/// Strict like the policy parser: aliases, non-string keys, `yes`/`no` and quoted numbers are
/// refused rather than guessed at.
struct ConfigNode {
    let node: Node
    let path: String

    var line: Int? { node.mark?.line }

    init(_ node: Node, path: String) throws(DeployConfigError) {
        self.node = node
        self.path = path
        if case .alias = node { throw error(.wrongType, "YAML aliases are not allowed") }
    }

    func error(_ code: DeployConfigError.Code, _ problem: String) -> DeployConfigError {
        DeployConfigError(code, path: path, line: line, problem)
    }

    func child(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    private var kindName: String {
        switch node {
        case .scalar(let s) where s.style == .plain && Self.isNull(s.string): "null"
        case .scalar: "a scalar"
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }

    private static func isNull(_ text: String) -> Bool {
        ["", "~", "null", "Null", "NULL"].contains(text)
    }

    /// A mapping whose keys are part of the format: any other key is an error naming the allowed ones.
    func mapping(allowed: [String]) throws(DeployConfigError) -> ConfigMapping {
        let entries = try pairs()
        for (key, value) in entries where !allowed.contains(key) {
            throw DeployConfigError(
                .unknownKey, path: value.path, line: value.line,
                "unknown key \"\(key)\" (allowed: \(allowed.sorted().joined(separator: ", ")))")
        }
        return ConfigMapping(node: self, entries: entries)
    }

    /// A mapping whose keys are data (label keys, Spark property names), in document order.
    func pairs() throws(DeployConfigError) -> [(key: String, value: ConfigNode)] {
        guard case .mapping(let mapping) = node else {
            throw error(.wrongType, "expected a mapping, got \(kindName)")
        }
        var out: [(key: String, value: ConfigNode)] = []
        for (keyNode, valueNode) in mapping {
            guard case .scalar(let key) = keyNode else {
                throw DeployConfigError(.wrongType, path: path, line: keyNode.mark?.line, "mapping keys must be strings")
            }
            guard !out.contains(where: { $0.key == key.string }) else {
                throw DeployConfigError(.duplicate, path: child(key.string), line: keyNode.mark?.line, "duplicate key")
            }
            out.append((key.string, try ConfigNode(valueNode, path: child(key.string))))
        }
        return out
    }

    func sequence() throws(DeployConfigError) -> [ConfigNode] {
        guard case .sequence(let sequence) = node else {
            throw error(.wrongType, "expected a list, got \(kindName)")
        }
        var out: [ConfigNode] = []
        for (i, item) in sequence.enumerated() { out.append(try ConfigNode(item, path: "\(path)[\(i)]")) }
        return out
    }

    func string() throws(DeployConfigError) -> String {
        guard case .scalar(let scalar) = node, !(scalar.style == .plain && Self.isNull(scalar.string)) else {
            throw error(.wrongType, "expected a string, got \(kindName)")
        }
        return scalar.string
    }

    func stringList() throws(DeployConfigError) -> [String] {
        var out: [String] = []
        for item in try sequence() { out.append(try item.string()) }
        return out
    }

    func int() throws(DeployConfigError) -> Int {
        guard case .scalar(let scalar) = node, scalar.style == .plain, !scalar.string.isEmpty,
            scalar.string.utf8.count <= 9, scalar.string.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
            let value = Int(scalar.string)
        else { throw error(.wrongType, "expected a non-negative integer, got \(kindName)") }
        return value
    }

    func bool() throws(DeployConfigError) -> Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain else {
            throw error(.wrongType, "expected true or false, got \(kindName)")
        }
        switch scalar.string {
        case "true": return true
        case "false": return false
        default: throw error(.wrongType, "expected true or false")
        }
    }
}

/// A mapping whose keys were checked against the allowed set.
struct ConfigMapping {
    let node: ConfigNode
    let entries: [(key: String, value: ConfigNode)]

    func optional(_ key: String) -> ConfigNode? {
        entries.first { $0.key == key }?.value
    }

    func required(_ key: String) throws(DeployConfigError) -> ConfigNode {
        guard let found = optional(key) else {
            throw DeployConfigError(.missingKey, path: node.child(key), line: node.line, "required key is missing")
        }
        return found
    }
}
