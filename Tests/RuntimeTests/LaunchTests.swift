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
    @Test func childSeesInjectedEnvironmentAndArgumentsAndItsExitStatusComesBack() async throws {
        let process = WorkloadProcess(
            command: "sh", arguments: ["-c", "test \"$INJECTED\" = hello && test \"$1\" = arg1 && exit 7", "sh", "arg1"],
            environment: ["INJECTED": "hello", "PATH": "/usr/bin:/bin"])
        #expect(try await process.run() == 7)
    }

    @Test func signalDeathIsReportedAsShellsDo() async throws {
        let process = WorkloadProcess(command: "sh", arguments: ["-c", "kill -TERM $$"], environment: ["PATH": "/usr/bin:/bin"])
        let status = try await process.run()
        #expect(status == 128 + SIGTERM, "status \(status)")
    }

    /// A long-running child is not killed when the thread that awaited its start goes idle
    /// (PR_SET_PDEATHSIG follows the forking thread: children are forked by one permanent thread).
    @Test func aChildOutlivesTheThreadThatStartedIt() async throws {
        let process = WorkloadProcess(command: "sh", arguments: ["-c", "sleep 12; exit 3"], environment: ["PATH": "/usr/bin:/bin"])
        let status = try await process.run()
        #expect(status == 3, "status \(status) (137: killed when a pool thread retired)")
    }

    @Test func unknownCommandIsAClearError() async {
        let process = WorkloadProcess(command: "no-such-command-xyz", arguments: [], environment: ["PATH": "/usr/bin:/bin"])
        await #expect(throws: RuntimeError(.launch, "")) { try await process.run() }
    }
}

@Suite struct JobManifestTests {
    @Test func queryHashIsDomainSeparatedCanonicalJSON() throws {
        // printf 'strongroom-job-v1\n{"kind":"query","sql":"abc"}' | sha256sum
        #expect(JobManifest.query(sql: "abc").hashHex == "350e3f9959ab39bd9702d5ed8496b200f4bbc68c886a9dc86df2db67e584b322")
        #expect(JobManifest.query(sql: "abc").canonicalJSON == #"{"kind":"query","sql":"abc"}"#)
    }

    @Test func aRunJobNeverHasTheHashOfAQueryWithTheSameText() throws {
        let sql = "SELECT 1"
        let run = try RunJob(command: ["sh", "-c", sql], searchPath: "/usr/bin:/bin").manifest()
        #expect(run.kind == .run)
        #expect(run.hash != JobManifest.query(sql: sql).hash)
        #expect(run.hash != JobManifest.query(sql: "sh\u{0}-c\u{0}" + sql).hash)
    }

    @Test func theRunHashCoversProgramCodeFilesEnvironmentAndPath() throws {
        let directory = NSTemporaryDirectory() + "/sr-job-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let script = directory + "/job.py"
        try "print('approved')\n".write(toFile: script, atomically: true, encoding: .utf8)
        let job = RunJob(command: ["sh", script], searchPath: "/usr/bin:/bin")
        let approved = try job.manifest()
        // The same again: stable.
        #expect(try job.manifest().hash == approved.hash)
        // A changed code file named as an argument changes the job.
        try "print('exfiltrate')\n".write(toFile: script, atomically: true, encoding: .utf8)
        #expect(try job.manifest().hash != approved.hash)
        try "print('approved')\n".write(toFile: script, atomically: true, encoding: .utf8)
        // So do an added variable, another PATH, another program, an extra --code file, a bundle.
        #expect(try RunJob(command: ["sh", script], environment: ["PYTHONSTARTUP": "/tmp/x"], searchPath: "/usr/bin:/bin").manifest().hash != approved.hash)
        #expect(try RunJob(command: ["sh", script], searchPath: "/bin:/usr/bin").manifest().hash != approved.hash)
        #expect(try RunJob(command: ["bash", script], searchPath: "/usr/bin:/bin").manifest().hash != approved.hash)
        #expect(try RunJob(command: ["sh", script], codePaths: [directory], searchPath: "/usr/bin:/bin").manifest().hash != approved.hash)
        #expect(try RunJob(command: ["sh", script], bundle: [1, 2, 3], searchPath: "/usr/bin:/bin").manifest().hash != approved.hash)
    }

    @Test func aScriptsInterpreterIsPartOfTheJob() throws {
        let directory = NSTemporaryDirectory() + "/sr-job-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let script = directory + "/tool"
        try "#!/usr/bin/env sh\necho hi\n".write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o755)
        let manifest = try RunJob(command: [script], searchPath: "/usr/bin:/bin").manifest()
        #expect(manifest.canonicalJSON.contains(#""interpreter":{"path":"/usr/bin/sh""#))
    }

    @Test func onlyHarmlessInheritedVariablesReachTheCommandUnhashed() {
        let job = RunJob(command: ["true"], environment: ["GIVEN": "1"], searchPath: "/usr/bin:/bin")
        let environment = job.baseEnvironment(inherited: [
            "HOME": "/root", "LANG": "C.UTF-8", "LC_ALL": "C", "LD_PRELOAD": "/tmp/evil.so", "PYTHONPATH": "/tmp",
            "JAVA_TOOL_OPTIONS": "-javaagent:/tmp/a.jar", "PATH": "/tmp/evil-bin",
        ])
        #expect(environment == ["HOME": "/root", "LANG": "C.UTF-8", "LC_ALL": "C", "PATH": "/usr/bin:/bin", "GIVEN": "1"])
    }
}
