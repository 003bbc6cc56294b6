import Columnar
import Foundation
import StrongroomCrypto

/// Where operators spill: `STRONGROOM_SPILL_DIR`, else `TMPDIR`, else /tmp.
public enum SpillDirectory {
    public static var path: String {
        let env = ProcessInfo.processInfo.environment
        return env["STRONGROOM_SPILL_DIR"].flatMap { $0.isEmpty ? nil : $0 }
            ?? env["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
    }
}

/// A temporary file of record batches, each sealed with AES-256-GCM under a key that exists only
/// in this object's memory (fresh per file, zeroed when dropped).
///
/// Confidential: the file holds only ciphertext. Authenticated: block `i` is sealed with a nonce
/// of the file's random id and `i`, and the offsets and lengths of the blocks are kept in memory,
/// so a block altered, swapped with another, replayed from another file or an earlier write, or
/// cut short on disk fails to open with an error, never wrong rows. Never left behind: the file
/// is created without a name (O_TMPFILE; elsewhere named, then unlinked at once), so it vanishes
/// with its descriptor when the query ends in any way, SIGKILL included.
public final class SpillFile: @unchecked Sendable {  // used by one operator at a time
    private let descriptor: Int32
    private let key: SecretKey
    private let fileID: [UInt8]
    private var blocks: [(offset: Int64, length: Int, rows: Int)] = []
    private var end: Int64 = 0
    /// Told of every byte written, for the query's spill statistics.
    private let budget: MemoryBudget?

    public init(directory: String = SpillDirectory.path, budget: MemoryBudget? = nil) throws(QueryError) {
        self.budget = budget
        descriptor = try Self.openUnnamed(in: directory)
        do {
            key = try SecretKey.random(bitCount: 256)
        } catch {
            close(descriptor)
            throw QueryError(.unsupported, "no random key for a spill file: \(error)")
        }
        fileID = SecureRandom.bytes(count: 4)
    }

    deinit { close(descriptor) }

    public var blockCount: Int { blocks.count }
    public var rowCount: Int { blocks.reduce(0) { $0 + $1.rows } }
    /// Bytes written (ciphertext and tags).
    public var byteCount: Int64 { end }

    public func append(_ batch: RecordBatch) throws(QueryError) {
        var plaintext = BatchCodec.encode(batch)
        defer { zeroize(&plaintext) }
        let index = blocks.count
        let sealed: [UInt8]
        do {
            sealed = try AESGCM.seal(plaintext, key: key, nonce: nonce(index), aad: fileID)
        } catch {
            throw QueryError(.unsupported, "sealing a spill block failed: \(error)")
        }
        let failure: Int32? = sealed.withUnsafeBytes { raw in
            var written = 0
            while written < raw.count {
                let n = pwrite(descriptor, raw.baseAddress! + written, raw.count - written, off_t(end) + off_t(written))
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                written += n
            }
            return nil
        }
        if let failure {
            throw QueryError(.unsupported, "writing a spill file failed: \(String(cString: strerror(failure))) (STRONGROOM_SPILL_DIR chooses where spill files go)")
        }
        blocks.append((end, sealed.count, batch.rowCount))
        budget?.recordSpill(sealed.count)
        end += Int64(sealed.count)
    }

    /// Block `index` as written, or an error if the bytes on disk are not exactly those.
    public func read(_ index: Int, schema: Schema) throws(QueryError) -> RecordBatch {
        let block = blocks[index]
        var sealed = [UInt8](repeating: 0, count: block.length)
        let got = sealed.withUnsafeMutableBytes { raw in
            var done = 0
            while done < raw.count {
                let n = pread(descriptor, raw.baseAddress! + done, raw.count - done, off_t(block.offset) + off_t(done))
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                done += n
            }
            return done
        }
        guard got == block.length else {
            throw QueryError(.invalidArgument, "spill file block \(index) is truncated on disk (\(got) of \(block.length) bytes): the temporary file was tampered with")
        }
        var plaintext: [UInt8]
        do {
            plaintext = try AESGCM.open(sealed, key: key, nonce: nonce(index), aad: fileID)
        } catch {
            throw QueryError(.invalidArgument, "spill file block \(index) failed authentication: the temporary file was altered, swapped or replayed")
        }
        defer { zeroize(&plaintext) }
        return try BatchCodec.decode(plaintext, schema: schema)
    }

    /// The descriptor, for tests that play the attacker with disk access (/proc/self/fd/N).
    package var fileDescriptor: Int32 { descriptor }

    private func nonce(_ index: Int) -> [UInt8] {
        var n = fileID
        withUnsafeBytes(of: UInt64(index).bigEndian) { n.append(contentsOf: $0) }
        return n
    }

    private static func openUnnamed(in directory: String) throws(QueryError) -> Int32 {
        // O_TMPFILE (Linux): a file with no name at all. Its value is not imported into Swift.
        let oTmpfile: Int32 = 0o20_000_000 | O_DIRECTORY
        let fd = open(directory, oTmpfile | O_RDWR | O_EXCL | O_CLOEXEC, 0o600)
        if fd >= 0 { return fd }
        // File systems without O_TMPFILE: a private name, unlinked before anything is written.
        var template = Array("\(directory)/strongroom-spill-XXXXXX".utf8CString)
        let named = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard named >= 0 else {
            throw QueryError(.unsupported, "cannot create a spill file in \(directory) (set STRONGROOM_SPILL_DIR): \(String(cString: strerror(errno)))")
        }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        _ = fcntl(named, F_SETFD, FD_CLOEXEC)
        return named
    }
}
