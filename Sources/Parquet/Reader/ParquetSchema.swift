import Columnar

/// One primitive column of the file (a leaf of the schema tree), with the levels the
/// Dremel encoding needs and the logical type the reader produces.
public struct ColumnDescriptor: Sendable, Hashable {
    public var path: [String]
    public var element: SchemaElement
    public var physicalType: PhysicalType
    public var typeLength: Int
    public var maxDefinitionLevel: Int
    public var maxRepetitionLevel: Int
    /// Index of the leaf among all leaves (= column chunk index in a row group).
    public var leafIndex: Int
    public var logicalType: DataType

    public var dottedPath: String { path.joined(separator: ".") }
}

/// How a top-level field is assembled from its leaves. Each node knows the definition and
/// repetition levels at which it exists, so record assembly is a walk over level streams.
indirect enum FieldShape: Sendable, Hashable {
    /// `def` = definition level when this value is present (non-null).
    case primitive(leaf: Int, def: Int, nullable: Bool)
    case structure(children: [FieldShape], def: Int, nullable: Bool, firstLeaf: Int)
    /// `elementDef`/`elementRep`: levels of the repeated node; an element exists when
    /// def ≥ elementDef and rep ≤ elementRep.
    case list(element: FieldShape, def: Int, nullable: Bool, elementDef: Int, elementRep: Int, firstLeaf: Int)
    case map(key: FieldShape, value: FieldShape, def: Int, nullable: Bool, elementDef: Int, elementRep: Int, firstLeaf: Int)

    var firstLeaf: Int {
        switch self {
        case .primitive(let leaf, _, _): leaf
        case .structure(_, _, _, let f), .list(_, _, _, _, _, let f), .map(_, _, _, _, _, _, let f): f
        }
    }
}

/// The file schema: the flat SchemaElement list turned into a tree of top-level fields.
public struct ParquetSchema: Sendable, Hashable {
    public let elements: [SchemaElement]
    public let columns: [ColumnDescriptor]
    /// The Columnar schema the reader produces (one field per top-level schema node).
    public let schema: Schema
    /// Leaf index range of each top-level field.
    public let fieldLeaves: [Range<Int>]
    let shapes: [FieldShape]

    public init(elements: [SchemaElement]) throws {
        guard let root = elements.first else {
            throw ParquetError(.malformed, "schema: no elements")
        }
        self.elements = elements
        var builder = SchemaTreeBuilder(elements: elements)
        let rootChildren = Int(root.numChildren ?? 0)
        guard rootChildren >= 0 else { throw ParquetError(.malformed, "schema: root has negative child count") }
        var fields: [Field] = []
        var shapes: [FieldShape] = []
        var ranges: [Range<Int>] = []
        builder.position = 1
        for _ in 0..<rootChildren {
            let start = builder.leaves.count
            let node = try builder.readNode(depth: 1)
            let (field, shape) = try builder.shape(of: node, parentDef: 0, parentRep: 0)
            fields.append(field)
            shapes.append(shape)
            ranges.append(start..<builder.leaves.count)
        }
        guard builder.position == elements.count else {
            throw ParquetError(.malformed, "schema: \(elements.count - builder.position) elements are not reachable from the root")
        }
        self.columns = builder.leaves
        self.schema = Schema(fields)
        self.fieldLeaves = ranges
        self.shapes = shapes
    }

    public func column(path: [String]) -> ColumnDescriptor? {
        columns.first { $0.path == path }
    }
}

/// A node of the schema tree before levels are assigned.
struct SchemaTreeNode {
    var element: SchemaElement
    var children: [SchemaTreeNode]
    var path: [String]
}

struct SchemaTreeBuilder {
    let elements: [SchemaElement]
    var position = 0
    var leaves: [ColumnDescriptor] = []
    var pathStack: [String] = []

    init(elements: [SchemaElement]) { self.elements = elements }

    mutating func readNode(depth: Int) throws -> SchemaTreeNode {
        guard depth < 100 else { throw ParquetError(.malformed, "schema: nesting deeper than 100 levels") }
        guard position < elements.count else {
            throw ParquetError(.malformed, "schema: element \(position) is missing (child counts exceed the element list)")
        }
        let element = elements[position]
        position += 1
        let path = pathStack + [element.name]
        let childCount = Int(element.numChildren ?? 0)
        if element.type != nil && childCount > 0 {
            throw ParquetError(.malformed, "schema: '\(path.joined(separator: "."))' has both a type and children")
        }
        if element.type == nil && element.numChildren == nil {
            throw ParquetError(.malformed, "schema: '\(path.joined(separator: "."))' has neither a type nor children")
        }
        guard childCount >= 0, childCount <= elements.count - position else {
            throw ParquetError(.malformed, "schema: '\(path.joined(separator: "."))' claims \(childCount) children")
        }
        var children: [SchemaTreeNode] = []
        pathStack.append(element.name)
        for _ in 0..<childCount { children.append(try readNode(depth: depth + 1)) }
        pathStack.removeLast()
        return SchemaTreeNode(element: element, children: children, path: path)
    }

    /// Builds the field for `node`, whose parent is defined at `parentDef`/`parentRep`.
    mutating func shape(of node: SchemaTreeNode, parentDef: Int, parentRep: Int) throws -> (Field, FieldShape) {
        let e = node.element
        let repetition = e.repetitionType ?? .optional
        if repetition == .repeated {
            // A repeated field outside a LIST annotation is a required list of required elements.
            let elementDef = parentDef + 1
            let elementRep = parentRep + 1
            let (elementField, elementShape) = try nonRepeatedShape(of: node, def: elementDef, rep: elementRep, nullable: false)
            let field = Field(e.name, .list(elementField), nullable: false)
            return (field, .list(element: elementShape, def: parentDef, nullable: false,
                                 elementDef: elementDef, elementRep: elementRep, firstLeaf: elementShape.firstLeaf))
        }
        let nullable = repetition == .optional
        return try nonRepeatedShape(of: node, def: parentDef + (nullable ? 1 : 0), rep: parentRep, nullable: nullable)
    }

    /// `def`/`rep` are this node's own levels when present.
    mutating func nonRepeatedShape(of node: SchemaTreeNode, def: Int, rep: Int, nullable: Bool) throws -> (Field, FieldShape) {
        let e = node.element
        if let physical = e.type {
            let type = try Self.logicalType(of: e, physical: physical, path: node.path)
            let descriptor = ColumnDescriptor(
                path: node.path, element: e, physicalType: physical, typeLength: Int(e.typeLength ?? 0),
                maxDefinitionLevel: def, maxRepetitionLevel: rep, leafIndex: leaves.count, logicalType: type)
            if physical == .fixedLenByteArray && (e.typeLength ?? 0) <= 0 {
                throw ParquetError(.malformed, "schema: '\(descriptor.dottedPath)' is FIXED_LEN_BYTE_ARRAY without a positive type_length")
            }
            leaves.append(descriptor)
            return (Field(e.name, type, nullable: nullable), .primitive(leaf: descriptor.leafIndex, def: def, nullable: nullable))
        }
        let isList = e.logicalType == .list || e.convertedType == .list
        let isMap = e.logicalType == .map || e.convertedType == .map || e.convertedType == .mapKeyValue
        if isList, node.children.count == 1, node.children[0].element.repetitionType == .repeated {
            return try listShape(of: node, def: def, rep: rep, nullable: nullable)
        }
        if isMap, node.children.count == 1, node.children[0].element.repetitionType == .repeated,
           node.children[0].element.type == nil, (1...2).contains(node.children[0].children.count) {
            return try mapShape(of: node, def: def, rep: rep, nullable: nullable)
        }
        guard !node.children.isEmpty else {
            throw ParquetError(.malformed, "schema: group '\(node.path.joined(separator: "."))' has no children")
        }
        var fields: [Field] = []
        var shapes: [FieldShape] = []
        for child in node.children {
            let (f, s) = try shape(of: child, parentDef: def, parentRep: rep)
            fields.append(f)
            shapes.append(s)
        }
        return (Field(e.name, .structure(fields), nullable: nullable),
                .structure(children: shapes, def: def, nullable: nullable, firstLeaf: shapes[0].firstLeaf))
    }

    /// LIST with the backward-compatibility rules of LogicalTypes.md.
    mutating func listShape(of node: SchemaTreeNode, def: Int, rep: Int, nullable: Bool) throws -> (Field, FieldShape) {
        let repeated = node.children[0]
        let elementDef = def + 1
        let elementRep = rep + 1
        let elementIsRepeatedNode = repeated.element.type != nil
            || repeated.children.count != 1
            || repeated.element.name == "array"
            || repeated.element.name == node.element.name + "_tuple"
        let elementField: Field
        let elementShape: FieldShape
        if elementIsRepeatedNode {
            (elementField, elementShape) = try nonRepeatedShape(of: repeated, def: elementDef, rep: elementRep, nullable: false)
        } else {
            (elementField, elementShape) = try shape(of: repeated.children[0], parentDef: elementDef, parentRep: elementRep)
        }
        return (Field(node.element.name, .list(elementField), nullable: nullable),
                .list(element: elementShape, def: def, nullable: nullable,
                      elementDef: elementDef, elementRep: elementRep, firstLeaf: elementShape.firstLeaf))
    }

    mutating func mapShape(of node: SchemaTreeNode, def: Int, rep: Int, nullable: Bool) throws -> (Field, FieldShape) {
        let keyValue = node.children[0]
        let elementDef = def + 1
        let elementRep = rep + 1
        let (keyField, keyShape) = try shape(of: keyValue.children[0], parentDef: elementDef, parentRep: elementRep)
        if keyValue.children.count == 1 {
            // A map without values reads as a list of its keys (as Arrow does).
            return (Field(node.element.name, .list(keyField), nullable: nullable),
                    .list(element: keyShape, def: def, nullable: nullable,
                          elementDef: elementDef, elementRep: elementRep, firstLeaf: keyShape.firstLeaf))
        }
        let (valueField, valueShape) = try shape(of: keyValue.children[1], parentDef: elementDef, parentRep: elementRep)
        return (Field(node.element.name, .map(key: keyField, value: valueField), nullable: nullable),
                .map(key: keyShape, value: valueShape, def: def, nullable: nullable,
                     elementDef: elementDef, elementRep: elementRep, firstLeaf: keyShape.firstLeaf))
    }

    static func logicalType(of e: SchemaElement, physical: PhysicalType, path: [String]) throws -> DataType {
        if let logical = e.logicalType {
            switch logical {
            case .string: return .string
            case .json: return .json
            case .enumeration: return .enumeration
            case .bson: return .binary
            case .uuid: return physical == .fixedLenByteArray ? .uuid : .fixedBinary(Int(e.typeLength ?? 0))
            case .float16: return .float16
            case .date: return .date
            case .decimal(let scale, let precision):
                return .decimal(precision: Int(precision), scale: Int(scale))
            case .time(let utc, let unit): return .time(TimeUnit(unit), utc: utc)
            case .timestamp(let utc, let unit): return .timestamp(TimeUnit(unit), utc: utc)
            case .integer(let bits, let signed):
                switch (bits, signed) {
                case (8, true): return .int8
                case (16, true): return .int16
                case (32, true): return .int32
                case (64, true): return .int64
                case (8, false): return .uint8
                case (16, false): return .uint16
                case (32, false): return .uint32
                case (64, false): return .uint64
                default: throw ParquetError(.malformed, "schema: '\(path.joined(separator: "."))' has an integer annotation of \(bits) bits")
                }
            case .unknown, .map, .list, .variant, .geometry, .geography, .unrecognized:
                break
            }
        }
        if let converted = e.convertedType {
            switch converted {
            case .utf8: return .string
            case .json: return .json
            case .enumeration: return .enumeration
            case .decimal:
                return .decimal(precision: Int(e.precision ?? 0), scale: Int(e.scale ?? 0))
            case .date: return .date
            case .timeMillis: return .time(.millis, utc: true)
            case .timeMicros: return .time(.micros, utc: true)
            case .timestampMillis: return .timestamp(.millis, utc: true)
            case .timestampMicros: return .timestamp(.micros, utc: true)
            case .int8: return .int8
            case .int16: return .int16
            case .int32: return .int32
            case .int64: return .int64
            case .uint8: return .uint8
            case .uint16: return .uint16
            case .uint32: return .uint32
            case .uint64: return .uint64
            default: break
            }
        }
        switch physical {
        case .boolean: return .boolean
        case .int32: return .int32
        case .int64: return .int64
        case .int96: return .timestamp(.micros, utc: true)  // Spark's reading: exact for all dates
        case .float: return .float32
        case .double: return .float64
        case .byteArray: return .binary
        case .fixedLenByteArray: return .fixedBinary(Int(e.typeLength ?? 0))
        }
    }
}

extension TimeUnit {
    init(_ unit: TimeUnitKind) {
        switch unit {
        case .millis: self = .millis
        case .micros: self = .micros
        case .nanos: self = .nanos
        }
    }
}
