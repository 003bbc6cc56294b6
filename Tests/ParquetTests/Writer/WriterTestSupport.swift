import Foundation
import Testing
import Columnar
@testable import Parquet

enum WriterFixtures {
    static func temporaryPath(_ name: String = "w") -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("strongroom-writer-\(name)-\(UUID().uuidString).parquet").path
    }

    /// Files in the directory of `path` whose names start with `path`'s name (temp leftovers).
    static func leftovers(of path: String) -> [String] {
        let url = URL(fileURLWithPath: path)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path)) ?? []
        return names.filter { $0.hasPrefix(url.lastPathComponent) }
    }

    /// Every flat type the writer supports, nulls every `nullEvery` rows (0: none), null slots
    /// holding the zero placeholders the reader produces.
    static func allTypesBatch(rows: Int, seed: UInt64 = 1, nullEvery: Int = 7, distinct: Int = 50) -> RecordBatch {
        var rng = SeededGenerator(seed: seed)
        let isNull = { (i: Int) in nullEvery > 0 && i % nullEvery == 3 }
        let validity: [Bool]? = nullEvery > 0 && rows > 3 ? (0..<rows).map { !isNull($0) } : nil
        func ints(_ range: ClosedRange<Int64>) -> [Int64] {
            (0..<rows).map { isNull($0) ? 0 : Int64.random(in: range, using: &rng) }
        }
        func pick<T>(_ values: [T], zero: T) -> [T] { values.enumerated().map { isNull($0.offset) ? zero : $0.element } }
        var fields: [Field] = []
        var columns: [Column] = []
        func add(_ name: String, _ type: DataType, _ values: ColumnValues) {
            fields.append(Field(name, type))
            columns.append(Column(type: type, values: values, validity: validity))
        }
        add("b", .boolean, .boolean((0..<rows).map { isNull($0) ? false : Bool.random(using: &rng) }))
        add("i8", .int8, .int32(ints(-128...127).map { Int32($0) }))
        add("i16", .int16, .int32(ints(-32768...32767).map { Int32($0) }))
        add("i32", .int32, .int32(ints(Int64(Int32.min)...Int64(Int32.max)).map { Int32($0) }))
        add("i64", .int64, .int64(ints(Int64.min...Int64.max)))
        add("u8", .uint8, .int32(ints(0...255).map { Int32($0) }))
        add("u16", .uint16, .int32(ints(0...65535).map { Int32($0) }))
        add("u32", .uint32, .int32(ints(0...Int64(UInt32.max)).map { Int32(bitPattern: UInt32($0)) }))
        add("u64", .uint64, .int64(ints(Int64.min...Int64.max)))
        var halves: [UInt8] = []
        for i in 0..<rows {
            let bits: UInt16 = isNull(i) ? 0 : [0x3C00, 0xC000, 0x7E00, 0x8000, 0x0000, 0x3555][Int.random(in: 0..<6, using: &rng)]
            halves += [UInt8(bits & 0xFF), UInt8(bits >> 8)]
        }
        add("f16", .float16, .fixed(width: 2, data: halves))
        add("f32", .float32, .float32(pick((0..<rows).map { _ in Float(Int.random(in: -1000...1000, using: &rng)) / 8 }, zero: 0)))
        add("f64", .float64, .float64(pick((0..<rows).map { _ in Double.random(in: -1e6...1e6, using: &rng) }, zero: 0)))
        add("d9", .decimal(precision: 9, scale: 2), .int32(ints(-999_999_999...999_999_999).map { Int32($0) }))
        add("d18", .decimal(precision: 18, scale: 4), .int64(ints(-999_999_999_999_999_999...999_999_999_999_999_999)))
        var wide: [UInt8] = []
        for i in 0..<rows {
            let v = isNull(i) ? 0 : Int64.random(in: Int64.min...Int64.max, using: &rng)
            wide += (v < 0 ? [0xFF] : [0]) + withUnsafeBytes(of: v.bigEndian) { Array($0) }
        }
        add("d20", .decimal(precision: 20, scale: 3), .fixed(width: 9, data: wide))
        func strings(_ prefix: String) -> ByteArrays {
            var a = ByteArrays()
            for i in 0..<rows {
                if isNull(i) { a.appendEmpty() } else { a.append(Array("\(prefix)\(Int.random(in: 0..<distinct, using: &rng))".utf8)) }
            }
            return a
        }
        add("s", .string, .bytes(strings("name-é-")))
        add("j", .json, .bytes(strings("{\"k\":")))
        add("e", .enumeration, .bytes(strings("E")))
        add("bin", .binary, .bytes(strings("\u{1}\u{0}x")))
        add("fb", .fixedBinary(3), .fixed(width: 3, data: (0..<rows).flatMap { i in isNull(i) ? [0, 0, 0] : [UInt8(i & 255), UInt8.random(in: 0...3, using: &rng), 7] }))
        add("id", .uuid, .fixed(width: 16, data: (0..<rows).flatMap { i in isNull(i) ? [UInt8](repeating: 0, count: 16) : (0..<16).map { _ in UInt8.random(in: 0...255, using: &rng) } }))
        add("date", .date, .int32(ints(-100_000...100_000).map { Int32($0) }))
        add("tms", .time(.millis, utc: false), .int32(ints(0...86_399_999).map { Int32($0) }))
        add("tus", .time(.micros, utc: true), .int64(ints(0...86_399_999_999)))
        add("tns", .time(.nanos, utc: true), .int64(ints(0...86_399_999_999_999)))
        add("tsms", .timestamp(.millis, utc: true), .int64(ints(-1_000_000_000_000...4_000_000_000_000)))
        add("tsus", .timestamp(.micros, utc: false), .int64(ints(-1_000_000_000_000_000...4_000_000_000_000_000)))
        add("tsns", .timestamp(.nanos, utc: true), .int64(ints(-1_000_000_000_000_000_000...4_000_000_000_000_000_000)))
        return RecordBatch(schema: Schema(fields), columns: columns, rowCount: rows)
    }

    /// Writes `batches` and returns the path.
    @discardableResult
    static func write(_ batches: [RecordBatch], to path: String, options: ParquetWriteOptions = .init()) throws -> String {
        let writer = try ParquetFileWriter(path: path, schema: batches[0].schema, options: options)
        for batch in batches { try writer.write(batch) }
        try writer.close()
        return path
    }

    /// All row groups of the file as one batch.
    static func readBack(_ path: String, options: ParquetReadOptions = .init()) throws -> RecordBatch {
        let reader = try ParquetFileReader(path: path, options: options)
        let batches = try reader.readAll()
        return concatenate(batches, schema: reader.schema.schema)
    }

    static func concatenate(_ batches: [RecordBatch], schema: Schema) -> RecordBatch {
        guard let first = batches.first else { return RecordBatch(schema: schema, columns: [], rowCount: 0) }
        var columns = first.columns
        for batch in batches.dropFirst() {
            for i in columns.indices { columns[i] = append(columns[i], batch.columns[i]) }
        }
        return RecordBatch(schema: first.schema, columns: columns, rowCount: batches.reduce(0) { $0 + $1.rowCount })
    }

    static func append(_ a: Column, _ b: Column) -> Column {
        let values: ColumnValues
        switch (a.values, b.values) {
        case (.boolean(let x), .boolean(let y)): values = .boolean(x + y)
        case (.int32(let x), .int32(let y)): values = .int32(x + y)
        case (.int64(let x), .int64(let y)): values = .int64(x + y)
        case (.float32(let x), .float32(let y)): values = .float32(x + y)
        case (.float64(let x), .float64(let y)): values = .float64(x + y)
        case (.fixed(let w, let x), .fixed(_, let y)): values = .fixed(width: w, data: x + y)
        case (.bytes(let x), .bytes(let y)):
            var out = x
            for i in 0..<y.count { out.append(y[i]) }
            values = .bytes(out)
        default: fatalError("concatenating nested columns is not needed here")
        }
        var validity: [Bool]?
        if a.validity != nil || b.validity != nil {
            validity = (a.validity ?? Array(repeating: true, count: a.count)) + (b.validity ?? Array(repeating: true, count: b.count))
        }
        return Column(type: a.type, values: values, validity: validity)
    }

    /// Row-by-row equality (floats by bit pattern, null slots ignored).
    static func expectSameRows(_ actual: RecordBatch, _ expected: RecordBatch, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(actual.rowCount == expected.rowCount, sourceLocation: sourceLocation)
        #expect(actual.columns.count == expected.columns.count, sourceLocation: sourceLocation)
        for (i, (a, e)) in zip(actual.columns, expected.columns).enumerated() {
            let name = expected.schema.fields[i].name
            #expect(a.type == e.type, "column \(name) type", sourceLocation: sourceLocation)
            #expect(a.count == e.count, "column \(name) count", sourceLocation: sourceLocation)
            guard a.count == e.count else { continue }
            var mismatches = 0
            for r in 0..<e.count {
                if a.isNull(r) != e.isNull(r) || (!e.isNull(r) && !sameValue(a.values, e.values, r)) { mismatches += 1 }
            }
            #expect(mismatches == 0, "column \(name): \(mismatches) rows differ", sourceLocation: sourceLocation)
        }
    }

    static func sameValue(_ a: ColumnValues, _ b: ColumnValues, _ r: Int) -> Bool {
        switch (a, b) {
        case (.boolean(let x), .boolean(let y)): x[r] == y[r]
        case (.int32(let x), .int32(let y)): x[r] == y[r]
        case (.int64(let x), .int64(let y)): x[r] == y[r]
        case (.float32(let x), .float32(let y)): x[r].bitPattern == y[r].bitPattern
        case (.float64(let x), .float64(let y)): x[r].bitPattern == y[r].bitPattern
        case (.bytes(let x), .bytes(let y)): x[r] == y[r]
        case (.fixed(let w, let x), .fixed(let v, let y)): w == v && x[r * w..<(r + 1) * w] == y[r * v..<(r + 1) * v]
        default: false
        }
    }
}
