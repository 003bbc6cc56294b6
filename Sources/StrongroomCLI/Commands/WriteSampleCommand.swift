import ArgumentParser
import Parquet

enum SampleCodec: String, ExpressibleByArgument, CaseIterable {
    case snappy, zstd, gzip, none

    var codec: CompressionCodec {
        switch self {
        case .snappy: .snappy
        case .zstd: .zstd
        case .gzip: .gzip
        case .none: .uncompressed
        }
    }
}

struct WriteSampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "write-sample",
        abstract: "Write a deterministic demo file: every flat type (nulls on every 7th row), or taxi-like trips.")

    @Argument(help: "Output Parquet file.")
    var output: String

    @Option(help: "Rows to write.")
    var rows: Int = 10_000

    @Option(name: .customLong("row-group-rows"), help: "Rows per row group.")
    var rowGroupRows: Int = 1_048_576

    @Option(help: "snappy, zstd, gzip or none.")
    var codec: SampleCodec = .snappy

    @Option(help: "all-types (every flat type, nulls on every 7th row) or taxi (NYC-taxi-like trips).")
    var kind: SampleKind = .allTypes

    enum SampleKind: String, ExpressibleByArgument, CaseIterable {
        case allTypes = "all-types", taxi
    }

    func validate() throws {
        if rows < 0 { throw ValidationError("--rows must be ≥ 0") }
        if rowGroupRows < 1 { throw ValidationError("--row-group-rows must be ≥ 1") }
    }

    func run() throws {
        var options = ParquetWriteOptions()
        options.codec = codec.codec
        options.rowGroupRows = rowGroupRows
        let schema = kind == .taxi ? TaxiSample.schema : SampleTable.schema
        let writer = try ParquetFileWriter(path: output, schema: schema, options: options)
        var progress = Progress("write-sample")
        var start = 0
        while start < rows {
            let end = min(rows, start + 65_536)
            try writer.write(kind == .taxi ? TaxiSample.batch(start..<end) : SampleTable.batch(start..<end))
            start = end
            progress.update("\(start) of \(rows) rows")
        }
        try writer.close()
        progress.finish()
    }
}
