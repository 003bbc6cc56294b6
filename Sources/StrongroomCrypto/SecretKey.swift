import Crypto

/// AES key bytes (128, 192 or 256 bits) that are zeroed when the last reference goes away.
///
/// A final class over one manually allocated buffer: a class (not a `~Copyable` struct) so keys
/// can live in dictionaries and caches and be shared by concurrent column readers; the buffer
/// is written once in `init` and only read afterwards, which is what makes sharing safe.
/// Bytes are reachable only inside `withUnsafeBytes`; `description` is redacted.
public final class SecretKey: @unchecked Sendable {  // immutable after init; deinit is the only writer
    private let storage: UnsafeMutableRawBufferPointer

    /// Byte lengths AES accepts.
    public static let validByteCounts: Set<Int> = [16, 24, 32]

    /// Copies `bytes` into zeroing storage. Throws if the length is not an AES key length.
    public init<Bytes: Collection>(bytes: Bytes) throws where Bytes.Element == UInt8 {
        let count = bytes.count
        guard Self.validByteCounts.contains(count) else {
            throw CryptoError(.invalidKeyLength, "AES key must be 16, 24 or 32 bytes, got \(count)")
        }
        storage = .allocate(byteCount: count, alignment: 16)
        storage.copyBytes(from: bytes)
    }

    /// Copies from a raw buffer (the caller keeps responsibility for zeroing its copy).
    public convenience init(rawBytes: UnsafeRawBufferPointer) throws {
        try self.init(bytes: rawBytes)
    }

    private init(uninitializedByteCount count: Int) {
        storage = .allocate(byteCount: count, alignment: 16)
    }

    /// A fresh key from the system CSPRNG (`SystemRandomNumberGenerator`: getrandom(2) on Linux,
    /// arc4random on Darwin — both cryptographically secure).
    public static func random(bitCount: Int) throws -> SecretKey {
        guard bitCount % 8 == 0, validByteCounts.contains(bitCount / 8) else {
            throw CryptoError(.invalidKeyLength, "AES key must be 128, 192 or 256 bits, got \(bitCount)")
        }
        let key = SecretKey(uninitializedByteCount: bitCount / 8)
        SecureRandom.fill(key.storage)
        return key
    }

    deinit {
        // Volatile-style zeroing: memset through an opaque pointer the optimiser must honour
        // because the memory is freed right after through the same pointer.
        zeroize(storage)
        storage.deallocate()
    }

    public var byteCount: Int { storage.count }
    public var bitCount: Int { storage.count * 8 }

    /// The key bytes, valid only inside `body`. Do not copy them out.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(storage))
    }

    /// A transient swift-crypto key (its SecureBytes storage zeroes itself when released).
    @usableFromInline
    func symmetricKey() -> SymmetricKey {
        SymmetricKey(data: UnsafeRawBufferPointer(storage))
    }

    /// Constant-time comparison of two keys (tests, rotation checks).
    public func hasSameBytes(as other: SecretKey) -> Bool {
        constantTimeEquals(UnsafeRawBufferPointer(storage), UnsafeRawBufferPointer(other.storage))
    }
}

extension SecretKey: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String { "SecretKey(\(bitCount) bits, redacted)" }
    public var debugDescription: String { description }
}

/// Overwrites memory with zeros in a way the optimiser cannot drop: the store goes through a
/// non-inlinable function so it is not seen as dead before `deallocate`.
@inline(never)
public func zeroize(_ buffer: UnsafeMutableRawBufferPointer) {
    guard let base = buffer.baseAddress, buffer.count > 0 else { return }
    base.initializeMemory(as: UInt8.self, repeating: 0, count: buffer.count)
    _blackHole(base)
}

/// Zeroes a byte array that held secret material (best effort; copies made earlier are not reached).
public func zeroize(_ bytes: inout [UInt8]) {
    bytes.withUnsafeMutableBytes { zeroize($0) }
}

@inline(never)
@usableFromInline
func _blackHole(_ pointer: UnsafeMutableRawPointer) {
    _ = pointer.load(as: UInt8.self)
}
