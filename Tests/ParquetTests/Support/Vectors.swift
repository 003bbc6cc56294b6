import Foundation
import SharedVectors

/// The shared conformance files: `<repo>/../shared/vectors` (CI lays shared/ beside the clone).
enum Vectors {
    static let root = SharedVectors.root

    static var parquet: URL { root.appendingPathComponent("parquet") }
    /// The shared/ folder itself (bench scripts live in shared/bench).
    static var shared: URL { root.deletingLastPathComponent() }

    static func json(_ relative: String) throws -> JSONValue {
        try JSONValue.load(parquet.appendingPathComponent(relative))
    }
}
