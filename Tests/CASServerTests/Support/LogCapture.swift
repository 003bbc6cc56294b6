import Logging
import Synchronization

/// Keeps every log record the server writes, so tests can read exactly what would reach the log.
final class LogCapture: Sendable {
    struct Record: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]

        /// The line as a log backend would write it.
        var line: String {
            message + " " + metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        }
    }

    let records = Mutex<[Record]>([])

    func logger() -> Logger {
        var logger = Logger(label: "strongroom.cas.test") { _ in Handler(capture: self) }
        logger.logLevel = .info
        return logger
    }

    var all: [Record] { records.withLock { $0 } }

    struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            var merged = metadata
            for (key, value) in event.metadata ?? [:] { merged[key] = value }
            let record = Record(
                level: event.level, message: "\(event.message)", metadata: merged.mapValues { "\($0)" })
            capture.records.withLock { $0.append(record) }
        }
    }
}
