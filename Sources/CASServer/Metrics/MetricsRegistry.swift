import Synchronization

/// A small Prometheus registry: families in registration order, rendered as text format 0.0.4.
public final class MetricsRegistry: Sendable {
    private enum Family: Sendable {
        case counter(CounterFamily)
        case histogram(HistogramFamily)
    }

    private let families = Mutex<[Family]>([])

    public init() {}

    /// Metric and label names follow `[a-zA-Z_:][a-zA-Z0-9_:]*`; a bad name is a programming error.
    public func counter(_ name: String, help: String, labels: [String] = []) -> CounterFamily {
        Self.checkName(name)
        labels.forEach { Self.checkName($0) }
        let family = CounterFamily(name: name, help: help, labelNames: labels)
        families.withLock { $0.append(.counter(family)) }
        return family
    }

    public func histogram(_ name: String, help: String, labels: [String] = [], buckets: [Double]) -> HistogramFamily {
        Self.checkName(name)
        labels.forEach { Self.checkName($0) }
        let family = HistogramFamily(name: name, help: help, labelNames: labels, bounds: buckets)
        families.withLock { $0.append(.histogram(family)) }
        return family
    }

    public func exposition() -> String {
        var out = ""
        for family in families.withLock({ $0 }) {
            switch family {
            case .counter(let counter): counter.render(into: &out)
            case .histogram(let histogram): histogram.render(into: &out)
            }
        }
        return out
    }

    public static let contentType = PrometheusText.contentType

    private static func checkName(_ name: String) {
        let bytes = Array(name.utf8)
        func isStart(_ b: UInt8) -> Bool { (0x41...0x5a).contains(b) || (0x61...0x7a).contains(b) || b == 0x5f || b == 0x3a }
        precondition(
            !bytes.isEmpty && isStart(bytes[0]) && bytes.allSatisfy({ isStart($0) || (0x30...0x39).contains($0) }),
            "invalid metric or label name \(name)")
    }
}
