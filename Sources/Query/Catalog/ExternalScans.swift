import Columnar
import QueryKernels
import Support
import Synchronization

/// An external table as the catalog holds it: the table and the batches loaded for the scans of
/// the query being run. The engine reads only loaded batches; a scan it needs that was not
/// loaded is recorded and reported as `ExternalScansPending`, which `QueryEngine.run` answers by
/// loading the recorded scans (concurrently, awaiting the sources) and running again.
public final class ExternalSource: Sendable {
    public let table: any ExternalTable

    struct Scan: Hashable, Sendable {
        var columns: [Int]
        var equalities: [ExternalEquality]
    }

    private struct State {
        var loaded: [Scan: RecordBatch] = [:]
        var pending: Set<Scan> = []
    }

    private let state = Mutex(State())

    public init(_ table: any ExternalTable) {
        self.table = table
    }

    /// The loaded batch of a scan; a scan not loaded yet is recorded and `ExternalScansPending` thrown.
    func batch(columns: [Int], equalities: [ExternalEquality]) throws -> RecordBatch {
        let scan = Scan(columns: columns, equalities: equalities)
        let batch = state.withLock { state -> RecordBatch? in
            if let batch = state.loaded[scan] { return batch }
            state.pending.insert(scan)
            return nil
        }
        guard let batch else { throw ExternalScansPending() }
        return batch
    }

    /// Records `scan` for loading unless it is loaded; true when it is loaded.
    func require(columns: [Int], equalities: [ExternalEquality]) -> Bool {
        let scan = Scan(columns: columns, equalities: equalities)
        return state.withLock { state in
            if state.loaded[scan] != nil { return true }
            state.pending.insert(scan)
            return false
        }
    }

    /// Loads every recorded scan, concurrently.
    func loadPending() async throws {
        let scans = state.withLock { state -> Set<Scan> in
            defer { state.pending = [] }
            return state.pending
        }
        let table = self.table
        try await withThrowingTaskGroup(of: (Scan, RecordBatch).self) { group in
            for scan in scans {
                group.addTask { (scan, try await table.load(columns: scan.columns, equalities: scan.equalities)) }
            }
            for try await (scan, batch) in group {
                state.withLock { $0.loaded[scan] = batch }
            }
        }
    }
}

/// Thrown inside the synchronous engine when an external scan it needs is not loaded yet.
struct ExternalScansPending: Error {}

extension LogicalPlan {
    /// Records every external scan of the plan that is not loaded; true when all are loaded.
    /// The scans are the ones the executor will ask for (same columns, same pushed equalities).
    func externalScansLoaded() -> Bool {
        switch self {
        case .scan(_, .external(let source), let columns, let filter, _):
            return source.require(columns: columns, equalities: ExternalEquality.pushable(filter, columns: columns, table: source.table))
        case .scan, .values:
            return true
        case .filter(let input, _), .project(let input, _, _), .aggregate(let input, _, _, _), .aggregateBelowJoin(let input, _, _, _),
             .sort(let input, _), .topN(let input, _, _, _), .limit(let input, _, _):
            return input.externalScansLoaded()
        case .join(let left, let right, _, _, _, _):
            // Both sides: every pending scan is recorded in one pass.
            let l = left.externalScansLoaded()
            let r = right.externalScansLoaded()
            return l && r
        case .unionAll, .withInitPlans:
            return children.map { $0.externalScansLoaded() }.allSatisfy { $0 }
        }
    }
}

extension Catalog {
    /// Loads the scans recorded on the external tables (none when the catalog has none).
    func loadPendingExternalScans() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for source in externalSources {
                group.addTask { try await source.loadPending() }
            }
            try await group.waitForAll()
        }
    }
}
