extension CASClient {
    /// Runs `body` with the client and shuts it down afterwards, error or not.
    public func using<T>(_ body: (CASClient) async throws -> T) async throws -> T {
        do {
            let result = try await body(self)
            try? await shutdown()
            return result
        } catch {
            try? await shutdown()
            throw error
        }
    }
}
