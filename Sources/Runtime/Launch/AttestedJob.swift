import CASClient
import Foundation

/// An attested command as one library call (`strongroom run`, `strongroom spark executor`):
/// attest to CAS with the job's hash, launch the command with the policy's injection (its code
/// bundle unpacked, a KMS proxy when asked), shut the session down, return the command's exit
/// status. CAS refusing the attestation is thrown as a `RuntimeError` whose `isRefusal` is true,
/// so a caller can tell a refusal from a failed launch.
public struct AttestedJob: Sendable {
    /// What the evidence binds (its hash is the job hash policies pin).
    public var manifest: JobManifest
    public var command: [String]
    /// The absolute program the job hash covers; nil: resolved on PATH.
    public var executable: String?
    public var baseEnvironment: [String: String]
    /// Sealed code (`strongroom code seal`): unpacked after attestation; it must be sealed for the
    /// policy attested against.
    public var codeBundle: [UInt8]?
    /// Serve a KMS proxy to the command for as long as it runs (the session stays open for it).
    public var kmsProxy = false
    public var guardian: PrivateDirectoryGuardian?

    public init(manifest: JobManifest, command: [String], executable: String?, baseEnvironment: [String: String]) {
        self.manifest = manifest
        self.command = command
        self.executable = executable
        self.baseEnvironment = baseEnvironment
    }

    /// `strongroom run`'s job: its manifest, program, environment and code bundle.
    public init(_ job: RunJob, inherited environment: [String: String]) throws(RuntimeError) {
        self.init(manifest: try job.manifest(), command: job.command, executable: try job.program(),
                  baseEnvironment: job.baseEnvironment(inherited: environment))
        codeBundle = job.bundle
    }

    /// Attests through `client` (the session owns it from then on and shuts it down) and runs.
    public func run(attestation: RuntimeAttestation, client: CASClient) async throws -> Int32 {
        let session = try await attestation.attest(client: client, jobHash: manifest.hash)
        do {
            let status = try await launch(with: session).run()
            await session.shutdown()
            return status
        } catch {
            await session.shutdown()
            throw error
        }
    }

    private func launch(with session: AttestedSession) throws -> AttestedLaunch {
        var launch = AttestedLaunch(command: command, configuration: session.configuration, baseEnvironment: baseEnvironment)
        launch.executable = executable
        launch.guardian = guardian
        if let codeBundle {
            let source = try CodeBundleSource(bytes: codeBundle, kms: session.kmsClient())
            guard source.bundle.policy == session.policy else {
                throw RuntimeError(.configuration, "the code bundle was sealed for policy \(source.bundle.policy), not \(session.policy)")
            }
            launch.codeBundle = source
        }
        if kmsProxy {
            // The parent keeps the session (and its token) for the proxy while the command runs.
            launch.kmsProxy = KMSProxyGrant(kms: session.kmsClient(), unwrap: Set(session.configuration.unwrap),
                                            wrap: Set(session.configuration.wrap))
        }
        return launch
    }
}
