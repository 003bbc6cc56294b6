import ArgumentParser

struct ParquetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parquet",
        abstract: "Read, write, inspect, encrypt and decrypt Parquet files (Parquet Modular Encryption).",
        subcommands: [InspectCommand.self, CatCommand.self, EncryptCommand.self, DecryptCommand.self,
                      WriteSampleCommand.self])
}

/// Options every reading command shares.
package struct KeyOptions: ParsableArguments {
    package init() {}

    @Option(help: "KEYS.json: {\"<key id or master key id>\": \"<base64 key>\"}.")
    var keys: String?

    @Option(name: .customLong("aad-prefix"), help: "AAD prefix for files that do not store theirs.")
    var aadPrefix: String?

    @Flag(name: .customLong("no-verify-checksums"), help: "Skip page CRC checks.")
    var noVerifyChecksums = false
}

enum RowFormat: String, ExpressibleByArgument, CaseIterable {
    case jsonl, csv
}
