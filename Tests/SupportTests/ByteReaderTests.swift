import Testing

@testable import Support

struct Truncated: ByteReaderFailure, Equatable {
    var message: String
    static func truncated(_ message: String) -> Truncated { Truncated(message: message) }
}

@Suite struct ByteReaderTests {
    @Test func readsBothOrdersAtOffsetsAndThroughTheCursor() throws {
        let bytes: [UInt8] = [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0xff]
        let little = ByteReader<Truncated>(bytes, context: "x")
        #expect(try little.u16(at: 0, "a") == 0x0201)
        #expect(try little.u32(at: 0, "a") == 0x0403_0201)
        #expect(try little.u64(at: 0, "a") == 0x0807_0605_0403_0201)
        let big = ByteReader<Truncated>(bytes, context: "x", order: .bigEndian)
        #expect(try big.u32(at: 0, "a") == 0x0102_0304)
        var cursor = ByteReader<Truncated>(bytes, context: "x", order: .bigEndian)
        #expect(try cursor.u16("a") == 0x0102)
        #expect(try cursor.read(2, "b") == [0x03, 0x04])
        #expect(cursor.offset == 4 && cursor.remaining == 5)
        #expect(try cursor.sized(5, "c") == [0x05, 0x06, 0x07, 0x08, 0xff])
    }

    @Test func shortInputNamesStructureFieldAndOffsetAndNeverTraps() {
        let r = ByteReader<Truncated>([1, 2, 3], context: "SNP report")
        let error = #expect(throws: Truncated.self) { try r.u32(at: 1, "VERSION") }
        #expect(error?.message == "SNP report truncated: VERSION needs 4 bytes at offset 1 (0x1), 2 left")
        for (offset, count) in [(-1, 1), (0, -1), (Int.max, 2), (3, 1)] {
            #expect(throws: Truncated.self) { _ = try r.bytes(at: offset, count, "f") }
        }
        var cursor = ByteReader<Truncated>([1], context: "q")
        #expect(throws: Truncated.self) { _ = try cursor.sized(UInt32.max, "blob") }
        #expect(throws: Truncated.self) { _ = try cursor.u16("short") }
        #expect(cursor.offset == 0)  // a failed read does not move the cursor
    }
}
