import Foundation

/// Inputs kept on disk: a corpus or regression folder (every regular file, sorted, hidden files
/// skipped) or a single file.
public enum FuzzInputs {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public static func files(at path: String) throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw Failure(description: "\(path): no such file or folder")
        }
        guard isDirectory.boolValue else { return [path] }
        return try FileManager.default.contentsOfDirectory(atPath: path)
            .filter { !$0.hasPrefix(".") }.sorted().map { path + "/" + $0 }
    }

    public static func read(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Failure(description: "\(path): cannot read")
        }
        return [UInt8](data)
    }
}
