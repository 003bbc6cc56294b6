import Synchronization

/// One label set of a metric family, values in the family's label order.
struct LabelValues: Hashable, Sendable {
    var values: [String]
}

/// A counter family (Prometheus `counter`): monotonically increasing per label set.
public final class CounterFamily: Sendable {
    public let name: String
    public let help: String
    public let labelNames: [String]
    private let series = Mutex<[LabelValues: Double]>([:])

    init(name: String, help: String, labelNames: [String]) {
        self.name = name
        self.help = help
        self.labelNames = labelNames
    }

    /// `labels` in `labelNames` order; a wrong count is a programming error caught in tests.
    public func increment(_ labels: [String], by amount: Double = 1) {
        precondition(labels.count == labelNames.count, "\(name): \(labelNames.count) labels expected")
        series.withLock { $0[LabelValues(values: labels), default: 0] += amount }
    }

    public func value(_ labels: [String]) -> Double {
        series.withLock { $0[LabelValues(values: labels)] ?? 0 }
    }

    func render(into out: inout String) {
        out += "# HELP \(name) \(PrometheusText.escapeHelp(help))\n# TYPE \(name) counter\n"
        let snapshot = series.withLock { $0 }
        for (labels, value) in snapshot.sorted(by: { $0.key.values.lexicographicallyPrecedes($1.key.values) }) {
            out += name + PrometheusText.labels(labelNames, labels.values) + " " + PrometheusText.number(value) + "\n"
        }
    }
}

/// A histogram family (Prometheus `histogram`): cumulative buckets, sum and count per label set.
public final class HistogramFamily: Sendable {
    public let name: String
    public let help: String
    public let labelNames: [String]
    public let bounds: [Double]

    struct Series: Sendable {
        var buckets: [UInt64]
        var sum: Double = 0
        var count: UInt64 = 0
    }

    private let series = Mutex<[LabelValues: Series]>([:])

    init(name: String, help: String, labelNames: [String], bounds: [Double]) {
        precondition(bounds == bounds.sorted() && Set(bounds).count == bounds.count, "\(name): bounds must increase")
        self.name = name
        self.help = help
        self.labelNames = labelNames
        self.bounds = bounds
    }

    public func observe(_ value: Double, _ labels: [String]) {
        precondition(labels.count == labelNames.count, "\(name): \(labelNames.count) labels expected")
        let bucketCount = bounds.count
        let index = bounds.firstIndex(where: { value <= $0 })
        series.withLock { all in
            var entry = all[LabelValues(values: labels)] ?? Series(buckets: Array(repeating: 0, count: bucketCount))
            if let index { entry.buckets[index] += 1 }
            entry.sum += value
            entry.count += 1
            all[LabelValues(values: labels)] = entry
        }
    }

    public func count(_ labels: [String]) -> UInt64 {
        series.withLock { $0[LabelValues(values: labels)]?.count ?? 0 }
    }

    func render(into out: inout String) {
        out += "# HELP \(name) \(PrometheusText.escapeHelp(help))\n# TYPE \(name) histogram\n"
        let snapshot = series.withLock { $0 }
        for (labels, entry) in snapshot.sorted(by: { $0.key.values.lexicographicallyPrecedes($1.key.values) }) {
            var cumulative: UInt64 = 0
            for (bound, hits) in zip(bounds, entry.buckets) {
                cumulative += hits
                out += name + "_bucket"
                    + PrometheusText.labels(labelNames + ["le"], labels.values + [PrometheusText.number(bound)])
                    + " \(cumulative)\n"
            }
            out += name + "_bucket" + PrometheusText.labels(labelNames + ["le"], labels.values + ["+Inf"])
                + " \(entry.count)\n"
            out += name + "_sum" + PrometheusText.labels(labelNames, labels.values) + " "
                + PrometheusText.number(entry.sum) + "\n"
            out += name + "_count" + PrometheusText.labels(labelNames, labels.values) + " \(entry.count)\n"
        }
    }
}

/// The text exposition format 0.0.4 (prometheus.io/docs/instrumenting/exposition_formats).
enum PrometheusText {
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    static func labels(_ names: [String], _ values: [String]) -> String {
        guard !names.isEmpty else { return "" }
        let pairs = zip(names, values).map { "\($0)=\"\(escapeLabelValue($1))\"" }
        return "{" + pairs.joined(separator: ",") + "}"
    }

    /// Label values escape backslash, double quote and line feed.
    static func escapeLabelValue(_ text: String) -> String {
        var out = ""
        for ch in text {
            switch ch {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(ch)
            }
        }
        return out
    }

    /// HELP text escapes backslash and line feed only.
    static func escapeHelp(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
    }

    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}
