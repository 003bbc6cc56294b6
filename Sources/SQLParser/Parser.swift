/// Token cursor and the small helpers every grammar rule uses.
struct Parser {
    /// Deeper nesting is an error, not a stack overflow. Parentheses, subqueries, prefix
    /// operators and each operator of a chain (`a + b + …`, joins, UNIONs) count as one level.
    static let maxNestingDepth = 256

    let tokens: [Token]
    var index = 0
    var depth = 0
    /// Index of the last word taken as an alias without AS: a misspelt keyword is often read
    /// as one, so errors right after it point at it instead.
    var implicitAliasIndex = -1

    init(tokens: [Token]) {
        self.tokens = tokens  // always ends with .endOfInput
    }

    var current: Token { tokens[index] }

    func peek(_ ahead: Int) -> Token { tokens[min(index + ahead, tokens.count - 1)] }

    @discardableResult
    mutating func advance() -> Token {
        let token = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    mutating func consumeKeyword(_ keyword: String) -> Bool {
        guard current.isKeyword(keyword) else { return false }
        advance()
        return true
    }

    @discardableResult
    mutating func expectKeyword(_ keyword: String) throws(SQLSyntaxError) -> Token {
        guard current.isKeyword(keyword) else { throw unexpected(keyword) }
        return advance()
    }

    mutating func consumeSymbol(_ symbol: String) -> Bool {
        guard current.isSymbol(symbol) else { return false }
        advance()
        return true
    }

    @discardableResult
    mutating func expectSymbol(_ symbol: String) throws(SQLSyntaxError) -> Token {
        guard current.isSymbol(symbol) else { throw unexpected("'\(symbol)'") }
        return advance()
    }

    func unexpected(_ expected: String) -> SQLSyntaxError {
        SQLSyntaxError(.unexpectedToken, "expected \(expected), found \(current.quoted)", at: current.location)
    }

    /// Call at the top of every recursive rule, with `defer { depth -= 1 }`.
    mutating func enter() throws(SQLSyntaxError) {
        depth += 1
        if depth > Parser.maxNestingDepth {
            throw SQLSyntaxError(.nestingTooDeep, "query nested too deeply: more than \(Parser.maxNestingDepth) levels of parentheses, subqueries or chained operators", at: current.location)
        }
    }

    /// Words that cannot be a bare identifier or an alias without AS.
    static let reserved: Set<String> = [
        "ALL", "AND", "AS", "ASC", "BETWEEN", "BY", "CASE", "CAST", "CROSS", "DESC", "DISTINCT",
        "ELSE", "END", "ESCAPE", "EXCEPT", "EXISTS", "FALSE", "FROM", "FULL", "GROUP", "HAVING",
        "ILIKE", "IN", "INNER", "INTERSECT", "IS", "JOIN", "LEFT", "LIKE", "LIMIT", "NATURAL", "NOT",
        "NULL", "OFFSET", "ON", "OR", "ORDER", "OUTER", "RIGHT", "SELECT", "THEN", "TRUE", "UNION",
        "USING", "WHEN", "WHERE", "WITH", "OVER", "WINDOW", "QUALIFY",
    ]

    /// True when the current token can name a table, column or alias.
    var atIdentifier: Bool {
        switch current.kind {
        case .quotedIdentifier: return true
        case .word: return !Parser.reserved.contains(current.keyword)
        default: return false
        }
    }

    mutating func parseIdentifier(_ what: String) throws(SQLSyntaxError) -> SQLIdentifier {
        guard atIdentifier else { throw unexpected(what) }
        let token = advance()
        return SQLIdentifier(token.text, isQuoted: token.kind == .quotedIdentifier, at: token.location)
    }

    /// After a dot any word names a part, keywords included (`t.order`).
    mutating func parseNamePart(_ what: String) throws(SQLSyntaxError) -> SQLIdentifier {
        guard current.kind == .word || current.kind == .quotedIdentifier else { throw unexpected(what) }
        let token = advance()
        return SQLIdentifier(token.text, isQuoted: token.kind == .quotedIdentifier, at: token.location)
    }

    /// `(a, b, …)`
    mutating func parseIdentifierList(_ what: String) throws(SQLSyntaxError) -> [SQLIdentifier] {
        try expectSymbol("(")
        var names = [try parseIdentifier(what)]
        while consumeSymbol(",") { names.append(try parseIdentifier(what)) }
        try expectSymbol(")")
        return names
    }

    /// Throws "expected …" at the current token, or at a just-read implicit alias that looks
    /// like one of the expected keywords misspelt (`SELECT count(*) FORM t`).
    func misplaced(expected keywords: [String], orEnd: Bool) -> SQLSyntaxError {
        var list = keywords
        if orEnd { list.append("end of query") }
        let text = list.count <= 1 ? (list.first ?? "end of query")
            : list.dropLast().joined(separator: ", ") + " or " + list[list.count - 1]
        if implicitAliasIndex == index - 1, implicitAliasIndex >= 0 {
            let alias = tokens[implicitAliasIndex]
            if alias.kind == .word, keywords.contains(where: { Parser.looksMisspelt(alias.keyword, as: $0) }) {
                return SQLSyntaxError(.unexpectedToken, "expected \(text), found \(alias.quoted)", at: alias.location)
            }
        }
        return unexpected(text)
    }

    /// Edit distance at most 1, or 2 for longer words, counting a swap of neighbours as one edit.
    static func looksMisspelt(_ word: String, as keyword: String) -> Bool {
        let kw = keyword.split(separator: " ").first.map(String.init) ?? keyword
        let a = Array(word.utf8), b = Array(kw.utf8)
        guard a.count >= 3, abs(a.count - b.count) <= 2, a != b else { return false }
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...max(1, a.count) where i <= a.count {
            for j in 1...max(1, b.count) where j <= b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[a.count][b.count] <= (b.count >= 5 ? 2 : 1)
    }
}
