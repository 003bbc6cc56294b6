import ArgumentParser
import CASClient
import CASCore
import Foundation
import Policy

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Export and verify CAS's tamper-evident audit log.",
        subcommands: [AuditExportCommand.self, AuditVerifyCommand.self])
}

struct AuditExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the audit chain as JSON lines (entries, then signed checkpoints).")

    @OptionGroup var connection: CASConnectionOptions

    @Option(help: "Administrator or auditor identity file.")
    var identity: String

    @Option(help: "Output file; standard output when omitted.")
    var out: String?

    func run() async throws {
        let auditor = try OwnerIdentity.read(from: identity)
        let export = try await connection.client().using { try await $0.exportAudit(as: auditor) }
        if let out {
            try Data(export.jsonLines.utf8).write(to: URL(fileURLWithPath: out), options: .atomic)
            StandardError.write("\(export.entries.count) entries, \(export.checkpoints.count) checkpoints written to \(out)\n")
        } else {
            print(export.jsonLines, terminator: "")
        }
    }
}

struct AuditVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Recompute the hash chain and check the signed checkpoints; fails on any changed, reordered or missing entry.")

    @Option(help: "An exported audit file (JSON lines).")
    var file: String?

    @Option(help: "CAS base URL to read the chain from (instead of --file).")
    var cas: String?

    @Option(help: "The CAS CA certificate (PEM); default $STRONGROOM_CAS_CA.")
    var ca: String?

    @Option(help: "Administrator or auditor identity (with --cas).")
    var identity: String?

    @Option(help: "JWKS file with the CAS audit key (pin it; with --cas the default is CAS's own /.well-known/jwks.json).")
    var jwks: String?

    @Option(help: "text or json.")
    var format: VerifyFormat = .text

    @Option(help: "SEQ:HASH — a head pinned earlier (last_seq:last_hash of a previous verify): fail unless the log extends it.")
    var since: String?

    enum VerifyFormat: String, ExpressibleByArgument { case text, json }

    func validate() throws {
        if (file == nil) == (cas == nil) { throw ValidationError("give exactly one of --file and --cas") }
        if cas != nil && identity == nil { throw ValidationError("--cas needs --identity (administrator or auditor)") }
        if file != nil && jwks == nil { throw ValidationError("--file needs --jwks (the CAS's signing keys)") }
    }

    func run() async throws {
        let pinned = try since.map { try AuditVerifier.PinnedHead(text: $0) }
        var export: AuditExport
        var keys: JWKS?
        if let jwks {
            guard let data = FileManager.default.contents(atPath: jwks) else { throw CLIError("cannot read \(jwks)") }
            keys = try JWKS(json: [UInt8](data))
        }
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else { throw CLIError("cannot read \(file)") }
            export = try AuditExport(jsonLines: String(decoding: data, as: UTF8.self))
        } else {
            let auditor = try OwnerIdentity.read(from: identity!)
            let client = try CASClient(baseURL: cas!, caFile: ca ?? ProcessInfo.processInfo.environment["STRONGROOM_CAS_CA"])
            let pinned = keys
            (export, keys) = try await client.using { client in
                let export = try await client.exportAudit(as: auditor)
                if let pinned { return (export, pinned) }
                return (export, try await client.jwks())
            }
        }
        switch AuditVerifier.verify(entries: export.entries, checkpoints: export.checkpoints, jwks: keys!, since: pinned) {
        case .intact(let summary):
            if format == .json {
                print(#"{"verified":true,"entries":\#(summary.entryCount),"last_seq":\#(summary.lastSeq),"last_hash":"\#(summary.lastHash)","checkpoints":\#(summary.checkpointCount),"uncheckpointed":\#(summary.uncheckpointedEntries)}"#)
            } else {
                print("audit chain intact: \(summary.entryCount) entries, last seq \(summary.lastSeq), \(summary.checkpointCount) signed checkpoints"
                      + (pinned.map { ", extends the pinned head at seq \($0.seq)" } ?? "")
                      + "\nhead: \(summary.lastSeq):\(summary.lastHash) (pin it: strongroom audit verify --since \(summary.lastSeq):\(summary.lastHash))")
            }
        case .broken(let failure):
            if format == .json {
                print(#"{"verified":false,"seq":\#(failure.seq),"kind":"\#(failure.kind.rawValue)"}"#)
            }
            throw CLIError("audit chain broken at seq \(failure.seq) (\(failure.kind.rawValue)): \(failure.reason)")
        }
    }
}
