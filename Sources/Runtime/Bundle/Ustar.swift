import Foundation

/// The POSIX ustar subset a code bundle needs: regular files and directories, names up to
/// 255 bytes (prefix + name), sizes below 8 GiB. Reading refuses anything else with the entry
/// and the reason, and never writes outside the target directory.
enum Ustar {
    static let block = 512

    struct Entry: Equatable {
        var path: String
        var isDirectory: Bool
        var mode: UInt32
        var contents: [UInt8]
    }

    // MARK: Writing

    /// Every regular file and directory below `directory`, sorted, as one archive.
    static func archive(directory: String) throws(RuntimeError) -> [UInt8] {
        guard let walker = FileManager.default.enumerator(atPath: directory) else {
            throw RuntimeError(.configuration, "cannot list \(directory)")
        }
        var relatives: [String] = []
        for case let relative as String in walker { relatives.append(relative) }
        var out: [UInt8] = []
        for relative in relatives.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
            let full = directory + "/" + relative
            var info = stat()
            guard lstat(full, &info) == 0 else { throw RuntimeError(.configuration, "cannot stat \(full)") }
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                out += try header(path: relative + "/", size: 0, mode: 0o755, type: UInt8(ascii: "5"))
            case S_IFREG:
                guard let data = FileManager.default.contents(atPath: full) else { throw RuntimeError(.configuration, "cannot read \(full)") }
                let mode: UInt32 = info.st_mode & 0o111 != 0 ? 0o755 : 0o644
                out += try header(path: relative, size: data.count, mode: mode, type: UInt8(ascii: "0"))
                out += data
                out += [UInt8](repeating: 0, count: (block - data.count % block) % block)
            default:
                throw RuntimeError(.configuration, "\(full) is neither a file nor a directory (links are not bundled)")
            }
        }
        return out + [UInt8](repeating: 0, count: 2 * block)
    }

    private static func header(path: String, size: Int, mode: UInt32, type: UInt8) throws(RuntimeError) -> [UInt8] {
        let bytes = Array(path.utf8)
        var name = bytes, prefix: [UInt8] = []
        if bytes.count > 100 {
            guard let split = bytes.prefix(156).lastIndex(of: UInt8(ascii: "/")), bytes.count - split - 1 <= 100, split > 0 else {
                throw RuntimeError(.configuration, "path \(path) is too long for a bundle (255 bytes, components ≤ 100)")
            }
            prefix = Array(bytes[..<split])
            name = Array(bytes[(split + 1)...])
        }
        var h = [UInt8](repeating: 0, count: block)
        func put(_ field: [UInt8], at offset: Int) { for (i, b) in field.enumerated() { h[offset + i] = b } }
        func octal(_ value: Int, width: Int) -> [UInt8] { Array(String(value, radix: 8).leftPadded(to: width - 1).utf8) + [0] }
        put(name, at: 0)
        put(octal(Int(mode), width: 8), at: 100)
        put(octal(0, width: 8), at: 108)
        put(octal(0, width: 8), at: 116)
        put(octal(size, width: 12), at: 124)
        put(octal(0, width: 12), at: 136)
        put(Array(repeating: UInt8(ascii: " "), count: 8), at: 148)
        h[156] = type
        put(Array("ustar\0".utf8) + Array("00".utf8), at: 257)
        put(prefix, at: 345)
        let sum = h.reduce(0) { $0 + Int($1) }
        put(Array(String(sum, radix: 8).leftPadded(to: 6).utf8) + [0, UInt8(ascii: " ")], at: 148)
        return h
    }

    // MARK: Reading

    /// The entries of an archive; errors name the entry (or its offset) and what is wrong.
    static func entries(_ data: [UInt8], limit: Int = 1 << 30) throws(RuntimeError) -> [Entry] {
        var entries: [Entry] = []
        var offset = 0
        var total = 0
        while offset + block <= data.count {
            let h = Array(data[offset..<(offset + block)])
            if h.allSatisfy({ $0 == 0 }) { return entries }
            let stored = octal(h[148..<156])
            var sum = 0
            for (i, b) in h.enumerated() { sum += (148..<156).contains(i) ? 32 : Int(b) }
            guard stored == sum else { throw bad(offset, "header checksum does not match") }
            let name = string(h[0..<100]), prefix = string(h[345..<500])
            let path = prefix.isEmpty ? name : prefix + "/" + name
            guard let size = octal(h[124..<136]), size >= 0 else { throw bad(offset, "entry \(path.prefix(80)) has no valid size") }
            let type = h[156]
            let isDirectory = type == UInt8(ascii: "5")
            guard isDirectory || type == UInt8(ascii: "0") || type == 0 else {
                throw bad(offset, "entry \(path.prefix(80)) is not a file or directory (type \(Character(UnicodeScalar(type))))")
            }
            let clean = path.hasSuffix("/") ? String(path.dropLast()) : path
            guard isSafe(clean) else { throw bad(offset, "entry \(path.prefix(80)) would land outside the bundle directory") }
            let start = offset + block
            guard start + size <= data.count else { throw bad(offset, "entry \(path.prefix(80)) is cut short") }
            total += size
            guard total <= limit else { throw bad(offset, "the bundle unpacks to more than \(limit) bytes") }
            let mode = UInt32(octal(h[100..<108]) ?? 0o644)
            entries.append(Entry(path: clean, isDirectory: isDirectory, mode: mode & 0o755,
                                 contents: isDirectory ? [] : Array(data[start..<(start + size)])))
            offset = start + (size + block - 1) / block * block
        }
        throw bad(offset, "the archive has no end marker (truncated)")
    }

    private static func bad(_ offset: Int, _ reason: String) -> RuntimeError {
        RuntimeError(.configuration, "code bundle archive at byte \(offset): \(reason)")
    }

    private static func string(_ field: ArraySlice<UInt8>) -> String {
        String(decoding: field.prefix(while: { $0 != 0 }), as: UTF8.self)
    }

    private static func octal(_ field: ArraySlice<UInt8>) -> Int? {
        let text = string(field).trimmingCharacters(in: CharacterSet(charactersIn: " \0"))
        return text.isEmpty ? 0 : Int(text, radix: 8)
    }

    static func isSafe(_ path: String) -> Bool {
        guard !path.isEmpty, !path.hasPrefix("/"), !path.utf8.contains(0) else { return false }
        return path.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { !$0.isEmpty && $0 != "." && $0 != ".." }
    }
}

private extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
