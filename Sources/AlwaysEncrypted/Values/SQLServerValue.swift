/// A plaintext SQL Server value and its Always Encrypted serialization.
///
/// Before encryption, a value is brought into the "normalized" form of normalization rule
/// version 1 (the form SqlClient produces and SQL Server expects; it differs from the TDS wire
/// form so that values convert across related types):
///
/// | type | normalized bytes |
/// |---|---|
/// | bit, tinyint, smallint, int, bigint | 8-byte two's complement, little-endian |
/// | real / float | IEEE 754 binary32 / binary64, little-endian (NaN and ±∞ refused) |
/// | decimal(p, s) | sign byte (1 = positive or zero, 0 = negative) ‖ 16-byte little-endian magnitude at scale s |
/// | date | 3-byte little-endian days since 0001-01-01 |
/// | datetime2(n) | 5-byte little-endian 100 ns ticks since midnight (truncated to n digits) ‖ 3-byte date |
/// | nchar(n), nvarchar | UTF-16LE, no length prefix; nchar padded with spaces to n |
/// | char(n), varchar | bytes in the collation's code page; char padded with spaces to n |
/// | binary(n), varbinary | the bytes; binary padded with zeros to n |
public enum SQLServerValue: Sendable, Hashable {
    case bit(Bool)
    case tinyint(UInt8)
    case smallint(Int16)
    case int(Int32)
    case bigint(Int64)
    case real(Float)
    case float(Double)
    case decimal(SQLDecimal)
    case date(SQLDate)
    case datetime2(SQLDateTime2)
    /// Text for char, varchar, nchar and nvarchar columns.
    case string(String)
    /// Bytes for binary and varbinary columns.
    case binary([UInt8])

    public static let normalizationRuleVersion: UInt8 = 1

    // MARK: Serialize

    /// The bytes to encrypt for a column of `type`. Integer values widen to any integer column
    /// that holds them; `real` widens to `float`; integers and decimals fit decimal columns
    /// exactly or are refused (never rounded).
    public func normalized(as type: SQLServerType) throws(AlwaysEncryptedError) -> [UInt8] {
        try type.validate()
        switch type {
        case .bit:
            guard case let .bit(flag) = self else { throw mismatch(type) }
            return littleEndian(Int64(flag ? 1 : 0), byteCount: 8)
        case .tinyint, .smallint, .int, .bigint:
            guard let value = integerValue, type.integerRange!.contains(value) else {
                throw integerValue == nil ? mismatch(type) : outOfRange(type)
            }
            return littleEndian(value, byteCount: 8)
        case .real:
            guard case let .real(value) = self else { throw mismatch(type) }
            guard value.isFinite else { throw outOfRange(type) }
            return littleEndian(Int64(value.bitPattern), byteCount: 4)
        case .float:
            let value: Double
            switch self {
            case let .float(v): value = v
            case let .real(v): value = Double(v)
            default: throw mismatch(type)
            }
            guard value.isFinite else { throw outOfRange(type) }
            return littleEndian(Int64(bitPattern: value.bitPattern), byteCount: 8)
        case let .decimal(precision, scale):
            let number: SQLDecimal
            switch self {
            case let .decimal(v): number = try v.rescaled(to: scale)
            default:
                guard let value = integerValue else { throw mismatch(type) }
                number = try SQLDecimal(unscaled: Int128(value), scale: 0).rescaled(to: scale)
            }
            guard number.digitCount <= precision else { throw outOfRange(type) }
            var bytes: [UInt8] = [number.unscaled < 0 ? 0 : 1]
            var magnitude = number.unscaled.magnitude
            for _ in 0..<16 {
                bytes.append(UInt8(truncatingIfNeeded: magnitude))
                magnitude >>= 8
            }
            return bytes
        case .date:
            guard case let .date(date) = self else { throw mismatch(type) }
            return littleEndian(Int64(date.dayNumber), byteCount: 3)
        case let .datetime2(scale):
            guard case let .datetime2(value) = self else { throw mismatch(type) }
            let kept = value.truncated(toScale: scale)
            return littleEndian(kept.timeTicks, byteCount: 5) + littleEndian(Int64(kept.date.dayNumber), byteCount: 3)
        case let .nchar(length):
            guard case let .string(text) = self else { throw mismatch(type) }
            let units = text.utf16.count
            guard units <= length else { throw tooLong(type) }
            return utf16LittleEndian(text + String(repeating: " ", count: length - units))
        case let .nvarchar(maxLength):
            guard case let .string(text) = self else { throw mismatch(type) }
            guard maxLength.map({ text.utf16.count <= $0 }) ?? true else { throw tooLong(type) }
            return utf16LittleEndian(text)
        case let .char(length, encoding):
            guard case let .string(text) = self else { throw mismatch(type) }
            let bytes = try encode(text, encoding)
            guard bytes.count <= length else { throw tooLong(type) }
            return bytes + Array(repeating: 0x20, count: length - bytes.count)
        case let .varchar(maxLength, encoding):
            guard case let .string(text) = self else { throw mismatch(type) }
            let bytes = try encode(text, encoding)
            guard maxLength.map({ bytes.count <= $0 }) ?? true else { throw tooLong(type) }
            return bytes
        case let .binary(length):
            guard case let .binary(bytes) = self else { throw mismatch(type) }
            guard bytes.count <= length else { throw tooLong(type) }
            return bytes + Array(repeating: 0, count: length - bytes.count)
        case let .varbinary(maxLength):
            guard case let .binary(bytes) = self else { throw mismatch(type) }
            guard maxLength.map({ bytes.count <= $0 }) ?? true else { throw tooLong(type) }
            return bytes
        }
    }

    // MARK: Deserialize

    /// Reads a decrypted normalized value of a column of `type`. Refuses wrong lengths,
    /// out-of-range values and invalid text with `.truncated`, `.valueOutOfRange` or
    /// `.invalidEncoding`; never traps on bad input.
    public init(normalized bytes: [UInt8], as type: SQLServerType) throws(AlwaysEncryptedError) {
        try type.validate()
        func expect(_ count: Int) throws(AlwaysEncryptedError) {
            guard bytes.count == count else {
                throw AlwaysEncryptedError(.truncated, "normalized \(type) value must be \(count) bytes, got \(bytes.count)")
            }
        }
        switch type {
        case .bit:
            try expect(8)
            let value = readLittleEndian(bytes[...])
            guard value == 0 || value == 1 else { throw outOfRange(type) }
            self = .bit(value == 1)
        case .tinyint, .smallint, .int, .bigint:
            try expect(8)
            let value = readLittleEndian(bytes[...])
            guard type.integerRange!.contains(value) else { throw outOfRange(type) }
            switch type {
            case .tinyint: self = .tinyint(UInt8(value))
            case .smallint: self = .smallint(Int16(value))
            case .int: self = .int(Int32(value))
            default: self = .bigint(value)
            }
        case .real:
            try expect(4)
            let value = Float(bitPattern: UInt32(truncatingIfNeeded: readLittleEndian(bytes[...])))
            guard value.isFinite else { throw outOfRange(type) }
            self = .real(value)
        case .float:
            try expect(8)
            let value = Double(bitPattern: UInt64(bitPattern: readLittleEndian(bytes[...])))
            guard value.isFinite else { throw outOfRange(type) }
            self = .float(value)
        case let .decimal(precision, scale):
            try expect(17)
            guard bytes[0] <= 1 else { throw outOfRange(type) }
            var magnitude: UInt128 = 0
            for byte in bytes[1...].reversed() { magnitude = magnitude << 8 | UInt128(byte) }
            guard magnitude < SQLDecimal.powerOfTen(precision) else { throw outOfRange(type) }
            self = .decimal(try SQLDecimal(unscaled: bytes[0] == 1 ? Int128(magnitude) : -Int128(magnitude), scale: scale))
        case .date:
            try expect(3)
            self = .date(try SQLDate(dayNumber: Int32(readLittleEndian(bytes[...]))))
        case .datetime2:
            try expect(8)
            let date = try SQLDate(dayNumber: Int32(readLittleEndian(bytes[5..<8])))
            self = .datetime2(try SQLDateTime2(date: date, timeTicks: readLittleEndian(bytes[0..<5])))
        case .nchar, .nvarchar:
            guard bytes.count % 2 == 0 else {
                throw AlwaysEncryptedError(.invalidEncoding, "UTF-16 text has an odd number of bytes")
            }
            let limit: Int? = switch type {
            case let .nchar(length): length
            case let .nvarchar(maxLength): maxLength
            default: nil
            }
            guard limit.map({ bytes.count / 2 <= $0 }) ?? true else { throw tooLong(type) }
            var units: [UInt16] = []
            units.reserveCapacity(bytes.count / 2)
            for i in stride(from: 0, to: bytes.count, by: 2) { units.append(UInt16(bytes[i]) | UInt16(bytes[i + 1]) << 8) }
            guard let text = String(validating: units, as: UTF16.self) else {
                throw AlwaysEncryptedError(.invalidEncoding, "text is not valid UTF-16")
            }
            self = .string(text)
        case let .char(length, encoding):
            guard bytes.count <= length else { throw tooLong(type) }
            self = .string(try decode(bytes, encoding))
        case let .varchar(maxLength, encoding):
            guard maxLength.map({ bytes.count <= $0 }) ?? true else { throw tooLong(type) }
            self = .string(try decode(bytes, encoding))
        case let .binary(length):
            guard bytes.count <= length else { throw tooLong(type) }
            self = .binary(bytes)
        case let .varbinary(maxLength):
            guard maxLength.map({ bytes.count <= $0 }) ?? true else { throw tooLong(type) }
            self = .binary(bytes)
        }
    }

    private var integerValue: Int64? {
        switch self {
        case let .tinyint(v): Int64(v)
        case let .smallint(v): Int64(v)
        case let .int(v): Int64(v)
        case let .bigint(v): v
        default: nil
        }
    }

    private var kindName: String {
        switch self {
        case .bit: "bit"
        case .tinyint: "tinyint"
        case .smallint: "smallint"
        case .int: "int"
        case .bigint: "bigint"
        case .real: "real"
        case .float: "float"
        case .decimal: "decimal"
        case .date: "date"
        case .datetime2: "datetime2"
        case .string: "string"
        case .binary: "binary"
        }
    }

    private func mismatch(_ type: SQLServerType) -> AlwaysEncryptedError {
        AlwaysEncryptedError(.typeMismatch, "a \(kindName) value cannot be stored in a \(type) column")
    }
}

private func outOfRange(_ type: SQLServerType) -> AlwaysEncryptedError {
    AlwaysEncryptedError(.valueOutOfRange, "value is out of range for \(type)")
}

private func tooLong(_ type: SQLServerType) -> AlwaysEncryptedError {
    AlwaysEncryptedError(.valueOutOfRange, "value is longer than \(type) allows")
}

extension SQLServerType {
    var integerRange: ClosedRange<Int64>? {
        switch self {
        case .tinyint: 0...255
        case .smallint: Int64(Int16.min)...Int64(Int16.max)
        case .int: Int64(Int32.min)...Int64(Int32.max)
        case .bigint: Int64.min...Int64.max
        default: nil
        }
    }
}

private func littleEndian(_ value: Int64, byteCount: Int) -> [UInt8] {
    (0..<byteCount).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
}

/// Unsigned little-endian read of up to 8 bytes (sign-extends nothing; 8 bytes give the
/// two's-complement Int64).
private func readLittleEndian(_ bytes: ArraySlice<UInt8>) -> Int64 {
    var value: UInt64 = 0
    for (shift, byte) in bytes.enumerated() { value |= UInt64(byte) << (8 * UInt64(shift)) }
    return Int64(bitPattern: value)
}

// MARK: Code pages

private func encode(_ text: String, _ encoding: SQLServerType.VarcharEncoding) throws(AlwaysEncryptedError) -> [UInt8] {
    switch encoding {
    case .utf8:
        return Array(text.utf8)
    case .windows1252:
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            if let byte = Windows1252.byte(for: scalar) {
                bytes.append(byte)
            } else {
                throw AlwaysEncryptedError(.invalidEncoding, "text has a character that code page 1252 cannot hold")
            }
        }
        return bytes
    }
}

private func decode(_ bytes: [UInt8], _ encoding: SQLServerType.VarcharEncoding) throws(AlwaysEncryptedError) -> String {
    switch encoding {
    case .utf8:
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw AlwaysEncryptedError(.invalidEncoding, "text is not valid UTF-8")
        }
        return text
    case .windows1252:
        var scalars = String.UnicodeScalarView()
        for byte in bytes { scalars.append(Windows1252.scalar(for: byte)) }
        return String(scalars)
    }
}

/// Code page 1252: Latin-1 except 0x80...0x9F. The five bytes Windows leaves undefined map to
/// the C1 controls of the same value, as Windows' own conversion does.
enum Windows1252 {
    static let high: [UInt32] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    ]

    static func scalar(for byte: UInt8) -> Unicode.Scalar {
        if (0x80...0x9F).contains(byte) { return Unicode.Scalar(high[Int(byte) - 0x80])! }
        return Unicode.Scalar(byte)
    }

    static func byte(for scalar: Unicode.Scalar) -> UInt8? {
        let value = scalar.value
        if value < 0x80 || (0xA0...0xFF).contains(value) { return UInt8(value) }
        if let index = high.firstIndex(of: value) { return UInt8(0x80 + index) }
        return nil
    }
}
