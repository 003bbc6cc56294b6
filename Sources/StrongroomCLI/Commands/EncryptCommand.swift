import ArgumentParser
import Parquet
import Session
import Synchronization

enum AlgorithmOption: String, ExpressibleByArgument, CaseIterable {
    case gcm = "AES_GCM_V1"
    case ctr = "AES_GCM_CTR_V1"

    var algorithm: ParquetEncryptionConfig.Algorithm { self == .gcm ? .aesGcmV1 : .aesGcmCtrV1 }
}

struct EncryptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encrypt",
        abstract: "Encrypt a Parquet file with Parquet Modular Encryption (page by page; values, pages and row groups preserved).",
        discussion: """
        Without --key-material the key ids name the keys themselves and are stored as key metadata. \
        With --key-material they name master keys: each footer/column gets a random data key, \
        double-wrapped as parquet-java does (PKMT1), so Spark and pyarrow read the file with their KMS client. \
        Without --column-key every column is encrypted with the footer key (uniform encryption).
        """)

    @Argument(help: "Input Parquet file or data set directory (plaintext, or encrypted with keys in --keys).")
    var input: String

    @Argument(help: "Output file or directory (each file written atomically: complete or absent).")
    var output: String

    @Option(help: "KEYS.json with the keys or master keys.")
    var keys: String

    @Option(name: .customLong("footer-key"), help: "Key id for the footer.")
    var footerKey: String

    @Option(name: .customLong("column-key"), help: "ID:col1,col2 — encrypt these columns with key ID (repeatable).")
    var columnKeys: [String] = []

    @Flag(name: .customLong("plaintext-footer"), help: "Keep the footer readable (signed with the footer key).")
    var plaintextFooter = false

    @Option(help: "AES_GCM_V1 or AES_GCM_CTR_V1.")
    var algorithm: AlgorithmOption = .gcm

    @Option(name: .customLong("aad-prefix"), help: "AAD prefix binding the file to a name or version.")
    var aadPrefix: String?

    @Flag(name: .customLong("no-store-aad-prefix"), help: "Do not store the AAD prefix; readers must supply it.")
    var noStoreAadPrefix = false

    @Flag(name: .customLong("key-material"), help: "Key ids are master key ids: parquet-java key material.")
    var keyMaterial = false

    @Option(name: .customLong("source-aad-prefix"), help: "AAD prefix of an encrypted input that does not store it.")
    var sourceAadPrefix: String?

    func validate() throws {
        if noStoreAadPrefix && aadPrefix == nil { throw ValidationError("--no-store-aad-prefix needs --aad-prefix") }
        if aadPrefix == "" { throw ValidationError("--aad-prefix must not be empty") }
    }

    func run() throws {
        let keysFile = try KeysFile(contentsOf: keys)
        let progress = RewriteProgress("encrypt")
        defer { progress.finish() }
        try DatasetRewrite.run(input: input, output: output, rewriter: { source in
            // Fresh data keys for every file, as parquet-java does.
            let config = try ParquetEncryptionConfig.make(
                keysFile: keysFile, footerKeyID: footerKey, columnKeyOptions: columnKeys, keyMaterial: keyMaterial,
                algorithm: algorithm.algorithm, plaintextFooter: plaintextFooter,
                aadPrefix: aadPrefix.map { Array($0.utf8) }, storeAadPrefix: !noStoreAadPrefix)
            let options = ParquetReadOptions(keys: try KeySource.provider(keys: keysFile, forParquetFile: source),
                                             aadPrefix: sourceAadPrefix.map { Array($0.utf8) })
            return ParquetFileRewriter(readOptions: options, encryption: config)
        }, progress: progress.update)
    }
}

struct DecryptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decrypt", abstract: "Write a plaintext copy of an encrypted Parquet file (page by page).")

    @Argument(help: "Encrypted Parquet file or data set directory.")
    var input: String

    @Argument(help: "Output file or directory (each file written atomically).")
    var output: String

    @Option(help: "KEYS.json with the keys or master keys.")
    var keys: String

    @Option(name: .customLong("aad-prefix"), help: "AAD prefix for files that do not store theirs.")
    var aadPrefix: String?

    func run() throws {
        let keysFile = try KeysFile(contentsOf: keys)
        let progress = RewriteProgress("decrypt")
        defer { progress.finish() }
        try DatasetRewrite.run(input: input, output: output, rewriter: { source in
            let options = ParquetReadOptions(keys: try KeySource.provider(keys: keysFile, forParquetFile: source),
                                             aadPrefix: aadPrefix.map { Array($0.utf8) })
            return ParquetFileRewriter(readOptions: options, encryption: nil)
        }, progress: progress.update)
    }
}

/// "file 2 of 5, row group 3 of 8" on a terminal while a data set is rewritten.
final class RewriteProgress: Sendable {
    private let progress: Mutex<Progress>

    init(_ label: String) { progress = Mutex(Progress(label)) }

    @Sendable func update(_ step: DatasetRewrite.Step) {
        progress.withLock { $0.update("file \(step.file) of \(step.files), row group \(step.rowGroup) of \(step.rowGroups)") }
    }

    func finish() { progress.withLock { $0.finish() } }
}
