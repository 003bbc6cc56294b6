import Foundation
import Testing
import Columnar
import StrongroomCrypto
@testable import Parquet

/// pyarrow 26 (parquet-cpp) reads files written by ParquetFileWriter — plaintext, and encrypted
/// with PKMT1 key material (double wrapping) through the InMemoryKMS-compatible client of
/// /work/shared/bench/pme_interop.py — and prints every value as JSON; we compare to the batch.
@Suite struct PyArrowWriterInteropTests {
    static let pyarrowAvailable: Bool = {
        let ok = (try? python("import pyarrow; print('ok')", []))?.output == "ok"
        if !ok { print("PyArrowWriterInteropTests: skipped, `import pyarrow` failed in python3") }
        return ok
    }()
    static let cryptographyAvailable: Bool = (try? python("import cryptography; print('ok')", []))?.output == "ok"

    /// Same master keys as pme_interop.MASTER_KEYS.
    static let masterKeys = #"{"kf":"MDEyMzQ1Njc4OTAxMjM0NQ==","k1":"MTIzNDU2Nzg5MDEyMzQ1MA==","k2":"MTIzNDU2Nzg5MDEyMzQ1MQ=="}"#

    static let dumpScript = """
    import sys, json, decimal
    import pyarrow as pa, pyarrow.parquet as pq
    path, mode = sys.argv[1], sys.argv[2]
    kwargs = {'page_checksum_verification': True}
    if mode == 'kms':
        sys.path.insert(0, '/work/shared/bench')
        import pme_interop as pi
        kwargs['decryption_properties'] = pi.crypto_factory().file_decryption_properties(pi.kms_config(), pi.decryption_config())
    t = pq.read_table(path, **kwargs)
    def text(v):
        if v is None: return None
        if isinstance(v, (bytes, bytearray)): return v.hex()
        if isinstance(v, float): return 'NaN' if v != v else repr(v)
        return str(v)
    out = {}
    for name in t.column_names:
        col = t.column(name).combine_chunks()
        ty = col.type
        if isinstance(ty, pa.BaseExtensionType):
            col = col.storage; ty = col.type
        if pa.types.is_temporal(ty):
            col = col.view(pa.int64() if ty.bit_width == 64 else pa.int32())
        elif pa.types.is_float16(ty):
            col = col.cast(pa.float32())
        out[name] = {'type': str(t.schema.field(name).type), 'values': [text(v) for v in col.to_pylist()]}
    print(json.dumps(out))
    """

    @Test(.enabled(if: pyarrowAvailable), arguments: [CompressionCodec.snappy, .zstd, .gzip, .uncompressed])
    func pyarrowReadsPlainFile(codec: CompressionCodec) throws {
        let path = WriterFixtures.temporaryPath("pa")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let batch = WriterFixtures.allTypesBatch(rows: 2000, seed: 77)
        try WriterFixtures.write([batch], to: path, options: .init(codec: codec, rowGroupRows: 700, dataPageRows: 256,
                                                                   dataPageVersion: codec == .zstd ? .v2 : .v1))
        try compare(batch, with: try Self.python(Self.dumpScript, [path, "plain"]).output)
    }

    @Test(.enabled(if: pyarrowAvailable && cryptographyAvailable), arguments: [(false, false), (true, false), (true, true)])
    func pyarrowReadsKeyMaterialEncryptedFile(plaintextFooter: Bool, uniform: Bool) throws {
        let path = WriterFixtures.temporaryPath("pa-enc")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let batch = WriterFixtures.allTypesBatch(rows: 1500, seed: 78)
        let encryption = try ParquetEncryptionConfig.make(
            keysFile: try KeysFile(json: Array(Self.masterKeys.utf8)), footerKeyID: "kf",
            columnKeyOptions: uniform ? [] : ["k1:s,i64,d20,f64", "k2:b,tsns,id"], keyMaterial: true,
            algorithm: plaintextFooter ? .aesGcmCtrV1 : .aesGcmV1, plaintextFooter: plaintextFooter)
        try WriterFixtures.write([batch], to: path, options: .init(rowGroupRows: 600, encryption: encryption))
        try compare(batch, with: try Self.python(Self.dumpScript, [path, "kms"]).output)
    }

    private func compare(_ batch: RecordBatch, with json: String) throws {
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        for (index, field) in batch.schema.fields.enumerated() {
            let entry = try #require(document[field.name] as? [String: Any], "column \(field.name) missing")
            let values = try #require(entry["values"] as? [Any])
            let column = batch.columns[index]
            #expect(values.count == column.count, "\(field.name)")
            var mismatches: [Int] = []
            for row in 0..<min(values.count, column.count) {
                let got = values[row] as? String
                if column.isNull(row) {
                    if !(values[row] is NSNull) { mismatches.append(row) }
                } else if got == nil || !Self.matches(got!, column: column, row: row) {
                    mismatches.append(row)
                }
            }
            let differing = mismatches.count, first = Array(mismatches.prefix(5))
            #expect(differing == 0, "\(field.name) (pyarrow type \(entry["type"] ?? "?")): rows \(first)… differ")
        }
    }

    static func matches(_ text: String, column: Column, row: Int) -> Bool {
        switch (column.type, column.values) {
        case (.boolean, .boolean(let v)): return text == (v[row] ? "True" : "False")
        case (.uint32, .int32(let v)): return text == String(UInt32(bitPattern: v[row]))
        case (.uint64, .int64(let v)): return text == String(UInt64(bitPattern: v[row]))
        case (.decimal(_, let scale), .int32(let v)): return text == DecimalText.format(unscaled: Int64(v[row]), scale: scale)
        case (.decimal(_, let scale), .int64(let v)): return text == DecimalText.format(unscaled: v[row], scale: scale)
        case (.decimal(_, let scale), .fixed(let w, let d)): return text == DecimalText.format(bigEndian: d[row * w..<(row + 1) * w], scale: scale)
        case (_, .int32(let v)): return text == String(v[row])
        case (_, .int64(let v)): return text == String(v[row])
        case (_, .float32(let v)): return Double(text).map { Float($0).bitPattern == v[row].bitPattern } ?? false
        case (_, .float64(let v)): return Double(text).map { $0.bitPattern == v[row].bitPattern } ?? false
        case (.float16, .fixed(_, let d)):
            let half = ChunkStatistics.halfToFloat(UInt16(d[row * 2]) | UInt16(d[row * 2 + 1]) << 8)
            return half.isNaN ? text == "NaN" : Double(text).map { Float($0) == half } ?? false
        case (_, .fixed(let w, let d)): return text == hex(d[row * w..<(row + 1) * w])
        case (_, .bytes(let b)): return text == hex(b[row]) || text == String(decoding: b[row], as: UTF8.self)
        default: return false
        }
    }

    static func hex(_ bytes: ArraySlice<UInt8>) -> String {
        let digits = Array("0123456789abcdef")
        return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] })
    }

    static func python(_ script: String, _ arguments: [String]) throws -> (output: String, status: Int32) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ParquetError(.io, "python failed: \(String(decoding: errors.suffix(2000), as: UTF8.self))")
        }
        return (String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines), process.terminationStatus)
    }
}
