import Attestation
import Support

/// Lowercase hex for digests, measurements and key ids (docs/design/cas.md "Encodings"):
/// Attestation's codec, under the name the service stack uses.
public typealias Hex = LowercaseHex
