import CASCore
import SQLStorage

extension CASStoreError {
    /// A connection's error in the store's terms: the same code where one exists, `backend`
    /// otherwise; the original stays as the cause.
    init(_ error: SQLStorageError) {
        let code: Code =
            switch error.code {
            case .conflict: .conflict
            case .corrupt: .corrupt
            case .invalidLocation: .invalidLocation
            case .closed: .closed
            default: .backend
            }
        self.init(code, error.message, cause: error)
    }

    /// Any error thrown while using the database: store errors pass through, connection
    /// errors are translated.
    static func translating(_ error: any Error) -> any Error {
        (error as? SQLStorageError).map { CASStoreError($0) } ?? error
    }
}
