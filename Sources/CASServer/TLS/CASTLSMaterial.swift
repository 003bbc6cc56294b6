import Crypto
import Foundation
import NIOSSL
import SwiftASN1
import X509
import Support

/// The CAS's TLS identity: a server certificate chain and key, plus the CA certificate that
/// clients trust (`--ca-file`). Created at first start in the data directory, reused afterwards.
public struct CASTLSMaterial: Sendable {
    public static let caFileName = "ca.pem"
    public static let certificateFileName = "server.pem"
    public static let privateKeyFileName = "server-key.pem"

    /// PEM of the CA clients should trust.
    public let caCertificatePEM: String
    /// Where that CA lives on disk, for clients in the same process or on the same machine.
    public let caFile: String?
    public let certificateChain: [NIOSSLCertificate]
    /// Held by BoringSSL, which frees it with the last reference; never written anywhere but its file.
    let privateKey: NIOSSLPrivateKey

    /// Loads `ca.pem`, `server.pem` and `server-key.pem` from `dataDir`, or creates them when none
    /// exists. The server certificate names every host in `hosts` plus localhost, 127.0.0.1 and ::1.
    /// Existing files are reused only when they belong together, are valid for at least a day more
    /// and cover `hosts`; otherwise this fails rather than silently changing the CA clients trust.
    public static func loadOrCreate(dataDir: String, hosts: [String], now: Date = Date()) throws(CASServerError)
        -> CASTLSMaterial
    {
        let dir = URL(fileURLWithPath: dataDir)
        let caPath = dir.appendingPathComponent(caFileName).path
        let certPath = dir.appendingPathComponent(certificateFileName).path
        let keyPath = dir.appendingPathComponent(privateKeyFileName).path
        let names = allHosts(hosts)
        let present = [caPath, certPath, keyPath].filter { FileManager.default.fileExists(atPath: $0) }
        if present.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
            } catch {
                throw CASServerError(.tlsMaterial, "cannot create data directory \(dataDir)")
            }
            let issued = try CertificateIssuer.issue(hosts: names, now: now)
            try writeFile(caPath, issued.caPEM, mode: 0o644)
            try writeFile(keyPath, issued.serverKeyPEM, mode: 0o600)
            try writeFile(certPath, issued.serverPEM, mode: 0o644)
        } else if present.count != 3 {
            let missing = [caFileName, certificateFileName, privateKeyFileName].filter {
                !FileManager.default.fileExists(atPath: dir.appendingPathComponent($0).path)
            }
            throw CASServerError(
                .tlsMaterial,
                "\(dataDir) has only part of the TLS files (missing \(missing.joined(separator: ", "))); "
                    + "restore them, or remove \(caFileName), \(certificateFileName) and \(privateKeyFileName) to create a new CA")
        }
        let material = try load(certificateFile: certPath, privateKeyFile: keyPath, caFile: caPath)
        try material.checkCovers(hosts: names, now: now, certificateFile: certPath)
        return material
    }

    /// Uses certificate files an operator provides (for example from the organisation's CA).
    public static func load(certificateFile: String, privateKeyFile: String, caFile: String) throws(CASServerError)
        -> CASTLSMaterial
    {
        let certPEM = try readFile(certificateFile)
        let keyPEM = try readFile(privateKeyFile)
        let caPEM = try readFile(caFile)
        let chain: [NIOSSLCertificate]
        let key: NIOSSLPrivateKey
        do {
            chain = try NIOSSLCertificate.fromPEMBytes(Array(certPEM.utf8))
        } catch {
            throw CASServerError(.tlsMaterial, "\(certificateFile): not a PEM certificate chain")
        }
        do {
            key = try NIOSSLPrivateKey(bytes: Array(keyPEM.utf8), format: .pem)
        } catch {
            throw CASServerError(.tlsMaterial, "\(privateKeyFile): not a PEM private key")
        }
        guard !chain.isEmpty else { throw CASServerError(.tlsMaterial, "\(certificateFile): no certificate") }
        guard (try? NIOSSLCertificate.fromPEMBytes(Array(caPEM.utf8)))?.isEmpty == false else {
            throw CASServerError(.tlsMaterial, "\(caFile): not a PEM certificate")
        }
        return CASTLSMaterial(caCertificatePEM: caPEM, caFile: caFile, certificateChain: chain, privateKey: key)
    }

    /// TLS 1.2+ server configuration for Hummingbird's `.tls(...)`.
    public func serverConfiguration() -> TLSConfiguration {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: certificateChain.map { .certificate($0) }, privateKey: .privateKey(privateKey))
        configuration.minimumTLSVersion = .tlsv12
        return configuration
    }

    /// The server certificate is signed by the CA, matches the key, is valid for a day more and names every host.
    private func checkCovers(hosts: [String], now: Date, certificateFile: String) throws(CASServerError) {
        guard let leafDER = try? certificateChain[0].toDERBytes(),
            let leaf = try? Certificate(derEncoded: leafDER),
            let ca = try? Certificate(pemEncoded: caCertificatePEM),
            let keyDER = try? privateKey.derBytes,
            let key = try? P256.Signing.PrivateKey(derRepresentation: keyDER)
        else {
            throw CASServerError(.tlsMaterial, "\(certificateFile): cannot read the certificate, CA or key")
        }
        guard ca.publicKey.isValidSignature(leaf.signature, for: leaf) else {
            throw CASServerError(.tlsMaterial, "\(certificateFile) is not signed by \(Self.caFileName)")
        }
        guard leaf.publicKey == Certificate.PublicKey(key.publicKey) else {
            throw CASServerError(.tlsMaterial, "\(Self.privateKeyFileName) is not the key of \(certificateFile)")
        }
        guard leaf.notValidAfter > now.addingTimeInterval(86_400), leaf.notValidBefore <= now.addingTimeInterval(300)
        else {
            throw CASServerError(
                .tlsMaterial, "\(certificateFile) is expired or about to expire; remove the TLS files to create new ones")
        }
        let sans = (try? leaf.extensions.subjectAlternativeNames).flatMap { $0 } ?? SubjectAlternativeNames([])
        for host in hosts {
            let covered: Bool
            if let ip = HostAddress.ipBytes(host) {
                covered = sans.contains { if case .ipAddress(let octets) = $0 { Array(octets.bytes) == ip } else { false } }
            } else {
                covered = sans.contains { if case .dnsName(let name) = $0 { name.lowercased() == host.lowercased() } else { false } }
            }
            guard covered else {
                throw CASServerError(
                    .tlsMaterial,
                    "\(certificateFile) does not name host \(host); remove the TLS files to create a new CA for it, or give certificate files")
            }
        }
    }

    static func allHosts(_ hosts: [String]) -> [String] {
        var seen = Set<String>()
        return (["localhost", "127.0.0.1", "::1"] + hosts).compactMap { host in
            let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
            guard !bare.isEmpty, !["0.0.0.0", "::"].contains(bare), seen.insert(bare.lowercased()).inserted else {
                return nil
            }
            return bare
        }
    }

    private static func readFile(_ path: String) throws(CASServerError) -> String {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw CASServerError(.tlsMaterial, "cannot read \(path)")
        }
        return text
    }

    /// Created with its final mode (a key is never world-readable, not even for a moment).
    private static func writeFile(_ path: String, _ text: String, mode: mode_t) throws(CASServerError) {
        var bytes = Array(text.utf8)
        do { try SecretFile.write(&bytes, to: path, mode: mode, existing: .fail) } catch {
            throw CASServerError(.tlsMaterial, "cannot \(error.step) \(path) (errno \(error.errorNumber))")
        }
    }
}
