// libFuzzer entry for the DCAP quote parser (DCAPQuote and everything it reads: header, SGX
// report, TD 1.0/1.5 report, QE certification data). Built by scripts/fuzz-dcap.sh with
// `swiftc -sanitize=fuzzer` straight from the parser sources: SwiftPM cannot add the
// fuzzer flags to one target without a Package.swift change, and the parsers need nothing
// but the standard library.
@_cdecl("LLVMFuzzerTestOneInput")
public func dcapQuoteFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let quote = try? DCAPQuote(bytes: bytes) {
        // A parsed quote must be internally consistent: its signed part is a prefix of the input.
        precondition(quote.signedBytes.count <= bytes.count)
        precondition(Array(bytes.prefix(quote.signedBytes.count)) == quote.signedBytes)
    }
    _ = try? JSONMemberSpans.topLevel(bytes, name: "fuzz")
    return 0
}
