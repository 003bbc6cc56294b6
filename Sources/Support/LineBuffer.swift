/// Assembles one newline-terminated line from chunks read off a socket, up to a limit: the one
/// piece of line reading the blocking helpers, the async connections and the agent's
/// credentialed reads share.
public struct LineBuffer {
    public enum Outcome: Equatable {
        /// The line, without its newline (bytes after the newline are dropped: one line per exchange).
        case line([UInt8])
        /// The line grew past the limit before its newline.
        case tooLong
    }

    private var bytes: [UInt8] = []
    private let limit: Int

    public init(limit: Int) { self.limit = limit }

    /// Adds a chunk; an outcome once the line is complete or too long, nil while more is needed.
    public mutating func append(_ chunk: ArraySlice<UInt8>) -> Outcome? {
        if let newline = chunk.firstIndex(of: UInt8(ascii: "\n")) {
            bytes += chunk[..<newline]
            return bytes.count <= limit ? .line(bytes) : .tooLong
        }
        bytes += chunk
        return bytes.count > limit ? .tooLong : nil
    }

    /// End of stream: what arrived counts as the line.
    public func atEnd() -> Outcome { bytes.count <= limit ? .line(bytes) : .tooLong }
}

extension LineBuffer.Outcome {
    /// The line, or nil when it was too long (the readers' return convention).
    public var line: [UInt8]? {
        if case .line(let bytes) = self { bytes } else { nil }
    }
}
