import Foundation
import Support

/// Maps MAA's x-ms-* claims (learn.microsoft.com "Claim sets" for SGX, SEV-SNP and TDX CVMs)
/// into AttestationClaims: what Strongroom policies pin gets its policy name.
enum MAAClaimMapping {
    static func claims(from payload: [String: MAAJSONValue], issuer: String) throws(AttestationError) -> AttestationClaims {
        // Azure CVM tokens nest the hardware TEE's claims in x-ms-isolation-tee.
        let tee = payload["x-ms-isolation-tee"]?.object
        var flat = payload
        if let tee { for (k, v) in tee where flat[k] == nil || k.hasPrefix("x-ms-sevsnpvm") || k.hasPrefix("tdx_") { flat[k] = v } }
        let type = tee?["x-ms-attestation-type"]?.string ?? payload["x-ms-attestation-type"]?.string ?? ""

        var values: [String: String] = ["attestation_type": type, "issuer": issuer]
        for (key, value) in flat where key.hasPrefix("x-ms-") || key.hasPrefix("tdx_") {
            if let text = value.scalarText { values[key] = text }
        }
        if let outer = payload["x-ms-attestation-type"]?.string { values["x-ms-attestation-type"] = outer }

        func string(_ key: String) -> String? { flat[key]?.scalarText }
        func hex(_ key: String) throws(AttestationError) -> [UInt8] {
            guard let text = string(key) else { return [] }
            guard let bytes = LowercaseHex.decode(text) else {
                throw AttestationError(.malformedEvidence, "MAA claim \(key) is not hex")
            }
            return bytes
        }
        func flag(_ key: String) -> Bool { string(key) == "true" }

        var measurement = ""
        var reportData: [UInt8] = []
        var debug = false
        switch type {
        case "sgx":
            measurement = string("x-ms-sgx-mrenclave") ?? ""
            reportData = try hex("x-ms-sgx-report-data")
            debug = flag("x-ms-sgx-is-debuggable")
            values["mrsigner"] = string("x-ms-sgx-mrsigner")
            values["isv_prod_id"] = string("x-ms-sgx-product-id")
            values["isv_svn"] = string("x-ms-sgx-svn")
        case "sevsnpvm":
            measurement = string("x-ms-sevsnpvm-launchmeasurement") ?? ""
            reportData = try hex("x-ms-sevsnpvm-reportdata")
            debug = flag("x-ms-sevsnpvm-is-debuggable")
            let names = [
                "host_data": "x-ms-sevsnpvm-hostdata", "guest_svn": "x-ms-sevsnpvm-guestsvn", "vmpl": "x-ms-sevsnpvm-vmpl",
                "id_key_digest": "x-ms-sevsnpvm-idkeydigest", "author_key_digest": "x-ms-sevsnpvm-authorkeydigest",
                "family_id": "x-ms-sevsnpvm-familyId", "image_id": "x-ms-sevsnpvm-imageId", "report_id": "x-ms-sevsnpvm-reportid",
                "chip_id": "x-ms-sevsnpvm-chipid",
                "tcb.bootloader": "x-ms-sevsnpvm-bootloader-svn", "tcb.tee": "x-ms-sevsnpvm-tee-svn",
                "tcb.snp": "x-ms-sevsnpvm-snpfw-svn", "tcb.microcode": "x-ms-sevsnpvm-microcode-svn",
            ]
            for (policyName, claim) in names { if let v = string(claim) { values[policyName] = v.lowercased() } }
        case "tdxvm":
            measurement = string("tdx_mrtd") ?? ""
            reportData = try hex("tdx_report_data")
            debug = flag("tdx_td_attributes_debug")
            for name in ["rtmr0", "rtmr1", "rtmr2", "rtmr3", "mrconfigid", "mrowner", "mrownerconfig", "mrseam"] {
                if let v = string("tdx_" + name) { values[name] = v.lowercased() }
            }
        default:
            throw AttestationError(.unsupportedKind, "MAA attestation type \"\(type)\" is not sgx, sevsnpvm or tdxvm")
        }
        return AttestationClaims(
            kind: .maa, measurement: measurement.lowercased(), reportData: reportData, debug: debug, simulated: false,
            values: values)
    }
}
