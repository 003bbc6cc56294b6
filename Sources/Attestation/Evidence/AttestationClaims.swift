/// What verified evidence says about a workload, in one model for every TEE kind.
/// The policy engine evaluates only these claims, never raw evidence.
public struct AttestationClaims: Sendable, Codable, Equatable {
    public var kind: TEEKind
    /// Lowercase hex of the launch measurement: SEV-SNP MEASUREMENT, TDX MRTD, SGX MRENCLAVE,
    /// simulated: SHA-384 of the workload's executable.
    public var measurement: String
    /// The 64 bytes the workload bound into its evidence (SHA-512(nonce ‖ runtime key ‖ job hash)).
    public var reportData: [UInt8]
    /// The TEE runs in a debug mode whose memory the host can read.
    public var debug: Bool
    /// Evidence from the simulated TEE: no hardware protection at all.
    public var simulated: Bool
    /// TCB evaluation result where the kind has one ("UpToDate", "OutOfDate", …) and its advisories.
    public var tcbStatus: String?
    public var advisoryIDs: [String]
    /// Kind-specific values a policy may pin, keyed by their policy names, values as lowercase hex
    /// or decimal text: "host_data", "policy", "mrsigner", "isv_prod_id", "isv_svn", "mrconfigid",
    /// "rtmr0"…"rtmr3", "tcb.bootloader", "tcb.snp", "node_key_id", "pid"…
    public var values: [String: String]

    public init(
        kind: TEEKind, measurement: String, reportData: [UInt8], debug: Bool, simulated: Bool,
        tcbStatus: String? = nil, advisoryIDs: [String] = [], values: [String: String] = [:]
    ) {
        self.kind = kind
        self.measurement = measurement
        self.reportData = reportData
        self.debug = debug
        self.simulated = simulated
        self.tcbStatus = tcbStatus
        self.advisoryIDs = advisoryIDs
        self.values = values
    }
}
