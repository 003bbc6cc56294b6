import FuzzTargets

#if canImport(Glibc)
import Glibc
#endif

// `strongroom-fuzz TARGET [libFuzzer options] [corpus…]` when built by scripts/fuzz.sh
// (`-sanitize=fuzzer -DSTRONGROOM_LIBFUZZER`); `strongroom-fuzz TARGET FILE|DIR…` replays inputs
// in an ordinary build (reproducing a crash in the debugger).

private func usage() -> Never {
    let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: " ")
    let text = "usage: strongroom-fuzz TARGET [inputs…]   (TARGET: \(names))\n"
    _ = text.withCString { write(2, $0, strlen($0)) }
    exit(2)
}

/// The target named by the first argument; `--list` prints the targets, `--seeds TARGET` the
/// vector patterns that seed its corpus (for scripts/fuzz.sh), and both exit.
private func target(named name: String, _ next: String?) -> FuzzTarget {
    switch name {
    case "--list":
        for target in FuzzTarget.allCases { print(target.rawValue) }
        exit(0)
    case "--seeds":
        guard let next, let target = FuzzTarget(rawValue: next) else { usage() }
        for pattern in target.vectorSeeds { print(pattern) }
        exit(0)
    default:
        guard let target = FuzzTarget(rawValue: name) else { usage() }
        return target
    }
}

#if STRONGROOM_LIBFUZZER

// libFuzzer calls back from one thread; the target is chosen once, before the driver starts.
nonisolated(unsafe) private var selected: FuzzTarget = .sql

// Exported under libFuzzer's name too: its archive's `main` refers to it when the linker pulls
// that member in.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    selected.run(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}

@_silgen_name("LLVMFuzzerRunDriver")
private func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

// SwiftPM links an executable's entry point as `<module>_main`; libFuzzer's driver takes over
// from there (its own `main` is not linked, `LLVMFuzzerRunDriver` is its documented entry).
@_cdecl("strongroom_fuzz_main")
func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    guard argc >= 2, let argv, let name = argv[1] else { usage() }
    selected = target(named: String(cString: name), argc > 2 ? argv[2].map { String(cString: $0) } : nil)
    // The driver sees the program name and the libFuzzer arguments, not the target.
    var rest: [UnsafeMutablePointer<CChar>?] = [argv[0]] + (2..<Int(argc)).map { argv[$0] } + [nil]
    var count = argc - 1
    return rest.withUnsafeMutableBufferPointer { buffer in
        var pointer: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = buffer.baseAddress
        return runFuzzerDriver(&count, &pointer, fuzzOneInput)
    }
}

#else

@main
struct ReplayInputs {
    static func main() throws {
        let arguments = CommandLine.arguments.dropFirst()
        guard let name = arguments.first else { usage() }
        let target = target(named: name, arguments.dropFirst().first)
        var replayed = 0
        for path in arguments.dropFirst() {
            for file in try FuzzInputs.files(at: path) {
                target.run(try FuzzInputs.read(file))
                replayed += 1
            }
        }
        print("\(target.rawValue): \(replayed) inputs replayed without a crash")
    }
}

#endif
