/// Random bytes for nonces, data keys and KEK ids.
///
/// `SystemRandomNumberGenerator` is documented as cryptographically secure; on Linux it reads
/// getrandom(2) (the kernel CSPRNG, same source as /dev/urandom), on Darwin arc4random_buf.
public enum SecureRandom {
    public static func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        var generator = SystemRandomNumberGenerator()
        var offset = 0
        while offset < buffer.count {
            var word = generator.next() as UInt64
            let n = min(8, buffer.count - offset)
            withUnsafeBytes(of: &word) { w in
                for i in 0..<n { buffer[offset + i] = w[i] }
            }
            offset += n
        }
    }

    public static func bytes(count: Int) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: count)
        result.withUnsafeMutableBytes { fill($0) }
        return result
    }
}
