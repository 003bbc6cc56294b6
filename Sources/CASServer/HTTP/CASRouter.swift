import CASCore
import Hummingbird

/// The API table of docs/design/cas.md as routes. Each route reads and limits the body, parses
/// the Authorization header, decodes the DTO, calls the handler and encodes its answer.
struct CASRouter {
    let handlers: any CASHandlers
    let reading: RequestReading
    let metrics: CASMetrics

    func build() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        // Before the routes: Hummingbird applies middleware to routes added after it, and to the 404 responder.
        router.add(middleware: ProblemAndTelemetryMiddleware<BasicRequestContext>(metrics: metrics))
        // Hummingbird's own request metrics, through swift-metrics (a no-op until a server
        // process bootstraps it: `CASMetrics.bootstrapMetricsSystem`).
        router.add(middleware: MetricsMiddleware<BasicRequestContext>())
        let handlers = self.handlers
        let reading = self.reading

        router.post("/v1/policies") { request, _ in
            let (body, credentials) = try await Self.read(PolicySubmission.self, request, reading)
            return try APIResponse.json(try await handlers.applyPolicy(body, credentials: credentials), status: .created)
        }
        router.get("/v1/policies/:name") { request, context in
            let name = try context.parameters.require("name")
            let credentials = try await Self.credentialsWithoutBody(request, reading)
            return try APIResponse.json(try await handlers.policy(named: name, credentials: credentials))
        }
        router.get("/v1/policies/:name/versions") { request, context in
            let name = try context.parameters.require("name")
            let credentials = try await Self.credentialsWithoutBody(request, reading)
            return try APIResponse.json(try await handlers.policyVersions(named: name, credentials: credentials))
        }
        router.post("/v1/policies/:name/secrets/:secret") { request, context in
            let name = try context.parameters.require("name")
            let secret = try context.parameters.require("secret")
            let (body, credentials) = try await Self.read(HPKEEnvelope.self, request, reading)
            try await handlers.storeSecret(policy: name, secret: secret, body, credentials: credentials)
            return APIResponse.empty()
        }
        router.get("/v1/cas-key") { _, _ in
            try APIResponse.json(try await handlers.casPublicKey())
        }
        router.post("/v1/attest/challenge") { request, _ in
            let (body, _) = try await Self.read(ChallengeRequest.self, request, reading)
            return try APIResponse.json(try await handlers.challenge(body))
        }
        router.post("/v1/attest") { request, _ in
            let (body, _) = try await Self.read(AttestRequest.self, request, reading)
            return try APIResponse.json(try await handlers.attest(body))
        }
        router.post("/v1/kms/wrap") { request, _ in
            let (body, credentials) = try await Self.read(WrapRequest.self, request, reading)
            return try APIResponse.json(try await handlers.wrap(body, credentials: credentials))
        }
        router.post("/v1/kms/unwrap") { request, _ in
            let (body, credentials) = try await Self.read(UnwrapRequest.self, request, reading)
            return try APIResponse.json(try await handlers.unwrap(body, credentials: credentials))
        }
        router.post("/v1/grants") { request, _ in
            let (body, credentials) = try await Self.read(GrantRequest.self, request, reading)
            return try APIResponse.json(try await handlers.issueGrant(body, credentials: credentials), status: .created)
        }
        router.post("/v1/policies/:name/tokens/revoke") { request, context in
            let name = try context.parameters.require("name")
            let (body, credentials) = try await Self.read(TokenRevocation.self, request, reading)
            return try APIResponse.json(try await handlers.revokeTokens(policy: name, body, credentials: credentials))
        }
        router.post("/v1/auditors") { request, _ in
            let (body, credentials) = try await Self.read(AuditorRegistration.self, request, reading)
            return try APIResponse.json(try await handlers.registerAuditor(body, credentials: credentials), status: .created)
        }
        router.get("/.well-known/jwks.json") { _, _ in
            try APIResponse.json(try await handlers.jwks())
        }
        router.get("/v1/audit") { request, _ in
            let credentials = try await Self.credentialsWithoutBody(request, reading)
            let query = try Self.auditQuery(request)
            return try APIResponse.json(try await handlers.audit(query, credentials: credentials))
        }
        router.post("/v1/nodes") { request, _ in
            let (body, credentials) = try await Self.read(NodeRegistration.self, request, reading)
            return try APIResponse.json(
                try await handlers.registerNode(body, credentials: credentials), status: .created)
        }
        router.post("/v1/sys/unseal") { request, _ in
            let (body, _) = try await Self.read(UnsealRequest.self, request, reading)
            return try APIResponse.json(try await handlers.unseal(body))
        }
        router.get("/v1/sys/seal-status") { _, _ in
            try APIResponse.json(try await handlers.sealStatus())
        }
        router.get("/healthz") { _, _ in
            switch await handlers.health() {
            case .ready: APIResponse.text("ok\n", contentType: "text/plain; charset=utf-8")
            case .sealed:
                APIResponse.text("sealed\n", contentType: "text/plain; charset=utf-8", status: .serviceUnavailable)
            }
        }
        let metrics = self.metrics
        router.get("/metrics") { _, _ in
            APIResponse.text(metrics.exposition(), contentType: CASMetrics.contentType)
        }
        return router
    }

    private static func read<Body: Decodable>(
        _ type: Body.Type, _ request: Request, _ reading: RequestReading
    ) async throws -> (Body, RequestCredentials) {
        let bytes = try await reading.body(of: request)
        // Authorization first: a bad signature header is a 401 whatever the body says.
        let credentials = try reading.credentials(of: request, body: bytes)
        return (try reading.decode(type, from: bytes, request: request), credentials)
    }

    /// GETs carry no body; one sent anyway still counts against the limit and the signature.
    private static func credentialsWithoutBody(_ request: Request, _ reading: RequestReading) async throws
        -> RequestCredentials
    {
        try reading.credentials(of: request, body: try await reading.body(of: request))
    }

    /// `from` ≥ 1, 1 ≤ `limit` ≤ 10 000, optional `policy`; anything else is a 400 naming the parameter.
    static func auditQuery(_ request: Request) throws -> AuditQuery {
        let parameters = request.uri.queryParameters
        var query = AuditQuery()
        for (key, _) in parameters where !["from", "limit", "policy"].contains(String(key)) {
            throw CASHTTPError.badRequest("query parameter \(String(key.prefix(32))) is not known (from, limit, policy)")
        }
        if let text = parameters["from"] {
            guard let from = Int(text), from >= 1 else {
                throw CASHTTPError.badRequest("query parameter from: must be an integer ≥ 1")
            }
            query.from = from
        }
        if let text = parameters["limit"] {
            guard let limit = Int(text), (1...AuditQuery.maximumLimit).contains(limit) else {
                throw CASHTTPError.badRequest("query parameter limit: must be an integer in 1…\(AuditQuery.maximumLimit)")
            }
            query.limit = limit
        }
        if let policy = parameters["policy"] {
            query.policy = String(policy).removingPercentEncoding ?? String(policy)
        }
        return query
    }
}
