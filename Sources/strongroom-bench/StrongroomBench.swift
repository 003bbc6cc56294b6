import ArgumentParser
import StrongroomCLI

/// The benchmarks, kept out of the production `strongroom` binary: the Parquet scan, the taxi
/// queries in-process, and CAS attestations and unwraps. bench/*.py runs them beside their
/// peers (pyarrow, DuckDB) on the same data and prints the ratios.
@main
struct StrongroomBench: AsyncParsableCommand {
    static func main() async { await StrongroomMain.run(StrongroomBench.self) }

    static let configuration = CommandConfiguration(
        commandName: "strongroom-bench",
        abstract: "Strongroom's measurements (compare against peers with bench/scan_bench.py and bench/query_bench.py).",
        subcommands: [ScanBenchCommand.self, TaxiBenchCommand.self, CasBenchCommand.self])
}
