/// Platform requirements an SNPVerifier enforces itself, beyond signatures and chains. The
/// defaults refuse nothing: the policy (PolicyEvaluator) decides debug and TCB minimums from the
/// claims; these exist for deployments that want the verifier to refuse early.
public struct SNPRequirements: Sendable, Hashable {
    /// Every reported TCB component must be at least this one's (component-wise).
    public var minimumTCB: SNPTCB?
    /// Highest VMPL accepted (0 = only the most privileged level may have requested the report).
    public var maximumVMPL: UInt32?
    public var allowDebug: Bool
    public var allowMigrationAgent: Bool
    public var allowSMT: Bool
    /// Refuse evidence without a `crl` collateral entry.
    public var requireCRL: Bool

    public init(
        minimumTCB: SNPTCB? = nil, maximumVMPL: UInt32? = nil, allowDebug: Bool = true,
        allowMigrationAgent: Bool = true, allowSMT: Bool = true, requireCRL: Bool = false
    ) {
        self.minimumTCB = minimumTCB
        self.maximumVMPL = maximumVMPL
        self.allowDebug = allowDebug
        self.allowMigrationAgent = allowMigrationAgent
        self.allowSMT = allowSMT
        self.requireCRL = requireCRL
    }
}
