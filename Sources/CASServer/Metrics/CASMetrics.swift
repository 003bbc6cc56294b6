import CASCore
import CoreMetrics
import Prometheus

/// The CAS's metrics: HTTP traffic, attestation decisions and KMS operations, kept in a
/// swift-prometheus registry and served at `/metrics` (text format 0.0.4). The HTTP layer
/// records all of them from each request's route and outcome. A server process also points
/// swift-metrics at the same registry (`bootstrapMetricsSystem`), so what Hummingbird and other
/// packages report through swift-metrics is served beside them.
public struct CASMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry

    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// The published families (`strongroom_cas_…`); dashboards and alerts rely on their names.
    public enum Family {
        static func descriptor(_ name: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
            MetricNameDescriptor(namespace: "strongroom", subsystem: "cas", metricName: name, unitName: unit, helpText: help)
        }
        public static var requests: MetricNameDescriptor {
            descriptor("http_requests", "total", "HTTP requests by method, route template and status.")
        }
        public static var requestDuration: MetricNameDescriptor {
            descriptor("http_request_duration", "seconds", "HTTP request latency by route template.")
        }
        public static var attestations: MetricNameDescriptor {
            descriptor("attestations", "total", "Attestation decisions by result.")
        }
        public static var kmsOperations: MetricNameDescriptor {
            descriptor("kms_operations", "total", "KMS wrap and unwrap requests by result.")
        }
    }

    public static let latencyBuckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .microseconds(2500), .milliseconds(5), .milliseconds(10),
        .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .milliseconds(2500), .seconds(5),
    ]

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    /// Records one finished request. `route` is the template (`/v1/policies/{name}`), never the raw path.
    func record(method: String, route: String, status: Int, seconds: Double) {
        registry.makeCounter(
            descriptor: Family.requests, labels: [("method", method), ("route", route), ("status", String(status))]
        ).increment()
        registry.makeDurationHistogram(
            descriptor: Family.requestDuration, labels: [("route", route)], buckets: Self.latencyBuckets
        ).record(.nanoseconds(Int64((seconds * 1e9).rounded())))
        let result = status < 400 ? "ok" : status < 500 ? "refused" : "error"
        switch route {
        case CASRoutes.attest:
            registry.makeCounter(
                descriptor: Family.attestations, labels: [("result", result == "ok" ? "allowed" : result)]
            ).increment()
        case CASRoutes.kmsWrap, CASRoutes.kmsUnwrap:
            registry.makeCounter(
                descriptor: Family.kmsOperations,
                labels: [("operation", route == CASRoutes.kmsWrap ? "wrap" : "unwrap"), ("result", result)]
            ).increment()
        default:
            break
        }
    }

    /// The exposition served at `/metrics`.
    public func exposition() -> String {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    /// Makes this registry the process's swift-metrics backend, so metrics that packages report
    /// through swift-metrics (Hummingbird's request counters and durations among them) are served
    /// at `/metrics` too. swift-metrics allows this once per process: a server's entry point
    /// calls it, libraries and tests that run several servers in one process do not.
    public func bootstrapMetricsSystem() {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.nameAndLabelSanitizer = { name, labels in
            (Self.sanitized(name), labels.map { (Self.sanitized($0.0), $0.1) })
        }
        MetricsSystem.bootstrap(factory)
    }

    /// Prometheus names are `[a-zA-Z_:][a-zA-Z0-9_:]*`; swift-metrics labels such as
    /// `http.server.request.duration` become `http_server_request_duration`.
    static func sanitized(_ name: String) -> String {
        var out = ""
        for (index, scalar) in name.unicodeScalars.enumerated() {
            let isLetter = ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || scalar == "_" || scalar == ":"
            let isDigit = ("0"..."9").contains(scalar)
            out.unicodeScalars.append(isLetter || (isDigit && index > 0) ? scalar : "_")
        }
        return out.isEmpty ? "_" : out
    }
}
