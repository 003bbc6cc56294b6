import Foundation
import Testing

@testable import Runtime

@Suite struct PrivateDirectoryTests {
    @Test func filesAreCreatedPrivateAndRemovedWithTheDirectory() throws {
        let directory = try PrivateDirectory()
        try directory.write(relativePath: "conf/app.conf", contents: Array("password=x\n".utf8))
        var info = stat()
        #expect(stat(directory.path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o700)
        #expect(stat(directory.path + "/conf/app.conf", &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        #expect(FileManager.default.contents(atPath: directory.path + "/conf/app.conf") == Data("password=x\n".utf8))
        directory.remove()
        #expect(!FileManager.default.fileExists(atPath: directory.path))
    }

    @Test(arguments: ["/etc/passwd", "../escape", "a/../../b", "./x", ""])
    func pathsLeavingTheDirectoryAreRefused(path: String) throws {
        let directory = try PrivateDirectory()
        defer { directory.remove() }
        #expect(throws: RuntimeError(.badFilePath, "")) { try directory.write(relativePath: path, contents: [1]) }
    }
}

@Suite struct WorkloadProcessTests {
    @Test func childSeesInjectedEnvironmentAndArgumentsAndItsExitStatusComesBack() throws {
        let process = WorkloadProcess(
            command: "sh", arguments: ["-c", "test \"$INJECTED\" = hello && test \"$1\" = arg1 && exit 7", "sh", "arg1"],
            environment: ["INJECTED": "hello", "PATH": "/usr/bin:/bin"])
        #expect(try process.run() == 7)
    }

    @Test func signalDeathIsReportedAsShellsDo() throws {
        let process = WorkloadProcess(command: "sh", arguments: ["-c", "kill -TERM $$"], environment: ["PATH": "/usr/bin:/bin"])
        let status = try process.run()
        #expect(status == 128 + SIGTERM, "status \(status)")
    }

    @Test func unknownCommandIsAClearError() {
        let process = WorkloadProcess(command: "no-such-command-xyz", arguments: [], environment: ["PATH": "/usr/bin:/bin"])
        #expect(throws: RuntimeError(.launch, "")) { try process.run() }
    }
}

@Suite struct JobHashTests {
    @Test func commandHashIsSHA256OfArgvJoinedByNUL() throws {
        // printf 'sh\0-c\0echo hi' | sha256sum
        #expect(JobHash.hex(JobHash.command(["sh", "-c", "echo hi"]))
            == JobHash.hex(JobHash.sql("sh\u{0}-c\u{0}echo hi")))
        #expect(JobHash.hex(JobHash.sql("abc")) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func hexJobHashesParseAndBadOnesAreRefused() throws {
        let hex = "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"
        #expect(try JobHash.parse(hex: hex) == JobHash.sql("abc"))
        #expect(throws: RuntimeError(.configuration, "")) { try JobHash.parse(hex: "abc") }
        #expect(throws: RuntimeError(.configuration, "")) { try JobHash.parse(hex: String(repeating: "zz", count: 32)) }
    }
}
