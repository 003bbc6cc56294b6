import CASCore
import Crypto
import Foundation

/// What a job is, as the 32-byte hash bound into its evidence and pinned by a policy's `job_hash`
/// (ARCHITECTURE.md "What a job hash means"): a canonical JSON description of the code that
/// runs, domain-separated by kind, hashed as SHA-256("strongroom-job-v1\n" ‖ canonical JSON).
/// Nobody claims a hash: `strongroom` computes it from what it is about to run, and
/// `--print-job-hash` / `--print-job` on `query`, `run` and `spark submit` print the same value (and
/// the description) for owners to pin.
public struct JobManifest: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// `strongroom query`: the SQL text.
        case query
        /// `strongroom run`: the program's bytes (and its #! interpreter's), every code file, argv,
        /// the environment given to it, the code bundle.
        case run
        /// `strongroom spark submit` / `query --engine spark`: the Spark runtime (java, jars), the
        /// application's files and the spark-submit arguments.
        case spark
        /// A Spark executor: the Spark runtime it runs (java, jars). Its authority is a grant from
        /// the attested driver, which computed this same value from its own installation.
        case sparkExecutor = "spark-executor"
    }

    public let kind: Kind
    /// The canonical description (an object with "kind" and the kind's fields).
    public let description: JSONValue

    public init(kind: Kind, fields: [String: JSONValue]) {
        var object = fields
        object["kind"] = .string(kind.rawValue)
        self.kind = kind
        self.description = .object(object)
    }

    public var canonicalJSON: String { CanonicalJSON.string(description) }

    public var hash: [UInt8] {
        Array(SHA256.hash(data: Array("strongroom-job-v1\n".utf8) + CanonicalJSON.encode(description)))
    }

    public var hashHex: String { Hex.encode(hash) }

    // MARK: Kinds

    public static func query(sql: String) -> JobManifest {
        JobManifest(kind: .query, fields: ["sql": .string(sql)])
    }
}
