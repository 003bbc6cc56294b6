/// The AMD keys a verifier trusts per product: the ARK (root), and the ASK/ASVK it signed.
/// `bundled` holds AMD's published certificates (AMDRootCertificates); tests may build a set
/// with other roots to show that a chain to a different ARK is refused.
public struct AMDRootSet: Sendable {
    public struct ProductRoots: Sendable {
        public var ark: AMDCertificate
        /// Signs VCEKs ("SEV-<product>").
        public var ask: AMDCertificate
        /// Signs VLEKs ("SEV-VLEK-<product>").
        public var asvk: AMDCertificate?

        public init(ark: AMDCertificate, ask: AMDCertificate, asvk: AMDCertificate?) {
            self.ark = ark
            self.ask = ask
            self.asvk = asvk
        }
    }

    public var products: [SNPProduct: ProductRoots]

    public init(products: [SNPProduct: ProductRoots]) {
        self.products = products
    }

    /// AMD's ARK/ASK/ASVK for Milan, Genoa and Turin, parsed once.
    public static let bundled: AMDRootSet = {
        func cert(_ pem: String, _ role: String) -> AMDCertificate {
            // The bundled PEMs are constants checked by the tests; a parse failure is a build defect.
            do {
                return try AMDCertificate(pemOrDER: Array(pem.utf8), role: role)
            } catch {
                preconditionFailure("bundled AMD \(role) certificate does not parse: \(error)")
            }
        }
        typealias R = AMDRootCertificates
        return AMDRootSet(products: [
            .milan: ProductRoots(ark: cert(R.milanARK, "ARK-Milan"), ask: cert(R.milanASK, "SEV-Milan"), asvk: cert(R.milanASVK, "SEV-VLEK-Milan")),
            .genoa: ProductRoots(ark: cert(R.genoaARK, "ARK-Genoa"), ask: cert(R.genoaASK, "SEV-Genoa"), asvk: cert(R.genoaASVK, "SEV-VLEK-Genoa")),
            .turin: ProductRoots(ark: cert(R.turinARK, "ARK-Turin"), ask: cert(R.turinASK, "SEV-Turin"), asvk: cert(R.turinASVK, "SEV-VLEK-Turin")),
        ])
    }()
}
