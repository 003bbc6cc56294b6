import RowText
import ArgumentParser
import Columnar
import Foundation
import Parquet
import Session

struct CatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cat", abstract: "Print the rows of Parquet files as JSON lines or CSV.")

    @Argument(help: "Parquet files.")
    var files: [String]

    @OptionGroup var keyOptions: KeyOptions

    @Option(help: "Comma-separated top-level columns to print (default: all).")
    var columns: String?

    @Option(help: "Print at most N rows.")
    var limit: Int?

    @Option(help: "jsonl or csv.")
    var format: RowFormat = .jsonl

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one file") }
        if let limit, limit < 0 { throw ValidationError("--limit must be ≥ 0") }
    }

    func run() throws {
        let wanted = columns.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        var sink = OutputSink()
        var remaining = limit ?? Int.max
        var headerWritten = false
        for path in files where remaining > 0 {
            let reader = try ParquetFileReader(path: path, options: keyOptions.readOptions(for: path))
            let fields = try wanted.map { try $0.map { name in
                guard let index = reader.schema.schema.index(of: name) else {
                    throw CLIError("\(path): no column '\(name)'")
                }
                return index
            } }
            for group in 0..<reader.rowGroupCount where remaining > 0 {
                let batch = try reader.readRowGroup(group, fields: fields)
                if format == .csv && !headerWritten {
                    sink.write(batch.schema.fields.map { CSVText.field($0.name) }.joined(separator: ",") + "\n")
                    headerWritten = true
                }
                let rows = min(batch.rowCount, remaining)
                let writer = RowWriter(batch: batch, format: format == .jsonl ? .jsonl : .csv)
                for row in 0..<rows {
                    sink.append { writer.write(row: row, to: &$0) }
                }
                remaining -= rows
            }
        }
        if format == .csv && !headerWritten, let first = files.first {
            let reader = try ParquetFileReader(path: first, options: keyOptions.readOptions(for: first))
            sink.write(reader.schema.schema.fields.map { CSVText.field($0.name) }.joined(separator: ",") + "\n")
        }
        sink.flush()
    }
}

extension KeyOptions {
    package func readOptions(for file: String) throws -> ParquetReadOptions {
        let provider = try keys.map { try KeySource.provider(keys: KeysFile(contentsOf: $0), forParquetFile: file) }
        return ParquetReadOptions(keys: provider, aadPrefix: aadPrefix.map { Array($0.utf8) },
                                  verifyPageChecksums: !noVerifyChecksums)
    }
}
