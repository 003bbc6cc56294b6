import Testing
@testable import CASCore

@Suite struct GF256Tests {
    @Test func productsMatchTheAESField() {
        // FIPS-197 §4.2: {57}·{83} = {c1}, {57}·{13} = {fe}; {53} and {ca} are inverses.
        #expect(GF256.multiply(0x57, 0x83) == 0xc1)
        #expect(GF256.multiply(0x57, 0x13) == 0xfe)
        #expect(GF256.multiply(0x53, 0xca) == 0x01)
        #expect(GF256.inverse(0x53) == 0xca)
        #expect(GF256.multiply(0x02, 0x80) == 0x1b)  // reduction by x^8 + x^4 + x^3 + x + 1
    }

    @Test func everyNonZeroElementHasAnInverse() {
        for a in 1...255 {
            #expect(GF256.multiply(UInt8(a), GF256.inverse(UInt8(a))) == 1)
        }
    }

    @Test func multiplicationIsCommutativeAndDistributes() {
        for a in stride(from: 0, through: 255, by: 7) {
            for b in stride(from: 0, through: 255, by: 11) {
                let x = UInt8(a), y = UInt8(b), z: UInt8 = 0x3d
                #expect(GF256.multiply(x, y) == GF256.multiply(y, x))
                #expect(GF256.multiply(x, y ^ z) == GF256.multiply(x, y) ^ GF256.multiply(x, z))
            }
        }
    }
}

@Suite struct ShamirTests {
    let secret: [UInt8] = (0..<32).map { UInt8($0 * 7 + 3) }

    /// All subsets of `items` with `size` elements.
    func subsets<T>(_ items: [T], size: Int) -> [[T]] {
        if size == 0 { return [[]] }
        guard let first = items.first else { return [] }
        let rest = Array(items.dropFirst())
        return subsets(rest, size: size - 1).map { [first] + $0 } + subsets(rest, size: size)
    }

    @Test func everyThreeOfFiveSubsetReconstructs() throws {
        let shares = try Shamir.split(secret, threshold: 3, shareCount: 5)
        #expect(shares.count == 5)
        #expect(shares.map(\.index) == [1, 2, 3, 4, 5])
        var tried = 0
        for size in 3...5 {
            for subset in subsets(shares, size: size) {
                #expect(try Shamir.combine(subset) == secret)
                #expect(try Shamir.combine(subset.reversed()) == secret)
                tried += 1
            }
        }
        #expect(tried == 10 + 5 + 1)
    }

    @Test func fewerThanThresholdSharesRevealSomethingElse() throws {
        let shares = try Shamir.split(secret, threshold: 3, shareCount: 5)
        for pair in subsets(shares, size: 2) {
            // Pretend the threshold were 2: the interpolation runs but gives another value.
            let forged = try pair.map { try ShamirShare(threshold: 2, index: $0.index, values: $0.values) }
            #expect(try Shamir.combine(forged) != secret)
        }
    }

    @Test func sharesAreNotTheSecret() throws {
        let shares = try Shamir.split(secret, threshold: 2, shareCount: 3)
        for share in shares { #expect(share.values != secret) }
        // Two splits of the same secret use fresh randomness.
        #expect(try Shamir.split(secret, threshold: 2, shareCount: 3) != shares)
    }

    @Test func refusesTooFewDuplicateOrMixedShares() throws {
        let shares = try Shamir.split(secret, threshold: 3, shareCount: 5)
        #expect(throws: CASError(.invalidShare, "")) { try Shamir.combine(Array(shares.prefix(2))) }
        #expect(throws: CASError(.invalidShare, "")) { try Shamir.combine([shares[0], shares[0], shares[1]]) }
        #expect(throws: CASError(.invalidShare, "")) { try Shamir.combine([]) }
        let other = try Shamir.split(secret, threshold: 2, shareCount: 5)
        #expect(throws: CASError(.invalidShare, "")) { try Shamir.combine([shares[0], shares[1], other[2]]) }
        let short = try Shamir.split([1, 2, 3], threshold: 3, shareCount: 5)
        #expect(throws: CASError(.invalidShare, "")) { try Shamir.combine([shares[0], shares[1], short[2]]) }
        do {
            _ = try Shamir.combine(Array(shares.prefix(2)))
        } catch {
            #expect(error.message == "3 shares needed, got 2")
        }
    }

    @Test func refusesBadParameters() {
        #expect(throws: CASError(.invalidShare, "")) { try Shamir.split(secret, threshold: 1, shareCount: 3) }
        #expect(throws: CASError(.invalidShare, "")) { try Shamir.split(secret, threshold: 4, shareCount: 3) }
        #expect(throws: CASError(.invalidShare, "")) { try Shamir.split(secret, threshold: 2, shareCount: 256) }
        #expect(throws: CASError(.invalidShare, "")) { try Shamir.split([], threshold: 2, shareCount: 3) }
    }

    @Test func maximalSplitWorks() throws {
        let shares = try Shamir.split(secret, threshold: 255, shareCount: 255)
        #expect(try Shamir.combine(shares.reversed()) == secret)
    }

    @Test func shareTextRoundTrips() throws {
        let shares = try Shamir.split(secret, threshold: 3, shareCount: 5)
        for share in shares {
            #expect(share.text.hasPrefix("srs1-3-\(share.index)-"))
            #expect(try ShamirShare(text: share.text) == share)
            #expect(try ShamirShare(text: "  " + share.text + "\n") == share)
        }
        let parsed = try shares.suffix(3).map { try ShamirShare(text: $0.text) }
        #expect(try Shamir.combine(parsed) == secret)
        #expect(!String(describing: shares[0]).contains(hex(shares[0].values)))
    }

    @Test(arguments: [
        "", "srs1", "srs2-3-1-00ff", "srs1-3-1", "srs1-x-1-00", "srs1-3-0-00", "srs1-3-256-00",
        "srs1-1-1-00", "srs1-3-1-0g", "srs1-3-1-0", "srs1-3-1-", "srs1-3-1-00-00", "srs1-9999-1-00",
    ])
    func malformedShareTextIsRefused(_ text: String) {
        #expect(throws: CASError(.invalidShare, "")) { try ShamirShare(text: text) }
    }
}
