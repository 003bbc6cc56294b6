import Crypto
import _CryptoExtras

/// A TPM 2.0 quote as Azure CVM evidence carries it: the TPMS_ATTEST `message` the TPM signed,
/// the raw RSASSA-PKCS1-v1_5/SHA-256 `signature` by the attestation key, and the PCR values
/// (index = PCR number) whose digest the quote must contain.
public struct TPMQuote: Sendable, Hashable {
    public let message: [UInt8]
    public let signature: [UInt8]
    public let pcrs: [[UInt8]]
    public let attest: TPMSAttest

    public init(message: [UInt8], signature: [UInt8], pcrs: [[UInt8]]) throws(AttestationError) {
        self.message = message
        self.signature = signature
        self.pcrs = pcrs
        attest = try TPMSAttest(bytes: message)
    }

    /// Checks the signature with the attestation key and that the quoted PCR digest is the
    /// SHA-256 of the selected supplied PCR values in ascending order.
    public func verify(attestationKey: _RSA.Signing.PublicKey) throws(AttestationError) {
        var raw = signature
        // A TPMT_SIGNATURE (sigAlg TPM_ALG_RSASSA 0x0014, hash, TPM2B) is accepted too.
        if raw.count > 6, raw[0] == 0x00, raw[1] == 0x14 {
            let size = Int(raw[4]) << 8 | Int(raw[5])
            if size == raw.count - 6 { raw = Array(raw[6...]) }
        }
        guard attestationKey.isValidSignature(
            _RSA.Signing.RSASignature(rawRepresentation: raw), for: SHA256.hash(data: message), padding: .insecurePKCS1v1_5)
        else {
            throw AttestationError(.badSignature, "TPM quote signature by the HCL attestation key does not verify")
        }
        try checkPCRDigest()
    }

    public func checkPCRDigest() throws(AttestationError) {
        var hasher = SHA256()
        for selection in attest.pcrSelections {
            guard selection.hashAlgorithm == TPMSAttest.sha256 else {
                throw AttestationError(.malformedEvidence, "TPM quote selects PCR bank 0x\(String(selection.hashAlgorithm, radix: 16)); only SHA-256 (0x000b) is supported")
            }
            for index in selection.indices {
                guard index < pcrs.count else {
                    throw AttestationError(.malformedEvidence, "TPM quote selects PCR \(index) but only \(pcrs.count) PCR values were supplied")
                }
                guard pcrs[index].count == 32 else {
                    throw AttestationError(.malformedEvidence, "PCR \(index) value has \(pcrs[index].count) bytes, expected 32")
                }
                hasher.update(data: pcrs[index])
            }
        }
        guard Array(hasher.finalize()) == attest.pcrDigest else {
            throw AttestationError(.badSignature, "PCR digest in the TPM quote differs from the digest of the supplied PCR values")
        }
    }
}

/// TPMS_ATTEST of type TPM_ST_ATTEST_QUOTE (TCG TPM 2.0 Part 2 §10.12), big-endian.
public struct TPMSAttest: Sendable, Hashable {
    public struct PCRSelection: Sendable, Hashable {
        public let hashAlgorithm: UInt16
        public let bitmap: [UInt8]
        /// Selected PCR numbers in ascending order.
        public var indices: [Int] {
            var out: [Int] = []
            for (byte, bits) in bitmap.enumerated() {
                for bit in 0..<8 where bits >> bit & 1 == 1 { out.append(byte * 8 + bit) }
            }
            return out
        }
    }

    static let generated: UInt32 = 0xFF54_4347
    static let quoteType: UInt16 = 0x8018
    static let sha256: UInt16 = 0x000B

    public let qualifiedSigner: [UInt8]
    /// The verifier's nonce (qualifyingData of TPM2_Quote).
    public let extraData: [UInt8]
    public let clock: UInt64
    public let resetCount: UInt32
    public let restartCount: UInt32
    public let safe: Bool
    public let firmwareVersion: UInt64
    public let pcrSelections: [PCRSelection]
    public let pcrDigest: [UInt8]

    public init(bytes: [UInt8]) throws(AttestationError) {
        // TPM structures are big-endian.
        var r = EvidenceReader(bytes, context: "TPM quote", order: .bigEndian)
        guard try r.u32("magic") == Self.generated else {
            throw AttestationError(.malformedEvidence, "TPM quote magic at offset 0 is not TPM_GENERATED_VALUE")
        }
        guard try r.u16("type") == Self.quoteType else {
            throw AttestationError(.malformedEvidence, "TPMS_ATTEST type at offset 4 is not TPM_ST_ATTEST_QUOTE")
        }
        qualifiedSigner = try r.tpm2b("qualifiedSigner")
        extraData = try r.tpm2b("extraData")
        guard extraData.count <= 64 else {
            throw AttestationError(.malformedEvidence, "TPM quote extraData has \(extraData.count) bytes, at most 64")
        }
        clock = try r.u64("clock")
        resetCount = try r.u32("resetCount")
        restartCount = try r.u32("restartCount")
        safe = try r.u8("safe") != 0
        firmwareVersion = try r.u64("firmwareVersion")
        let count = try r.u32("pcrSelect.count")
        guard count <= 16 else {
            throw AttestationError(.malformedEvidence, "TPM quote selects \(count) PCR banks at offset \(r.offset - 4), at most 16")
        }
        var selections: [PCRSelection] = []
        for i in 0..<Int(count) {
            let hash = try r.u16("pcrSelections[\(i)].hash")
            let size = Int(try r.u8("pcrSelections[\(i)].sizeofSelect"))
            selections.append(PCRSelection(hashAlgorithm: hash, bitmap: try r.read(size, "pcrSelections[\(i)].pcrSelect")))
        }
        pcrSelections = selections
        pcrDigest = try r.tpm2b("pcrDigest")
        guard r.offset == bytes.count else {
            throw AttestationError(.malformedEvidence, "TPM quote has \(bytes.count - r.offset) trailing bytes at offset \(r.offset)")
        }
    }
}

extension EvidenceReader {
    /// A TPM2B: a u16 size, then that many bytes.
    mutating func tpm2b(_ field: String) throws(AttestationError) -> [UInt8] {
        try read(Int(try u16("\(field).size")), field)
    }
}
