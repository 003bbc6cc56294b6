import CASClient
import CASCore
import CASServer
import Foundation
import Testing

@Suite struct TLSTests {
    @Test func materialIsCreatedOnceAndReused() throws {
        let dir = TestServer.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let first = try CASTLSMaterial.loadOrCreate(dataDir: dir, hosts: ["cas.example.test", "10.1.2.3"])
        let attributes = try FileManager.default.attributesOfItem(atPath: dir + "/server-key.pem")
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        for name in ["ca.pem", "server.pem", "server-key.pem"] {
            #expect(FileManager.default.fileExists(atPath: dir + "/" + name))
        }
        // Second start: the same CA, and hosts already named (or a subset) are fine.
        let second = try CASTLSMaterial.loadOrCreate(dataDir: dir, hosts: ["cas.example.test"])
        #expect(second.caCertificatePEM == first.caCertificatePEM)
        #expect(first.caFile == dir + "/ca.pem")
    }

    @Test func refusesHostNotInCertificate() throws {
        let dir = TestServer.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try CASTLSMaterial.loadOrCreate(dataDir: dir, hosts: [])
        let error = #expect(throws: CASServerError.self) {
            try CASTLSMaterial.loadOrCreate(dataDir: dir, hosts: ["other.example.test"])
        }
        #expect(error?.code == .tlsMaterial)
        #expect(error?.message.contains("does not name host other.example.test") == true)
    }

    @Test func refusesPartialOrMismatchedFiles() throws {
        let dir = TestServer.temporaryDirectory()
        let other = TestServer.temporaryDirectory()
        defer {
            try? FileManager.default.removeItem(atPath: dir)
            try? FileManager.default.removeItem(atPath: other)
        }
        _ = try CASTLSMaterial.loadOrCreate(dataDir: dir, hosts: [])
        _ = try CASTLSMaterial.loadOrCreate(dataDir: other, hosts: [])
        // A CA that did not sign the server certificate.
        try FileManager.default.removeItem(atPath: dir + "/ca.pem")
        let partial = #expect(throws: CASServerError.self) { try CASTLSMaterial.loadOrCreate(dataDir: dir, hosts: []) }
        #expect(partial?.message.contains("missing ca.pem") == true)
        try FileManager.default.copyItem(atPath: other + "/ca.pem", toPath: dir + "/ca.pem")
        let foreign = #expect(throws: CASServerError.self) { try CASTLSMaterial.loadOrCreate(dataDir: dir, hosts: []) }
        #expect(foreign?.message.contains("not signed by ca.pem") == true)
        // A key that is not the certificate's.
        try FileManager.default.removeItem(atPath: dir + "/ca.pem")
        try FileManager.default.copyItem(atPath: other + "/ca.pem", toPath: dir + "/ca.pem")
        try FileManager.default.removeItem(atPath: dir + "/server.pem")
        try FileManager.default.copyItem(atPath: other + "/server.pem", toPath: dir + "/server.pem")
        let wrongKey = #expect(throws: CASServerError.self) { try CASTLSMaterial.loadOrCreate(dataDir: dir, hosts: []) }
        #expect(wrongKey?.message.contains("is not the key of") == true)
    }

    @Test func clientTrustingAnotherCAFailsTheHandshake() async throws {
        let otherDir = TestServer.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: otherDir) }
        let otherCA = try CASTLSMaterial.loadOrCreate(dataDir: otherDir, hosts: ["127.0.0.1"])
        try await TestServer.with { server in
            let client = try CASClient(baseURL: server.baseURL, caCertificatePEM: otherCA.caCertificatePEM)
            let error = await #expect(throws: CASClientError.self) { try await client.challenge() }
            try await client.shutdown()
            #expect(error?.code == .transport)
            // The server itself is fine: a client with the right CA gets through.
            try await withClient(server) { good in _ = try await good.challenge() }
        }
    }

    @Test func clientConfigurationIsChecked() throws {
        let noCA = #expect(throws: CASClientError.self) { try CASClient(baseURL: "https://127.0.0.1:1", caFile: nil) }
        #expect(noCA?.code == .configuration)
        let cleartext = #expect(throws: CASClientError.self) {
            try CASClient(baseURL: "http://cas.example.test:8080", caFile: nil)
        }
        #expect(cleartext?.detail.contains("loopback") == true)
        let lookalike = #expect(throws: CASClientError.self) {
            try CASClient(baseURL: "http://127.example.test:8080", caFile: nil)
        }
        #expect(lookalike?.code == .configuration)
        let missingFile = #expect(throws: CASClientError.self) {
            try CASClient(baseURL: "https://127.0.0.1:1", caFile: "/nonexistent/ca.pem")
        }
        #expect(missingFile?.detail.contains("cannot read CA file") == true)
    }
}

@Suite struct ServerConfigurationTests {
    @Test func plainHTTPIsRefusedOffLoopback() throws {
        for host in ["0.0.0.0", "10.0.0.5", "::", "cas.example.test", "127.example.test"] {
            let configuration = CASServerConfiguration(host: host, port: 8080, transport: .insecureHTTP)
            let error = #expect(throws: CASServerError.self) { try configuration.validate() }
            #expect(error?.code == .insecureListen, "host \(host)")
            #expect(error?.message.contains("loopback") == true)
        }
        for host in ["127.0.0.1", "127.8.9.10", "::1", "[::1]", "localhost"] {
            try CASServerConfiguration(host: host, port: 8080, transport: .insecureHTTP).validate()
        }
    }

    @Test func makeApplicationRefusesInsecureNonLoopback() throws {
        let application = CASApplication(
            configuration: .init(host: "0.0.0.0", port: 0, transport: .insecureHTTP),
            handlers: InMemoryCAS(owner: .init(name: "a"), admin: .init(name: "b")))
        let error = #expect(throws: CASServerError.self) { try application.makeApplication() }
        #expect(error?.code == .insecureListen)
    }

    @Test func listenAddresses() throws {
        #expect(try CASServerConfiguration.parseListenAddress("127.0.0.1:8443") == ("127.0.0.1", 8443))
        #expect(try CASServerConfiguration.parseListenAddress("[::1]:0") == ("::1", 0))
        #expect(try CASServerConfiguration.parseListenAddress("cas.local:443") == ("cas.local", 443))
        for bad in ["127.0.0.1", ":80", "host:99999", "host:x", "::1:80", "[::1]80"] {
            let error = #expect(throws: CASServerError.self) { try CASServerConfiguration.parseListenAddress(bad) }
            #expect(error?.code == .invalidListenAddress, "\(bad)")
        }
    }
}
