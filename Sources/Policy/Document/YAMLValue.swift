import Yams

/// A YAML node with its path in the document, so every error names where it happened.
/// Strict on purpose: aliases, non-string keys, `yes`/`no` booleans and quoted numbers are
/// rejected rather than guessed at.
struct YAMLValue {
    let node: Node
    let path: String
    let budget: WalkBudget

    var line: Int? { node.mark?.line }

    /// Every node the parser visits passes here. Yams resolves an alias to the anchored node
    /// itself, so a few nested aliases can make a small document expensive to walk: the walk
    /// has a node budget.
    static func checked(_ node: Node, path: String, budget: WalkBudget) throws(PolicyError) -> YAMLValue {
        let value = YAMLValue(node: node, path: path, budget: budget)
        budget.remaining -= 1
        guard budget.remaining >= 0 else {
            throw value.error(.invalidValue, "the policy expands to more than \(WalkBudget.maxNodes) YAML nodes")
        }
        if case .alias = node { throw value.error(.wrongType, "unresolved YAML alias") }
        return value
    }

    func error(_ code: PolicyError.Code, _ problem: String) -> PolicyError {
        PolicyError(code, path: path, line: line, problem)
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

    func mapping(allowed: Set<String>) throws(PolicyError) -> YAMLMapping {
        guard case .mapping(let mapping) = node else {
            throw error(.wrongType, "expected a mapping, got \(kindName)")
        }
        var entries: [(String, YAMLValue)] = []
        var seen: Set<String> = []
        for (keyNode, valueNode) in mapping {
            guard case .scalar(let key) = keyNode else {
                throw PolicyError(.wrongType, path: path, line: keyNode.mark?.line, "mapping keys must be strings")
            }
            let value = try YAMLValue.checked(valueNode, path: child(key.string), budget: budget)
            guard allowed.contains(key.string) else {
                throw PolicyError(
                    .unknownKey, path: child(key.string), line: keyNode.mark?.line,
                    "unknown key \"\(key.string)\" (allowed: \(allowed.sorted().joined(separator: ", ")))")
            }
            // Yams rejects duplicate keys while composing; this guards the model's own assumption.
            guard seen.insert(key.string).inserted else {
                throw PolicyError(.duplicate, path: child(key.string), line: keyNode.mark?.line, "duplicate key")
            }
            entries.append((key.string, value))
        }
        return YAMLMapping(value: self, entries: entries)
    }

    /// A mapping whose keys are data (environment names, file paths, claim names).
    func freeMapping() throws(PolicyError) -> [(key: String, value: YAMLValue)] {
        guard case .mapping(let mapping) = node else {
            throw error(.wrongType, "expected a mapping, got \(kindName)")
        }
        var out: [(key: String, value: YAMLValue)] = []
        for (keyNode, valueNode) in mapping {
            guard case .scalar(let key) = keyNode else {
                throw PolicyError(.wrongType, path: path, line: keyNode.mark?.line, "mapping keys must be strings")
            }
            let value = try YAMLValue.checked(valueNode, path: child(key.string), budget: budget)
            out.append((key.string, value))
        }
        return out
    }

    func sequence() throws(PolicyError) -> [YAMLValue] {
        guard case .sequence(let sequence) = node else {
            throw error(.wrongType, "expected a list, got \(kindName)")
        }
        var out: [YAMLValue] = []
        for (i, item) in sequence.enumerated() {
            let value = try YAMLValue.checked(item, path: "\(path)[\(i)]", budget: budget)
            out.append(value)
        }
        return out
    }

    func string() throws(PolicyError) -> String {
        guard case .scalar(let scalar) = node, !(scalar.style == .plain && Self.isNull(scalar.string)) else {
            throw error(.wrongType, "expected a string, got \(kindName)")
        }
        return scalar.string
    }

    func stringList() throws(PolicyError) -> [String] {
        var out: [String] = []
        for item in try sequence() { out.append(try item.string()) }
        return out
    }

    func int() throws(PolicyError) -> Int {
        guard case .scalar(let scalar) = node, scalar.style == .plain,
            !scalar.string.isEmpty, scalar.string.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
            let value = Int(scalar.string)
        else { throw error(.wrongType, "expected a non-negative integer, got \(kindName)") }
        return value
    }

    func uint64() throws(PolicyError) -> UInt64 {
        guard case .scalar(let scalar) = node, scalar.style == .plain,
            !scalar.string.isEmpty, scalar.string.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
            let value = UInt64(scalar.string)
        else { throw error(.wrongType, "expected a non-negative integer, got \(kindName)") }
        return value
    }

    func bool() throws(PolicyError) -> Bool {
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
struct YAMLMapping {
    let value: YAMLValue
    let entries: [(String, YAMLValue)]

    func optional(_ key: String) -> YAMLValue? {
        entries.first { $0.0 == key }?.1
    }

    func required(_ key: String) throws(PolicyError) -> YAMLValue {
        guard let found = optional(key) else {
            throw PolicyError(.missingKey, path: value.child(key), line: value.line, "required key is missing")
        }
        return found
    }

    var keys: [String] { entries.map(\.0) }
}

/// Nodes left to visit in one parse (one parse, one thread: a plain class is enough).
final class WalkBudget {
    static let maxNodes = 100_000
    var remaining = maxNodes
}
