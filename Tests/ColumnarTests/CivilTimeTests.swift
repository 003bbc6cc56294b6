import Columnar
import Foundation
import Testing

@Suite("dates, timestamps and decimals as text")
struct CivilTimeTests {
    @Test(arguments: [
        (Int64(0), "1970-01-01"), (-1, "1969-12-31"), (11_016, "2000-02-29"), (19_723, "2024-01-01"),
        (-719_528, "0000-01-01"), (2_932_896, "9999-12-31"), (2_932_897, "+10000-01-01"), (-719_529, "-0001-12-31"),
    ])
    func dates(days: Int64, text: String) {
        #expect(CivilTime.formatDate(days: days) == text)
    }

    /// Cross-check against Foundation's Gregorian calendar, which switches to the Julian
    /// calendar before October 1582 (ours is proleptic Gregorian, like Arrow and Spark 3).
    @Test func datesAgreeWithFoundation() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        for days in stride(from: Int64(-141_000), through: 2_900_000, by: 997) {
            let date = Date(timeIntervalSince1970: Double(days) * 86_400)
            let c = calendar.dateComponents([.year, .month, .day], from: date)
            let expected = String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
            #expect(CivilTime.formatDate(days: days) == expected, "day \(days)")
        }
    }

    @Test func timestamps() {
        #expect(CivilTime.formatTimestamp(micros: 1_704_164_645_123_456) == "2024-01-02T03:04:05.123456Z")
        #expect(CivilTime.formatTimestamp(micros: -1) == "1969-12-31T23:59:59.999999Z")
        #expect(CivilTime.formatTimestamp(micros: 0) == "1970-01-01T00:00:00.000000Z")
        #expect(CivilTime.formatTimeOfDay(micros: 86_399_999_999) == "23:59:59.999999")
    }

    @Test func decimals() {
        #expect(DecimalText.format(unscaled: 12345, scale: 2) == "123.45")
        #expect(DecimalText.format(unscaled: -5, scale: 3) == "-0.005")
        #expect(DecimalText.format(unscaled: 0, scale: 2) == "0.00")
        #expect(DecimalText.format(unscaled: 7, scale: 0) == "7")
        #expect(DecimalText.format(unscaled: Int64.min, scale: 4) == "-922337203685477.5808")
        // 16-byte two's complement: -1 and 10^37 + 1.
        #expect(DecimalText.format(bigEndian: ArraySlice(repeating: 0xFF, count: 16), scale: 2) == "-0.01")
        let tenTo37Plus1: [UInt8] = [0x07, 0x85, 0xEE, 0x10, 0xD5, 0xDA, 0x46, 0xD9, 0x00, 0xF4, 0x36, 0xA0, 0x00, 0x00, 0x00, 0x01]
        #expect(DecimalText.format(bigEndian: tenTo37Plus1[...], scale: 10) == "1000000000000000000000000000.0000000001")
        #expect(DecimalText.format(bigEndian: [0x00, 0x64][...], scale: 2) == "1.00")
    }
}
