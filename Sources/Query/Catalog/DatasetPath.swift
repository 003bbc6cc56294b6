import Support
#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The files a `--table NAME=PATH` names: a file, a directory (every *.parquet inside, sorted),
/// or a glob pattern (`*`, `?`, `[...]`).
public enum DatasetPath {
    public static func expand(_ path: String, suffix: String = ".parquet") throws -> [String] {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { return [path] }
            let names = try FileManager.default.contentsOfDirectory(atPath: path)
                .filter { $0.hasSuffix(suffix) && !$0.hasPrefix(".") && !$0.hasPrefix("_") }.sorted()
            guard !names.isEmpty else { throw SourceError(.noData, "directory '\(path)' holds no *\(suffix) files") }
            return names.map { (path as NSString).appendingPathComponent($0) }
        }
        guard path.contains(where: { "*?[".contains($0) }) else {
            throw SourceError(.noData, "'\(path)' does not exist")
        }
        let matches = try glob(path)
        guard !matches.isEmpty else { throw SourceError(.noData, "no file matches '\(path)'") }
        return matches
    }

    private static func glob(_ pattern: String) throws -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        let status = Glibc.glob(pattern, 0, nil, &result)
        if status == GLOB_NOMATCH { return [] }
        guard status == 0 else { throw SourceError(.io, "cannot expand '\(pattern)'") }
        return (0..<Int(result.gl_pathc)).compactMap { result.gl_pathv[$0].map { String(cString: $0) } }.sorted()
    }
}

/// Errors of finding and opening table data (files, globs, schemas that do not line up).
public typealias SourceError = CodedError<SourceErrorCode>

public struct SourceErrorCode: ErrorCode {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public static var descriptionShowsCode: Bool { false }

    public static let noData = Self("noData")
    public static let schemaMismatch = Self("schemaMismatch")
    public static let io = Self("io")
}
