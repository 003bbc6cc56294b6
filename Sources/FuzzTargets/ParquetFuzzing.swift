#if canImport(Glibc)
import Glibc
#endif
import Parquet

/// Parquet from untrusted files: the whole reader (footer, schema, page headers, decompression,
/// decoding, the encryption layout), the thrift compact structures on their own, and the PME
/// key material JSON that travels with encrypted files.
enum ParquetFuzzing {
    static func run(_ target: FuzzTarget, _ bytes: [UInt8]) {
        switch target {
        case .parquetFile:
            readWholeFile(bytes)
        case .parquetThrift:
            // The footer is the file's last 8 + N bytes, a page header comes before each page:
            // both are read here straight from the input, as the reader would from a file.
            if let metadata = try? FileMetaData.decode(from: bytes) {
                _ = try? ParquetSchema(elements: metadata.value.schema)
            }
            _ = try? PageHeader.decode(from: bytes)
            _ = try? FileCryptoMetaData.decode(from: bytes)
            _ = try? ColumnMetaData.decode(from: bytes)
        case .pmeKeyMaterial:
            _ = try? KeyMaterial(serialized: String(decoding: bytes, as: UTF8.self))
            _ = try? ExternalKeyMaterial(json: bytes)
        default:
            preconditionFailure("\(target) is not a Parquet target")
        }
    }

    /// The reader takes a path: the input goes into a file of this process on tmpfs when there
    /// is one, removed again after the read.
    private static func readWholeFile(_ bytes: [UInt8]) {
        let folder = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : (getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp")
        let path = "\(folder)/strongroom-fuzz-\(getpid()).parquet"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        precondition(fd >= 0, "cannot create \(path)")
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        defer { unlink(path) }
        precondition(written == bytes.count, "short write to \(path)")
        guard let reader = try? ParquetFileReader(path: path) else { return }
        for group in 0..<reader.rowGroupCount {
            _ = try? reader.readRowGroup(group)
        }
    }
}
