import Testing
import Parquet

@Suite struct ModuleAADTests {
    let file: [UInt8] = [0xAA, 0xBB]

    @Test func layoutPerModuleType() throws {
        #expect(try ModuleAAD.make(fileAAD: file, module: .footer) == [0xAA, 0xBB, 0])
        #expect(try ModuleAAD.make(fileAAD: file, module: .columnMetaData, rowGroup: 1, column: 2) == [0xAA, 0xBB, 1, 1, 0, 2, 0])
        #expect(try ModuleAAD.make(fileAAD: file, module: .dataPage, rowGroup: 0x0102, column: 3, page: 0x7FFF) == [0xAA, 0xBB, 2, 2, 1, 3, 0, 0xFF, 0x7F])
        #expect(try ModuleAAD.make(fileAAD: file, module: .dataPageHeader, rowGroup: 0, column: 0, page: 5) == [0xAA, 0xBB, 4, 0, 0, 0, 0, 5, 0])
        for type in [ModuleType.dictionaryPage, .dictionaryPageHeader, .columnIndex, .offsetIndex, .bloomFilterHeader, .bloomFilterBitset] {
            #expect(try ModuleAAD.make(fileAAD: file, module: type, rowGroup: 7, column: 9) == [0xAA, 0xBB, type.rawValue, 7, 0, 9, 0])
        }
    }

    @Test func moduleTypeCodesFollowTheSpec() {
        #expect(ModuleType.allCases.map(\.rawValue) == Array(0...9))
        #expect(ModuleType.allCases.filter(\.hasPageOrdinal) == [.dataPage, .dataPageHeader])
        #expect(ModuleType.allCases.filter(\.isPageData) == [.dataPage, .dictionaryPage])
    }

    @Test func rejectsOutOfRangeAndMisplacedOrdinals() {
        let bad = ParquetError(.invalidArgument, "")
        #expect(throws: bad) { try ModuleAAD.make(fileAAD: file, module: .dataPage, rowGroup: 0, column: 0, page: 32768) }
        #expect(throws: bad) { try ModuleAAD.make(fileAAD: file, module: .columnIndex, rowGroup: Int(Int16.max) + 1, column: 0) }
        #expect(throws: bad) { try ModuleAAD.make(fileAAD: file, module: .columnIndex, rowGroup: -1, column: 0) }
        #expect(throws: bad) { try ModuleAAD.make(fileAAD: file, module: .footer, rowGroup: 0) }
        #expect(throws: bad) { try ModuleAAD.make(fileAAD: file, module: .dataPage, rowGroup: 0, column: 0) }
        #expect(throws: bad) { try ModuleAAD.make(fileAAD: file, module: .dictionaryPage, rowGroup: 0, column: 0, page: 1) }
        #expect(throws: bad) { try ModuleAAD.make(fileAAD: file, module: .offsetIndex, rowGroup: 0) }
    }

    @Test func pageOrdinalPatchedInPlace() throws {
        var aad = try ModuleAAD.make(fileAAD: file, module: .dataPage, rowGroup: 1, column: 1, page: 0)
        try ModuleAAD.setPageOrdinal(300, in: &aad)
        #expect(aad == (try ModuleAAD.make(fileAAD: file, module: .dataPage, rowGroup: 1, column: 1, page: 300)))
        #expect(throws: ParquetError(.invalidArgument, "")) { try ModuleAAD.setPageOrdinal(40000, in: &aad) }
    }

    @Test func fileAADFromAlgorithm() throws {
        let stored = EncryptionAlgorithm.aesGcmV1(aadPrefix: [1, 2], aadFileUnique: [9], supplyAadPrefix: nil)
        #expect(try FileAAD(algorithm: stored, suppliedAadPrefix: nil).bytes == [1, 2, 9])
        #expect(try FileAAD(algorithm: stored, suppliedAadPrefix: [1, 2]).bytes == [1, 2, 9])
        #expect(throws: ParquetError(.authentication, "")) { try FileAAD(algorithm: stored, suppliedAadPrefix: [1, 3]) }
        let notStored = EncryptionAlgorithm.aesGcmCtrV1(aadPrefix: nil, aadFileUnique: [9], supplyAadPrefix: true)
        #expect(throws: ParquetError(.missingKey, "")) { try FileAAD(algorithm: notStored, suppliedAadPrefix: nil) }
        #expect(try FileAAD(algorithm: notStored, suppliedAadPrefix: [5]).bytes == [5, 9])
    }
}
