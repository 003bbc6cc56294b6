import Foundation
import Parquet
import StrongroomCrypto
import Support

/// Rewrites a Parquet file or every file of a data set directory, page by page (`encrypt`,
/// `decrypt`, `data encrypt`): each output file is written atomically, complete or absent.
public enum DatasetRewrite {
    /// Where a rewrite is: file `file` of `files`, row group `rowGroup` of `rowGroups` done.
    public struct Step: Sendable {
        public var file: Int
        public var files: Int
        public var rowGroup: Int
        public var rowGroups: Int
    }

    /// `rewriter` gives the rewriter of each input file (fresh data keys per file, as parquet-java).
    public static func run(input: String, output: String, rewriter: (_ source: String) throws -> ParquetFileRewriter,
                           progress: (Step) -> Void = { _ in }) throws {
        let pairs = try DatasetPaths.pairs(input: input, output: output)
        for (number, pair) in pairs.enumerated() {
            try rewriter(pair.source).rewrite(from: pair.source, to: pair.destination) { done, total in
                progress(Step(file: number + 1, files: pairs.count, rowGroup: done, rowGroups: total))
            }
        }
    }

    /// Encrypts with parquet-java key material under master keys of `kms` (CAS, or local keys):
    /// per file a fresh data key per footer and column and a fresh KEK per master key. The KEKs
    /// are wrapped through the KMS first, asynchronously; writing then wraps every data key
    /// locally and never waits on the KMS.
    public static func encrypt(
        input: String, output: String, kms: any KeyProvider, footerKey: String,
        columnKeys: [(keyID: String, columns: [String])], algorithm: ParquetEncryptionConfig.Algorithm,
        progress: @escaping @Sendable (Step) -> Void = { _ in }
    ) async throws {
        let masterKeys = Set([footerKey] + columnKeys.map(\.keyID))
        var issuers: [String: KeyMaterialProvider] = [:]
        for pair in try DatasetPaths.pairs(input: input, output: output) {
            let issuer = KeyMaterialProvider(kms: kms, doubleWrapping: true)
            for id in masterKeys { try await issuer.prepareKeyEncryptionKey(for: id) }
            issuers[pair.source] = issuer
        }
        let prepared = issuers
        let columns = columnKeys.map { KeyColumns(keyID: $0.keyID, columns: $0.columns) }
        try await Offload.run {
            try run(input: input, output: output, rewriter: { source in
                guard let issuer = prepared[source] else {
                    throw SessionError(.dataset, "\(source) appeared in the data set while it was being encrypted")
                }
                let config = try ParquetEncryptionConfig.make(
                    issuer: issuer, footerKeyID: footerKey, columnKeyIDs: columns.map { ($0.keyID, $0.columns) }, algorithm: algorithm)
                return ParquetFileRewriter(readOptions: ParquetReadOptions(), encryption: config)
            }, progress: progress)
        }
    }

    private struct KeyColumns: Sendable {
        var keyID: String
        var columns: [String]
    }
}

/// A file and an output file, or a data set directory and an output directory (every *.parquet
/// inside, same names).
public enum DatasetPaths {
    public static func pairs(input: String, output: String) throws(SessionError) -> [(source: String, destination: String)] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory) else {
            throw SessionError(.dataset, "'\(input)' does not exist")
        }
        guard isDirectory.boolValue else { return [(input, output)] }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: input).filter { $0.hasSuffix(".parquet") && !$0.hasPrefix(".") }.sorted()
        } catch {
            throw SessionError(.dataset, "cannot list '\(input)'")
        }
        guard !names.isEmpty else { throw SessionError(.dataset, "'\(input)' holds no *.parquet files") }
        var outputIsDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: output, isDirectory: &outputIsDirectory), !outputIsDirectory.boolValue {
            throw SessionError(.dataset, "'\(input)' is a directory, so the output '\(output)' must be one too")
        }
        do {
            try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        } catch {
            throw SessionError(.dataset, "cannot create the output directory '\(output)'")
        }
        return names.map { ((input as NSString).appendingPathComponent($0), (output as NSString).appendingPathComponent($0)) }
    }
}
