import Columnar

/// A hash join whose build side did not fit the memory limit: both sides are written to spill
/// partitions by a hash of their join keys (probe keys cast to the build keys' types first, so
/// equal keys hash alike), then each pair of partitions is joined on its own with a HashJoin
/// (split again on other hash bits when its build side is still too large). Every join kind
/// and residual works per partition, since matching rows share a partition; probe rows with
/// NULL keys land in one partition and come out as the kind requires (left, anti).
public struct GraceHashJoin {
    public let kind: JoinKind
    public let probeKeys: [PhysicalExpression]
    public let buildKeys: [PhysicalExpression]
    public let residual: PhysicalExpression?
    let budget: MemoryBudget?
    private var build: SpillPartitions
    private var probe: SpillPartitions
    private var buildTypes: [DataType]?
    private var buildSchema: Schema?
    private var probeSchema: Schema?

    private let level: Int

    /// `level` > 0: splitting a partition of a grace join again, on other hash bits.
    public init(kind: JoinKind, probeKeys: [PhysicalExpression], buildKeys: [PhysicalExpression], residual: PhysicalExpression?,
                budget: MemoryBudget?, level: Int = 0) throws(QueryError) {
        self.kind = kind
        self.probeKeys = probeKeys
        self.buildKeys = buildKeys
        self.residual = residual
        self.budget = budget
        self.level = level
        build = try SpillPartitions(level: level, budget: budget)
        probe = try SpillPartitions(level: level, budget: budget)
    }

    /// Build (right) rows; all of them before the first probe row.
    public mutating func addBuild(_ batch: RecordBatch) throws(QueryError) {
        buildSchema = batch.schema
        let keys = try HashJoin.keyVectors(buildKeys, batch, against: nil)
        buildTypes = keys.types
        try build.add(batch, keys: keys.vectors)
    }

    public mutating func addProbe(_ batch: RecordBatch) throws(QueryError) {
        probeSchema = batch.schema
        let keys = try HashJoin.keyVectors(probeKeys, batch, against: buildTypes)
        try probe.add(batch, keys: keys.vectors)
    }

    /// One closure per partition pair, each joining its pair (they may run in parallel).
    public mutating func partitionJoins(buildSchema declaredBuild: Schema, probeSchema declaredProbe: Schema) throws(QueryError)
        -> [@Sendable () throws(QueryError) -> [RecordBatch]] {
        let buildSchema = self.buildSchema ?? declaredBuild, probeSchema = self.probeSchema ?? declaredProbe
        let builds = try build.finish(schema: buildSchema), probes = try probe.finish(schema: probeSchema)
        let join = PartitionJoin(kind: kind, probeKeys: probeKeys, buildKeys: buildKeys, residual: residual, budget: budget,
                                 buildSchema: buildSchema, probeSchema: probeSchema)
        let level = self.level
        return zip(builds, probes).map { b, p in { () throws(QueryError) in try join.run(build: b, probe: p, level: level) } }
    }
}

/// The join of one partition pair.
private struct PartitionJoin: Sendable {
    let kind: JoinKind
    let probeKeys: [PhysicalExpression]
    let buildKeys: [PhysicalExpression]
    let residual: PhysicalExpression?
    let budget: MemoryBudget?
    let buildSchema: Schema
    let probeSchema: Schema

    func run(build: SpillFile, probe: SpillFile, level: Int) throws(QueryError) -> [RecordBatch] {
        if probe.blockCount == 0 && !kind.tracksBuildRows { return [] }
        if build.blockCount == 0 && (kind == .inner || kind == .leftSemi || kind == .rightOuter || kind.outputsRightOnly) { return [] }
        // Partitions may be joined in parallel: each gives back exactly what its own table charged.
        var join = try HashJoin(kind: kind, probeKeys: probeKeys, buildKeys: buildKeys, budget: budget)
        join.residual = residual
        do {
            for b in 0..<build.blockCount { try join.addBuild(try build.read(b, schema: buildSchema)) }
            try join.finishBuild(schema: buildSchema)
        } catch where error.code == .memoryLimit && level < SpillPartitions.maxLevel {
            join.releaseMemory()
            return try split(build: build, probe: probe, level: level + 1)
        }
        defer { join.releaseMemory() }
        var out: [RecordBatch] = []
        for b in 0..<probe.blockCount {
            let joined = try join.probeInPieces(try probe.read(b, schema: probeSchema))
            if joined.rowCount > 0 { out.append(joined) }
        }
        if kind.tracksBuildRows {
            let rows = try join.finishProbe(probeSchema: probeSchema)
            if rows.rowCount > 0 { out.append(rows) }
        }
        return out
    }

    private func split(build: SpillFile, probe: SpillFile, level: Int) throws(QueryError) -> [RecordBatch] {
        var grace = try GraceHashJoin(kind: kind, probeKeys: probeKeys, buildKeys: buildKeys, residual: residual, budget: budget, level: level)
        for b in 0..<build.blockCount { try grace.addBuild(try build.read(b, schema: buildSchema)) }
        for b in 0..<probe.blockCount { try grace.addProbe(try probe.read(b, schema: probeSchema)) }
        var out: [RecordBatch] = []
        for partition in try grace.partitionJoins(buildSchema: buildSchema, probeSchema: probeSchema) { out += try partition() }
        return out
    }
}
