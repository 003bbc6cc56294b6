import Columnar

/// The deterministic demo table of `strongroom parquet write-sample`: every flat type the
/// writer supports, values derived from the row number (edge values included), and every
/// column null on rows where i % 7 == 6.
enum SampleTable {
    static let schema = Schema([
        Field("b", .boolean), Field("i8", .int8), Field("i16", .int16), Field("i32", .int32), Field("i64", .int64),
        Field("u32", .uint32), Field("f32", .float32), Field("f64", .float64), Field("s", .string),
        Field("bin", .binary), Field("fx", .fixedBinary(4)), Field("d", .date),
        Field("ts", .timestamp(.micros, utc: true)), Field("ts_ms", .timestamp(.millis, utc: false)),
        Field("dec9", .decimal(precision: 9, scale: 2)), Field("dec18", .decimal(precision: 18, scale: 4)),
        Field("dec38", .decimal(precision: 38, scale: 10)),
    ])

    static let texts = ["", "a", "hello", "quote \" and backslash \\", "line\nbreak\ttab", "ünïcødé", "日本語",
                        "emoji 🔐", "slash / <html>", String(repeating: "x", count: 300)]

    static func isNull(_ i: Int) -> Bool { i % 7 == 6 }

    /// Rows `range` of the table.
    static func batch(_ range: Range<Int>) -> RecordBatch {
        let rows = Array(range)
        let validity = rows.map { !isNull($0) }
        func column(_ type: DataType, _ values: ColumnValues) -> Column {
            Column(type: type, values: values, validity: validity)
        }
        func int32s(_ f: (Int) -> Int32) -> ColumnValues { .int32(rows.map { isNull($0) ? 0 : f($0) }) }
        func int64s(_ f: (Int) -> Int64) -> ColumnValues { .int64(rows.map { isNull($0) ? 0 : f($0) }) }
        func bytes(_ f: (Int) -> [UInt8]) -> ByteArrays {
            var out = ByteArrays()
            for i in rows { if isNull(i) { out.appendEmpty() } else { out.append(f(i)) } }
            return out
        }
        func edge<T>(_ i: Int, _ low: T, _ high: T, _ otherwise: () -> T) -> T {
            switch i % 50 { case 0: low; case 1: high; default: otherwise() }
        }
        let columns: [Column] = [
            column(.boolean, .boolean(rows.map { !isNull($0) && $0 % 3 == 0 })),
            column(.int8, int32s { i in edge(i, -128, 127) { Int32(i % 256 - 128) } }),
            column(.int16, int32s { i in edge(i, -32768, 32767) { Int32((i * 37) % 65536 - 32768) } }),
            column(.int32, int32s { i in edge(i, Int32.min, Int32.max) { Int32(truncatingIfNeeded: i &* 2_654_435_761) } }),
            column(.int64, int64s { i in edge(i, Int64.min, Int64.max) { Int64(i) &* -7_046_029_254_386_353_131 } }),
            column(.uint32, int32s { i in
                Int32(bitPattern: edge(i, UInt32.min, UInt32.max) { UInt32(truncatingIfNeeded: i &* 40503 &+ 7) })
            }),
            column(.float32, .float32(rows.map { i in
                isNull(i) ? 0 : edge(i, Float.leastNonzeroMagnitude, Float.greatestFiniteMagnitude) { Float(i) * 1.1 - 7.25 }
            })),
            column(.float64, .float64(rows.map { i in
                isNull(i) ? 0 : edge(i, -Double.greatestFiniteMagnitude, 5e-324) { Double(i) * 0.1 - 2.5e-8 }
            })),
            column(.string, .bytes(bytes { i in Array((i % 4 == 3 ? "row \(i)" : texts[i % texts.count]).utf8) })),
            column(.binary, .bytes(bytes { i in (0..<(i % 9)).map { UInt8(truncatingIfNeeded: i &* 31 &+ $0) } })),
            column(.fixedBinary(4), .fixed(width: 4, data: rows.flatMap { i -> [UInt8] in
                let v = UInt32(truncatingIfNeeded: isNull(i) ? 0 : i &* 2_246_822_519)
                return [UInt8(v >> 24), UInt8(truncatingIfNeeded: v >> 16), UInt8(truncatingIfNeeded: v >> 8), UInt8(truncatingIfNeeded: v)]
            })),
            column(.date, int32s { i in Int32(18_000 + (i * 13) % 20_000) }),
            column(.timestamp(.micros, utc: true), int64s { i in 1_700_000_000_000_000 + Int64(i) * 1_234_567_891 }),
            column(.timestamp(.millis, utc: false), int64s { i in 1_600_000_000_000 - Int64(i) * 3_600_123 }),
            column(.decimal(precision: 9, scale: 2), int32s { i in Int32((i * 1_234_567) % 999_999_999) * (i % 2 == 0 ? 1 : -1) }),
            column(.decimal(precision: 18, scale: 4), int64s { i in Int64(i) * 123_456_789_012 * (i % 2 == 0 ? -1 : 1) }),
            column(.decimal(precision: 38, scale: 10), .fixed(width: 16, data: rows.flatMap { i -> [UInt8] in
                // Two's complement 128-bit, high word signed: |value| < 2^126 < 10^38.
                let high = isNull(i) ? 0 : Int64(i) * 1_234_567_890_123 * (i % 2 == 0 ? 1 : -1)
                let low = isNull(i) ? 0 : UInt64(truncatingIfNeeded: i &* 0x5851_F42D_4C95_7F2D)
                return bigEndian(UInt64(bitPattern: high)) + bigEndian(low)
            })),
        ]
        return RecordBatch(schema: schema, columns: columns, rowCount: rows.count)
    }

    private static func bigEndian(_ v: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: v >> (56 - 8 * $0)) }
    }
}
