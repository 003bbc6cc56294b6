import Foundation

/// The export file: JSON lines, every entry (canonical JSON, with its hash) then every checkpoint.
public struct AuditExport: Sendable, Equatable {
    public var entries: [AuditEntry]
    public var checkpoints: [AuditCheckpoint]

    public init(entries: [AuditEntry], checkpoints: [AuditCheckpoint]) {
        self.entries = entries
        self.checkpoints = checkpoints
    }

    public var jsonLines: String {
        var out = ""
        for entry in entries { out += CanonicalJSON.string(entry.jsonValue()) + "\n" }
        for checkpoint in checkpoints { out += CanonicalJSON.string(checkpoint.jsonValue) + "\n" }
        return out
    }

    /// Reads an export; errors name the line. A line with `kid` and `signature` is a checkpoint.
    public init(jsonLines text: String) throws(CASError) {
        var entries = [AuditEntry]()
        var checkpoints = [AuditCheckpoint]()
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = String(line).trimmingWhitespace()
            if trimmed.isEmpty { continue }
            let object: [String: JSONValue]
            do {
                guard let o = try JSONDecoder().decode(JSONValue.self, from: Data(trimmed.utf8)).objectValue else {
                    throw CASError(.malformedRequest, "not a JSON object")
                }
                object = o
            } catch {
                throw CASError(.malformedRequest, "audit export line \(n + 1): not a JSON object with integer numbers")
            }
            do throws(CASError) {
                if object["kid"] != nil || object["signature"] != nil {
                    checkpoints.append(try AuditCheckpoint(json: object))
                } else {
                    guard checkpoints.isEmpty else { throw CASError(.malformedRequest, "entry after the checkpoints") }
                    entries.append(try AuditEntry(json: object))
                }
            } catch {
                throw CASError(.malformedRequest, "audit export line \(n + 1): \(error.message)")
            }
        }
        self.init(entries: entries, checkpoints: checkpoints)
    }
}
