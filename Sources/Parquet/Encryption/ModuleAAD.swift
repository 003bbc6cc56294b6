/// The file part of every module AAD: aad_prefix ‖ aad_file_unique (Encryption.md §4.4).
public struct FileAAD: Sendable, Hashable {
    public let bytes: [UInt8]

    public init(aadPrefix: [UInt8]?, aadFileUnique: [UInt8]?) {
        bytes = (aadPrefix ?? []) + (aadFileUnique ?? [])
    }

    /// The reader's view: the prefix comes from the file, or from the caller when the writer chose
    /// not to store it (`supply_aad_prefix`). A supplied prefix that differs from the stored one
    /// means the wrong file (swapped partition or version) and is rejected.
    public init(algorithm: EncryptionAlgorithm, suppliedAadPrefix: [UInt8]?) throws {
        let stored = algorithm.aadPrefix
        let prefix: [UInt8]?
        switch (stored, suppliedAadPrefix) {
        case let (s?, supplied?):
            guard s == supplied else {
                throw ParquetError(.authentication, "AAD prefix supplied by the caller does not match the one stored in the file")
            }
            prefix = s
        case let (s?, nil):
            prefix = s
        case let (nil, supplied?):
            prefix = supplied
        case (nil, nil):
            if algorithm.supplyAadPrefix {
                throw ParquetError(.missingKey, "file was written with an AAD prefix that is not stored in it; the reader must supply it")
            }
            prefix = nil
        }
        self.init(aadPrefix: prefix, aadFileUnique: algorithm.aadFileUnique)
    }
}

/// Builds module AADs: file AAD ‖ module type ‖ row group ‖ column ‖ page, ordinals as
/// little-endian Int16 (Encryption.md §4.4.2 table).
public enum ModuleAAD {
    /// Throws `.invalidArgument` if an ordinal the module needs is missing, one it must not carry is
    /// given, or an ordinal is outside 0...Int16.max (files with more row groups, columns or pages
    /// cannot be encrypted).
    public static func make(
        fileAAD: [UInt8],
        module: ModuleType,
        rowGroup: Int? = nil,
        column: Int? = nil,
        page: Int? = nil
    ) throws -> [UInt8] {
        var aad = [UInt8]()
        aad.reserveCapacity(fileAAD.count + 7)
        aad.append(contentsOf: fileAAD)
        aad.append(module.rawValue)
        guard module.hasRowGroupAndColumnOrdinals else {
            guard rowGroup == nil, column == nil, page == nil else {
                throw ParquetError(.invalidArgument, "footer AAD takes no row group, column or page ordinal")
            }
            return aad
        }
        try appendOrdinal(rowGroup, "row group", module, to: &aad)
        try appendOrdinal(column, "column", module, to: &aad)
        if module.hasPageOrdinal {
            try appendOrdinal(page, "page", module, to: &aad)
        } else if page != nil {
            throw ParquetError(.invalidArgument, "\(module.name) AAD takes no page ordinal")
        }
        return aad
    }

    /// Rewrites the trailing page ordinal of a data page / data page header AAD in place, so a
    /// column reader builds the AAD once per chunk and patches it per page.
    public static func setPageOrdinal(_ page: Int, in aad: inout [UInt8]) throws {
        guard aad.count >= 2 else {
            throw ParquetError(.invalidArgument, "AAD too short to hold a page ordinal")
        }
        let value = try ordinal(page, "page", .dataPage)
        aad[aad.count - 2] = UInt8(truncatingIfNeeded: value)
        aad[aad.count - 1] = UInt8(truncatingIfNeeded: value >> 8)
    }

    private static func appendOrdinal(_ value: Int?, _ what: String, _ module: ModuleType, to aad: inout [UInt8]) throws {
        guard let value else {
            throw ParquetError(.invalidArgument, "\(module.name) AAD needs a \(what) ordinal")
        }
        let v = try ordinal(value, what, module)
        aad.append(UInt8(truncatingIfNeeded: v))
        aad.append(UInt8(truncatingIfNeeded: v >> 8))
    }

    private static func ordinal(_ value: Int, _ what: String, _ module: ModuleType) throws -> UInt16 {
        guard value >= 0, value <= Int(Int16.max) else {
            throw ParquetError(.invalidArgument, "\(what) ordinal \(value) of \(module.name) is outside 0...\(Int16.max), the limit of encrypted files")
        }
        return UInt16(value)
    }
}
