import Columnar
import QueryKernels

/// A table that lives outside files the engine reads itself — a SQL database table, say.
/// Each scan of it loads the scanned columns once, passing the `column = constant` conjuncts of
/// the scan's filter; the table may use them to fetch fewer rows (e.g. equality on ciphertext
/// of a deterministically encrypted column) but need not: the engine applies the whole filter
/// to whatever comes back.
///
/// Loading is asynchronous (a database answers over the network) and happens before the engine
/// runs: `QueryEngine.run` finds the scans a plan needs (`ExternalScans`), awaits their loads,
/// then executes on the loaded batches. The engine's threads never wait on a source.
public protocol ExternalTable: Sendable {
    var name: String { get }
    var schema: Schema { get }
    /// Columns whose equalities `load` can push to the source (indices into `schema`).
    var pushdownColumns: Set<Int> { get }
    /// The rows of `columns` (indices into `schema`, in that order), possibly narrowed by `equalities`.
    func load(columns: [Int], equalities: [ExternalEquality]) async throws -> RecordBatch
    /// How the source narrows `equalities`, for `--explain`.
    func describePushdown(_ equalities: [ExternalEquality]) -> String
}

/// `schema[column] = value`, a conjunct of a scan's filter.
public struct ExternalEquality: Sendable, Hashable {
    public var column: Int
    public var value: ScalarValue

    public init(column: Int, value: ScalarValue) {
        self.column = column
        self.value = value
    }

    /// The pushable `column = literal` conjuncts of `filter` (its column indices are positions in `columns`).
    static func pushable(_ filter: PhysicalExpression?, columns: [Int], table: any ExternalTable) -> [ExternalEquality] {
        guard let filter else { return [] }
        return FilterIntoScan.conjuncts(filter).compactMap { conjunct in
            guard case .compare(.equal, let a, let b) = conjunct else { return nil }
            let pair: (Int, ScalarValue)
            switch (a, b) {
            case (.column(let i, _), .literal(let v)), (.literal(let v), .column(let i, _)): pair = (i, v)
            default: return nil
            }
            guard pair.1 != .null, table.pushdownColumns.contains(columns[pair.0]) else { return nil }
            return ExternalEquality(column: columns[pair.0], value: pair.1)
        }
    }
}
