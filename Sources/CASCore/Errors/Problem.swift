/// An RFC 7807 problem document, the body of every CAS error response
/// (`application/problem+json`). This is the one place errors become HTTP.
public struct Problem: Codable, Sendable, Equatable {
    public static let contentType = "application/problem+json"
    public static let typePrefix = "https://strongroom.dev/problems/"

    public var type: String
    public var title: String
    public var status: Int
    public var detail: String

    public init(type: String, title: String, status: Int, detail: String) {
        self.type = type
        self.title = title
        self.status = status
        self.detail = detail
    }

    /// The problem for a CAS error: type and title from its code, detail from its (safe) message.
    public init(_ error: CASError) {
        self.init(type: Self.typePrefix + error.code.rawValue, title: error.code.title,
                  status: error.code.httpStatus, detail: error.message)
    }

    /// Any other error is an internal one; its text is not shown (it could carry anything).
    public init(anyError error: any Error) {
        if let cas = error as? CASError {
            self.init(cas)
        } else {
            self.init(CASError(.internalFailure, "internal error"))
        }
    }

    /// The code named by `type`, when it is a Strongroom problem type.
    public var code: String? {
        type.hasPrefix(Self.typePrefix) ? String(type.dropFirst(Self.typePrefix.count)) : nil
    }
}
