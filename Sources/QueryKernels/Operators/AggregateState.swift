import Columnar

public enum AggregateFunction: String, Sendable, Hashable {
    case countStar = "count_star", count, sum, avg, min, max
    case stddevSamp = "stddev_samp", varSamp = "var_samp"
}

/// One aggregate of a GROUP BY: `function(DISTINCT? argument) AS name`.
public struct AggregateSpec: Sendable, Hashable {
    public var function: AggregateFunction
    public var argument: PhysicalExpression?
    /// Supported for `count` (count(DISTINCT x)).
    public var distinct: Bool
    public var name: String

    public init(_ function: AggregateFunction, _ argument: PhysicalExpression? = nil, distinct: Bool = false, name: String) {
        self.function = function
        self.argument = argument
        self.distinct = distinct
        self.name = name
    }
}

/// Per-group state of one aggregate, in arrays indexed by group id.
enum AggregateState: Sendable {
    case count([Int64])
    /// Integers and decimals summed exactly in 128 bits (DuckDB: sum(BIGINT) is HUGEINT).
    case sumWide([Int128], seen: [Bool])
    case sumDouble([Double], seen: [Bool])
    case avgWide([Int128], counts: [Int64])
    case avgDouble([Double], counts: [Int64])
    case minMaxInt([Int64], seen: [Bool])
    case minMaxDouble([Double], seen: [Bool])
    case minMaxWide([Int128], seen: [Bool])
    case minMaxBool([Bool], seen: [Bool])
    case minMaxBytes([[UInt8]], seen: [Bool])
    /// Welford: count, mean, sum of squared deviations.
    case moments(counts: [Int64], mean: [Double], m2: [Double])
    /// count(DISTINCT): a set of (group, value) keys and the per-group count of new ones.
    case distinctCount([Int64], set: ByteKeyTable)

    static func initial(_ spec: AggregateSpec, inputType: DataType?) throws(QueryError) -> AggregateState {
        if spec.distinct {
            guard spec.function == .count else {
                throw QueryError(.unsupported, "\(spec.function.rawValue)(DISTINCT …) in \(spec.name)")
            }
            return .distinctCount([], set: ByteKeyTable())
        }
        switch spec.function {
        case .countStar, .count: return .count([])
        case .sum:
            switch inputType {
            case .float64: return .sumDouble([], seen: [])
            case .int64, .decimal, .boolean: return .sumWide([], seen: [])
            default: throw QueryError(.typeMismatch, "sum needs a number, not \(inputType.map { "\($0)" } ?? "NULL"), in \(spec.name)")
            }
        case .avg:
            switch inputType {
            case .float64: return .avgDouble([], counts: [])
            case .int64, .decimal: return .avgWide([], counts: [])
            default: throw QueryError(.typeMismatch, "avg needs a number, not \(inputType.map { "\($0)" } ?? "NULL"), in \(spec.name)")
            }
        case .min, .max:
            switch inputType {
            case .float64: return .minMaxDouble([], seen: [])
            case .decimal: return .minMaxWide([], seen: [])
            case .boolean: return .minMaxBool([], seen: [])
            case .string: return .minMaxBytes([], seen: [])
            default: return .minMaxInt([], seen: [])
            }
        case .stddevSamp, .varSamp:
            guard let t = inputType, TypeRules.isNumeric(t) else {
                throw QueryError(.typeMismatch, "\(spec.function.rawValue) needs a number in \(spec.name)")
            }
            return .moments(counts: [], mean: [], m2: [])
        }
    }

    /// Adds states for groups up to `groups`.
    mutating func resize(_ groups: Int) {
        func grow<T>(_ a: inout [T], _ z: T) { if a.count < groups { a.append(contentsOf: repeatElement(z, count: groups - a.count)) } }
        switch self {
        case .count(var c): self = .count([]); grow(&c, 0); self = .count(c)
        case .sumWide(var s, var seen): self = .count([]); grow(&s, 0); grow(&seen, false); self = .sumWide(s, seen: seen)
        case .sumDouble(var s, var seen): self = .count([]); grow(&s, 0); grow(&seen, false); self = .sumDouble(s, seen: seen)
        case .avgWide(var s, var c): self = .count([]); grow(&s, 0); grow(&c, 0); self = .avgWide(s, counts: c)
        case .avgDouble(var s, var c): self = .count([]); grow(&s, 0); grow(&c, 0); self = .avgDouble(s, counts: c)
        case .minMaxInt(var s, var seen): self = .count([]); grow(&s, 0); grow(&seen, false); self = .minMaxInt(s, seen: seen)
        case .minMaxDouble(var s, var seen): self = .count([]); grow(&s, 0); grow(&seen, false); self = .minMaxDouble(s, seen: seen)
        case .minMaxWide(var s, var seen): self = .count([]); grow(&s, 0); grow(&seen, false); self = .minMaxWide(s, seen: seen)
        case .minMaxBool(var s, var seen): self = .count([]); grow(&s, false); grow(&seen, false); self = .minMaxBool(s, seen: seen)
        case .minMaxBytes(var s, var seen): self = .count([]); grow(&s, []); grow(&seen, false); self = .minMaxBytes(s, seen: seen)
        case .moments(var c, var m, var m2): self = .count([]); grow(&c, 0); grow(&m, 0); grow(&m2, 0); self = .moments(counts: c, mean: m, m2: m2)
        case .distinctCount(var c, let set): self = .count([]); grow(&c, 0); self = .distinctCount(c, set: set)
        }
    }

    var byteSize: Int {
        switch self {
        case .count(let c): return c.count * 8
        case .sumWide(let s, _), .minMaxWide(let s, _), .avgWide(let s, _): return s.count * 25
        case .sumDouble(let s, _), .avgDouble(let s, _), .minMaxDouble(let s, _): return s.count * 17
        case .minMaxInt(let s, _): return s.count * 9
        case .minMaxBool(let s, _): return s.count * 2
        case .minMaxBytes(let s, _): return s.reduce(s.count * 25) { $0 + $1.count }
        case .moments(let c, _, _): return c.count * 24
        case .distinctCount(let c, let set): return c.count * 8 + set.byteSize
        }
    }
}
