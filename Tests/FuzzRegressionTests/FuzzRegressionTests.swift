import Foundation
import FuzzTargets
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Every input kept in Tests/FuzzRegressions/<target>/ (seeds, and each crash a fuzzer found,
/// added when it was fixed) goes through its target again: a regression crashes this process,
/// which fails the run. The same targets run under libFuzzer in scripts/fuzz.sh.
@Suite struct FuzzRegressionTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("FuzzRegressions").path
    static let vectors: String = {
        let given = ProcessInfo.processInfo.environment["STRONGROOM_VECTORS"] ?? ""
        if !given.isEmpty { return given }
        return URL(fileURLWithPath: root).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/vectors").path
    }()

    @Test(arguments: FuzzTarget.allCases)
    func keptInputsStillParseWithoutACrash(_ target: FuzzTarget) throws {
        let files = try FuzzInputs.files(at: Self.root + "/" + target.rawValue)
        #expect(!files.isEmpty, "every target keeps at least one input in Tests/FuzzRegressions/\(target.rawValue)")
        for file in files { target.run(try FuzzInputs.read(file)) }
    }

    @Test func everyKeptFolderNamesATarget() throws {
        let folders = try FileManager.default.contentsOfDirectory(atPath: Self.root).filter { !$0.hasPrefix(".") }
        let names = Set(FuzzTarget.allCases.map(\.rawValue))
        #expect(Set(folders) == names)
    }

    /// The seeds scripts/fuzz.sh takes from ../shared/vectors exist (a renamed folder would
    /// silently leave a target fuzzing from nothing), and they too parse without a crash.
    @Test(arguments: FuzzTarget.allCases.filter { !$0.vectorSeeds.isEmpty })
    func vectorSeedsExistAndParse(_ target: FuzzTarget) throws {
        let files = target.vectorSeeds.flatMap { Self.glob(Self.vectors + "/" + $0) }
        #expect(!files.isEmpty, "\(target.vectorSeeds) matched nothing under \(Self.vectors)")
        for file in files { target.run(try FuzzInputs.read(file)) }
    }

    static func glob(_ pattern: String) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        guard Glibc.glob(pattern, 0, nil, &result) == 0 else { return [] }
        return (0..<Int(result.gl_pathc)).compactMap { result.gl_pathv[$0].map { String(cString: $0) } }
    }
}
