/// The SQL Server column types Strongroom maps, as the encryption metadata describes them.
/// Lengths are in the column's units: characters for `nchar`/`nvarchar` (UTF-16 code units),
/// bytes for `char`/`varchar`/`binary`/`varbinary`; `nil` means `max`.
public enum SQLServerType: Sendable, Hashable {
    case bit
    case tinyint, smallint, int, bigint
    /// `real` = float(24), 4 bytes.
    case real
    /// `float` = float(53), 8 bytes.
    case float
    case decimal(precision: Int, scale: Int)
    case date
    case datetime2(scale: Int)
    case char(length: Int, encoding: VarcharEncoding = .windows1252)
    case varchar(maxLength: Int?, encoding: VarcharEncoding = .windows1252)
    case nchar(length: Int)
    case nvarchar(maxLength: Int?)
    case binary(length: Int)
    case varbinary(maxLength: Int?)

    /// The code page of a `char`/`varchar` column's collation. Always Encrypted stores the bytes
    /// of that code page (deterministic columns need a `*_BIN2` collation).
    public enum VarcharEncoding: Sendable, Hashable {
        /// Code page 1252 (Latin1_General_*, SQL_Latin1_General_CP1_*).
        case windows1252
        /// `*_UTF8` collations (SQL Server 2019 and later).
        case utf8
    }

    /// Refuses declarations SQL Server refuses (precision 1...38, scale ≤ precision, datetime2
    /// scale 0...7, lengths 1...8000 bytes / 1...4000 characters).
    public func validate() throws(AlwaysEncryptedError) {
        func check(_ ok: Bool, _ what: String) throws(AlwaysEncryptedError) {
            if !ok { throw AlwaysEncryptedError(.valueOutOfRange, "invalid column type: \(what)") }
        }
        switch self {
        case .bit, .tinyint, .smallint, .int, .bigint, .real, .float, .date: return
        case let .decimal(precision, scale):
            try check((1...38).contains(precision) && (0...precision).contains(scale), "decimal(\(precision), \(scale))")
        case let .datetime2(scale):
            try check((0...7).contains(scale), "datetime2(\(scale))")
        case let .char(length, _), let .binary(length):
            try check((1...8000).contains(length), "length \(length)")
        case let .nchar(length):
            try check((1...4000).contains(length), "nchar(\(length))")
        case let .varchar(maxLength, _), let .varbinary(maxLength):
            if let maxLength { try check((1...8000).contains(maxLength), "length \(maxLength)") }
        case let .nvarchar(maxLength):
            if let maxLength { try check((1...4000).contains(maxLength), "nvarchar(\(maxLength))") }
        }
    }

    /// 100 ns ticks per unit of the last kept digit at time scale `scale` (0...7).
    static func ticksPerUnit(scale: Int) -> Int64 {
        var unit: Int64 = 1
        for _ in 0..<(7 - min(max(scale, 0), 7)) { unit *= 10 }
        return unit
    }
}
