/// A refusal the caller may read: HTTP status, stable kebab-case code (the problem type's last
/// part, as `CASError.Code`) and a detail that never holds a secret, key, token or data value.
/// The HTTP layer's own refusals (body limit, media type, no route); handlers may throw `CASError`.
/// Equality is on the code.
public struct CASHTTPError: Error, Sendable, Equatable, CustomStringConvertible {
    public var status: Int
    public var code: String
    public var detail: String

    public init(status: Int, code: String, detail: String) {
        self.status = status
        self.code = code
        self.detail = detail
    }

    public var description: String { "\(status) \(code): \(detail)" }
    public static func == (a: Self, b: Self) -> Bool { a.code == b.code }

    public static func badRequest(_ detail: String) -> Self { .init(status: 400, code: "malformed-request", detail: detail) }
    public static func unauthorized(_ detail: String) -> Self { .init(status: 401, code: "unauthorized", detail: detail) }
    public static func forbidden(_ detail: String) -> Self { .init(status: 403, code: "forbidden", detail: detail) }
    public static func notFound(_ detail: String) -> Self { .init(status: 404, code: "not-found", detail: detail) }
    public static func conflict(_ detail: String) -> Self { .init(status: 409, code: "conflict", detail: detail) }
    public static func payloadTooLarge(_ detail: String) -> Self {
        .init(status: 413, code: "payload-too-large", detail: detail)
    }
    public static func unsupportedMediaType(_ detail: String) -> Self {
        .init(status: 415, code: "unsupported-media-type", detail: detail)
    }
    public static func sealed(_ detail: String) -> Self { .init(status: 503, code: "sealed", detail: detail) }
    /// The only answer to an unexpected error: nothing about its cause leaves the server.
    public static let internalError = Self(status: 500, code: "internal", detail: "internal error; see the CAS log")

    /// The RFC 7807 title for a status.
    static func title(for status: Int) -> String {
        switch status {
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 409: "Conflict"
        case 410: "Gone"
        case 413: "Content Too Large"
        case 415: "Unsupported Media Type"
        case 422: "Unprocessable Content"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 503: "Service Unavailable"
        default: "Error"
        }
    }
}
