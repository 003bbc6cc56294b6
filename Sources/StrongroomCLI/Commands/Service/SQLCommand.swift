import AlwaysEncrypted
import ArgumentParser
import Attestation
import StrongroomCrypto
import Support

/// SQL Server Always Encrypted tools (issue 6). `sql cell` is for debugging and interop checks:
/// the CEK is given on the command line, so never use it with production keys.
struct SQLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sql",
        abstract: "Always Encrypted–format columns (SQL Server's AEAD_AES_256_CBC_HMAC_SHA_256).",
        subcommands: [SQLKeysCommand.self, SQLEncryptTableCommand.self, SQLReadCommand.self, SQLSampleCommand.self, SQLCellCommand.self])
}

struct SQLCellCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cell",
        abstract: "Encrypt or decrypt one cell with a raw column encryption key (debugging, interop checks).",
        subcommands: [SQLCellEncryptCommand.self, SQLCellDecryptCommand.self])
}

enum HexArgument {
    static func bytes(_ text: String, what: String) throws -> [UInt8] {
        var trimmed = Substring(text)
        if trimmed.hasPrefix("0x") || trimmed.hasPrefix("0X") { trimmed = trimmed.dropFirst(2) }
        guard trimmed.utf8.count % 2 == 0 else { throw ValidationError("\(what) must be an even number of hex digits") }
        guard let bytes = LowercaseHex.decode(trimmed) else { throw ValidationError("\(what) is not hex") }
        return bytes
    }

    static func text(_ bytes: [UInt8]) -> String { LowercaseHex.encode(bytes) }

    static func cipher(cekHex: String) throws -> CellCipher {
        var cek = try bytes(cekHex, what: "--cek-hex")
        defer { zeroize(&cek) }
        do { return try CellCipher(key: CellKey(rootKeyBytes: cek)) } catch {
            throw CLIError("--cek-hex: \(error.message)")
        }
    }
}

struct SQLCellEncryptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encrypt", abstract: "Print the Always Encrypted cell for PLAINTEXT_HEX as hex.")

    @Option(name: .customLong("cek-hex"), help: "The 32-byte column encryption key, hex.")
    var cekHex: String

    @Flag(help: "Deterministic encryption (IV derived from the plaintext).")
    var deterministic = false

    @Flag(help: "Randomized encryption (random IV).")
    var randomized = false

    @Argument(help: "The plaintext bytes (SQL Server's normalized value), hex.")
    var plaintextHex: String

    func validate() throws {
        if deterministic == randomized { throw ValidationError("give exactly one of --deterministic and --randomized") }
    }

    func run() throws {
        let cipher = try HexArgument.cipher(cekHex: cekHex)
        let plaintext = try HexArgument.bytes(plaintextHex, what: "PLAINTEXT_HEX")
        do {
            print(HexArgument.text(try cipher.encrypt(plaintext, deterministic: deterministic)))
        } catch {
            throw CLIError(error.message)
        }
    }
}

struct SQLCellDecryptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decrypt", abstract: "Print the plaintext bytes of an Always Encrypted cell as hex; exit 1 on a bad MAC or version byte.")

    @Option(name: .customLong("cek-hex"), help: "The 32-byte column encryption key, hex.")
    var cekHex: String

    @Argument(help: "The cell (version byte, MAC, IV, ciphertext), hex.")
    var cellHex: String

    func run() throws {
        let cipher = try HexArgument.cipher(cekHex: cekHex)
        let cell = try HexArgument.bytes(cellHex, what: "CELL_HEX")
        do {
            print(HexArgument.text(try cipher.decrypt(cell)))
        } catch {
            throw CLIError("cell does not decrypt: \(error.message)")
        }
    }
}
