import CASCore
import Foundation
import Hummingbird

/// Reading what a request carries, with the server's limits; every failure is a `CASHTTPError`.
struct RequestReading: Sendable {
    let maxBodyBytes: Int

    /// The whole body, refused with 413 as soon as it passes the limit (declared or streamed).
    func body(of request: Request) async throws -> [UInt8] {
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > maxBodyBytes {
            throw tooLarge()
        }
        var bytes: [UInt8] = []
        for try await chunk in request.body {
            guard bytes.count + chunk.readableBytes <= maxBodyBytes else { throw tooLarge() }
            bytes.append(contentsOf: chunk.readableBytesView)
        }
        return bytes
    }

    /// A JSON body must say it is JSON (or say nothing); the decoder's complaint names the field.
    func decode<Body: Decodable>(_ type: Body.Type, from bytes: [UInt8], request: Request) throws -> Body {
        if let contentType = request.headers[.contentType],
            contentType.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
                != "application/json"
        {
            throw CASHTTPError.unsupportedMediaType("request body must be application/json")
        }
        do {
            return try APIJSON.decoder().decode(type, from: Data(bytes))
        } catch let error as DecodingError {
            throw CASHTTPError.badRequest(APIJSON.describe(error))
        }
    }

    /// The Authorization header parsed, and what an SR-Sig signature over this request covers.
    func credentials(of request: Request, body: [UInt8]) throws -> RequestCredentials {
        // A malformed header throws CASError(.unauthorized): never treated as anonymous.
        let authorization = try request.headers[.authorization].map { value throws(CASError) in
            try RequestAuthorization(headerValue: value)
        }
        return RequestCredentials(
            authorization: authorization, method: request.method.rawValue,
            pathWithQuery: request.head.path ?? request.uri.path, body: body)
    }

    private func tooLarge() -> CASHTTPError {
        .payloadTooLarge("request body is larger than the limit of \(maxBodyBytes) bytes")
    }
}

/// Responses in the API's media types.
enum APIResponse {
    static func json<Body: Encodable>(_ body: Body, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try APIJSON.encoder().encode(body)
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func empty(status: HTTPResponse.Status = .noContent) -> Response {
        Response(status: status)
    }

    static func text(_ text: String, contentType: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func problem(_ error: CASHTTPError) -> Response {
        problem(
            Problem(
                type: Problem.typePrefix + error.code, title: CASHTTPError.title(for: error.status),
                status: error.status, detail: error.detail))
    }

    static func problem(_ problem: Problem) -> Response {
        let data = (try? APIJSON.encoder().encode(problem)) ?? Data()
        return Response(
            status: .init(code: problem.status), headers: [.contentType: Problem.contentType],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
