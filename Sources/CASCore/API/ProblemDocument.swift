/// An RFC 7807 problem as it travels (`application/problem+json`):
/// `{"type": "https://strongroom.dev/problems/<code>", "title", "status", "detail"}`.
/// `detail` is written for the caller and never holds a secret, key or data value.
public struct ProblemDocument: Sendable, Codable, Equatable {
    public static let typePrefix = "https://strongroom.dev/problems/"
    public static let mediaType = "application/problem+json"

    public var type: String
    public var title: String
    public var status: Int
    public var detail: String

    public init(code: String, title: String, status: Int, detail: String) {
        self.type = Self.typePrefix + code
        self.title = title
        self.status = status
        self.detail = detail
    }

    /// The stable machine-readable code: the last part of `type` (`nonce_reused`, `not_found`…).
    public var code: String {
        type.hasPrefix(Self.typePrefix) ? String(type.dropFirst(Self.typePrefix.count)) : type
    }
}
