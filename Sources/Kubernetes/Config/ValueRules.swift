/// The value syntaxes Kubernetes (and Spark) accept, checked up front so a bad value is a
/// deploy.yaml error with a line number rather than a refusal at `kubectl apply` time.
enum ValueRules {
    private static func isLowerAlnum(_ c: UInt8) -> Bool {
        (c >= 97 && c <= 122) || (c >= 48 && c <= 57)
    }

    /// RFC 1123 label: namespaces, pool names, Service/ServiceAccount names.
    static func isDNSLabel(_ text: String, maxLength: Int = 63) -> Bool {
        let u = Array(text.utf8)
        guard let first = u.first, let last = u.last, u.count <= maxLength else { return false }
        return isLowerAlnum(first) && isLowerAlnum(last) && u.allSatisfy { isLowerAlnum($0) || $0 == UInt8(ascii: "-") }
    }

    /// RFC 1123 subdomain: Secret, RuntimeClass, StorageClass names.
    static func isDNSSubdomain(_ text: String) -> Bool {
        text.utf8.count <= 253 && !text.isEmpty
            && text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { isDNSLabel(String($0)) }
    }

    /// Label keys: optional DNS-subdomain prefix and `/`, then a name of ≤ 63 of [A-Za-z0-9-_.]
    /// starting and ending alphanumeric.
    static func isLabelKey(_ text: String) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let name = parts.last else { return false }
        if parts.count == 2 && !isDNSSubdomain(String(parts[0])) { return false }
        return isLabelValue(String(name)) && !name.isEmpty
    }

    /// Label values: empty, or ≤ 63 of [A-Za-z0-9-_.] starting and ending alphanumeric.
    static func isLabelValue(_ text: String) -> Bool {
        let u = Array(text.utf8)
        if u.isEmpty { return true }
        func alnum(_ c: UInt8) -> Bool { isLowerAlnum(c) || (c >= 65 && c <= 90) }
        guard u.count <= 63, alnum(u.first!), alnum(u.last!) else { return false }
        return u.allSatisfy { alnum($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }
    }

    /// Kubernetes quantity (`500m`, `2`, `1.5`, `64Mi`, `10Gi`): decimal number and an optional suffix.
    static func isQuantity(_ text: String) -> Bool {
        let suffixes = ["Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "m", "k", "M", "G", "T", "P", "E", ""]
        for suffix in suffixes where text.hasSuffix(suffix) {
            let number = text.dropLast(suffix.count)
            let pieces = number.split(separator: ".", omittingEmptySubsequences: false)
            guard !number.isEmpty, pieces.count <= 2,
                pieces.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } })
            else { continue }
            return number.utf8.count <= 18
        }
        return false
    }

    /// Spark's JVM memory strings: digits and k, m, g or t (`4g`, `512m`).
    static func isSparkMemory(_ text: String) -> Bool {
        guard let last = text.utf8.last, "kmgt".utf8.contains(last) else { return false }
        let digits = text.utf8.dropLast()
        return !digits.isEmpty && digits.count <= 9 && digits.allSatisfy { $0 >= 48 && $0 <= 57 }
    }

    /// IPv4 `a.b.c.d/n` or IPv6 `x:…/n` with a prefix length in range.
    static func isCIDR(_ text: String) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let prefix = Int(parts[1]), parts[1].utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            return false
        }
        let address = String(parts[0])
        if address.contains(":") {
            return (0...128).contains(prefix) && isIPv6(address)
        }
        let octets = address.split(separator: ".", omittingEmptySubsequences: false)
        return (0...32).contains(prefix) && octets.count == 4
            && octets.allSatisfy { o in
                !o.isEmpty && o.count <= 3 && o.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } && Int(o)! <= 255
            }
    }

    private static func isIPv6(_ text: String) -> Bool {
        let hex = "0123456789abcdefABCDEF".utf8
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return false }
        var groups = 0
        for half in halves where !half.isEmpty {
            for group in half.split(separator: ":", omittingEmptySubsequences: false) {
                guard (1...4).contains(group.utf8.count), group.utf8.allSatisfy({ hex.contains($0) }) else { return false }
                groups += 1
            }
        }
        return halves.count == 2 ? groups < 8 : groups == 8
    }

    /// Container image references: no whitespace or control characters, bounded length.
    static func isImage(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 512 && text.utf8.allSatisfy { $0 > 32 && $0 < 127 }
    }

    /// Absolute, normalised paths for hostPath and mount points.
    static func isAbsolutePath(_ text: String) -> Bool {
        guard text.hasPrefix("/"), text.count > 1, !text.hasSuffix("/"), text.utf8.count <= 1024 else { return false }
        return text.dropFirst().split(separator: "/", omittingEmptySubsequences: false).allSatisfy {
            !$0.isEmpty && $0 != "." && $0 != ".." && $0.utf8.allSatisfy { $0 > 32 && $0 < 127 }
        }
    }
}
