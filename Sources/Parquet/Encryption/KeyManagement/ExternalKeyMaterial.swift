#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// parquet-java's external key material store: a JSON file `_KEY_MATERIAL_FOR_<file name>.json`
/// next to the Parquet file, mapping key references ("footerKey", "columnKey0", ...) to
/// serialized `KeyMaterial` strings. Master key rotation rewrites this file, not the data file.
public struct ExternalKeyMaterial: Sendable, Hashable {
    public static let fileNamePrefix = "_KEY_MATERIAL_FOR_"
    public static let fileNameSuffix = ".json"

    public var materials: [String: KeyMaterial]

    public init(materials: [String: KeyMaterial]) {
        self.materials = materials
    }

    public init(json: [UInt8]) throws {
        let document = try FlatJSON(parsing: json, what: "external key material")
        var materials: [String: KeyMaterial] = [:]
        for (reference, value) in document.members {
            guard case .string(let text) = value else {
                throw ParquetError(.malformed, "external key material: entry \"\(reference)\" is not a string")
            }
            materials[reference] = try KeyMaterial(serialized: text, what: "external key material \"\(reference)\"")
        }
        self.materials = materials
    }

    public init(contentsOf path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ParquetError(.io, "cannot read key material file \(path)")
        }
        try self.init(json: [UInt8](data))
    }

    /// Path of the key material file that belongs to the Parquet file at `parquetPath`.
    public static func path(forParquetFile parquetPath: String) -> String {
        let slash = parquetPath.lastIndex(of: "/")
        let directory = slash.map { String(parquetPath[...$0]) } ?? ""
        let name = slash.map { String(parquetPath[parquetPath.index(after: $0)...]) } ?? parquetPath
        return directory + fileNamePrefix + name + fileNameSuffix
    }

    /// JSON as parquet-java's HadoopFSKeyMaterialStore writes it (Jackson over a default HashMap).
    public func serialized() -> [UInt8] {
        // Insertion order as parquet-java creates references: footer first, then columns by number.
        let columnNumber = { (reference: String) -> Int in
            guard reference.hasPrefix(KeyMaterial.columnKeyReferencePrefix) else { return Int.max }
            return Int(reference.dropFirst(KeyMaterial.columnKeyReferencePrefix.count)) ?? Int.max
        }
        let insertion = materials.keys.sorted { a, b in
            if a == KeyMaterial.footerKeyReference || b == KeyMaterial.footerKeyReference { return a == KeyMaterial.footerKeyReference }
            return (columnNumber(a), a) < (columnNumber(b), b)
        }
        let order = JavaHashMapOrder.order(insertion)
        let members = order.map { ($0, FlatJSON.Value.string(materials[$0]!.serialized(internalStorage: false))) }
        return Array(FlatJSON(members: members).serialized().utf8)
    }
}
