import CASCore
import Crypto
import Foundation

/// Finds and hashes the files a job runs as code.
public enum CodeFiles {
    /// File name endings that make an argument naming an existing file count as code.
    static let codeExtensions: Set<String> = [
        "py", "pyc", "pyz", "ipynb", "sh", "bash", "zsh", "jar", "class", "war", "js", "mjs", "cjs", "ts", "rb", "pl", "pm",
        "r", "scala", "sc", "kts", "lua", "php", "sql", "so", "zip", "egg", "whl", "tar", "tgz",
    ]

    /// SHA-256 (hex) of a file's bytes, read in 1 MiB chunks.
    public static func sha256(path: String) throws(RuntimeError) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw RuntimeError(.launch, "cannot read \(path) to compute the job hash")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        while true {
            let chunk: Data
            do { chunk = try handle.read(upToCount: 1 << 20) ?? Data() } catch {
                throw RuntimeError(.launch, "cannot read \(path) to compute the job hash")
            }
            if chunk.isEmpty { break }
            hasher.update(data: chunk)
        }
        return Hex.encode(hasher.finalize())
    }

    /// `{"path": p, "sha256": h}` for a regular file, or one per regular file below a directory
    /// (sorted by path; symbolic links inside are followed to their contents).
    public static func entries(for path: String) throws(RuntimeError) -> [JSONValue] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw RuntimeError(.launch, "code path \(path) does not exist")
        }
        let absolute = absolutePath(path)
        guard isDirectory.boolValue else { return [entry(absolute, try sha256(path: absolute))] }
        guard let walker = FileManager.default.enumerator(atPath: absolute) else {
            throw RuntimeError(.launch, "cannot list code directory \(path)")
        }
        var files: [String] = []
        for case let relative as String in walker {
            var inner: ObjCBool = false
            let full = absolute + "/" + relative
            if FileManager.default.fileExists(atPath: full, isDirectory: &inner), !inner.boolValue { files.append(full) }
        }
        var out: [JSONValue] = []
        for file in files.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
            out.append(entry(file, try sha256(path: file)))
        }
        return out
    }

    /// Arguments that name existing code files (by extension), also inside `--opt=value` and
    /// comma-separated lists (`--py-files a.py,b.zip`).
    public static func named(in arguments: [String]) -> [String] {
        var found: [String] = []
        for argument in arguments {
            let value = argument.hasPrefix("-") ? String(argument.split(separator: "=", maxSplits: 1).dropFirst().first ?? "") : argument
            for part in value.split(separator: ",").map(String.init) where isCodeFile(part) && !found.contains(part) {
                found.append(part)
            }
        }
        return found
    }

    static func isCodeFile(_ path: String) -> Bool {
        guard let dot = path.lastIndex(of: "."), !path.hasSuffix("/") else { return false }
        let ext = path[path.index(after: dot)...].lowercased()
        guard codeExtensions.contains(ext) else { return false }
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
    }

    static func absolutePath(_ path: String) -> String {
        let joined = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return URL(fileURLWithPath: joined).standardizedFileURL.path
    }

    static func entry(_ path: String, _ digest: String) -> JSONValue {
        .object(["path": .string(path), "sha256": .string(digest)])
    }
}
