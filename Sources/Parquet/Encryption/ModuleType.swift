/// The encrypted parts of a Parquet file (Encryption.md §4.4.2); the raw value is the
/// module-type byte of the AAD suffix.
public enum ModuleType: UInt8, Sendable, CaseIterable {
    case footer = 0
    case columnMetaData = 1
    case dataPage = 2
    case dictionaryPage = 3
    case dataPageHeader = 4
    case dictionaryPageHeader = 5
    case columnIndex = 6
    case offsetIndex = 7
    case bloomFilterHeader = 8
    case bloomFilterBitset = 9

    /// Footer AADs carry no ordinals; every other module has row group and column ordinals.
    public var hasRowGroupAndColumnOrdinals: Bool { self != .footer }

    /// Only data pages and their headers carry a page ordinal.
    public var hasPageOrdinal: Bool { self == .dataPage || self == .dataPageHeader }

    /// Page payloads: the modules AES_GCM_CTR_V1 encrypts with CTR instead of GCM.
    public var isPageData: Bool { self == .dataPage || self == .dictionaryPage }

    var name: String {
        switch self {
        case .footer: "footer"
        case .columnMetaData: "column metadata"
        case .dataPage: "data page"
        case .dictionaryPage: "dictionary page"
        case .dataPageHeader: "data page header"
        case .dictionaryPageHeader: "dictionary page header"
        case .columnIndex: "column index"
        case .offsetIndex: "offset index"
        case .bloomFilterHeader: "bloom filter header"
        case .bloomFilterBitset: "bloom filter bitset"
        }
    }
}
