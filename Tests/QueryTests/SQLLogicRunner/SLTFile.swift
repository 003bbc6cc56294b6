import Foundation

/// One block of a .slt file of the Swift SQL logic suite (format: SQLLogic/generate.py).
struct SLTCase: Sendable, CustomStringConvertible {
    enum Kind: Sendable { case query, error }
    enum Order: Sendable { case rowsort, nosort }

    var file: String
    var line: Int
    var kind: Kind
    var sql: String
    var tables: [String] = []
    var threads = 2
    var memoryLimit: String?
    /// `spills`: the engine must have written spill files for the query.
    var mustSpill = false
    /// Error blocks: lower-cased substrings, one of which the error must contain.
    var expectedErrors: [String] = []
    var order = Order.rowsort
    var approx = false
    /// Query blocks: DuckDB's rows, each a JSON array; or, for large results, their count and
    /// the SHA-256 of their canonical text (`---- MODE N rows hashing to HEX`).
    var rows: [String] = []
    var hashed: (rows: Int, sha256: String)?

    var description: String { "\(file):\(line)" }
}

enum SLTFile {
    struct FormatError: Error, CustomStringConvertible {
        var description: String
    }

    static func parse(_ text: String, file: String) throws -> [SLTCase] {
        var cases: [SLTCase] = []
        var block: [(Int, String)] = []
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) + [""]
        for (index, raw) in lines.enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty {
                if !block.isEmpty { cases.append(try parseBlock(block, file: file)) }
                block = []
            } else if !(block.isEmpty && line.hasPrefix("#")) {
                block.append((index + 1, raw))
            }
        }
        return cases
    }

    private static func parseBlock(_ block: [(Int, String)], file: String) throws -> SLTCase {
        let (line, header) = block[0]
        let words = header.split(separator: " ").map(String.init)
        let kind: SLTCase.Kind
        switch words.first {
        case "query": kind = .query
        case "error": kind = .error
        default: throw FormatError(description: "\(file):\(line): a block starts with 'query' or 'error', not \(header)")
        }
        let separator = block.firstIndex { $0.1.hasPrefix("----") }
        let sqlLines = block[1..<(separator ?? block.count)].map(\.1)
        var c = SLTCase(file: file, line: line, kind: kind, sql: sqlLines.joined(separator: "\n"))
        var rest = words.dropFirst()
        while let word = rest.popFirst() {
            if word.hasPrefix("tables=") {
                c.tables = word.dropFirst("tables=".count).split(separator: ",").map(String.init)
            } else if word.hasPrefix("threads="), let n = Int(word.dropFirst("threads=".count)) {
                c.threads = n
            } else if word.hasPrefix("memory=") {
                c.memoryLimit = String(word.dropFirst("memory=".count))
            } else if word.hasPrefix("expect=") {
                let text = ([String(word.dropFirst("expect=".count))] + rest).joined(separator: " ")
                c.expectedErrors = text.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                break
            } else if word == "spills" {
                c.mustSpill = true
            } else if !["ordered", "unordered", "approx", "exact", "encrypted"].contains(word) {
                throw FormatError(description: "\(file):\(line): unknown header word \(word)")
            }
        }
        switch (kind, separator) {
        case (.query, let s?):
            let mode = block[s].1.split(separator: " ").dropFirst()
            c.order = mode.contains("nosort") ? .nosort : .rowsort
            c.approx = mode.contains("approx")
            c.rows = block[(s + 1)...].map(\.1)
            let words = Array(mode)
            if let at = words.firstIndex(of: "hashing"), at >= 2, let count = Int(words[at - 2]), at + 2 < words.count {
                c.hashed = (count, String(words[at + 2]))
            }
        case (.query, nil):
            throw FormatError(description: "\(file):\(line): no expected results (run SQLLogic/generate.py)")
        case (.error, _):
            break
        }
        if c.sql.isEmpty { throw FormatError(description: "\(file):\(line): the block has no SQL") }
        return c
    }
}
