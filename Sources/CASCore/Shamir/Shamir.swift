import StrongroomCrypto

/// Shamir secret sharing over GF(2^8), one polynomial per secret byte: any `threshold` shares
/// give the secret back; fewer give no information about it.
public enum Shamir {
    /// Splits `secret` into `shareCount` shares, any `threshold` of which reconstruct it
    /// (2 ≤ threshold ≤ shareCount ≤ 255). Share indices are 1…shareCount.
    public static func split(_ secret: [UInt8], threshold: Int, shareCount: Int) throws(CASError) -> [ShamirShare] {
        guard !secret.isEmpty else { throw CASError(.invalidShare, "cannot split an empty secret") }
        guard threshold >= 2, threshold <= shareCount, shareCount <= 255 else {
            throw CASError(.invalidShare, "need 2 ≤ threshold ≤ shares ≤ 255, got threshold \(threshold) of \(shareCount)")
        }
        var values = [[UInt8]](repeating: [UInt8](repeating: 0, count: secret.count), count: shareCount)
        // coefficients[0] is the secret byte; the others are fresh random bytes per byte.
        var coefficients = [UInt8](repeating: 0, count: threshold)
        defer { coefficients.withUnsafeMutableBytes { zeroize($0) } }
        for byteIndex in secret.indices {
            coefficients[0] = secret[byteIndex]
            coefficients.withUnsafeMutableBytes { SecureRandom.fill(UnsafeMutableRawBufferPointer(rebasing: $0[1...])) }
            for share in 0..<shareCount {
                values[share][byteIndex] = evaluate(coefficients, at: UInt8(share + 1))
            }
        }
        var shares = [ShamirShare]()
        for share in 0..<shareCount {
            shares.append(try ShamirShare(threshold: threshold, index: UInt8(share + 1), values: values[share]))
        }
        return shares
    }

    /// Reconstructs the secret from at least `threshold` distinct shares of one split.
    /// Shares from different splits cannot be told apart here: the caller checks the result
    /// (the CAS master key against its sealed check value).
    public static func combine(_ shares: [ShamirShare]) throws(CASError) -> [UInt8] {
        guard let first = shares.first else { throw CASError(.invalidShare, "no shares given") }
        for share in shares {
            guard share.threshold == first.threshold else {
                throw CASError(.invalidShare, "shares disagree on the threshold (\(first.threshold) and \(share.threshold))")
            }
            guard share.values.count == first.values.count else {
                throw CASError(.invalidShare, "shares have different lengths")
            }
        }
        var seen = Set<UInt8>()
        for share in shares where !seen.insert(share.index).inserted {
            throw CASError(.invalidShare, "share \(share.index) given twice")
        }
        guard shares.count >= first.threshold else {
            throw CASError(.invalidShare, "\(first.threshold) shares needed, got \(shares.count)")
        }
        let used = Array(shares.prefix(first.threshold))
        let weights = lagrangeWeightsAtZero(used.map(\.index))
        var secret = [UInt8](repeating: 0, count: first.values.count)
        for byteIndex in secret.indices {
            var value: UInt8 = 0
            for (share, weight) in zip(used, weights) {
                value ^= GF256.multiply(share.values[byteIndex], weight)
            }
            secret[byteIndex] = value
        }
        return secret
    }

    /// Horner's rule: c0 + x·(c1 + x·(c2 + …)).
    static func evaluate(_ coefficients: [UInt8], at x: UInt8) -> UInt8 {
        var result: UInt8 = 0
        for c in coefficients.reversed() {
            result = GF256.multiply(result, x) ^ c
        }
        return result
    }

    /// ℓ_i(0) = Π_{j≠i} x_j / (x_j − x_i); subtraction is XOR in GF(2^8). Indices are distinct.
    static func lagrangeWeightsAtZero(_ xs: [UInt8]) -> [UInt8] {
        xs.indices.map { i in
            var weight: UInt8 = 1
            for j in xs.indices where j != i {
                weight = GF256.multiply(weight, GF256.divide(xs[j], xs[j] ^ xs[i]))
            }
            return weight
        }
    }
}
