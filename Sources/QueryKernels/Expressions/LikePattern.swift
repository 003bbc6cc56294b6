import Columnar

/// A LIKE / ILIKE pattern compiled once: `%` any string, `_` any one character, `escape`
/// makes the next character literal.
public struct LikePattern: Sendable, Hashable {
    enum Token: Sendable, Hashable { case byte(UInt8), anyChar, anyString }
    enum Shape: Sendable, Hashable { case exact([UInt8]), prefix([UInt8]), suffix([UInt8]), contains([UInt8]), general }

    public let pattern: String
    public let caseInsensitive: Bool
    let tokens: [Token]
    let shape: Shape

    public init(_ pattern: String, escape: Character? = nil, caseInsensitive: Bool = false) throws(QueryError) {
        self.pattern = pattern
        self.caseInsensitive = caseInsensitive
        let text = caseInsensitive ? pattern.lowercased() : pattern
        var tokens: [Token] = []
        var escaping = false
        for ch in text {
            if escaping {
                tokens.append(contentsOf: ch.utf8.map(Token.byte)); escaping = false
            } else if let escape, ch == escape {
                escaping = true
            } else if ch == "%" {
                if tokens.last != .anyString { tokens.append(.anyString) }
            } else if ch == "_" {
                tokens.append(.anyChar)
            } else {
                tokens.append(contentsOf: ch.utf8.map(Token.byte))
            }
        }
        if escaping { throw QueryError(.invalidArgument, "LIKE pattern ends with its escape character") }
        self.tokens = tokens
        shape = Self.shape(of: tokens)
    }

    private static func shape(of tokens: [Token]) -> Shape {
        guard !tokens.contains(.anyChar) else { return .general }
        let stars = tokens.filter { $0 == .anyString }.count
        let literal = tokens.compactMap { if case .byte(let b) = $0 { return b } else { return nil } }
        switch stars {
        case 0: return .exact(literal)
        case 1 where tokens.last == .anyString: return .prefix(literal)
        case 1 where tokens.first == .anyString: return .suffix(literal)
        case 2 where tokens.first == .anyString && tokens.last == .anyString: return .contains(literal)
        default: return .general
        }
    }

    func match(_ v: Vector, negated: Bool) -> Vector {
        let b = v.strings
        let n = b.count
        var out = [Bool](repeating: false, count: n)
        var lowered: [UInt8] = []
        b.offsets.withUnsafeBufferPointer { o in
            b.data.withUnsafeBufferPointer { d in
                for i in 0..<n {
                    var s = UnsafeBufferPointer(rebasing: d[Int(o[i])..<Int(o[i + 1])])
                    if caseInsensitive {
                        lowered.removeAll(keepingCapacity: true)
                        if s.allSatisfy({ $0 < 128 }) {
                            for c in s { lowered.append(c >= 65 && c <= 90 ? c | 0x20 : c) }
                        } else {
                            lowered.append(contentsOf: String(decoding: s, as: UTF8.self).lowercased().utf8)
                        }
                        out[i] = lowered.withUnsafeBufferPointer { matches($0) } != negated
                        continue
                    }
                    s = UnsafeBufferPointer(rebasing: s[...])
                    out[i] = matches(s) != negated
                }
            }
        }
        return Vector(type: .boolean, values: .bool(out), validity: v.validity)
    }

    func matches(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        switch shape {
        case .exact(let l): return s.count == l.count && s.elementsEqual(l)
        case .prefix(let l): return s.count >= l.count && s.prefix(l.count).elementsEqual(l)
        case .suffix(let l): return s.count >= l.count && s.suffix(l.count).elementsEqual(l)
        case .contains(let l): return contains(s, l)
        case .general: return general(s)
        }
    }

    private func contains(_ s: UnsafeBufferPointer<UInt8>, _ l: [UInt8]) -> Bool {
        guard let first = l.first else { return true }
        guard s.count >= l.count else { return false }
        var i = 0
        let last = s.count - l.count
        while i <= last {
            if s[i] == first {
                var j = 1
                while j < l.count && s[i + j] == l[j] { j += 1 }
                if j == l.count { return true }
            }
            i += 1
        }
        return false
    }

    /// Wildcard matching with one backtrack point (the last `%`), linear in practice.
    private func general(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        var si = 0, ti = 0
        var starToken = -1, starPos = 0
        @inline(__always) func charLength(_ c: UInt8) -> Int {
            c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4
        }
        while si < s.count {
            if ti < tokens.count {
                switch tokens[ti] {
                case .byte(let b) where b == s[si]:
                    si += 1; ti += 1; continue
                case .anyChar:
                    si = min(s.count, si + charLength(s[si])); ti += 1; continue
                case .anyString:
                    starToken = ti; starPos = si; ti += 1; continue
                default: break
                }
            }
            guard starToken >= 0 else { return false }
            starPos = min(s.count, starPos + charLength(s[starPos]))
            si = starPos
            ti = starToken + 1
        }
        while ti < tokens.count && tokens[ti] == .anyString { ti += 1 }
        return ti == tokens.count
    }
}
