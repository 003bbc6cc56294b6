import Columnar

/// Turns level streams back into nested columns (the Dremel record assembly).
/// A node's slots are the level entries with rep ≤ slotRep and def ≥ slotDef: one per
/// value of that node, including nulls, in order.
struct RecordAssembler {
    let leaves: [LeafData]
    let descriptors: [ColumnDescriptor]

    func assemble(_ shape: FieldShape, type: DataType) throws -> Column {
        try build(shape, type: type, slotRep: 0, slotDef: 0)
    }

    private func slots(of leaf: Int, slotRep: Int, slotDef: Int) -> [Int] {
        let data = leaves[leaf]
        let def = data.definitionLevels
        let rep = data.repetitionLevels
        var out: [Int] = []
        out.reserveCapacity(data.entryCount)
        for i in 0..<data.entryCount {
            if let rep, Int(rep[i]) > slotRep { continue }
            if let def, Int(def[i]) < slotDef { continue }
            out.append(i)
        }
        return out
    }

    private func build(_ shape: FieldShape, type: DataType, slotRep: Int, slotDef: Int) throws -> Column {
        switch shape {
        case .primitive(let leaf, let presentDef, let nullable):
            return try primitive(leaf: leaf, type: type, presentDef: presentDef, nullable: nullable,
                                 slotRep: slotRep, slotDef: slotDef)

        case .structure(let children, let def, let nullable, let firstLeaf):
            guard case .structure(let fields) = type else { throw mismatch(type) }
            let validity = nullable ? presence(leaf: firstLeaf, slotRep: slotRep, slotDef: slotDef, presentDef: def) : nil
            var columns: [Column] = []
            for (child, field) in zip(children, fields) {
                columns.append(try build(child, type: field.type, slotRep: slotRep, slotDef: slotDef))
            }
            return Column(type: type, values: .structure(columns), validity: validity.flatMap { $0.contains(false) ? $0 : nil })

        case .list(let element, let def, let nullable, let elementDef, let elementRep, let firstLeaf):
            guard case .list(let elementField) = type else { throw mismatch(type) }
            let (offsets, validity) = listOffsets(leaf: firstLeaf, slotRep: slotRep, slotDef: slotDef, listDef: def,
                                                  nullable: nullable, elementRep: elementRep, elementDef: elementDef)
            let child = try build(element, type: elementField.type, slotRep: elementRep, slotDef: elementDef)
            return Column(type: type, values: .list(offsets: offsets, child: child), validity: validity)

        case .map(let key, let value, let def, let nullable, let elementDef, let elementRep, let firstLeaf):
            guard case .map(let keyField, let valueField) = type else { throw mismatch(type) }
            let (offsets, validity) = listOffsets(leaf: firstLeaf, slotRep: slotRep, slotDef: slotDef, listDef: def,
                                                  nullable: nullable, elementRep: elementRep, elementDef: elementDef)
            let keys = try build(key, type: keyField.type, slotRep: elementRep, slotDef: elementDef)
            let values = try build(value, type: valueField.type, slotRep: elementRep, slotDef: elementDef)
            return Column(type: type, values: .map(offsets: offsets, keys: keys, values: values), validity: validity)
        }
    }

    private func mismatch(_ type: DataType) -> ParquetError {
        ParquetError(.malformed, "schema shape does not match type \(type)")
    }

    private func presence(leaf: Int, slotRep: Int, slotDef: Int, presentDef: Int) -> [Bool]? {
        // A flat leaf has at most one optional level, which is then this node's.
        if let validity = leaves[leaf].denseValidity { return validity }
        guard let def = leaves[leaf].definitionLevels else { return nil }
        return slots(of: leaf, slotRep: slotRep, slotDef: slotDef).map { Int(def[$0]) >= presentDef }
    }

    private func primitive(leaf: Int, type: DataType, presentDef: Int, nullable: Bool,
                           slotRep: Int, slotDef: Int) throws -> Column {
        let data = leaves[leaf]
        if let validity = data.denseValidity {
            return Column(type: type, values: data.values, validity: validity)
        }
        // Flat fast path: every entry is a slot.
        if data.repetitionLevels == nil && slotDef == 0 {
            guard let def = data.definitionLevels else {
                return Column(type: type, values: data.values)
            }
            var present = [Bool](repeating: false, count: def.count)
            var allPresent = true
            def.withUnsafeBufferPointer { d in
                present.withUnsafeMutableBufferPointer { p in
                    let want = Int32(presentDef)
                    for i in 0..<d.count {
                        let isPresent = d[i] >= want
                        p[i] = isPresent
                        allPresent = allPresent && isPresent
                    }
                }
            }
            if allPresent { return Column(type: type, values: data.values) }
            return Column(type: type, values: data.values.scattered(present: present), validity: present)
        }
        let slotEntries = slots(of: leaf, slotRep: slotRep, slotDef: slotDef)
        guard let def = data.definitionLevels else {
            return Column(type: type, values: data.values)
        }
        let present = slotEntries.map { Int(def[$0]) >= presentDef }
        if !present.contains(false) { return Column(type: type, values: data.values) }
        return Column(type: type, values: data.values.scattered(present: present), validity: nullable ? present : nil)
    }

    /// Offsets of a list (or map) node and its validity.
    private func listOffsets(leaf: Int, slotRep: Int, slotDef: Int, listDef: Int, nullable: Bool,
                             elementRep: Int, elementDef: Int) -> ([Int32], [Bool]?) {
        let data = leaves[leaf]
        var offsets: [Int32] = [0]
        var validity: [Bool] = []
        var elements: Int32 = 0
        var anyNull = false
        for i in 0..<data.entryCount {
            let r = data.repetitionLevels.map { Int($0[i]) } ?? 0
            let d = data.definitionLevels.map { Int($0[i]) } ?? Int.max
            if r <= slotRep && d >= slotDef {
                if !validity.isEmpty { offsets.append(elements) }
                let present = !nullable || d >= listDef
                anyNull = anyNull || !present
                validity.append(present)
            }
            if r <= elementRep && d >= elementDef { elements += 1 }
        }
        if !validity.isEmpty { offsets.append(elements) }
        return (offsets, anyNull ? validity : nil)
    }
}
