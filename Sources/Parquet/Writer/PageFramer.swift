import CZlib

/// Frames the pages of one column chunk as they go to the file: the body is encrypted (when
/// the column is), the CRC is taken over the body as written, then the header is serialized and
/// encrypted. Data page ordinals count from 0 per chunk, as the module AADs require.
struct PageFramer {
    var checksums: Bool
    private var crypto: ChunkCrypto?
    private(set) var dataPageOrdinal = 0

    struct ChunkCrypto {
        let encryptor: ModuleEncryptor
        var dataPageAAD: [UInt8]
        var dataPageHeaderAAD: [UInt8]
        let dictionaryPageAAD: [UInt8]
        let dictionaryPageHeaderAAD: [UInt8]
    }

    init(checksums: Bool, encryption: ColumnEncryptionPlan?, rowGroup: Int, column: Int) throws {
        self.checksums = checksums
        if let encryption {
            guard rowGroup <= Int(Int16.max) else {
                throw ParquetError(.invalidArgument, "encrypted files hold at most 32768 row groups")
            }
            let aad = encryption.encryptor.fileAAD
            crypto = ChunkCrypto(
                encryptor: encryption.encryptor,
                dataPageAAD: try ModuleAAD.make(fileAAD: aad, module: .dataPage, rowGroup: rowGroup, column: column, page: 0),
                dataPageHeaderAAD: try ModuleAAD.make(fileAAD: aad, module: .dataPageHeader, rowGroup: rowGroup, column: column, page: 0),
                dictionaryPageAAD: try ModuleAAD.make(fileAAD: aad, module: .dictionaryPage, rowGroup: rowGroup, column: column),
                dictionaryPageHeaderAAD: try ModuleAAD.make(fileAAD: aad, module: .dictionaryPageHeader, rowGroup: rowGroup, column: column))
        }
    }

    /// Appends header and body to `out`; returns the header's size in the file. `header` needs
    /// everything but compressed_page_size and crc, which are filled in here.
    mutating func append(header: PageHeader, body: UnsafeRawBufferPointer, to out: inout [UInt8]) throws -> Int {
        var header = header
        let isDictionary = header.type == .dictionaryPage
        let ordinal = dataPageOrdinal
        if !isDictionary {
            guard crypto == nil || ordinal <= Int(Int16.max) else {
                throw ParquetError(.invalidArgument, "an encrypted column chunk holds at most 32768 data pages")
            }
            dataPageOrdinal += 1
        }
        var encryptedBody: [UInt8] = []
        var written = body
        if crypto != nil {
            if !isDictionary {
                try ModuleAAD.setPageOrdinal(ordinal, in: &crypto!.dataPageAAD)
                try ModuleAAD.setPageOrdinal(ordinal, in: &crypto!.dataPageHeaderAAD)
            }
            let c = crypto!
            try c.encryptor.encrypt(body, module: isDictionary ? .dictionaryPage : .dataPage,
                                    aad: isDictionary ? c.dictionaryPageAAD : c.dataPageAAD, appendingTo: &encryptedBody)
        }
        return try encryptedBody.withUnsafeBytes { encrypted in
            if crypto != nil { written = encrypted }
            guard written.count <= Int(Int32.max) else {
                throw ParquetError(.invalidArgument, "page of \(written.count) bytes exceeds the 2 GiB page limit")
            }
            header.compressedPageSize = Int32(written.count)
            header.crc = checksums ? Int32(bitPattern: Self.crc32(written)) : nil
            let serialized = header.serialized()
            let headerStart = out.count
            if let c = crypto {
                try serialized.withUnsafeBytes {
                    try c.encryptor.encrypt($0, module: isDictionary ? .dictionaryPageHeader : .dataPageHeader,
                                            aad: isDictionary ? c.dictionaryPageHeaderAAD : c.dataPageHeaderAAD,
                                            appendingTo: &out)
                }
            } else {
                out.append(contentsOf: serialized)
            }
            let headerSize = out.count - headerStart
            out.append(contentsOf: written)
            return headerSize
        }
    }

    static func crc32(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return 0 }
        // zlib takes a 32-bit length; feed large pages in slices.
        var crc = CZlib.crc32(0, nil, 0)
        var offset = 0
        while offset < bytes.count {
            let n = min(bytes.count - offset, 1 << 30)
            crc = CZlib.crc32(crc, base.advanced(by: offset).assumingMemoryBound(to: UInt8.self), uInt(n))
            offset += n
        }
        return UInt32(truncatingIfNeeded: crc)
    }
}
