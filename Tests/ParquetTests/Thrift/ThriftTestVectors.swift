import Foundation
import SharedVectors
@testable import Parquet

/// Locates ../shared/vectors from the package root (worktrees live elsewhere, hence the fallback).
enum ThriftTestVectors {
    static var root: URL { SharedVectors.root }

    static var parquet: URL { root.appendingPathComponent("parquet") }

    /// Names of plain/*.parquet, sorted.
    static func plainFileNames() -> [String] {
        let dir = parquet.appendingPathComponent("plain")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter { $0.hasSuffix(".parquet") }.sorted()
    }

    static func bytes(_ relativePath: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: parquet.appendingPathComponent(relativePath)))
    }

    /// The footer bytes: [len-8-footerLen, len-8), and the trailing magic.
    static func footer(of file: [UInt8]) throws -> (bytes: ArraySlice<UInt8>, magic: String) {
        guard file.count >= 12 else { throw ParquetError(.truncated, "file shorter than 12 bytes") }
        let n = file.count
        let length = Int(file[n - 8]) | Int(file[n - 7]) << 8 | Int(file[n - 6]) << 16 | Int(file[n - 5]) << 24
        guard length <= n - 8 else { throw ParquetError(.malformed, "footer length beyond file") }
        let magic = String(decoding: file[(n - 4)...], as: UTF8.self)
        return (file[(n - 8 - length) ..< (n - 8)], magic)
    }

    static func expected(_ name: String) throws -> [String: Any] {
        let url = parquet.appendingPathComponent("expected/\(name).expected.json")
        return try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] ?? [:]
    }
}
