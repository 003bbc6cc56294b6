import Foundation
import Support

/// Azure CVM evidence as the Trustee attester writes it (`Evidence.report` = this JSON):
/// v0 `{"quote": {signature, message, pcrs}, "report": [bytes], "vcek": PEM}` (SNP) or
/// `{"tpm_quote": …, "hcl_report": [bytes], "td_quote": [bytes]}` (TDX), byte fields as arrays;
/// v1/v2 `{"version": n, "tpm_quote": {hex fields}, "hcl_report": base64url, "vcek": base64url
/// DER | "td_quote": base64url}`. Byte fields are accepted in any of those encodings.
public struct AzureVTPMEvidence: Sendable {
    public let hclReport: [UInt8]
    public let tpmQuote: TPMQuote
    /// SNP: the VCEK from the evidence (DER or PEM), if present.
    public let vcek: [UInt8]?
    /// TDX: the TD quote.
    public let tdQuote: [UInt8]?

    public init(json: [UInt8]) throws(AttestationError) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json)), let root = object as? [String: Any] else {
            throw AttestationError(.malformedEvidence, "Azure vTPM evidence is not a JSON object")
        }
        guard let quote = (root["tpm_quote"] ?? root["quote"]) as? [String: Any] else {
            throw AttestationError(.malformedEvidence, "Azure vTPM evidence has no \"tpm_quote\" object")
        }
        guard let hcl = try Self.bytes(root["hcl_report"] ?? root["report"], field: "hcl_report") else {
            throw AttestationError(.malformedEvidence, "Azure vTPM evidence has no \"hcl_report\"")
        }
        hclReport = hcl
        guard let message = try Self.bytes(quote["message"], field: "tpm_quote.message"),
            let signature = try Self.bytes(quote["signature"], field: "tpm_quote.signature")
        else {
            throw AttestationError(.malformedEvidence, "Azure vTPM evidence tpm_quote needs message and signature")
        }
        guard let pcrList = quote["pcrs"] as? [Any], pcrList.count <= 64 else {
            throw AttestationError(.malformedEvidence, "Azure vTPM evidence tpm_quote.pcrs is not a list of at most 64 values")
        }
        var pcrs: [[UInt8]] = []
        for (i, item) in pcrList.enumerated() {
            guard let value = try Self.bytes(item, field: "tpm_quote.pcrs[\(i)]") else {
                throw AttestationError(.malformedEvidence, "tpm_quote.pcrs[\(i)] is empty")
            }
            pcrs.append(value)
        }
        tpmQuote = try TPMQuote(message: message, signature: signature, pcrs: pcrs)
        vcek = try Self.bytes(root["vcek"], field: "vcek")
        tdQuote = try Self.bytes(root["td_quote"], field: "td_quote")
    }

    /// Byte array, hex string, PEM text, base64url or base64 string; nil when absent.
    static func bytes(_ value: Any?, field: String) throws(AttestationError) -> [UInt8]? {
        guard let value, !(value is NSNull) else { return nil }
        if let array = value as? [Any] {
            var out: [UInt8] = []
            out.reserveCapacity(array.count)
            for element in array {
                guard let n = element as? Int, let b = UInt8(exactly: n) else {
                    throw AttestationError(.malformedEvidence, "\(field) is an array with a non-byte element")
                }
                out.append(b)
            }
            return out
        }
        guard let text = value as? String else {
            throw AttestationError(.malformedEvidence, "\(field) is neither a byte array nor a string")
        }
        if text.hasPrefix("-----BEGIN") { return Array(text.utf8) }
        if let hex = LowercaseHex.decode(text) { return hex }
        if let decoded = Base64URL.decode(text) { return decoded }
        throw AttestationError(.malformedEvidence, "\(field) is not hex, base64url or a byte array")
    }
}
