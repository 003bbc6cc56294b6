import StrongroomCrypto

/// Encrypts modules of one file with one key (footer key or a column key), with a fresh random
/// nonce per module. AES_GCM_V1 uses GCM everywhere; AES_GCM_CTR_V1 uses CTR for page data.
public struct ModuleEncryptor: Sendable {
    public let key: SecretKey
    public let fileAAD: [UInt8]
    /// True for AES_GCM_CTR_V1.
    public let usesCTRForPageData: Bool

    public init(algorithm: EncryptionAlgorithm, key: SecretKey, fileAAD: FileAAD) {
        self.init(usesCTRForPageData: algorithm.isCTRForPageData, key: key, fileAAD: fileAAD.bytes)
    }

    public init(usesCTRForPageData: Bool, key: SecretKey, fileAAD: [UInt8]) {
        self.key = key
        self.fileAAD = fileAAD
        self.usesCTRForPageData = usesCTRForPageData
    }

    /// Size of the framed module for a plaintext of `plaintextCount` bytes.
    public func encryptedByteCount(plaintextCount: Int, module: ModuleType) -> Int {
        plaintextCount + (usesCTR(module) ? EncryptedModuleFrame.ctrOverhead : EncryptedModuleFrame.gcmOverhead)
    }

    /// Encrypts and returns the framed module, building the AAD from the ordinals.
    public func encrypt(
        _ plaintext: [UInt8],
        module: ModuleType,
        rowGroup: Int? = nil,
        column: Int? = nil,
        page: Int? = nil
    ) throws -> [UInt8] {
        let aad = try ModuleAAD.make(fileAAD: fileAAD, module: module, rowGroup: rowGroup, column: column, page: page)
        var output = [UInt8]()
        try plaintext.withUnsafeBytes { try encrypt($0, module: module, aad: aad, appendingTo: &output) }
        return output
    }

    /// Appends the framed module to `output` (one reservation, no intermediate copy of the
    /// plaintext). `aad` is the module AAD (see `ModuleAAD.make`); CTR modules ignore it.
    public func encrypt(
        _ plaintext: UnsafeRawBufferPointer,
        module: ModuleType,
        aad: [UInt8],
        appendingTo output: inout [UInt8]
    ) throws {
        let ctr = usesCTR(module)
        let total = encryptedByteCount(plaintextCount: plaintext.count, module: module)
        let length = total - EncryptedModuleFrame.lengthByteCount
        guard length <= Int(UInt32.max) else {
            throw ParquetError(.invalidArgument, "\(module.name) of \(plaintext.count) bytes is too large to encrypt (length field is 32 bits)")
        }
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: total))
        do {
            try output.withUnsafeMutableBytes { all in
                let frame = UnsafeMutableRawBufferPointer(rebasing: all[start...])
                frame.storeBytes(of: UInt32(length).littleEndian, toByteOffset: 0, as: UInt32.self)
                let nonce = UnsafeMutableRawBufferPointer(rebasing: frame[4..<16])
                SecureRandom.fill(nonce)
                let body = UnsafeMutableRawBufferPointer(rebasing: frame[16...])
                if ctr {
                    try AESCTR.apply(plaintext, key: key, nonce: UnsafeRawBufferPointer(nonce), into: body)
                } else {
                    try aad.withUnsafeBytes { a in
                        try AESGCM.seal(plaintext, key: key, nonce: UnsafeRawBufferPointer(nonce), aad: a, into: body)
                    }
                }
            }
        } catch let error as CryptoError {
            output.removeSubrange(start...)
            throw ParquetError(.invalidArgument, "encrypting \(module.name) failed: \(error.message)", cause: error)
        }
    }

    private func usesCTR(_ module: ModuleType) -> Bool { usesCTRForPageData && module.isPageData }
}

extension EncryptionAlgorithm {
    /// AES_GCM_CTR_V1 encrypts page data with CTR.
    var isCTRForPageData: Bool {
        if case .aesGcmCtrV1 = self { return true }
        return false
    }
}
