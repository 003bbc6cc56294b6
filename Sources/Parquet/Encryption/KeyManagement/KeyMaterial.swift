/// parquet-java's key material, version "PKMT1" (keytools, PARQUET-1373): what a reader needs
/// to recover a data key (DEK) from a master key in a KMS, as a flat JSON object.
///
/// Single wrapping: wrappedDEK = KMS.wrap(DEK, masterKeyID). Double wrapping: a per-file
/// key-encryption key (KEK) with a random 16-byte id; wrappedKEK = KMS.wrap(KEK, masterKeyID),
/// wrappedDEK = base64(AES-GCM(KEK, AAD = raw KEK id bytes)).
public struct KeyMaterial: Sendable, Hashable {
    public static let type1 = "PKMT1"
    /// Key reference of the footer key in external key material files.
    public static let footerKeyReference = "footerKey"
    /// Prefix of column key references in external files ("columnKey0", "columnKey1", ...).
    public static let columnKeyReferencePrefix = "columnKey"

    public var isFooterKey: Bool
    /// Footer material only ("DEFAULT" when the KMS has no instance id / URL).
    public var kmsInstanceID: String?
    public var kmsInstanceURL: String?
    public var masterKeyID: String
    /// base64 text as stored.
    public var wrappedDEK: String
    public var isDoubleWrapped: Bool
    /// base64 of the 16 random KEK id bytes (double wrapping only).
    public var keyEncryptionKeyID: String?
    public var wrappedKEK: String?

    public init(
        isFooterKey: Bool, kmsInstanceID: String? = nil, kmsInstanceURL: String? = nil, masterKeyID: String,
        wrappedDEK: String, isDoubleWrapped: Bool, keyEncryptionKeyID: String? = nil, wrappedKEK: String? = nil
    ) {
        self.isFooterKey = isFooterKey
        self.kmsInstanceID = kmsInstanceID
        self.kmsInstanceURL = kmsInstanceURL
        self.masterKeyID = masterKeyID
        self.wrappedDEK = wrappedDEK
        self.isDoubleWrapped = isDoubleWrapped
        self.keyEncryptionKeyID = keyEncryptionKeyID
        self.wrappedKEK = wrappedKEK
    }

    /// Reads the material fields of a PKMT1 object (internal key metadata or an external entry).
    init(json: FlatJSON, what: String) throws {
        guard case .string(let type)? = json["keyMaterialType"], type == Self.type1 else {
            throw ParquetError(.unsupported, "\(what): keyMaterialType is not \(Self.type1)")
        }
        isFooterKey = try Self.bool(json, "isFooterKey", what)
        isDoubleWrapped = try Self.bool(json, "doubleWrapping", what)
        masterKeyID = try Self.string(json, "masterKeyID", what)
        wrappedDEK = try Self.string(json, "wrappedDEK", what)
        if isFooterKey {
            kmsInstanceID = try Self.optionalString(json, "kmsInstanceID", what)
            kmsInstanceURL = try Self.optionalString(json, "kmsInstanceURL", what)
        }
        if isDoubleWrapped {
            keyEncryptionKeyID = try Self.string(json, "keyEncryptionKeyID", what)
            wrappedKEK = try Self.string(json, "wrappedKEK", what)
        }
    }

    /// Parses one serialized material (an entry of an external key-material file).
    public init(serialized: String, what: String = "key material") throws {
        try self.init(json: FlatJSON(parsing: Array(serialized.utf8), what: what), what: what)
    }

    /// The JSON parquet-java writes: Jackson over a HashMap, so members come in HashMap order.
    /// `internalStorage` adds `"internalStorage":true` (the material *is* the key metadata).
    public func serialized(internalStorage: Bool) -> String {
        var values: [String: FlatJSON.Value] = [:]
        var insertion: [String] = []
        func put(_ k: String, _ v: FlatJSON.Value) { values[k] = v; insertion.append(k) }
        put("keyMaterialType", .string(Self.type1))
        if internalStorage { put("internalStorage", .bool(true)) }
        put("isFooterKey", .bool(isFooterKey))
        if isFooterKey {
            put("kmsInstanceID", kmsInstanceID.map(FlatJSON.Value.string) ?? .null)
            put("kmsInstanceURL", kmsInstanceURL.map(FlatJSON.Value.string) ?? .null)
        }
        put("masterKeyID", .string(masterKeyID))
        put("wrappedDEK", .string(wrappedDEK))
        put("doubleWrapping", .bool(isDoubleWrapped))
        if isDoubleWrapped {
            put("keyEncryptionKeyID", keyEncryptionKeyID.map(FlatJSON.Value.string) ?? .null)
            put("wrappedKEK", wrappedKEK.map(FlatJSON.Value.string) ?? .null)
        }
        let order = JavaHashMapOrder.order(insertion, initialCapacity: 10)
        return FlatJSON(members: order.map { ($0, values[$0]!) }).serialized()
    }

    // Old parquet-java (≤ 1.12) wrote booleans as the strings "true"/"false"; accept both.
    static func bool(_ json: FlatJSON, _ field: String, _ what: String) throws -> Bool {
        switch json[field] {
        case .bool(let b)?: return b
        case .string("true")?: return true
        case .string("false")?: return false
        case nil, .null?: return false
        default: throw ParquetError(.malformed, "\(what): \(field) is not a boolean")
        }
    }

    static func string(_ json: FlatJSON, _ field: String, _ what: String) throws -> String {
        guard case .string(let s)? = json[field] else {
            throw ParquetError(.malformed, "\(what): \(field) is missing or not a string")
        }
        return s
    }

    static func optionalString(_ json: FlatJSON, _ field: String, _ what: String) throws -> String? {
        switch json[field] {
        case nil, .null?: return nil
        case .string(let s)?: return s
        default: throw ParquetError(.malformed, "\(what): \(field) is not a string")
        }
    }
}

/// What parquet-java stores in `key_metadata`: the material itself (internal storage) or a
/// reference into the `_KEY_MATERIAL_FOR_<file>.json` next to the file (external storage).
public enum KeyMetadata: Sendable, Hashable {
    case internalMaterial(KeyMaterial)
    case externalReference(String)

    /// True when `bytes` look like PKMT1 JSON rather than a plain key id.
    public static func isKeyMaterialJSON(_ bytes: [UInt8]) -> Bool {
        bytes.first { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D } == UInt8(ascii: "{")
    }

    public init(bytes: [UInt8]) throws {
        let what = "key metadata"
        let json = try FlatJSON(parsing: bytes, what: what)
        guard case .string(let type)? = json["keyMaterialType"], type == KeyMaterial.type1 else {
            throw ParquetError(.unsupported, "\(what): keyMaterialType is not \(KeyMaterial.type1)")
        }
        if try KeyMaterial.bool(json, "internalStorage", what) {
            self = .internalMaterial(try KeyMaterial(json: json, what: what))
        } else {
            self = .externalReference(try KeyMaterial.string(json, "keyReference", what))
        }
    }

    /// The bytes parquet-java writes for this key metadata.
    public func serialized() -> [UInt8] {
        switch self {
        case .internalMaterial(let material):
            return Array(material.serialized(internalStorage: true).utf8)
        case .externalReference(let reference):
            let order = JavaHashMapOrder.order(["keyMaterialType", "internalStorage", "keyReference"], initialCapacity: 3)
            let values: [String: FlatJSON.Value] = [
                "keyMaterialType": .string(KeyMaterial.type1), "internalStorage": .bool(false), "keyReference": .string(reference),
            ]
            return Array(FlatJSON(members: order.map { ($0, values[$0]!) }).serialized().utf8)
        }
    }
}
