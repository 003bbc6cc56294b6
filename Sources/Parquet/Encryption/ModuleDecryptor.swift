import StrongroomCrypto

/// Decrypts modules of one file with one key. Every length is checked against the buffer before
/// it is used; a wrong key or any changed byte of a GCM module throws `.authentication`.
public struct ModuleDecryptor: Sendable {
    public let key: SecretKey
    public let fileAAD: [UInt8]
    public let usesCTRForPageData: Bool

    public init(algorithm: EncryptionAlgorithm, key: SecretKey, fileAAD: FileAAD) {
        self.init(usesCTRForPageData: algorithm.isCTRForPageData, key: key, fileAAD: fileAAD.bytes)
    }

    public init(usesCTRForPageData: Bool, key: SecretKey, fileAAD: [UInt8]) {
        self.key = key
        self.fileAAD = fileAAD
        self.usesCTRForPageData = usesCTRForPageData
    }

    /// Decrypts the module starting at `offset` of `bytes`; returns the plaintext and how many
    /// bytes the module occupied (4 + length). `context` (e.g. "column a.b, row group 3") is put
    /// into error messages.
    public func decrypt(
        _ bytes: [UInt8],
        at offset: Int = 0,
        module: ModuleType,
        rowGroup: Int? = nil,
        column: Int? = nil,
        page: Int? = nil,
        context: String? = nil
    ) throws -> (plaintext: [UInt8], consumed: Int) {
        let aad = try ModuleAAD.make(fileAAD: fileAAD, module: module, rowGroup: rowGroup, column: column, page: page)
        return try bytes.withUnsafeBytes { try decrypt($0, at: offset, module: module, aad: aad, context: context) }
    }

    /// Buffer form of `decrypt(_:at:module:...)` taking a prepared module AAD.
    public func decrypt(
        _ buffer: UnsafeRawBufferPointer,
        at offset: Int,
        module: ModuleType,
        aad: [UInt8],
        context: String? = nil
    ) throws -> (plaintext: [UInt8], consumed: Int) {
        let frame = try locate(buffer, at: offset, module: module, context: context)
        var plaintext = [UInt8](repeating: 0, count: frame.plaintextCount)
        try plaintext.withUnsafeMutableBytes { out in
            try open(buffer, frame: frame, module: module, aad: aad, context: context, into: out)
        }
        return (plaintext, frame.total)
    }

    /// Decrypts straight into `output`, which must hold exactly `plaintextByteCount(...)` bytes
    /// (e.g. the input buffer of a decompressor). Returns the bytes the module occupied.
    public func decrypt(
        _ buffer: UnsafeRawBufferPointer,
        at offset: Int,
        module: ModuleType,
        aad: [UInt8],
        context: String? = nil,
        into output: UnsafeMutableRawBufferPointer
    ) throws -> Int {
        let frame = try locate(buffer, at: offset, module: module, context: context)
        guard output.count == frame.plaintextCount else {
            throw ParquetError(.invalidArgument, "output buffer of \(output.count) bytes for a \(module.name) of \(frame.plaintextCount) plaintext bytes")
        }
        try open(buffer, frame: frame, module: module, aad: aad, context: context, into: output)
        return frame.total
    }

    /// Plaintext size of the module at `offset`, after validating its frame against the buffer.
    public func plaintextByteCount(in buffer: UnsafeRawBufferPointer, at offset: Int, module: ModuleType, context: String? = nil) throws -> Int {
        try locate(buffer, at: offset, module: module, context: context).plaintextCount
    }

    private struct Frame {
        var start: Int          // offset of the length field
        var total: Int          // 4 + length
        var plaintextCount: Int
    }

    private func usesCTR(_ module: ModuleType) -> Bool { usesCTRForPageData && module.isPageData }

    private func locate(_ buffer: UnsafeRawBufferPointer, at offset: Int, module: ModuleType, context: String?) throws -> Frame {
        let where_ = "\(module.name) at byte \(offset)\(EncryptedModuleFrame.suffix(context))"
        let total = try EncryptedModuleFrame.totalByteCount(in: buffer, at: offset, context: context)
        let overhead = usesCTR(module) ? EncryptedModuleFrame.ctrOverhead : EncryptedModuleFrame.gcmOverhead
        guard total >= overhead else {
            throw ParquetError(.malformed, "encrypted \(where_): length \(total - 4) is shorter than the \(overhead - 4)-byte nonce\(usesCTR(module) ? "" : " and tag")")
        }
        guard total <= buffer.count - offset else {
            throw ParquetError(.truncated, "encrypted \(where_): module needs \(total) bytes, \(buffer.count - offset) available")
        }
        return Frame(start: offset, total: total, plaintextCount: total - overhead)
    }

    private func open(
        _ buffer: UnsafeRawBufferPointer, frame: Frame, module: ModuleType, aad: [UInt8], context: String?,
        into output: UnsafeMutableRawBufferPointer
    ) throws {
        let nonceStart = frame.start + EncryptedModuleFrame.lengthByteCount
        let bodyStart = nonceStart + EncryptedModuleFrame.nonceByteCount
        let nonce = UnsafeRawBufferPointer(rebasing: buffer[nonceStart..<bodyStart])
        do {
            if usesCTR(module) {
                let body = UnsafeRawBufferPointer(rebasing: buffer[bodyStart..<(frame.start + frame.total)])
                try AESCTR.apply(body, key: key, nonce: nonce, into: output)
            } else {
                let tagStart = frame.start + frame.total - EncryptedModuleFrame.tagByteCount
                let ciphertext = UnsafeRawBufferPointer(rebasing: buffer[bodyStart..<tagStart])
                let tag = UnsafeRawBufferPointer(rebasing: buffer[tagStart..<(frame.start + frame.total)])
                try aad.withUnsafeBytes { a in
                    try AESGCM.open(ciphertext: ciphertext, tag: tag, key: key, nonce: nonce, aad: a, into: output)
                }
            }
        } catch let error as CryptoError where error.code == .authenticationFailed {
            throw ParquetError(.authentication, "\(module.name) at byte \(frame.start)\(EncryptedModuleFrame.suffix(context)) failed authentication: wrong key, wrong AAD or tampered bytes", cause: error)
        } catch let error as CryptoError {
            throw ParquetError(.malformed, "decrypting \(module.name) at byte \(frame.start)\(EncryptedModuleFrame.suffix(context)) failed: \(error.message)", cause: error)
        }
    }
}
