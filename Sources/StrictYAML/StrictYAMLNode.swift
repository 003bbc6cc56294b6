import Yams

/// The error a document format throws for a problem at a YAML path and line; the node walker
/// builds it for the structural problems every format shares.
public protocol StrictYAMLFailure: Error {
    associatedtype Code: StrictYAMLCode
    init(_ code: Code, path: String, line: Int?, _ problem: String)
}

/// The codes of structural problems (each format names them its own way).
public protocol StrictYAMLCode {
    static var wrongType: Self { get }
    static var unknownKey: Self { get }
    static var missingKey: Self { get }
    static var duplicate: Self { get }
    static var invalidValue: Self { get }
}

/// A YAML node with its path in the document, so every error names where it happened.
/// Strict on purpose: aliases, non-string keys, `yes`/`no` booleans and quoted numbers are
/// rejected rather than guessed at. Shared by the policy and deploy.yaml parsers.
public struct StrictYAMLNode<Failure: StrictYAMLFailure> {
    public let node: Node
    public let path: String
    let budget: WalkBudget

    public var line: Int? { node.mark?.line }

    /// The document's root. Yams resolves an alias to the anchored node itself, so a few nested
    /// aliases can make a small document expensive to walk: every walk has a node budget.
    public static func root(_ node: Node, document: String) throws(Failure) -> Self {
        try checked(node, path: "", budget: WalkBudget(document: document))
    }

    static func checked(_ node: Node, path: String, budget: WalkBudget) throws(Failure) -> Self {
        let value = Self(node: node, path: path, budget: budget)
        budget.remaining -= 1
        guard budget.remaining >= 0 else {
            throw value.error(.invalidValue, "the \(budget.document) expands to more than \(WalkBudget.maxNodes) YAML nodes")
        }
        if case .alias = node { throw value.error(.wrongType, "unresolved YAML alias") }
        return value
    }

    public func error(_ code: Failure.Code, _ problem: String) -> Failure {
        Failure(code, path: path, line: line, problem)
    }

    public func child(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

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
    public func mapping(allowed: some Sequence<String>) throws(Failure) -> StrictYAMLMapping<Failure> {
        let allowed = Set(allowed)
        let entries = try located()
        for entry in entries where !allowed.contains(entry.key) {
            throw Failure(.unknownKey, path: entry.value.path, line: entry.keyLine,
                          "unknown key \"\(entry.key)\" (allowed: \(allowed.sorted().joined(separator: ", ")))")
        }
        return StrictYAMLMapping(node: self, entries: entries.map { ($0.key, $0.value) })
    }

    /// A mapping whose keys are data (environment names, label keys, claim names), in document order.
    public func pairs() throws(Failure) -> [(key: String, value: Self)] {
        try located().map { ($0.key, $0.value) }
    }

    private func located() throws(Failure) -> [(key: String, value: Self, keyLine: Int?)] {
        guard case .mapping(let mapping) = node else {
            throw error(.wrongType, "expected a mapping, got \(kindName)")
        }
        var out: [(key: String, value: Self, keyLine: Int?)] = []
        var seen: Set<String> = []
        for (keyNode, valueNode) in mapping {
            guard case .scalar(let key) = keyNode else {
                throw Failure(.wrongType, path: path, line: keyNode.mark?.line, "mapping keys must be strings")
            }
            let value = try Self.checked(valueNode, path: child(key.string), budget: budget)
            // Yams rejects duplicate keys while composing; this guards the model's own assumption.
            guard seen.insert(key.string).inserted else {
                throw Failure(.duplicate, path: child(key.string), line: keyNode.mark?.line, "duplicate key")
            }
            out.append((key.string, value, keyNode.mark?.line))
        }
        return out
    }

    public func sequence() throws(Failure) -> [Self] {
        guard case .sequence(let sequence) = node else {
            throw error(.wrongType, "expected a list, got \(kindName)")
        }
        var out: [Self] = []
        for (i, item) in sequence.enumerated() {
            out.append(try Self.checked(item, path: "\(path)[\(i)]", budget: budget))
        }
        return out
    }

    public func string() throws(Failure) -> String {
        guard case .scalar(let scalar) = node, !(scalar.style == .plain && Self.isNull(scalar.string)) else {
            throw error(.wrongType, "expected a string, got \(kindName)")
        }
        return scalar.string
    }

    public func stringList() throws(Failure) -> [String] {
        var out: [String] = []
        for item in try sequence() { out.append(try item.string()) }
        return out
    }

    /// A plain unsigned decimal integer that fits `T`.
    public func integer<T: FixedWidthInteger>(_: T.Type = Int.self) throws(Failure) -> T {
        guard case .scalar(let scalar) = node, scalar.style == .plain,
            !scalar.string.isEmpty, scalar.string.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
            let value = T(scalar.string)
        else { throw error(.wrongType, "expected a non-negative integer, got \(kindName)") }
        return value
    }

    public func int() throws(Failure) -> Int { try integer(Int.self) }
    public func uint64() throws(Failure) -> UInt64 { try integer(UInt64.self) }

    public func bool() throws(Failure) -> Bool {
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
public struct StrictYAMLMapping<Failure: StrictYAMLFailure> {
    public let node: StrictYAMLNode<Failure>
    public let entries: [(key: String, value: StrictYAMLNode<Failure>)]

    public func optional(_ key: String) -> StrictYAMLNode<Failure>? {
        entries.first { $0.key == key }?.value
    }

    public func required(_ key: String) throws(Failure) -> StrictYAMLNode<Failure> {
        guard let found = optional(key) else {
            throw Failure(.missingKey, path: node.child(key), line: node.line, "required key is missing")
        }
        return found
    }

    public var keys: [String] { entries.map(\.key) }
}

/// Nodes left to visit in one parse (one parse, one thread: a plain class is enough).
final class WalkBudget {
    static let maxNodes = 100_000
    var remaining = maxNodes
    let document: String

    init(document: String) { self.document = document }
}
