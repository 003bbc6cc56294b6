import Foundation
import SharedVectors
import Testing

/// ../shared/vectors/always-encrypted: AE_VECTORS.json and the upstream files it names.
/// Read at test time, so the expected bytes stay external to this repository.
enum AEVectors {
    static let directory = SharedVectors.directory("always-encrypted")

    struct File: Decodable {
        var cases: [Case]
    }

    /// One case; which fields are present decides what is checked.
    struct Case: Decodable, Sendable, CustomTestStringConvertible {
        var id: String
        var cek_root_key: String?
        var expect_encryption_key: String?
        var expect_mac_key: String?
        var expect_iv_key: String?
        var encryption_type: String?
        var iv_hex: String?
        var plaintext_hex: String?
        var expect_ciphertext_hex: String?
        var ciphertext_hex: String?
        var ciphertext_file: String?
        var expect_plaintext_hex: String?
        var derived_keys: DerivedKeys?
        var encrypted_cek_file: String?
        var cmk_private_key_pkcs8_pem: String?
        var cmk_certificate_pem: String?
        var expect_version: Int?
        var expect_key_path: String?
        var expect_rsa_ciphertext_len: Int?
        var expect_signature_len: Int?
        var expect_signature_valid: Bool?
        var expect_cek_root_key: String?
        var expect_total_len: Int?
        var expect: String?

        struct DerivedKeys: Decodable, Sendable {
            var encryption_key: String
            var mac_key: String
            var iv_key: String
        }

        var testDescription: String { id }
    }

    static func cases() throws -> [Case] {
        let data = try Data(contentsOf: directory.appendingPathComponent("AE_VECTORS.json"))
        return try JSONDecoder().decode(File.self, from: data).cases
    }

    static func bytes(_ relative: String) throws -> [UInt8] {
        Array(try Data(contentsOf: directory.appendingPathComponent(relative)))
    }

    static func text(_ relative: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(relative), encoding: .utf8)
    }

    static let swisscomPrivateKey = "swisscom-mssql-always-encrypted/always-encrypted.pem"
    static let swisscomCertificate = "swisscom-mssql-always-encrypted/always-encrypted_pub.pem"
    static let swisscomKeyValue = "swisscom-mssql-always-encrypted/cekv.key"
    static let swisscomCell = "swisscom-mssql-always-encrypted/column_value.enc"
}

func hex(_ text: String) -> [UInt8] {
    let digits = Array(text.utf8)
    precondition(digits.count % 2 == 0, "odd hex length")
    func nibble(_ c: UInt8) -> UInt8 {
        switch c {
        case 48...57: c - 48
        case 65...70: c - 55
        case 97...102: c - 87
        default: preconditionFailure("not hex")
        }
    }
    return stride(from: 0, to: digits.count, by: 2).map { nibble(digits[$0]) << 4 | nibble(digits[$0 + 1]) }
}

func hexString(_ bytes: [UInt8]) -> String {
    bytes.map { String(format: "%02x", $0) }.joined()
}
