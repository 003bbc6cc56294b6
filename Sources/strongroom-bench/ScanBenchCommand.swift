import ArgumentParser
import Dispatch
import Foundation
import StrongroomCLI
import Parquet
import Synchronization

enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// Full-scan decode: every column of every row group, in parallel over (file, row group, column).
struct ScanBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan", abstract: "Decode every column of every row group and report the time.")

    @Argument(help: "Parquet files.")
    var files: [String]

    @Option(help: "Worker threads.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @OptionGroup var keyOptions: KeyOptions

    @Option(help: "text or json.")
    var format: ReportFormat = .text

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one file") }
        if threads < 1 { throw ValidationError("--threads must be ≥ 1") }
    }

    func run() throws {
        let start = DispatchTime.now()
        let readers = try files.map { try ParquetFileReader(path: $0, options: keyOptions.readOptions(for: $0)) }
        var units: [(reader: Int, group: Int, field: Int)] = []
        for (r, reader) in readers.enumerated() {
            for g in 0..<reader.rowGroupCount {
                for f in reader.schema.schema.fields.indices { units.append((r, g, f)) }
            }
        }
        let next = Atomic<Int>(0)
        let failure = Mutex<(any Error)?>(nil)
        let decodedBytes = Atomic<Int>(0)
        let work = units
        // `threads` workers pulling units, as the engine's morsel workers do.
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            while true {
                let i = next.add(1, ordering: .relaxed).oldValue
                if i >= work.count { return }
                let unit = work[i]
                do {
                    let batch = try readers[unit.reader].readRowGroup(unit.group, fields: [unit.field])
                    decodedBytes.add(batch.columns.reduce(0) { $0 + $1.approximateByteSize }, ordering: .relaxed)
                } catch {
                    failure.withLock { if $0 == nil { $0 = error } }
                    next.store(work.count, ordering: .relaxed)
                    return
                }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        let rows = readers.reduce(Int64(0)) { $0 + $1.numRows }
        switch format {
        case .json:
            print("{\"rows\":\(rows),\"seconds\":\(seconds),\"bytes\":\(decodedBytes.load(ordering: .relaxed)),\"threads\":\(threads)}")
        case .text:
            print("rows \(rows), seconds \(String(format: "%.3f", seconds)), decoded bytes \(decodedBytes.load(ordering: .relaxed)), threads \(threads)")
        }
    }
}
