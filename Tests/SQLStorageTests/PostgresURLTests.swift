import Logging
import SQLStorage
import Testing

@Suite("PostgresURL")
struct PostgresURLTests {
    @Test func urlsParseLikeLibpq() throws {
        let full = try PostgresURL("postgres://alice:s%40cret@db.example:6543/cas?sslmode=require")
        #expect(full.username == "alice")
        #expect(full.password == "s@cret")
        #expect(full.host == "db.example")
        #expect(full.port == 6543)
        #expect(full.database == "cas")
        #expect(full.tlsMode == .require)

        let short = try PostgresURL("postgresql://postgres@127.0.0.1")
        #expect(short.port == 5432)
        #expect(short.database == nil)
        #expect(short.password == nil)
        #expect(short.tlsMode == .prefer)
    }

    @Test(arguments: [
        ("mysql://u@h/db", "scheme"),
        ("postgres://h/db", "user"),
        ("postgres://u@/db", "host"),
        ("postgres://u@h/db?sslmode=allow", "sslmode"),
        ("postgres://u@h/db?ssl_mode=disable", "unknown parameter"),
        ("postgres://u:topsecret@h/db?sslmod=disable", "unknown parameter"),
    ])
    func badURLsAreRefusedWithoutEchoingThem(url: String, reason: String) throws {
        #expect {
            _ = try PostgresURL(url)
        } throws: { error in
            guard let error = error as? SQLStorageError else { return false }
            return error.code == .invalidLocation && error.message.contains(reason) && !error.message.contains("topsecret")
        }
    }

    @Test func aClosedPortIsABackendErrorNamingTheServerNotThePassword() async throws {
        let url = try PostgresURL("postgres://alice:topsecret@127.0.0.1:1/db?sslmode=disable")
        await #expect {
            _ = try await url.connect(logger: .init(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        } throws: { error in
            guard let error = error as? SQLStorageError else { return false }
            return error.code == .backend && error.message.contains("127.0.0.1:1") && !error.message.contains("topsecret")
        }
    }
}
