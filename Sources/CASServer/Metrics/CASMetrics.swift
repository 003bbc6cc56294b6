import CASCore

/// The CAS's metrics: HTTP traffic, attestation decisions and KMS operations.
/// The HTTP layer records all of them from each request's route and outcome.
public struct CASMetrics: Sendable {
    public let registry: MetricsRegistry
    /// by method, route template and status
    public let requests: CounterFamily
    /// by route template, seconds
    public let requestDuration: HistogramFamily
    /// by result: allowed, refused, error
    public let attestations: CounterFamily
    /// by operation (wrap, unwrap) and result (ok, refused, error)
    public let kmsOperations: CounterFamily

    public static let latencyBuckets: [Double] = [
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
    ]

    public init(registry: MetricsRegistry = MetricsRegistry()) {
        self.registry = registry
        requests = registry.counter(
            "strongroom_cas_http_requests_total", help: "HTTP requests by method, route template and status.",
            labels: ["method", "route", "status"])
        requestDuration = registry.histogram(
            "strongroom_cas_http_request_duration_seconds", help: "HTTP request latency by route template.",
            labels: ["route"], buckets: Self.latencyBuckets)
        attestations = registry.counter(
            "strongroom_cas_attestations_total", help: "Attestation decisions by result.", labels: ["result"])
        kmsOperations = registry.counter(
            "strongroom_cas_kms_operations_total", help: "KMS wrap and unwrap requests by result.",
            labels: ["operation", "result"])
    }

    /// Records one finished request. `route` is the template (`/v1/policies/{name}`), never the raw path.
    func record(method: String, route: String, status: Int, seconds: Double) {
        requests.increment([method, route, String(status)])
        requestDuration.observe(seconds, [route])
        let result = status < 400 ? "ok" : status < 500 ? "refused" : "error"
        switch route {
        case CASRoutes.attest:
            attestations.increment([result == "ok" ? "allowed" : result])
        case CASRoutes.kmsWrap:
            kmsOperations.increment(["wrap", result])
        case CASRoutes.kmsUnwrap:
            kmsOperations.increment(["unwrap", result])
        default:
            break
        }
    }
}
