import CASClient
import CASCore
import Foundation
import Runtime

/// A Spark application as one library call (`strongroom spark submit`, `strongroom query
/// --engine spark`): attest as the driver with the Spark job's hash, obtain the grant executors
/// of a cluster attest with, run spark-submit under the KMS proxy while watching its stderr for
/// executors CAS refused, shut the session down. Without CAS (development keys), the same launch
/// with a local KMS proxy.
public struct AttestedSparkJob: Sendable {
    public var installation: SparkInstallation
    /// spark-submit's arguments (the application and its arguments last).
    public var arguments: [String]
    /// Spark master URL; nil: spark-submit's default.
    public var master: String?
    public var guardian: PrivateDirectoryGuardian?

    /// How executors of a cluster attest: as `service`, through the same CAS and evidence as the
    /// driver, with the grant the driver obtains.
    public struct Executors: Sendable {
        public var service: String
        public var casURL: String
        public var caFile: String?
        public var agentSocket: String
        public var evidence: String

        public init(service: String, casURL: String, caFile: String?, agentSocket: String, evidence: String) {
            self.service = service
            self.casURL = casURL
            self.caFile = caFile
            self.agentSocket = agentSocket
            self.evidence = evidence
        }
    }

    /// How the application ended; `refusedExecutors` names the executors CAS refused (the usual
    /// reason a job with attested executors fails).
    public struct Outcome: Sendable {
        public var status: Int32
        public var refusedExecutors: [String]
    }

    public init(installation: SparkInstallation, arguments: [String], master: String?) {
        self.installation = installation
        self.arguments = arguments
        self.master = master
    }

    /// Attested: `executors` nil runs the executors unattested, which only a local master does.
    public func run(attestation: RuntimeAttestation, client: CASClient, executors: Executors?) async throws -> Outcome {
        let jobs = try installation.jobs(arguments: arguments)
        let session = try await attestation.attest(client: client, jobHash: jobs.driver.hash)
        do {
            var executorAttestation: AttestedSparkLaunch.ExecutorAttestation?
            if let executors {
                let grant = try await session.grant(helperService: executors.service, helperJob: jobs.executor)
                executorAttestation = .init(
                    casURL: executors.casURL, caFile: executors.caFile, policy: attestation.policy, service: executors.service,
                    agentSocket: executors.agentSocket, evidence: executors.evidence, grant: grant)
            }
            let grant = KMSProxyGrant(kms: session.kmsClient(), unwrap: Set(session.configuration.unwrap), wrap: Set(session.configuration.wrap))
            let outcome = try await launch(executors: executorAttestation, configuration: session.configuration, kmsProxy: grant)
            await session.shutdown()
            return outcome
        } catch {
            await session.shutdown()
            throw error
        }
    }

    /// Unattested, with development keys behind the KMS proxy (or none).
    public func run(localKeys: KMSProxyGrant?) async throws -> Outcome {
        try await launch(executors: nil, configuration: .init(), kmsProxy: localKeys)
    }

    private func launch(executors: AttestedSparkLaunch.ExecutorAttestation?, configuration: ServiceConfiguration,
                        kmsProxy: KMSProxyGrant?) async throws -> Outcome {
        let spark = AttestedSparkLaunch(installation: installation, master: master, executors: executors)
        let watch = ExecutorRefusalWatch()
        var launch = AttestedLaunch(command: spark.command(userArguments: arguments), configuration: configuration,
                                    baseEnvironment: spark.environment(), kmsProxy: kmsProxy)
        launch.guardian = guardian
        launch.stderrObserver = { watch.observe($0) }
        let status = try await launch.run()
        return Outcome(status: status, refusedExecutors: status == 0 ? [] : watch.refusals)
    }
}
