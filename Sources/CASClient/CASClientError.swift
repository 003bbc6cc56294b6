/// Why a CAS call failed: the CAS refused (status + the problem's code and detail), the
/// connection or TLS failed, or the answer was not what the API promises. Equality is on the code.
public struct CASClientError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: RawRepresentable, Hashable, Sendable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        /// CAS answered with an RFC 7807 problem (or another error status).
        public static let refused = Code(rawValue: "refused")
        /// No answer: connection refused, TLS handshake failed (for example an untrusted certificate), timeout.
        public static let transport = Code(rawValue: "transport")
        /// The answer does not decode as the API's response.
        public static let badResponse = Code(rawValue: "bad_response")
        /// The client was set up wrongly (URL, CA file, plain HTTP off loopback).
        public static let configuration = Code(rawValue: "configuration")
    }

    public var code: Code
    /// HTTP status for `.refused`.
    public var status: Int?
    /// The problem's code (`attestation-refused`, `not-found`…) for `.refused`.
    public var problemCode: String?
    public var detail: String

    public init(_ code: Code, status: Int? = nil, problemCode: String? = nil, detail: String) {
        self.code = code
        self.status = status
        self.problemCode = problemCode
        self.detail = detail
    }

    public var description: String {
        switch code {
        case .refused: "CAS refused (\(status ?? 0) \(problemCode ?? "")): \(detail)"
        default: "\(code.rawValue): \(detail)"
        }
    }

    public static func == (a: Self, b: Self) -> Bool { a.code == b.code }
}
