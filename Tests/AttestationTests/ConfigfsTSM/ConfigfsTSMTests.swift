import Support
import Attestation
import Foundation
import Testing

/// configfs-tsm against a temporary directory laid out like
/// /sys/kernel/config/tsm/report/<entry>/ whose outblob is a real recorded report.
@Suite struct ConfigfsTSMTests {
    let reportData = (0..<64).map { UInt8(255 - $0) }

    func layOut(_ dir: TemporaryDirectory, entry: String, outblob: [UInt8], provider: String) throws {
        try FileManager.default.createDirectory(atPath: dir.path + "/" + entry, withIntermediateDirectories: true)
        try dir.write(entry + "/inblob", [])
        try dir.write(entry + "/outblob", outblob)
        try dir.write(entry + "/provider", Array("\(provider)\n".utf8))
        try dir.write(entry + "/generation", Array("7\n".utf8))
    }

    @Test func sevSNPReportComesThroughUnchanged() throws {
        let dir = try TemporaryDirectory()
        let recorded = try Vectors.bytes("amd-sev-snp/go-sev-guest/attestation.bin")
        try layOut(dir, entry: "e1", outblob: recorded, provider: "sev_guest")
        let evidence = try ConfigfsTSM(root: dir.path).evidence(reportData: reportData, entry: "e1")
        #expect(evidence.kind == .sevSNP)
        #expect(evidence.report == recorded)
        #expect(evidence.collateral.isEmpty)
        // The 64 bytes went to inblob.
        #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: dir.path + "/e1/inblob"))) == reportData)
        // The right fields, per ATTESTATION_EXPECTED.json.
        let fields = try SNPReportFields(report: evidence.report)
        #expect(fields.version == 2)
        #expect(fields.policy == 0x0000_0000_000b_0000)
        #expect(LowercaseHex.encode(fields.measurement)
            == "b07af9620f3b839b47996422ddec6058338951d984e312115131ea82705eaf5b6bdf8a9ece31a5a608eb0cf2e4872b01")
        #expect(fields.reportData == [1, 2, 3, 4, 5] + [UInt8](repeating: 0, count: 59))
    }

    @Test func tdxQuoteComesThroughUnchanged() throws {
        let dir = try TemporaryDirectory()
        let recorded = try Vectors.bytes("intel-tdx/dcap-qvl/tdx_quote")
        try layOut(dir, entry: "td", outblob: recorded, provider: "tdx_guest")
        try dir.write("td/auxblob", [9, 9, 9])
        let evidence = try ConfigfsTSM(root: dir.path).evidence(reportData: reportData, entry: "td")
        #expect(evidence.kind == .tdx)
        #expect(evidence.report == recorded)
        #expect(evidence.collateral["auxblob"] == [9, 9, 9])
        let fields = try TDXQuoteFields(quote: evidence.report)
        #expect(fields.version == 4)
        #expect(LowercaseHex.encode(fields.mrTD)
            == "91eb2b44d141d4ece09f0c75c2c53d247a3c68edd7fafe8a3520c942a604a407de03ae6dc5f87f27428b2538873118b7")
        #expect(LowercaseHex.encode(fields.rtmrs[0])
            == "44c0197b39157fdd7a4dcc44767f9d6b0bb3977c7a8e347b8492f827fe9d9e5c48aca29b220b80b6a540cf994b9bc9c0")
        #expect(LowercaseHex.encode(fields.reportData)
            == "9a9d48e7f6799642d3d1b34e1e5e1742d4bb02dd6ddd551862c1211d35c304f9eca3efdbb481601c163cf52493d6e44aed55d51ec39b7e518fadb92c2b523f20")
    }

    @Test func tdxVersion5QuoteFieldsAreFound() throws {
        let fields = try TDXQuoteFields(quote: try Vectors.bytes("intel-tdx/trustee/tdx_quote_5.dat"))
        #expect(fields.version == 5)
        #expect(LowercaseHex.encode(fields.mrTD)
            == "dfba221b48a22af8511542ee796603f37382800840dcd978703909bf8e64d4c8a1e9de86e7c9638bfcba422f3886400a")
        #expect(LowercaseHex.encode(fields.reportData)
            == "6d6ab13b046cff606ac0074be13981b07b6325dba10b5facc96febf551c0c3be2b75f92fe1f88f4bb996969ad0174b4b7a70261b7b85c844f4b33a4674fd049f")
    }

    @Test func truncatedOrForeignReportsGiveClearErrors() throws {
        let snp = try Vectors.bytes("amd-sev-snp/go-sev-guest/attestation.bin")
        let shortSNP = #expect(throws: AttestationError.self) { try SNPReportFields(report: Array(snp.prefix(100))) }
        #expect(shortSNP?.message.contains("100 bytes") == true)
        let tdx = try Vectors.bytes("intel-tdx/dcap-qvl/tdx_quote")
        let shortTDX = #expect(throws: AttestationError.self) { try TDXQuoteFields(quote: Array(tdx.prefix(300))) }
        #expect(shortTDX?.message.contains("offset") == true)
        #expect(throws: AttestationError.self) { try TDXQuoteFields(quote: try Vectors.bytes("intel-sgx/dcap-qvl/sgx_quote")) }
        #expect(throws: AttestationError.self) { try TDXQuoteFields(quote: []) }
    }

    @Test func unknownProviderIsRefused() throws {
        let dir = try TemporaryDirectory()
        try layOut(dir, entry: "x", outblob: [1, 2, 3], provider: "arm_cca_guest")
        let error = #expect(throws: AttestationError.self) {
            try ConfigfsTSM(root: dir.path).evidence(reportData: reportData, entry: "x")
        }
        #expect(error?.code == .unsupportedKind)
    }

    @Test func directoryWithoutTSMIsRefusedAndTheEntryRemoved() throws {
        let dir = try TemporaryDirectory()
        let error = #expect(throws: AttestationError.self) { try ConfigfsTSM(root: dir.path).evidence(reportData: reportData) }
        #expect(error?.code == .evidenceUnavailable)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
        let missing = #expect(throws: AttestationError.self) {
            try ConfigfsTSM(root: dir.path + "/absent").evidence(reportData: reportData)
        }
        #expect(missing?.code == .evidenceUnavailable)
    }

    @Test func wrongReportDataSizeIsRefused() throws {
        let dir = try TemporaryDirectory()
        try layOut(dir, entry: "e", outblob: [1], provider: "sev_guest")
        #expect(throws: AttestationError.self) { try ConfigfsTSM(root: dir.path).evidence(reportData: [1, 2], entry: "e") }
        #expect(throws: AttestationError.self) { try ConfigfsTSM(root: dir.path).evidence(reportData: reportData, entry: "../e") }
    }

    /// `generation` as a FIFO that answers each read with a higher number: another writer
    /// between our write and read. Every attempt must be rejected.
    @Test func changingGenerationIsRetriedThenRefused() throws {
        let dir = try TemporaryDirectory()
        try layOut(dir, entry: "race", outblob: [1, 2, 3], provider: "sev_guest")
        let fifo = dir.path + "/race/generation"
        unlink(fifo)
        #expect(mkfifo(fifo, 0o600) == 0)
        let attempts = 3
        let writer = Thread {
            var generation = 1
            let deadline = Date().addingTimeInterval(20)
            while generation <= attempts * 2, Date() < deadline {
                let fd = open(fifo, O_WRONLY | O_NONBLOCK)
                if fd < 0 {
                    usleep(1000)
                    continue
                }
                let text = Array("\(generation)\n".utf8)
                _ = text.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                close(fd)
                generation += 1
                usleep(20_000)  // let the reader see EOF and close before the next writer opens
            }
        }
        writer.start()
        let error = #expect(throws: AttestationError.self) {
            try ConfigfsTSM(root: dir.path, maxAttempts: attempts).evidence(reportData: reportData, entry: "race")
        }
        #expect(error?.code == .evidenceUnavailable)
        #expect(error?.message.contains("generation changed") == true, "\(error?.message ?? "")")
    }
}
