import EncryptedTables
import Foundation
import Parquet
import Query
import Runtime

/// Fetches, asynchronously and before anything runs, every key the Parquet files of a query's
/// tables are encrypted with, so that opening and scanning them never waits on a KMS.
///
/// Parquet's keys come in layers: the footer key must be unwrapped before the (encrypted) footer
/// reveals the column keys. So the files are opened with a `PrefetchedKMS` that records what it
/// is asked for; those keys are fetched concurrently; and the files are opened again, until a
/// round asks for nothing new (two rounds for PME files; files that share key material — the
/// same KEK — cost one request for all of them). A key the KMS refuses is remembered with its
/// reason: a query that reads that column fails with it, one that does not still runs.
public enum KeyPrefetch {
    /// At most this many rounds: footer keys, column keys, and one to spare.
    static let maxRounds = 4

    /// The keys of `session`'s Parquet tables, fetched through `kms`; give the result to the
    /// session as `.cas(kms, prefetched:)`.
    public static func unwrapKeys(for session: QuerySession, through kms: CASKMSClient) async -> PrefetchedKMS {
        let files = parquetFiles(of: session.tables)
        let prefetched = PrefetchedKMS()
        for _ in 0..<maxRounds {
            for file in files { touchKeys(of: file, with: prefetched) }
            let misses = prefetched.takeMisses()
            if misses.isEmpty { break }
            await withTaskGroup(of: Void.self) { group in
                for request in misses {
                    group.addTask {
                        do {
                            prefetched.record(request, .success(try await kms.unwrap(request.wrappedKey, masterKeyID: request.masterKeyID)))
                        } catch {
                            prefetched.record(request, .failure(error))
                        }
                    }
                }
            }
        }
        return prefetched
    }

    /// The Parquet files behind the tables (database tables and CSV files have no PME keys).
    static func parquetFiles(of tables: [(name: String, location: String)]) -> [String] {
        var files: [String] = []
        // A location that does not expand is the catalog's to report, with its own message.
        for (_, location) in tables where !TableLocation.isDatabaseURL(location) && !location.lowercased().hasSuffix(".csv") {
            files += (try? DatasetPath.expand(location)) ?? []
        }
        return files
    }

    /// Opens the file and asks for every key its columns need; failures (a file that does not
    /// open, a key not fetched yet) are what the next round or the query itself reports.
    private static func touchKeys(of file: String, with kms: PrefetchedKMS) {
        let material = (try? KeySource.externalKeyMaterial(forParquetFile: file)) ?? nil
        let options = ParquetReadOptions(keys: KeyMaterialProvider(kms: kms, externalKeyMaterial: material))
        guard let reader = try? ParquetFileReader(path: file, options: options) else { return }
        _ = reader.columnsWithoutKeys()
    }
}
