import CASCore
import Crypto
import Foundation

/// `strongroom run`'s job: the resolved program and its bytes, the interpreter of a #! script, the
/// arguments, every code file (named with --code, or an argument naming a code file), the code
/// bundle, PATH and the environment given with --env. The same values decide what runs: the
/// program is started by the absolute path hashed here, with exactly this environment.
public struct RunJob: Sendable {
    public var command: [String]
    /// `--code` paths (files or directories).
    public var codePaths: [String]
    /// `--env NAME=VALUE` (and `--pass-env NAME`): given to the program, part of the hash.
    public var environment: [String: String]
    /// The encrypted code bundle (`--code-bundle`), read once: these bytes are hashed and unpacked.
    public var bundle: [UInt8]?
    /// The PATH the program is resolved on and runs with.
    public var searchPath: String

    public static let defaultSearchPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

    public init(command: [String], codePaths: [String] = [], environment: [String: String] = [:], bundle: [UInt8]? = nil,
                searchPath: String? = nil) {
        self.command = command
        self.codePaths = codePaths
        self.environment = environment
        self.bundle = bundle
        self.searchPath = searchPath ?? Self.defaultSearchPath
    }

    /// The program's absolute path.
    public func program() throws(RuntimeError) -> String {
        guard let name = command.first else { throw RuntimeError(.launch, "no command to run") }
        guard let resolved = WorkloadProcess.resolve(name, path: searchPath) else {
            throw RuntimeError(.launch, "command not found: \(name)")
        }
        return CodeFiles.absolutePath(resolved)
    }

    public func manifest() throws(RuntimeError) -> JobManifest {
        let program = try program()
        var programEntry: [String: JSONValue] = ["path": .string(program), "sha256": .string(try CodeFiles.sha256(path: program))]
        if let interpreter = try Self.interpreter(of: program, searchPath: searchPath) {
            programEntry["interpreter"] = CodeFiles.entry(interpreter, try CodeFiles.sha256(path: interpreter))
        }
        var code: [JSONValue] = []
        for path in codePaths + CodeFiles.named(in: Array(command.dropFirst())) { code += try CodeFiles.entries(for: path) }
        var fields: [String: JSONValue] = [
            "program": .object(programEntry),
            "arguments": .array(command.dropFirst().map { .string($0) }),
            "code": .array(code),
            "environment": .object(environment.mapValues { .string($0) }),
            "path": .string(searchPath),
        ]
        if let bundle { fields["bundle"] = .object(["sha256": .string(Hex.encode(SHA256.hash(data: bundle)))]) }
        return JobManifest(kind: .run, fields: fields)
    }

    /// The interpreter of a `#!` script (`#!/usr/bin/env NAME` resolved on PATH), or nil.
    static func interpreter(of program: String, searchPath: String) throws(RuntimeError) -> String? {
        guard let handle = FileHandle(forReadingAtPath: program) else { return nil }
        defer { try? handle.close() }
        guard let head = try? handle.read(upToCount: 256), head.starts(with: [0x23, 0x21]) else { return nil }
        let line = String(decoding: head.dropFirst(2).prefix(while: { $0 != 0x0a }), as: UTF8.self)
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let first = words.first else { return nil }
        if first == "/usr/bin/env" || first == "/bin/env" {
            guard let name = words.dropFirst().first(where: { !$0.hasPrefix("-") }),
                  let found = WorkloadProcess.resolve(name, path: searchPath) else {
                throw RuntimeError(.launch, "the interpreter of \(program) (\(line)) is not on PATH")
            }
            return CodeFiles.absolutePath(found)
        }
        return first
    }

    /// Inherited variables a program gets without being hashed: who and where, locale, terminal.
    /// Everything else of the caller's environment is dropped (PYTHONPATH, JAVA_TOOL_OPTIONS,
    /// LD_PRELOAD … would change what runs without changing the hash).
    public static func isInheritedUnhashed(_ name: String) -> Bool {
        ["HOME", "USER", "LOGNAME", "LANG", "LANGUAGE", "TZ", "TERM", "TMPDIR", "COLUMNS", "LINES"].contains(name)
            || name.hasPrefix("LC_")
    }

    /// The program's environment before the policy's: PATH, the unhashed inherited variables, --env.
    public func baseEnvironment(inherited: [String: String]) -> [String: String] {
        var out = inherited.filter { Self.isInheritedUnhashed($0.key) }
        out["PATH"] = searchPath
        for (name, value) in environment { out[name] = value }
        return out
    }
}
