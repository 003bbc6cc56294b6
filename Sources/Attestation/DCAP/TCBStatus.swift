/// Intel's TCB level statuses (PCS tcbInfo v2/v3, enclave identity v2).
public enum TCBStatus: String, Sendable, Codable, CaseIterable {
    case upToDate = "UpToDate"
    case swHardeningNeeded = "SWHardeningNeeded"
    case configurationNeeded = "ConfigurationNeeded"
    case configurationAndSWHardeningNeeded = "ConfigurationAndSWHardeningNeeded"
    case outOfDate = "OutOfDate"
    case outOfDateConfigurationNeeded = "OutOfDateConfigurationNeeded"
    case revoked = "Revoked"
}

/// A TCB status with the advisories that explain it.
public struct TCBVerdict: Sendable, Equatable {
    public var status: TCBStatus
    public var advisoryIDs: [String]

    public init(status: TCBStatus, advisoryIDs: [String] = []) {
        self.status = status
        self.advisoryIDs = advisoryIDs
    }

    /// Folds the QE's (or the TDX module's) status into the platform's as Intel's QVL does
    /// (`convergeTcbStatusWithQeTcbStatus`): an out-of-date QE makes an otherwise current
    /// platform OutOfDate (OutOfDateConfigurationNeeded when configuration is also needed), a
    /// revoked one makes it Revoked; advisories are the union, platform's first.
    public func converged(with other: TCBVerdict) -> TCBVerdict {
        var status = self.status
        switch (other.status, self.status) {
        case (.revoked, _):
            status = .revoked
        case (.outOfDate, .upToDate), (.outOfDate, .swHardeningNeeded),
            (.outOfDateConfigurationNeeded, .upToDate), (.outOfDateConfigurationNeeded, .swHardeningNeeded):
            status = .outOfDate
        case (.outOfDate, .configurationNeeded), (.outOfDate, .configurationAndSWHardeningNeeded),
            (.outOfDateConfigurationNeeded, .configurationNeeded),
            (.outOfDateConfigurationNeeded, .configurationAndSWHardeningNeeded):
            status = .outOfDateConfigurationNeeded
        default:
            break
        }
        var advisories = advisoryIDs
        for id in other.advisoryIDs where !advisories.contains(id) { advisories.append(id) }
        return TCBVerdict(status: status, advisoryIDs: advisories)
    }
}
