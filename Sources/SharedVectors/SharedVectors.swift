import Foundation

/// Where the tests find the vectors written by others: `$STRONGROOM_VECTORS`, else
/// `<repository>/../shared/vectors` (CI lays shared/ beside the clone), else /work/shared/vectors.
/// Test support only: no product depends on it.
public enum SharedVectors {
    public static let root: URL = {
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

    /// One vector family, e.g. `attestation`, `always-encrypted`.
    public static func directory(_ family: String) -> URL { root.appendingPathComponent(family) }
}
