#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// AES-CTR (NIST SP 800-38A) as Parquet's AES_GCM_CTR_V1 uses it for page data: the 16-byte
/// initial counter block is nonce(12) ‖ 00 00 00 01.
///
/// Runs over OpenSSL's EVP interface (`EVPCipher`) with the full 16-byte block as the IV (a
/// 12-byte nonce alone would start the counter at 0 and produce a different key stream).
public enum AESCTR {
    public static let nonceByteCount = 12

    /// nonce ‖ 0x00000001 — the first 31 bits of the counter field are 0, the last bit is 1.
    public static func initialCounterBlock(nonce: UnsafeRawBufferPointer) throws -> [UInt8] {
        guard nonce.count == nonceByteCount else {
            throw CryptoError(.invalidParameter, "CTR nonce must be 12 bytes, got \(nonce.count)")
        }
        var block = [UInt8](repeating: 0, count: 16)
        for i in 0..<12 { block[i] = nonce[i] }
        block[15] = 1
        return block
    }

    /// XORs `input` with the key stream and writes the result into `output` (same length).
    /// Encryption and decryption are the same operation.
    public static func apply(
        _ input: UnsafeRawBufferPointer,
        key: SecretKey,
        nonce: UnsafeRawBufferPointer,
        into output: UnsafeMutableRawBufferPointer
    ) throws {
        guard output.count == input.count else {
            throw CryptoError(.invalidParameter, "CTR output buffer must match the input length")
        }
        if input.isEmpty { return }
        let counter = try initialCounterBlock(nonce: nonce)
        try counter.withUnsafeBytes { try EVPCipher.ctr(key: key, counterBlock: $0, input: input, output: output) }
    }

    public static func apply(_ input: [UInt8], key: SecretKey, nonce: [UInt8]) throws -> [UInt8] {
        var output = [UInt8](repeating: 0, count: input.count)
        try input.withUnsafeBytes { i in
            try nonce.withUnsafeBytes { n in
                try output.withUnsafeMutableBytes { o in try apply(i, key: key, nonce: n, into: o) }
            }
        }
        return output
    }
}
