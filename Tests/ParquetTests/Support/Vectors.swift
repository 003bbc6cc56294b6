import Foundation

/// The shared conformance files: `<repo>/../shared/vectors` (CI lays shared/ beside the clone).
enum Vectors {
    static let root: URL = {
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while dir.path != "/" && !FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) {
            dir = dir.deletingLastPathComponent()
        }
        let candidates = [
            ProcessInfo.processInfo.environment["STRONGROOM_VECTORS"].map { URL(fileURLWithPath: $0) },
            dir.deletingLastPathComponent().appendingPathComponent("shared/vectors"),
            URL(fileURLWithPath: "/work/shared/vectors"),
        ].compactMap { $0 }
        return candidates.first { FileManager.default.fileExists(atPath: $0.path) } ?? candidates[0]
    }()

    static var parquet: URL { root.appendingPathComponent("parquet") }
    /// The shared/ folder itself (bench scripts live in shared/bench).
    static var shared: URL { root.deletingLastPathComponent() }

    static func json(_ relative: String) throws -> JSONValue {
        try JSONValue.load(parquet.appendingPathComponent(relative))
    }
}
