import Foundation

/// Host names and IP literals as the listen address and certificate SANs see them.
enum HostAddress {
    /// The 4 or 16 bytes of an IPv4 or IPv6 literal (`[::1]` brackets allowed), nil for a name.
    static func ipBytes(_ host: String) -> [UInt8]? {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        var v4 = in_addr()
        if inet_pton(AF_INET, bare, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, bare, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }

    /// Loopback: `localhost`, 127.0.0.0/8, ::1, and IPv4-mapped 127.0.0.0/8.
    static func isLoopback(_ host: String) -> Bool {
        if host.lowercased() == "localhost" { return true }
        guard let bytes = ipBytes(host) else { return false }
        if bytes.count == 4 { return bytes[0] == 127 }
        if bytes == Array(repeating: 0, count: 15) + [1] { return true }
        let mappedPrefix: [UInt8] = Array(repeating: 0, count: 10) + [0xff, 0xff]
        return Array(bytes.prefix(12)) == mappedPrefix && bytes[12] == 127
    }
}
