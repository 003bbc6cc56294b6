/// A Kubernetes object as an ordered tree: mapping keys keep the order they were built in, so
/// the same deploy.yaml always renders the same bytes.
public indirect enum ManifestValue: Sendable, Equatable {
    case string(String)
    case int(Int)
    case bool(Bool)
    case list([ManifestValue])
    case map([ManifestField])

    /// A mapping from (key, value) pairs, leaving out absent (nil) values.
    public static func object(_ fields: KeyValuePairs<String, ManifestValue?>) -> ManifestValue {
        .map(fields.compactMap { key, value in value.map { ManifestField(key, $0) } })
    }

    /// A mapping of strings (labels, selectors, data).
    public static func strings(_ pairs: [(String, String)]) -> ManifestValue {
        .map(pairs.map { ManifestField($0.0, .string($0.1)) })
    }

    /// The value at a mapping key, for tests and checks.
    public subscript(key: String) -> ManifestValue? {
        guard case .map(let fields) = self else { return nil }
        return fields.first { $0.key == key }?.value
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var listValue: [ManifestValue]? {
        if case .list(let items) = self { return items }
        return nil
    }
}

public struct ManifestField: Sendable, Equatable {
    public var key: String
    public var value: ManifestValue
    public init(_ key: String, _ value: ManifestValue) {
        self.key = key
        self.value = value
    }
}

/// One Kubernetes object to apply.
public struct Manifest: Sendable, Equatable {
    public var kind: String
    public var name: String
    public var body: ManifestValue

    public init(kind: String, name: String, body: ManifestValue) {
        self.kind = kind
        self.name = name
        self.body = body
    }
}
