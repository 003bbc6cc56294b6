import Parquet
import Query

/// The key a result file is encrypted under: a fresh data key per column and for the footer,
/// each wrapped (PKMT1 key material) under `masterKey` by `issuer` — CAS's KMS for an attested
/// job, or the keys file in development.
public struct ResultEncryption: Sendable {
    public var issuer: any ParquetKeyIssuer
    public var masterKey: String

    public init(issuer: any ParquetKeyIssuer, masterKey: String) {
        self.issuer = issuer
        self.masterKey = masterKey
    }
}

/// A query result as one Parquet file, written atomically (all or nothing).
public enum ResultFile {
    /// Returns the rows written.
    @discardableResult
    public static func write(_ result: QueryEngine.Result, to path: String, encryption: ResultEncryption?) throws -> Int {
        var options = ParquetWriteOptions()
        if let encryption {
            options.encryption = try ParquetEncryptionConfig.make(
                issuer: encryption.issuer, footerKeyID: encryption.masterKey,
                columnKeyIDs: [(encryption.masterKey, result.schema.fields.map(\.name))])
        }
        let writer = try ParquetFileWriter(path: path, schema: result.schema, options: options)
        for batch in result.batches where batch.rowCount > 0 { try writer.write(batch) }
        try writer.close()
        return result.batches.reduce(0) { $0 + $1.rowCount }
    }
}
