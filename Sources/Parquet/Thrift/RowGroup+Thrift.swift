// RowGroup (parquet.thrift).

extension RowGroup: ThriftCodable {
    public init(from reader: inout ThriftCompactReader) throws {
        var columns: [ColumnChunk]?, totalByteSize: Int64?, numRows: Int64?
        var sorting: [SortingColumn]?, fileOffset: Int64?, totalCompressed: Int64?, ordinal: Int16?
        let saved = try reader.beginStruct()
        while let field = try reader.readFieldHeader() {
            switch (field.id, field.type) {
            case (1, .list): columns = try reader.readStructList(ColumnChunk.self, "RowGroup.columns")
            case (2, .i64): totalByteSize = try reader.readI64()
            case (3, .i64): numRows = try reader.readI64()
            case (4, .list): sorting = try reader.readStructList(SortingColumn.self, "RowGroup.sorting_columns")
            case (5, .i64): fileOffset = try reader.readI64()
            case (6, .i64): totalCompressed = try reader.readI64()
            case (7, .i16): ordinal = try reader.readI16()
            default: try reader.skip(field)
            }
        }
        reader.endStruct(saved)
        guard let columns else { throw ParquetError.missingField("RowGroup", "columns", 1) }
        guard let totalByteSize else { throw ParquetError.missingField("RowGroup", "total_byte_size", 2) }
        guard let numRows else { throw ParquetError.missingField("RowGroup", "num_rows", 3) }
        self.init(columns: columns, totalByteSize: totalByteSize, numRows: numRows)
        self.sortingColumns = sorting
        self.fileOffset = fileOffset
        self.totalCompressedSize = totalCompressed
        self.ordinal = ordinal
    }

    public func write(to writer: inout ThriftCompactWriter) {
        let saved = writer.beginStruct()
        writer.writeStructListField(1, columns)
        writer.writeI64Field(2, totalByteSize)
        writer.writeI64Field(3, numRows)
        writer.writeStructListField(4, sortingColumns)
        writer.writeI64Field(5, fileOffset)
        writer.writeI64Field(6, totalCompressedSize)
        writer.writeI16Field(7, ordinal)
        writer.endStruct(saved)
    }
}
