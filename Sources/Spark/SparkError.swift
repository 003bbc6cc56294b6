import Support

/// Why an attested Spark launch cannot start here (what is missing, and how to get it).
public typealias SparkError = CodedError<SparkErrorCode>

public struct SparkErrorCode: ErrorCode {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    /// Messages are written for the person launching Spark.
    public static var descriptionShowsCode: Bool { false }

    /// Spark, Java, the project's spark/ directory or the KMS client jar is not where it should be.
    public static let installation = Self("installation")
}
