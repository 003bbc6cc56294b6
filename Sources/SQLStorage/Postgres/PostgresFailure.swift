import PostgresNIO
import Support

extension SQLStorageError {
    /// Reads a postgres-nio error into a message naming `what` was being done. A unique
    /// violation (SQLSTATE 23505) is a conflict.
    public init(_ error: any Error, _ what: String, fileID: StaticString = #fileID, line: UInt = #line) {
        if let error = error as? SQLStorageError {
            self = error
        } else if let error = error as? PSQLError, error.serverInfo?[.sqlState] == PostgresState.uniqueViolation {
            self.init(.conflict, "\(what): already exists", cause: error, fileID: fileID, line: line)
        } else {
            self.init(.backend, "postgres (\(what)): \(Self.reason(error))", cause: error as? any Error & Sendable,
                      fileID: fileID, line: line)
        }
    }

    /// Why postgres-nio failed, in words: its own description is "generic" by design, the
    /// server's message is in `serverInfo`. Server messages name constraints, never values (the
    /// `detail` field, which does quote values, is left out).
    public static func reason(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] { return message }
            return "\(error.code)" + (error.underlying.map { ": \($0)" } ?? "")
        }
        if error is CancellationError { return "cancelled" }
        if let error = error as? SQLStorageError { return error.message }
        return "\(type(of: error))"
    }
}

/// SQLSTATE codes the stores act on.
public enum PostgresState {
    public static let uniqueViolation = "23505"
}
