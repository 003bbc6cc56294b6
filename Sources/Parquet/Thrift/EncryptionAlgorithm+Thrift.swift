// EncryptionAlgorithm union (AesGcmV1 = 1, AesGcmCtrV1 = 2) and FileCryptoMetaData (parquet.thrift).

extension EncryptionAlgorithm: ThriftCodable {
    /// An unknown algorithm throws `.unsupported`: nothing in the file could be decrypted or verified.
    public init(from reader: inout ThriftCompactReader) throws {
        var result: EncryptionAlgorithm?
        let saved = try reader.beginStruct()
        while let field = try reader.readFieldHeader() {
            guard result == nil else {
                throw ParquetError(.malformed, "EncryptionAlgorithm: union has more than one member at byte \(field.offset)")
            }
            switch field.id {
            case 1:
                try reader.expect(field, .structure, "EncryptionAlgorithm.AES_GCM_V1")
                let (prefix, unique, supply) = try Self.readParameters(&reader)
                result = .aesGcmV1(aadPrefix: prefix, aadFileUnique: unique, supplyAadPrefix: supply)
            case 2:
                try reader.expect(field, .structure, "EncryptionAlgorithm.AES_GCM_CTR_V1")
                let (prefix, unique, supply) = try Self.readParameters(&reader)
                result = .aesGcmCtrV1(aadPrefix: prefix, aadFileUnique: unique, supplyAadPrefix: supply)
            default:
                throw ParquetError(.unsupported, "EncryptionAlgorithm: unknown algorithm (member id \(field.id)) at byte \(field.offset)")
            }
        }
        reader.endStruct(saved)
        guard let result else {
            throw ParquetError(.malformed, "EncryptionAlgorithm: empty union ending at byte \(reader.position)")
        }
        self = result
    }

    /// AesGcmV1 and AesGcmCtrV1 share a layout.
    private static func readParameters(_ reader: inout ThriftCompactReader) throws -> ([UInt8]?, [UInt8]?, Bool?) {
        var prefix: [UInt8]?, unique: [UInt8]?, supply: Bool?
        let saved = try reader.beginStruct()
        while let field = try reader.readFieldHeader() {
            switch (field.id, field.type) {
            case (1, .binary): prefix = try reader.readBinary()
            case (2, .binary): unique = try reader.readBinary()
            case (3, .bool): supply = field.boolValue
            default: try reader.skip(field)
            }
        }
        reader.endStruct(saved)
        return (prefix, unique, supply)
    }

    public func write(to writer: inout ThriftCompactWriter) {
        let saved = writer.beginStruct()
        let (id, prefix, unique, supply): (Int16, [UInt8]?, [UInt8]?, Bool?) = switch self {
        case .aesGcmV1(let p, let u, let s): (1, p, u, s)
        case .aesGcmCtrV1(let p, let u, let s): (2, p, u, s)
        }
        writer.writeFieldHeader(id, .structure)
        let inner = writer.beginStruct()
        writer.writeBinaryField(1, prefix)
        writer.writeBinaryField(2, unique)
        writer.writeBoolField(3, supply)
        writer.endStruct(inner)
        writer.endStruct(saved)
    }
}

extension FileCryptoMetaData: ThriftCodable {
    public init(from reader: inout ThriftCompactReader) throws {
        var algorithm: EncryptionAlgorithm?, keyMetadata: [UInt8]?
        let saved = try reader.beginStruct()
        while let field = try reader.readFieldHeader() {
            switch (field.id, field.type) {
            case (1, .structure): algorithm = try EncryptionAlgorithm(from: &reader)
            case (2, .binary): keyMetadata = try reader.readBinary()
            default: try reader.skip(field)
            }
        }
        reader.endStruct(saved)
        guard let algorithm else { throw ParquetError.missingField("FileCryptoMetaData", "encryption_algorithm", 1) }
        self.init(encryptionAlgorithm: algorithm, keyMetadata: keyMetadata)
    }

    public func write(to writer: inout ThriftCompactWriter) {
        let saved = writer.beginStruct()
        writer.writeStructField(1, encryptionAlgorithm)
        writer.writeBinaryField(2, keyMetadata)
        writer.endStruct(saved)
    }
}
