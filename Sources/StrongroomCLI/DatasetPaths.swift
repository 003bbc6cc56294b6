import Foundation

/// `encrypt`/`decrypt` take a file and an output file, or a data set directory and an output
/// directory (every *.parquet inside, same names).
enum DatasetPaths {
    static func pairs(input: String, output: String) throws -> [(source: String, destination: String)] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory) else {
            throw CLIError("'\(input)' does not exist")
        }
        guard isDirectory.boolValue else { return [(input, output)] }
        let names = try FileManager.default.contentsOfDirectory(atPath: input)
            .filter { $0.hasSuffix(".parquet") && !$0.hasPrefix(".") }.sorted()
        guard !names.isEmpty else { throw CLIError("'\(input)' holds no *.parquet files") }
        var outputIsDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: output, isDirectory: &outputIsDirectory), !outputIsDirectory.boolValue {
            throw CLIError("'\(input)' is a directory, so the output '\(output)' must be one too")
        }
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        return names.map { ((input as NSString).appendingPathComponent($0), (output as NSString).appendingPathComponent($0)) }
    }
}
