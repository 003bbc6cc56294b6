/// A failure to compress or decompress a page. Equality is on `code` only.
/// Messages name the codec and what was wrong, never data bytes.
public struct CodecError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let raw: UInt8
        private init(_ raw: UInt8) { self.raw = raw }

        /// The stream is not valid for its codec (bad header, bad checksum, truncated, trailing garbage).
        public static let corruptInput = Code(1)
        /// The stream is valid but decompresses to a different size than the page header says.
        public static let sizeMismatch = Code(2)
        /// A size does not fit the codec library's limits (e.g. LZ4 blocks are at most 2 GiB).
        public static let tooLarge = Code(3)
        /// The compression level is outside the codec's range.
        public static let invalidLevel = Code(4)
        /// The library reported an internal failure (e.g. out of memory).
        public static let libraryFailure = Code(5)

        public var description: String {
            switch raw {
            case 1: "corruptInput"
            case 2: "sizeMismatch"
            case 3: "tooLarge"
            case 4: "invalidLevel"
            default: "libraryFailure"
            }
        }
    }

    public let code: Code
    public let codec: PageCodec
    public let message: String

    public init(_ code: Code, _ codec: PageCodec, _ message: String) {
        self.code = code
        self.codec = codec
        self.message = message
    }

    public var description: String { "\(codec.name) \(code): \(message)" }

    public static func == (lhs: CodecError, rhs: CodecError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
