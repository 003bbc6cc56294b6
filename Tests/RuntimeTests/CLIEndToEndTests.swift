import Foundation
import Testing

@testable import Runtime

/// The built `strongroom` binary against a real CAS and agent: the agent measures the CLI
/// process, so these policies pin the SHA-384 of `.build/debug/strongroom`.
@Suite(.serialized) struct CLIEndToEndTests {
    static let cliMeasurement = CASFixture.measure(CASFixture.cliPath)

    @Test func runInjectsEnvironmentArgumentsAndFilesAndRemovesThePrivateDirectory() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: CASFixture.cliPath), "build the strongroom product first")
        try await CASFixture.with { cas in
            try await cas.applyPolicy(cliMeasurement: Self.cliMeasurement)
            let run = try await CLIRun.strongroom([
                "run", "--cas", cas.baseURL, "--policy", CASFixture.policyName, "--service", "cli", "--agent", cas.agentSocket,
                "--", "sh", "-c", "echo $VAR; cat $STRONGROOM_PRIVATE_DIR/conf/x; echo; echo \"$1\"; echo $STRONGROOM_PRIVATE_DIR; exit 3",
                "sh",
            ])
            #expect(run.status == 3, "\(run.stderr)")
            let lines = run.stdout.split(separator: "\n").map(String.init)
            #expect(lines.count == 4, "\(run.stdout)")
            guard lines.count == 4 else { return }
            #expect(lines[0] == "injected-value")
            #expect(lines[1] == "file-from-policy")
            #expect(lines[2] == "policy-arg")
            #expect(!FileManager.default.fileExists(atPath: lines[3]), "private directory \(lines[3]) must be gone")
            #expect(!run.stderr.contains("injected-value") && !run.stderr.contains("file-from-policy"))
        }
    }

    @Test func runIsRefusedForAnotherBinary() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: CASFixture.cliPath), "build the strongroom product first")
        try await CASFixture.with { cas in
            // The policy pins some other measurement: the CLI's is not in it.
            try await cas.applyPolicy()
            let run = try await CLIRun.strongroom([
                "run", "--cas", cas.baseURL, "--policy", CASFixture.policyName, "--service", "cli", "--agent", cas.agentSocket,
                "--", "sh", "-c", "echo should-not-run",
            ])
            #expect(run.status == 1)
            #expect(!run.stdout.contains("should-not-run"))
            #expect(run.stderr.contains("CAS refused attestation: measurement \(Self.cliMeasurement)"), "\(run.stderr)")
        }
    }

    @Test func queryThroughCASReadsDataEncryptedThroughCASAndWritesEncryptedResults() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: CASFixture.cliPath), "build the strongroom product first")
        try await CASFixture.with { cas in
            try await cas.applyPolicy(cliMeasurement: Self.cliMeasurement)
            let identity = cas.directory + "/alice.json"
            try cas.owner.write(to: identity)
            let plain = cas.directory + "/plain.parquet"
            let sample = try await CLIRun.strongroom(["parquet", "write-sample", plain, "--rows", "500"])
            try #require(sample.status == 0, "\(sample.stderr)")

            // Owner encrypts through CAS: master keys stay in CAS.
            let encrypted = cas.directory + "/enc"
            try FileManager.default.createDirectory(atPath: encrypted, withIntermediateDirectories: true)
            let encryptedFile = encrypted + "/trips.parquet"
            let encrypt = try await CLIRun.strongroom([
                "data", "encrypt", plain, encryptedFile, "--cas", cas.baseURL, "--policy", CASFixture.policyName,
                "--master-key", "data", "--identity", identity, "--column-key", "data:s,i64",
            ])
            try #require(encrypt.status == 0, "\(encrypt.stderr)")
            let unreadable = try await CLIRun.strongroom(["parquet", "cat", encryptedFile])
            #expect(unreadable.status != 0)

            let sql = "SELECT i32, s, i64 FROM t WHERE i32 < 20 ORDER BY i32, i64, s"
            let expected = try await CLIRun.strongroom(["query", "--sql", sql, "--table", "t=" + plain, "--format", "csv"])
            try #require(expected.status == 0, "\(expected.stderr)")
            let attested = try await CLIRun.strongroom([
                "query", "--sql", sql, "--table", "t=" + encrypted, "--format", "csv",
                "--cas", cas.baseURL, "--policy", CASFixture.policyName, "--service", "cli", "--agent", cas.agentSocket,
            ])
            #expect(attested.status == 0, "\(attested.stderr)")
            #expect(attested.stdout == expected.stdout)
            #expect(attested.stdout.split(separator: "\n").count > 2)

            // Results encrypted under the policy's results key.
            let results = cas.directory + "/results.parquet"
            let written = try await CLIRun.strongroom([
                "query", "--sql", sql, "--table", "t=" + encrypted, "--output", results,
                "--cas", cas.baseURL, "--policy", CASFixture.policyName, "--service", "cli", "--agent", cas.agentSocket,
            ])
            #expect(written.status == 0, "\(written.stderr)")
            #expect(FileManager.default.fileExists(atPath: results))
            let noKeys = try await CLIRun.strongroom(["parquet", "cat", results])
            #expect(noKeys.status != 0)
            let wrongKeys = cas.directory + "/wrong-keys.json"
            try Data(#"{"results": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}"#.utf8).write(to: URL(fileURLWithPath: wrongKeys))
            let withWrongKeys = try await CLIRun.strongroom(["parquet", "cat", results, "--keys", wrongKeys])
            #expect(withWrongKeys.status != 0)

            // The `reader` service may unwrap the results key; `cli` may not.
            let readBack = try await CLIRun.strongroom([
                "query", "--sql", "SELECT * FROM r ORDER BY i32, i64, s", "--table", "r=" + results, "--format", "csv",
                "--cas", cas.baseURL, "--policy", CASFixture.policyName, "--service", "reader", "--agent", cas.agentSocket,
            ])
            #expect(readBack.status == 0, "\(readBack.stderr)")
            #expect(readBack.stdout == expected.stdout)
            let refused = try await CLIRun.strongroom([
                "query", "--sql", "SELECT * FROM r", "--table", "r=" + results,
                "--cas", cas.baseURL, "--policy", CASFixture.policyName, "--service", "cli", "--agent", cas.agentSocket,
            ])
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("may not unwrap with master key results"), "\(refused.stderr)")
        }
    }
}
