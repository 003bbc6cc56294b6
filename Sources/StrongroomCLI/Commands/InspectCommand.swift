import RowText
import ArgumentParser
import Columnar
import Foundation
import Parquet

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Print a file's schema, row groups, codecs, encodings, encryption and statistics as JSON.")

    @Argument(help: "A Parquet file.")
    var file: String

    @OptionGroup var keyOptions: KeyOptions

    func run() throws {
        let reader = try ParquetFileReader(path: file, options: try keyOptions.readOptions(for: file))
        var sink = OutputSink()
        sink.write(FileReport(reader: reader).value.json + "\n")
        sink.flush()
    }
}

/// The JSON document `inspect` prints.
struct FileReport {
    let reader: ParquetFileReader

    var value: CellValue {
        let meta = reader.metadata
        var members: [(String, CellValue)] = [
            ("file", .text(reader.path)),
            ("num_rows", .number(String(meta.numRows))),
            ("num_row_groups", .number(String(meta.rowGroups.count))),
            ("format_version", .number(String(meta.version))),
            ("created_by", meta.createdBy.map { .text($0) } ?? .null),
            ("encryption", encryption),
            ("schema", .array(reader.schema.columns.map(columnSchema))),
            ("row_groups", .array(meta.rowGroups.indices.map(rowGroup))),
        ]
        if let kv = meta.keyValueMetadata {
            members.append(("key_value_metadata", .object(kv.map { ($0.key, $0.value.map { .text($0) } ?? .null) })))
        }
        return .object(members)
    }

    private var encryption: CellValue {
        guard let info = reader.encryption else { return .null }
        return .object([
            ("algorithm", .text(info.algorithm.name)),
            ("footer", .text(info.footerEncrypted ? "encrypted" : "plaintext")),
            ("footer_key", KeyText.value(info.footerKeyMetadata)),
            ("footer_signature_verified", info.footerEncrypted ? .null : .bool(info.footerSignatureVerified)),
            ("aad_prefix_stored", .bool(info.algorithm.aadPrefix != nil)),
            ("supply_aad_prefix", .bool(info.algorithm.supplyAadPrefix)),
        ])
    }

    private func columnSchema(_ c: ColumnDescriptor) -> CellValue {
        var members: [(String, CellValue)] = [
            ("path", .text(c.dottedPath)),
            ("physical_type", .text(c.physicalType.name)),
            ("logical_type", .text(TypeText.describe(c.logicalType))),
            ("repetition", .text(RepetitionText.name(c.element.repetitionType))),
            ("max_definition_level", .number(String(c.maxDefinitionLevel))),
            ("max_repetition_level", .number(String(c.maxRepetitionLevel))),
        ]
        if c.physicalType == .fixedLenByteArray { members.append(("type_length", .number(String(c.typeLength)))) }
        return .object(members)
    }

    private func rowGroup(_ index: Int) -> CellValue {
        let group = reader.metadata.rowGroups[index]
        return .object([
            ("index", .number(String(index))),
            ("num_rows", .number(String(group.numRows))),
            ("total_byte_size", .number(String(group.totalByteSize))),
            ("columns", .array(group.columns.indices.map { columnChunk(group: index, column: $0) })),
        ])
    }

    private func columnChunk(group: Int, column: Int) -> CellValue {
        let descriptor = reader.schema.columns[column]
        let chunk = reader.metadata.rowGroups[group].columns[column]
        var members: [(String, CellValue)] = [("path", .text(descriptor.dottedPath))]
        switch chunk.cryptoMetadata {
        case nil: members.append(("encrypted", .bool(false)))
        case .footerKey?:
            members.append(("encrypted", .bool(true)))
            members.append(("key", .text("footer")))
        case .columnKey(_, let keyMetadata)?:
            members.append(("encrypted", .bool(true)))
            members.append(("key", KeyText.value(keyMetadata)))
        }
        do {
            let meta = try reader.columnMetaData(rowGroup: group, column: column)
            members += [
                ("physical_type", .text(meta.type.name)),
                ("codec", .text(meta.codec.name)),
                ("encodings", .array(meta.encodings.map { .text($0.name) })),
                ("num_values", .number(String(meta.numValues))),
                ("total_compressed_size", .number(String(meta.totalCompressedSize))),
                ("total_uncompressed_size", .number(String(meta.totalUncompressedSize))),
                ("has_dictionary_page", .bool((meta.dictionaryPageOffset ?? 0) > 0)),
                ("statistics", meta.statistics.map { StatisticsText.value($0, descriptor: descriptor) } ?? .null),
            ]
        } catch {
            members.append(("metadata_unavailable", .text(ErrorText.oneLine(error))))
        }
        return .object(members)
    }
}

enum KeyText {
    /// Key metadata as the user knows it: a key id, or the master key id of key material.
    static func value(_ metadata: [UInt8]?) -> CellValue {
        guard let metadata, !metadata.isEmpty else { return .null }
        guard let text = String(validating: metadata, as: UTF8.self) else {
            return .object([("key_metadata_base64", .text(Data(metadata).base64EncodedString()))])
        }
        if text.hasPrefix("{"), let json = try? JSONSerialization.jsonObject(with: Data(metadata)) as? [String: Any] {
            var members: [(String, CellValue)] = [("key_material", .text(json["keyMaterialType"] as? String ?? "unknown"))]
            if let master = json["masterKeyID"] as? String { members.append(("master_key_id", .text(master))) }
            if let double = json["doubleWrapping"] as? Bool { members.append(("double_wrapping", .bool(double))) }
            if let stored = json["internalStorage"] as? Bool { members.append(("internal_storage", .bool(stored))) }
            if let reference = json["keyReference"] as? String { members.append(("key_reference", .text(reference))) }
            return .object(members)
        }
        return .object([("key_id", .text(text))])
    }
}

enum RepetitionText {
    static func name(_ r: Repetition?) -> String {
        switch r {
        case .required?: "REQUIRED"
        case .optional?, nil: "OPTIONAL"
        case .repeated?: "REPEATED"
        }
    }
}

enum TypeText {
    static func describe(_ type: DataType) -> String {
        switch type {
        case .boolean: "boolean"
        case .int8: "int8"
        case .int16: "int16"
        case .int32: "int32"
        case .int64: "int64"
        case .uint8: "uint8"
        case .uint16: "uint16"
        case .uint32: "uint32"
        case .uint64: "uint64"
        case .float16: "float16"
        case .float32: "float"
        case .float64: "double"
        case .decimal(let p, let s): "decimal(\(p),\(s))"
        case .string: "string"
        case .json: "json"
        case .enumeration: "enum"
        case .binary: "binary"
        case .fixedBinary(let n): "fixed_size_binary(\(n))"
        case .date: "date"
        case .time(let unit, let utc): "time(\(unit.rawValue)\(utc ? ", utc" : ""))"
        case .timestamp(let unit, let utc): "timestamp(\(unit.rawValue)\(utc ? ", utc" : ""))"
        case .uuid: "uuid"
        case .list(let f): "list<\(describe(f.type))>"
        case .map(let k, let v): "map<\(describe(k.type)), \(describe(v.type))>"
        case .structure(let fs): "struct<" + fs.map { "\($0.name): \(describe($0.type))" }.joined(separator: ", ") + ">"
        }
    }
}

enum StatisticsText {
    static func value(_ s: Statistics, descriptor: ColumnDescriptor) -> CellValue {
        var members: [(String, CellValue)] = []
        if let n = s.nullCount { members.append(("null_count", .number(String(n)))) }
        if let n = s.distinctCount { members.append(("distinct_count", .number(String(n)))) }
        if let min = s.minValue ?? s.min { members.append(("min", bound(min, descriptor))) }
        if let max = s.maxValue ?? s.max { members.append(("max", bound(max, descriptor))) }
        if let exact = s.isMinValueExact { members.append(("is_min_value_exact", .bool(exact))) }
        if let exact = s.isMaxValueExact { members.append(("is_max_value_exact", .bool(exact))) }
        return .object(members)
    }

    /// Statistics bounds are PLAIN-encoded single values (without a length prefix for BYTE_ARRAY).
    static func bound(_ bytes: [UInt8], _ descriptor: ColumnDescriptor) -> CellValue {
        func littleEndian<T: FixedWidthInteger>(_: T.Type) -> T? {
            guard bytes.count == MemoryLayout<T>.size else { return nil }
            return bytes.reversed().reduce(T.zero) { $0 << 8 | T(truncatingIfNeeded: $1) }
        }
        let column: Column?
        switch descriptor.physicalType {
        case .boolean: column = bytes.count == 1 ? Column(type: .boolean, values: .boolean([bytes[0] != 0])) : nil
        case .int32: column = littleEndian(Int32.self).map { Column(type: descriptor.logicalType, values: .int32([$0])) }
        case .int64: column = littleEndian(Int64.self).map { Column(type: descriptor.logicalType, values: .int64([$0])) }
        case .float: column = littleEndian(UInt32.self).map { Column(type: .float32, values: .float32([Float(bitPattern: $0)])) }
        case .double: column = littleEndian(UInt64.self).map { Column(type: .float64, values: .float64([Double(bitPattern: $0)])) }
        case .byteArray, .fixedLenByteArray:
            column = Column(type: descriptor.logicalType,
                            values: .bytes(ByteArrays(offsets: [0, Int32(bytes.count)], data: bytes)))
        case .int96: column = nil
        }
        guard let column else { return .object([("base64", .text(Data(bytes).base64EncodedString()))]) }
        return CellReader(column: column).cell(0)
    }
}
