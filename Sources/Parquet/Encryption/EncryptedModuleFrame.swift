/// Byte layout of one encrypted module (Encryption.md §5.1):
/// GCM: length(4, LE) ‖ nonce(12) ‖ ciphertext ‖ tag(16); CTR: length ‖ nonce(12) ‖ ciphertext.
/// `length` counts everything after the length field.
public enum EncryptedModuleFrame {
    public static let lengthByteCount = 4
    public static let nonceByteCount = 12
    public static let tagByteCount = 16
    public static let gcmOverhead = lengthByteCount + nonceByteCount + tagByteCount   // 32
    public static let ctrOverhead = lengthByteCount + nonceByteCount                  // 16

    /// Reads the length prefix at `offset` and returns the whole module size (4 + length), so a
    /// stream reader knows how much to fetch for an encrypted page header before decrypting it.
    public static func totalByteCount(in buffer: UnsafeRawBufferPointer, at offset: Int, context: String? = nil) throws -> Int {
        guard offset >= 0, offset <= buffer.count, buffer.count - offset >= lengthByteCount else {
            throw ParquetError(.truncated, "encrypted module length at byte \(offset) needs 4 bytes, \(max(0, buffer.count - offset)) available\(suffix(context))")
        }
        let length = Int(buffer[offset]) | Int(buffer[offset + 1]) << 8 | Int(buffer[offset + 2]) << 16 | Int(buffer[offset + 3]) << 24
        return lengthByteCount + length
    }

    static func suffix(_ context: String?) -> String {
        guard let context, !context.isEmpty else { return "" }
        return " (\(context))"
    }
}
