/// Splits SQL text into tokens in one pass over its UTF-8 bytes.
///
/// Bytes ≥ 0x80 are identifier characters, so every token boundary falls on an ASCII byte
/// and slices of the valid UTF-8 input stay valid UTF-8.
struct Lexer {
    private let bytes: [UInt8]
    private var position = 0
    private var line = 1
    private var lineStart = 0

    init(_ sql: String) {
        bytes = Array(sql.utf8)
    }

    static func tokenize(_ sql: String) throws(SQLSyntaxError) -> [Token] {
        var lexer = Lexer(sql)
        var tokens: [Token] = []
        while true {
            let token = try lexer.next()
            tokens.append(token)
            if token.kind == .endOfInput { return tokens }
        }
    }

    /// Columns are counted from the last computed location, so lexing stays linear on long lines.
    private var countedOffset = 0
    private var countedColumn = 1

    private mutating func location(at offset: Int) -> SourceLocation {
        if countedOffset < lineStart || countedOffset > offset {
            countedOffset = lineStart
            countedColumn = 1
        }
        while countedOffset < offset {
            if bytes[countedOffset] & 0xC0 != 0x80 { countedColumn += 1 }  // count scalar starts only
            countedOffset += 1
        }
        return SourceLocation(line: line, column: countedColumn, offset: offset)
    }

    private func peek(_ ahead: Int = 0) -> UInt8? {
        let i = position + ahead
        return i < bytes.count ? bytes[i] : nil
    }

    private mutating func advance() {
        if bytes[position] == UInt8(ascii: "\n") {
            line += 1
            lineStart = position + 1
        }
        position += 1
    }

    private static func isIdentifierStart(_ b: UInt8) -> Bool {
        (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || b == UInt8(ascii: "_") || b >= 0x80
    }

    private static func isIdentifierPart(_ b: UInt8) -> Bool {
        isIdentifierStart(b) || isDigit(b) || b == UInt8(ascii: "$")
    }

    private static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    private func text(_ from: Int, _ to: Int) -> String {
        String(decoding: bytes[from..<to], as: UTF8.self)
    }

    private mutating func skipTrivia() throws(SQLSyntaxError) {
        while let b = peek() {
            switch b {
            case 0x20, 0x09, 0x0A, 0x0D, 0x0C, 0x0B:
                advance()
            case UInt8(ascii: "-") where peek(1) == UInt8(ascii: "-"):
                while let c = peek(), c != 0x0A { advance() }
            case UInt8(ascii: "/") where peek(1) == UInt8(ascii: "*"):
                let start = location(at: position)
                advance(); advance()
                var depth = 1  // nested comments as in PostgreSQL and DuckDB
                while depth > 0 {
                    guard let c = peek() else {
                        throw SQLSyntaxError(.unterminatedComment, "unterminated /* comment", at: start)
                    }
                    if c == UInt8(ascii: "*"), peek(1) == UInt8(ascii: "/") {
                        depth -= 1; advance(); advance()
                    } else if c == UInt8(ascii: "/"), peek(1) == UInt8(ascii: "*") {
                        depth += 1; advance(); advance()
                    } else {
                        advance()
                    }
                }
            default:
                return
            }
        }
    }

    mutating func next() throws(SQLSyntaxError) -> Token {
        try skipTrivia()
        let start = position
        let loc = location(at: start)
        guard let b = peek() else {
            return Token(kind: .endOfInput, text: "", keyword: "", location: loc)
        }
        if Lexer.isIdentifierStart(b) {
            while let c = peek(), Lexer.isIdentifierPart(c) { advance() }
            let word = text(start, position)
            return Token(kind: .word, text: word, keyword: Lexer.asciiUppercased(bytes[start..<position]), location: loc)
        }
        if Lexer.isDigit(b) || (b == UInt8(ascii: ".") && peek(1).map(Lexer.isDigit) == true) {
            return try number(start: start, location: loc)
        }
        switch b {
        case UInt8(ascii: "'"):
            let value = try quoted(UInt8(ascii: "'"), code: .unterminatedString, what: "string literal", location: loc)
            return Token(kind: .string, text: value, keyword: "", location: loc)
        case UInt8(ascii: "\""), UInt8(ascii: "`"):
            let value = try quoted(b, code: .unterminatedIdentifier, what: "quoted identifier", location: loc)
            if value.isEmpty {
                throw SQLSyntaxError(.unexpectedToken, "empty quoted identifier", at: loc)
            }
            return Token(kind: .quotedIdentifier, text: value, keyword: "", location: loc)
        default:
            break
        }
        if b == UInt8(ascii: "<"), peek(1) == UInt8(ascii: "="), peek(2) == UInt8(ascii: ">") {
            advance(); advance(); advance()
            return Token(kind: .symbol, text: "<=>", keyword: "", location: loc)
        }
        let two: String? = peek(1).flatMap { c in
            let pair = [b, c]
            let s = String(decoding: pair, as: UTF8.self)
            return Lexer.twoByteSymbols.contains(s) ? s : nil
        }
        if let two {
            advance(); advance()
            return Token(kind: .symbol, text: two, keyword: "", location: loc)
        }
        if Lexer.oneByteSymbols.contains(b) {
            advance()
            return Token(kind: .symbol, text: String(UnicodeScalar(b)), keyword: "", location: loc)
        }
        let shown = b >= 0x21 && b < 0x7F ? "'\(UnicodeScalar(b))'" : "byte 0x" + String(b, radix: 16)
        throw SQLSyntaxError(.invalidCharacter, "unexpected character \(shown)", at: loc)
    }

    private static let twoByteSymbols: Set<String> = ["<=", ">=", "<>", "!=", "==", "||", "::"]
    private static let oneByteSymbols: Set<UInt8> = Set("(),.;*+-/%=<>[]".utf8)

    private static func asciiUppercased(_ word: ArraySlice<UInt8>) -> String {
        String(decoding: word.map { ($0 >= 0x61 && $0 <= 0x7A) ? $0 - 0x20 : $0 }, as: UTF8.self)
    }

    /// Reads a quoted run; a doubled quote stands for one quote character.
    private mutating func quoted(_ quote: UInt8, code: SQLSyntaxError.Code, what: String, location: SourceLocation) throws(SQLSyntaxError) -> String {
        advance()
        var value: [UInt8] = []
        while true {
            guard let c = peek() else {
                throw SQLSyntaxError(code, "unterminated \(what)", at: location)
            }
            advance()
            if c == quote {
                if peek() == quote {
                    value.append(quote)
                    advance()
                } else {
                    return String(decoding: value, as: UTF8.self)
                }
            } else {
                value.append(c)
            }
        }
    }

    private mutating func number(start: Int, location: SourceLocation) throws(SQLSyntaxError) -> Token {
        var kind = Token.Kind.integer
        while let c = peek(), Lexer.isDigit(c) { advance() }
        if peek() == UInt8(ascii: "."), peek(1) != UInt8(ascii: ".") {
            kind = .decimal
            advance()
            while let c = peek(), Lexer.isDigit(c) { advance() }
        }
        if let e = peek(), e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            var ahead = 1
            if let sign = peek(1), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { ahead = 2 }
            if let d = peek(ahead), Lexer.isDigit(d) {
                kind = .double
                for _ in 0..<ahead { advance() }
                while let c = peek(), Lexer.isDigit(c) { advance() }
            } else {
                throw SQLSyntaxError(.invalidNumber, "numeric literal '\(Token.shortened(text(start, position + 1)))' has no exponent digits", at: location)
            }
        }
        if let c = peek(), Lexer.isIdentifierStart(c) {
            throw SQLSyntaxError(.invalidNumber, "numeric literal '\(Token.shortened(text(start, position)))' is followed by '\(Token.shortened(text(position, position + 1)))'; separate them with a space", at: location)
        }
        return Token(kind: kind, text: text(start, position), keyword: "", location: location)
    }
}
