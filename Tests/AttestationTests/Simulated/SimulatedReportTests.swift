import Attestation
import Testing

@Suite struct SimulatedReportTests {
    static func sample() -> SimulatedReport {
        SimulatedReport(
            measurement: [UInt8](repeating: 0xAB, count: 48), reportData: (0..<64).map { UInt8($0) },
            issuedAt: 0x0102_0304_0506_0708, pid: 0x1122_3344, debug: true,
            nodeKeyID: [UInt8](repeating: 0xCD, count: 32), signature: [UInt8](repeating: 0xEF, count: 64))
    }

    @Test func layoutIsTheDocumentedOne() {
        let bytes = Self.sample().encoded()
        #expect(bytes.count == 240)
        #expect(Array(bytes[0..<8]) == Array("SRSIMRPT".utf8))
        #expect(Array(bytes[8..<12]) == [1, 0, 0, 0])
        #expect(Array(bytes[12..<16]) == [1, 0, 0, 0])
        #expect(Array(bytes[16..<64]) == [UInt8](repeating: 0xAB, count: 48))
        #expect(Array(bytes[64..<128]) == (0..<64).map { UInt8($0) })
        #expect(Array(bytes[128..<160]) == [UInt8](repeating: 0xCD, count: 32))
        #expect(Array(bytes[160..<168]) == [8, 7, 6, 5, 4, 3, 2, 1])
        #expect(Array(bytes[168..<172]) == [0x44, 0x33, 0x22, 0x11])
        #expect(Array(bytes[172..<176]) == [0, 0, 0, 0])
        #expect(Array(bytes[176..<240]) == [UInt8](repeating: 0xEF, count: 64))
        #expect(Self.sample().signedBytes() == Array(bytes[0..<176]))
    }

    @Test func parseRoundTrips() throws {
        let report = Self.sample()
        #expect(try SimulatedReport.parse(report.encoded()) == report)
    }

    @Test func truncatedReportIsRefused() {
        let bytes = Self.sample().encoded()
        let error = #expect(throws: AttestationError.self) { try SimulatedReport.parse(Array(bytes.prefix(239))) }
        #expect(error?.code == .malformedEvidence)
        #expect(error?.message.contains("239 bytes, expected 240") == true)
        #expect(throws: AttestationError.self) { try SimulatedReport.parse([]) }
    }

    @Test(arguments: [
        (0, "magic at offset 0"), (8, "version at offset 8"), (13, "flags at offset 12"), (173, "reserved at offset 172"),
    ])
    func corruptFieldIsNamedWithItsOffset(offset: Int, expected: String) {
        var bytes = Self.sample().encoded()
        bytes[offset] ^= 0x40
        let error = #expect(throws: AttestationError.self) { try SimulatedReport.parse(bytes) }
        #expect(error?.code == .malformedEvidence)
        #expect(error?.message.contains(expected) == true, "\(error?.message ?? "")")
    }
}
