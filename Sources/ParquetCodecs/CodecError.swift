import Support

/// A failure to compress or decompress a page. Equality is on `code` only.
/// Messages name the codec and what was wrong, never data bytes.
public typealias CodecError = CodedError<CodecErrorCode>

public struct CodecErrorCode: ErrorCode {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    /// The message already reads "CODEC CODE: what" (see the initializer below).
    public static var descriptionShowsCode: Bool { false }

    /// The stream is not valid for its codec (bad header, bad checksum, truncated, trailing garbage).
    public static let corruptInput = Self("corruptInput")
    /// The stream is valid but decompresses to a different size than the page header says.
    public static let sizeMismatch = Self("sizeMismatch")
    /// A size does not fit the codec library's limits (e.g. LZ4 blocks are at most 2 GiB).
    public static let tooLarge = Self("tooLarge")
    /// The compression level is outside the codec's range.
    public static let invalidLevel = Self("invalidLevel")
    /// The library reported an internal failure (e.g. out of memory).
    public static let libraryFailure = Self("libraryFailure")
}

extension CodedError where Domain == CodecErrorCode {
    /// The codec leads the message: "zstd corruptInput: …".
    public init(_ code: Domain, _ codec: PageCodec, _ message: String, fileID: StaticString = #fileID, line: UInt = #line) {
        self.init(code, "\(codec.name) \(code.rawValue): \(message)", fileID: fileID, line: line)
    }
}
