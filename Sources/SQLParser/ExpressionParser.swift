/// Binding powers, lowest first, as in PostgreSQL and DuckDB.
private enum Precedence {
    static let or = 1
    static let and = 2
    static let not = 3
    static let `is` = 4
    static let comparison = 5
    /// BETWEEN, IN, LIKE, ILIKE.
    static let predicate = 6
    static let concat = 7
    static let additive = 8
    static let multiplicative = 9
    static let unary = 10
    static let cast = 11
}

/// Expressions by precedence climbing (Pratt): prefix forms, then infix/postfix operators
/// that bind tighter than the caller's level.
extension Parser {
    mutating func parseExpression(_ minimum: Int = 0) throws(SQLSyntaxError) -> SQLExpression {
        var left = try parsePrefix()
        // Each operator applied here deepens the tree by one; counting it keeps long chains
        // (`a OR b OR …`) from building trees too deep to compare, print or free recursively.
        let entryDepth = depth
        defer { depth = entryDepth }
        while true {
            let token = current
            guard let precedence = infixPrecedence(), precedence > minimum else { return left }
            try enter()
            let location = token.location
            if token.kind == .symbol {
                advance()
                if token.text == "::" {
                    left = .cast(left, try parseType(), at: location)
                    continue
                }
                guard let op = Parser.binaryOperators[token.text] else { return left }
                left = .binary(op, left, try parseExpression(precedence), at: location)
                continue
            }
            switch token.keyword {
            case "OR", "AND":
                advance()
                left = .binary(token.keyword == "OR" ? .or : .and, left, try parseExpression(precedence), at: location)
            case "IS":
                advance()
                left = try parseIs(left, at: location)
            default:
                let negated = consumeKeyword("NOT")
                left = try parsePredicate(left, negated: negated, at: location)
            }
        }
    }

    private static let binaryOperators: [String: SQLBinaryOperator] = [
        "=": .equal, "==": .equal, "<>": .notEqual, "!=": .notEqual, "<": .less, "<=": .lessOrEqual,
        ">": .greater, ">=": .greaterOrEqual, "<=>": .isNotDistinctFrom, "+": .add, "-": .subtract,
        "*": .multiply, "/": .divide, "%": .modulo, "||": .concat,
    ]

    private func infixPrecedence() -> Int? {
        let t = current
        switch t.kind {
        case .symbol:
            switch t.text {
            case "=", "==", "<>", "!=", "<", "<=", ">", ">=", "<=>": return Precedence.comparison
            case "||": return Precedence.concat
            case "+", "-": return Precedence.additive
            case "*", "/", "%": return Precedence.multiplicative
            case "::": return Precedence.cast
            default: return nil
            }
        case .word:
            switch t.keyword {
            case "OR": return Precedence.or
            case "AND": return Precedence.and
            case "IS": return Precedence.is
            case "BETWEEN", "IN", "LIKE", "ILIKE": return Precedence.predicate
            case "NOT":
                let next = peek(1)
                guard next.kind == .word, ["BETWEEN", "IN", "LIKE", "ILIKE"].contains(next.keyword) else { return nil }
                return Precedence.predicate
            default: return nil
            }
        default:
            return nil
        }
    }

    /// After `IS`: `[NOT] NULL | TRUE | FALSE | DISTINCT FROM e`.
    private mutating func parseIs(_ left: SQLExpression, at location: SourceLocation) throws(SQLSyntaxError) -> SQLExpression {
        let negated = consumeKeyword("NOT")
        if consumeKeyword("NULL") { return .isNull(left, negated: negated, at: location) }
        if consumeKeyword("TRUE") { return .isBoolean(left, value: true, negated: negated, at: location) }
        if consumeKeyword("FALSE") { return .isBoolean(left, value: false, negated: negated, at: location) }
        if consumeKeyword("DISTINCT") {
            try expectKeyword("FROM")
            let right = try parseExpression(Precedence.is)
            return .binary(negated ? .isNotDistinctFrom : .isDistinctFrom, left, right, at: location)
        }
        throw unexpected(negated ? "NULL, TRUE, FALSE or DISTINCT FROM" : "NULL, NOT, TRUE, FALSE or DISTINCT FROM")
    }

    /// After `[NOT]`: `BETWEEN a AND b | IN (…) | LIKE p [ESCAPE e] | ILIKE p [ESCAPE e]`.
    private mutating func parsePredicate(_ left: SQLExpression, negated: Bool, at location: SourceLocation) throws(SQLSyntaxError) -> SQLExpression {
        let token = advance()
        switch token.keyword {
        case "BETWEEN":
            let low = try parseExpression(Precedence.predicate)
            try expectKeyword("AND")
            let high = try parseExpression(Precedence.predicate)
            return .between(left, low: low, high: high, negated: negated, at: location)
        case "IN":
            try expectSymbol("(")
            if current.isKeyword("SELECT") || current.isKeyword("WITH") {
                let query = try parseQuery()
                try expectSymbol(")")
                return .inSubquery(left, query, negated: negated, at: location)
            }
            var list = [try parseExpression()]
            while consumeSymbol(",") { list.append(try parseExpression()) }
            try expectSymbol(")")
            return .inList(left, list, negated: negated, at: location)
        default:  // LIKE, ILIKE
            let pattern = try parseExpression(Precedence.predicate)
            var escape: SQLExpression?
            if consumeKeyword("ESCAPE") { escape = try parseExpression(Precedence.predicate) }
            return .like(left, pattern: pattern, escape: escape, caseInsensitive: token.keyword == "ILIKE",
                         negated: negated, at: location)
        }
    }

    private mutating func parsePrefix() throws(SQLSyntaxError) -> SQLExpression {
        try enter()
        defer { depth -= 1 }
        let token = current
        let location = token.location
        switch token.kind {
        case .endOfInput:
            throw unexpected("an expression")
        case .integer:
            advance()
            if let value = Int64(token.text) { return .literal(.integer(value), at: location) }
            return .literal(.decimal(token.text), at: location)
        case .decimal:
            advance()
            return .literal(.decimal(token.text), at: location)
        case .double:
            advance()
            guard let value = Double(token.text), value.isFinite else {
                throw SQLSyntaxError(.invalidNumber, "numeric literal '\(Token.shortened(token.text))' is out of range", at: location)
            }
            return .literal(.double(value), at: location)
        case .string:
            advance()
            return .literal(.string(token.text), at: location)
        case .quotedIdentifier:
            return try parseNameOrCall()
        case .symbol:
            switch token.text {
            case "-", "+":
                advance()
                if token.text == "-", current.kind == .integer || current.kind == .decimal || current.kind == .double,
                   !peek(1).isSymbol("::") {
                    return Parser.negated(try parsePrefix(), at: location)
                }
                let operand = try parseExpression(Precedence.unary)
                return .unary(token.text == "+" ? .plus : .negate, operand, at: location)
            case "(":
                advance()
                if current.isKeyword("SELECT") || current.isKeyword("WITH") {
                    let query = try parseQuery()
                    try expectSymbol(")")
                    return .subquery(query, at: location)
                }
                let inner = try parseExpression()
                try expectSymbol(")")
                return inner
            default:
                throw unexpected("an expression")
            }
        case .word:
            return try parseWordPrefix(token)
        }
    }

    /// `-` directly before a number becomes a negative literal, so Int64.min is one node.
    private static func negated(_ operand: SQLExpression, at location: SourceLocation) -> SQLExpression {
        if case .literal(let literal, _) = operand {
            switch literal {
            case .integer(let v) where v != .min:
                return .literal(.integer(-v), at: location)
            case .decimal(let text):
                if text == "9223372036854775808" { return .literal(.integer(.min), at: location) }
                return .literal(.decimal("-" + text), at: location)
            case .double(let v):
                return .literal(.double(-v), at: location)
            default:
                break
            }
        }
        return .unary(.negate, operand, at: location)
    }

    private mutating func parseWordPrefix(_ token: Token) throws(SQLSyntaxError) -> SQLExpression {
        let location = token.location
        let next = peek(1)
        switch token.keyword {
        case "NULL":
            advance()
            return .literal(.null, at: location)
        case "TRUE", "FALSE":
            advance()
            return .literal(.boolean(token.keyword == "TRUE"), at: location)
        case "NOT":
            advance()
            return .unary(.not, try parseExpression(Precedence.not), at: location)
        case "CASE":
            return try parseCase()
        case "CAST":
            advance()
            try expectSymbol("(")
            let value = try parseExpression()
            try expectKeyword("AS")
            let type = try parseType()
            try expectSymbol(")")
            return .cast(value, type, at: location)
        case "EXISTS":
            advance()
            try expectSymbol("(")
            let query = try parseQuery()
            try expectSymbol(")")
            return .exists(query, at: location)
        case "DATE" where next.kind == .string:
            advance()
            return .literal(.date(advance().text), at: location)
        case "TIMESTAMP" where next.kind == .string:
            advance()
            return .literal(.timestamp(advance().text), at: location)
        case "INTERVAL" where next.kind == .string || next.kind == .integer || next.kind == .decimal:
            advance()
            let value = advance().text
            var unit: String?
            if current.kind == .word, Parser.intervalUnits.contains(current.keyword) {
                unit = advance().text.lowercased()
            }
            return .literal(.interval(value, unit: unit), at: location)
        case "EXTRACT" where next.isSymbol("("):
            return try parseExtract()
        case "SUBSTRING" where next.isSymbol("("), "SUBSTR" where next.isSymbol("("):
            return try parseSubstring()
        case "TRIM" where next.isSymbol("("):
            return try parseTrim()
        default:
            // left(s, n) and right(s, n) are string functions despite LEFT/RIGHT being join words.
            let isCall = (token.keyword == "LEFT" || token.keyword == "RIGHT") && next.isSymbol("(")
            if Parser.reserved.contains(token.keyword), !isCall { throw unexpected("an expression") }
            return try parseNameOrCall()
        }
    }

    private static let intervalUnits: Set<String> = [
        "YEAR", "YEARS", "MONTH", "MONTHS", "WEEK", "WEEKS", "DAY", "DAYS", "HOUR", "HOURS",
        "MINUTE", "MINUTES", "SECOND", "SECONDS", "MILLISECOND", "MILLISECONDS", "MICROSECOND", "MICROSECONDS",
    ]

    /// A column path `a.b.c` or a call `f(…)`.
    private mutating func parseNameOrCall() throws(SQLSyntaxError) -> SQLExpression {
        let location = current.location
        let first = try parseNamePart("an expression")
        if current.isSymbol("(") {
            return try parseCall(first)
        }
        var path = [first]
        while consumeSymbol(".") { path.append(try parseNamePart("a column name")) }
        return .column(path, at: location)
    }

    private mutating func parseCall(_ name: SQLIdentifier) throws(SQLSyntaxError) -> SQLExpression {
        try expectSymbol("(")
        var call = SQLFunctionCall(name: name, arguments: [], isDistinct: false, isStar: false)
        if consumeSymbol("*") {
            call.isStar = true
        } else if !current.isSymbol(")") {
            if consumeKeyword("DISTINCT") { call.isDistinct = true } else { _ = consumeKeyword("ALL") }
            repeat { call.arguments.append(try parseExpression()) } while consumeSymbol(",")
        }
        try expectSymbol(")")
        if current.isKeyword("OVER") || current.isKeyword("FILTER") {
            throw SQLSyntaxError(.unexpectedToken, "\(current.keyword) clauses are not supported", at: current.location)
        }
        return .function(call, at: name.location)
    }

    private mutating func parseCase() throws(SQLSyntaxError) -> SQLExpression {
        let location = advance().location
        var operand: SQLExpression?
        if !current.isKeyword("WHEN") { operand = try parseExpression() }
        var branches: [SQLWhenClause] = []
        while consumeKeyword("WHEN") {
            let condition = try parseExpression()
            try expectKeyword("THEN")
            branches.append(SQLWhenClause(condition: condition, result: try parseExpression()))
        }
        if branches.isEmpty { throw unexpected("WHEN") }
        var otherwise: SQLExpression?
        if consumeKeyword("ELSE") { otherwise = try parseExpression() }
        guard current.isKeyword("END") else { throw unexpected(otherwise == nil ? "WHEN, ELSE or END" : "END") }
        advance()
        return .caseWhen(operand: operand, branches: branches, otherwise: otherwise, at: location)
    }

    /// `EXTRACT(field FROM e)` → `date_part('field', e)`.
    private mutating func parseExtract() throws(SQLSyntaxError) -> SQLExpression {
        let keyword = advance()
        try expectSymbol("(")
        let fieldToken = current
        guard fieldToken.kind == .word || fieldToken.kind == .string || fieldToken.kind == .quotedIdentifier else {
            throw unexpected("a date or time field such as YEAR")
        }
        advance()
        let field = SQLExpression.literal(.string(fieldToken.text.lowercased()), at: fieldToken.location)
        try expectKeyword("FROM")
        let source = try parseExpression()
        try expectSymbol(")")
        let name = SQLIdentifier("date_part", at: keyword.location)
        return .function(SQLFunctionCall(name: name, arguments: [field, source], isDistinct: false, isStar: false), at: keyword.location)
    }

    /// `SUBSTRING(s FROM a [FOR b])`, `SUBSTRING(s FOR b)` and `substring(s, a[, b])` → `substring(s, a[, b])`.
    private mutating func parseSubstring() throws(SQLSyntaxError) -> SQLExpression {
        let keyword = advance()
        try expectSymbol("(")
        let source = try parseExpression()
        var arguments = [source]
        if consumeSymbol(",") {
            repeat { arguments.append(try parseExpression()) } while consumeSymbol(",")
        } else if current.isKeyword("FROM") || current.isKeyword("FOR") {
            if consumeKeyword("FROM") {
                arguments.append(try parseExpression())
            } else {
                arguments.append(.literal(.integer(1), at: current.location))
            }
            if consumeKeyword("FOR") { arguments.append(try parseExpression()) }
        }
        try expectSymbol(")")
        let name = SQLIdentifier(keyword.text, at: keyword.location)
        return .function(SQLFunctionCall(name: name, arguments: arguments, isDistinct: false, isStar: false), at: keyword.location)
    }

    /// `TRIM([BOTH|LEADING|TRAILING] [chars FROM] s)` and `trim(s[, chars])` → `trim|ltrim|rtrim(s[, chars])`.
    private mutating func parseTrim() throws(SQLSyntaxError) -> SQLExpression {
        let keyword = advance()
        try expectSymbol("(")
        var function = "trim"
        if consumeKeyword("LEADING") {
            function = "ltrim"
        } else if consumeKeyword("TRAILING") {
            function = "rtrim"
        } else {
            _ = consumeKeyword("BOTH")
        }
        var arguments: [SQLExpression]
        if consumeKeyword("FROM") {
            arguments = [try parseExpression()]
        } else {
            let first = try parseExpression()
            if consumeKeyword("FROM") {
                arguments = [try parseExpression(), first]
            } else {
                arguments = [first]
                while consumeSymbol(",") { arguments.append(try parseExpression()) }
            }
        }
        try expectSymbol(")")
        let name = SQLIdentifier(function == "trim" ? keyword.text : function, at: keyword.location)
        return .function(SQLFunctionCall(name: name, arguments: arguments, isDistinct: false, isStar: false), at: keyword.location)
    }

    /// A type after CAST … AS or `::`.
    mutating func parseType() throws(SQLSyntaxError) -> SQLType {
        let token = current
        guard token.kind == .word else { throw unexpected("a type name") }
        advance()
        switch token.keyword {
        case "BOOLEAN", "BOOL": return .boolean
        case "TINYINT", "INT1", "BYTE": return .tinyint
        case "SMALLINT", "INT2", "SHORT": return .smallint
        case "INT", "INTEGER", "INT4", "SIGNED": return .integer
        case "BIGINT", "INT8", "LONG": return .bigint
        case "FLOAT", "REAL", "FLOAT4": return .float
        case "DOUBLE":
            _ = consumeKeyword("PRECISION")
            return .double
        case "FLOAT8": return .double
        case "DECIMAL", "NUMERIC", "DEC":
            guard consumeSymbol("(") else { return .decimal(precision: nil, scale: nil) }
            let precision = try parseTypeParameter()
            var scale: Int?
            if consumeSymbol(",") { scale = try parseTypeParameter() }
            try expectSymbol(")")
            return .decimal(precision: precision, scale: scale)
        case "VARCHAR", "STRING", "TEXT", "CHAR", "CHARACTER":
            if token.keyword == "CHARACTER" { _ = consumeKeyword("VARYING") }
            guard consumeSymbol("(") else { return .string(length: nil) }
            let length = try parseTypeParameter()
            try expectSymbol(")")
            return .string(length: length)
        case "DATE": return .date
        case "TIMESTAMP", "DATETIME", "TIMESTAMP_NTZ": return .timestamp
        default:
            throw SQLSyntaxError(.unexpectedToken, "expected a type name, found \(token.quoted)", at: token.location)
        }
    }

    private mutating func parseTypeParameter() throws(SQLSyntaxError) -> Int {
        guard current.kind == .integer else { throw unexpected("an integer") }
        guard let value = Int(current.text), value <= 1_000_000 else {
            throw SQLSyntaxError(.invalidNumber, "type parameter '\(Token.shortened(current.text))' is too large", at: current.location)
        }
        advance()
        return value
    }
}
