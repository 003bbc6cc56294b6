import AsyncHTTPClient
import CASCore
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import Policy

/// A client for every CAS endpoint. Over https it trusts only the CAS CA (never the system
/// roots); plain http is accepted for loopback development only. Call `shutdown()` when done.
public struct CASClient: Sendable {
    public let baseURL: String
    private let http: HTTPClient
    private let timeout: TimeAmount
    /// Bodies larger than this are not read (the biggest answer is an audit page).
    private static let maxResponseBytes = 64 << 20

    /// `caFile`: PEM of the CAS CA (`ca.pem` in the CAS data directory); required for https.
    public init(baseURL: String, caFile: String?, timeout: Duration = .seconds(30)) throws(CASClientError) {
        var caPEM: String?
        if let caFile {
            guard let data = FileManager.default.contents(atPath: caFile), let text = String(data: data, encoding: .utf8)
            else {
                throw CASClientError(.configuration, detail: "cannot read CA file \(caFile)")
            }
            caPEM = text
        }
        try self.init(baseURL: baseURL, caCertificatePEM: caPEM, timeout: timeout)
    }

    public init(baseURL: String, caCertificatePEM: String?, timeout: Duration = .seconds(30)) throws(CASClientError) {
        let trimmed = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        guard let url = URL(string: trimmed), let scheme = url.scheme?.lowercased(), let host = url.host,
            url.path.isEmpty, url.query == nil
        else {
            throw CASClientError(.configuration, detail: "CAS URL must look like https://HOST:PORT, got \(baseURL)")
        }
        var configuration = HTTPClient.Configuration()
        switch scheme {
        case "https":
            guard let caCertificatePEM else {
                throw CASClientError(.configuration, detail: "an https CAS URL needs the CAS CA certificate (--ca-file)")
            }
            let roots: [NIOSSLCertificate]
            do {
                roots = try NIOSSLCertificate.fromPEMBytes(Array(caCertificatePEM.utf8))
            } catch {
                throw CASClientError(.configuration, detail: "the CAS CA file is not a PEM certificate")
            }
            guard !roots.isEmpty else { throw CASClientError(.configuration, detail: "the CAS CA file has no certificate") }
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.trustRoots = .certificates(roots)
            tls.certificateVerification = .fullVerification
            tls.minimumTLSVersion = .tlsv12
            configuration.tlsConfiguration = tls
        case "http":
            guard Self.isLoopback(host) else {
                throw CASClientError(
                    .configuration, detail: "plain http is only for a CAS on loopback; use https for \(host)")
            }
        default:
            throw CASClientError(.configuration, detail: "CAS URL scheme must be https (or http on loopback)")
        }
        configuration.redirectConfiguration = .disallow
        self.baseURL = trimmed
        self.timeout = .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000)
        self.http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    public func shutdown() async throws {
        try await http.shutdown()
    }

    // MARK: Policies

    public func applyPolicy(_ submission: PolicySubmission) async throws(CASClientError) -> PolicyApplied {
        try await call(.POST, CASRoutes.policies, body: submission, expecting: PolicyApplied.self)
    }

    public func policy(named name: String, as identity: OwnerIdentity) async throws(CASClientError) -> PolicyView {
        try await call(.GET, CASRoutes.policy(name), signer: identity, expecting: PolicyView.self)
    }

    public func policyVersions(named name: String, as identity: OwnerIdentity) async throws(CASClientError)
        -> [PolicyVersionInfo]
    {
        try await call(.GET, CASRoutes.policyVersions(name), signer: identity, expecting: [PolicyVersionInfo].self)
    }

    public func storeSecret(policy: String, secret: String, envelope: HPKEEnvelope, as identity: OwnerIdentity)
        async throws(CASClientError)
    {
        _ = try await send(.POST, CASRoutes.policySecret(policy, secret), body: encode(envelope), signer: identity)
    }

    public func casPublicKey() async throws(CASClientError) -> CASPublicKey {
        try await call(.GET, CASRoutes.casKey, expecting: CASPublicKey.self)
    }

    // MARK: Attestation

    public func challenge() async throws(CASClientError) -> ChallengeResponse {
        try await call(.POST, CASRoutes.challenge, body: ChallengeRequest(), expecting: ChallengeResponse.self)
    }

    public func attest(_ request: AttestRequest) async throws(CASClientError) -> AttestResponse {
        try await call(.POST, CASRoutes.attest, body: request, expecting: AttestResponse.self)
    }

    public func jwks() async throws(CASClientError) -> JWKS {
        try await call(.GET, CASRoutes.jwks, expecting: JWKS.self)
    }

    // MARK: KMS

    public func wrap(_ request: WrapRequest, credential: CASCredential) async throws(CASClientError) -> WrapResponse {
        try await call(.POST, CASRoutes.kmsWrap, body: request, credential: credential, expecting: WrapResponse.self)
    }

    public func unwrap(_ request: UnwrapRequest, credential: CASCredential) async throws(CASClientError)
        -> UnwrapResponse
    {
        try await call(.POST, CASRoutes.kmsUnwrap, body: request, credential: credential, expecting: UnwrapResponse.self)
    }

    // MARK: Grants and revocation

    /// An attested job asks for a grant for its helper service (Spark executors).
    public func issueGrant(_ request: GrantRequest, credential: CASCredential) async throws(CASClientError) -> GrantIssued {
        try await call(.POST, CASRoutes.grants, body: request, credential: credential, expecting: GrantIssued.self)
    }

    /// An owner revokes one token of the policy, or all tokens issued until now.
    public func revokeTokens(policy: String, _ request: TokenRevocation, as identity: OwnerIdentity) async throws(CASClientError)
        -> TokensRevoked
    {
        try await call(.POST, CASRoutes.policyTokenRevocation(policy), body: request, signer: identity, expecting: TokensRevoked.self)
    }

    // MARK: Audit and administration

    public func registerAuditor(_ registration: AuditorRegistration, as admin: OwnerIdentity) async throws(CASClientError)
        -> AuditorRegistration
    {
        try await call(.POST, CASRoutes.auditors, body: registration, signer: admin, expecting: AuditorRegistration.self)
    }

    public func audit(_ query: AuditQuery = AuditQuery(), as identity: OwnerIdentity) async throws(CASClientError)
        -> AuditPage
    {
        try await call(.GET, CASRoutes.audit + "?" + query.queryString, signer: identity, expecting: AuditPage.self)
    }

    public func registerNode(_ registration: NodeRegistration, as admin: OwnerIdentity) async throws(CASClientError)
        -> NodeRegistered
    {
        try await call(.POST, CASRoutes.nodes, body: registration, signer: admin, expecting: NodeRegistered.self)
    }

    public func unseal(share: String) async throws(CASClientError) -> SealStatus {
        try await call(.POST, CASRoutes.unseal, body: UnsealRequest(share: share), expecting: SealStatus.self)
    }

    public func sealStatus() async throws(CASClientError) -> SealStatus {
        try await call(.GET, CASRoutes.sealStatus, expecting: SealStatus.self)
    }

    /// True when CAS answers `/healthz` with 200 (false when it is up but sealed).
    public func isReady() async throws(CASClientError) -> Bool {
        let (status, _, _) = try await exchange(.GET, CASRoutes.health, body: [], authorization: nil)
        return status == 200
    }

    /// The Prometheus text of `/metrics`.
    public func metricsText() async throws(CASClientError) -> String {
        let (_, bytes) = try await send(.GET, CASRoutes.metrics, body: [])
        return String(decoding: bytes, as: UTF8.self)
    }

    // MARK: Transport

    private func call<Body: Encodable, Answer: Decodable>(
        _ method: HTTPMethod, _ path: String, body: Body, signer: OwnerIdentity? = nil,
        credential: CASCredential? = nil, expecting: Answer.Type
    ) async throws(CASClientError) -> Answer {
        let (_, bytes) = try await send(
            method, path, body: encode(body), signer: signer, credential: credential)
        return try decode(Answer.self, bytes, path: path)
    }

    private func call<Answer: Decodable>(
        _ method: HTTPMethod, _ path: String, signer: OwnerIdentity? = nil, expecting: Answer.Type
    ) async throws(CASClientError) -> Answer {
        let (_, bytes) = try await send(method, path, body: [], signer: signer)
        return try decode(Answer.self, bytes, path: path)
    }

    /// Signs when asked, sends, and turns an error status into `.refused` with the problem's detail.
    private func send(
        _ method: HTTPMethod, _ path: String, body: [UInt8], signer: OwnerIdentity? = nil,
        credential: CASCredential? = nil
    ) async throws(CASClientError) -> (Int, [UInt8]) {
        var authorization: String?
        switch (signer, credential) {
        case (let identity?, _), (nil, .owner(let identity)?):
            authorization = RequestSignature.sign(
                method: method.rawValue, pathWithQuery: path, body: body, identity: identity, now: Date()
            ).headerValue
        case (nil, .workload(let token, let signingKey)?):
            do {
                authorization = try ProofOfPossession.sign(
                    method: method.rawValue, pathWithQuery: path, body: body, token: token, key: signingKey, now: Date()
                ).headerValue
            } catch {
                throw CASClientError(.configuration, detail: "cannot sign the request with the runtime key")
            }
        case (nil, nil):
            authorization = nil
        }
        let (status, contentType, bytes) = try await exchange(method, path, body: body, authorization: authorization)
        guard (200..<300).contains(status) else {
            throw Self.refusal(status: status, contentType: contentType, body: bytes)
        }
        return (status, bytes)
    }

    private func exchange(_ method: HTTPMethod, _ path: String, body: [UInt8], authorization: String?)
        async throws(CASClientError) -> (Int, String?, [UInt8])
    {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        if !body.isEmpty || method == .POST {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        request.headers.add(name: "Accept", value: "application/json, application/problem+json")
        if let authorization { request.headers.add(name: "Authorization", value: authorization) }
        do {
            let response = try await http.execute(request, timeout: timeout)
            let buffer = try await response.body.collect(upTo: Self.maxResponseBytes)
            return (Int(response.status.code), response.headers.first(name: "Content-Type"), Array(buffer.readableBytesView))
        } catch {
            throw CASClientError(.transport, detail: "\(method.rawValue) \(path.split(separator: "?").first ?? ""): \(Self.describe(error))")
        }
    }

    private static func refusal(status: Int, contentType: String?, body: [UInt8]) -> CASClientError {
        if let problem = try? APIJSON.decoder().decode(Problem.self, from: Data(body)) {
            return CASClientError(
                .refused, status: status, problemCode: problem.code ?? problem.type, detail: problem.detail)
        }
        let isProblem = contentType?.lowercased().hasPrefix(Problem.contentType) ?? false
        return CASClientError(
            .refused, status: status, problemCode: nil,
            detail: isProblem ? "unreadable problem document" : "HTTP \(status) without a problem document")
    }

    private func encode(_ body: some Encodable) throws(CASClientError) -> [UInt8] {
        do {
            return Array(try APIJSON.encoder().encode(body))
        } catch {
            throw CASClientError(.configuration, detail: "cannot encode the request body")
        }
    }

    private func decode<Answer: Decodable>(_ type: Answer.Type, _ bytes: [UInt8], path: String) throws(CASClientError)
        -> Answer
    {
        do {
            return try APIJSON.decoder().decode(type, from: Data(bytes))
        } catch let error as DecodingError {
            throw CASClientError(.badResponse, detail: "answer to \(path): " + APIJSON.describe(error).replacingOccurrences(of: "body", with: "response"))
        } catch {
            throw CASClientError(.badResponse, detail: "answer to \(path) does not decode")
        }
    }

    /// Transport errors by kind only: NIOSSL's descriptions are safe, bodies are never included.
    private static func describe(_ error: any Error) -> String {
        if let tls = error as? NIOSSLError { return "TLS: \(tls)" }
        if let http = error as? HTTPClientError { return "\(http)" }
        return "\(type(of: error)): \(error)"
    }

    /// localhost, 127.0.0.0/8 and ::1, as literals (a name like 127.example.com is not loopback).
    static func isLoopback(_ host: String) -> Bool {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        if bare.lowercased() == "localhost" { return true }
        var v4 = in_addr()
        if inet_pton(AF_INET, bare, &v4) == 1 { return withUnsafeBytes(of: &v4) { $0[0] == 127 } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, bare, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) == Array(repeating: 0, count: 15) + [1] }
        }
        return false
    }
}
