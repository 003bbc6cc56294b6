/// Queries, SELECT clauses and FROM items.
extension Parser {
    /// `[WITH …] set_expr [ORDER BY …] [LIMIT n] [OFFSET n]`
    mutating func parseQuery() throws(SQLSyntaxError) -> SQLQuery {
        try enter()
        defer { depth -= 1 }
        let location = current.location
        var ctes: [CommonTableExpression] = []
        if consumeKeyword("WITH") {
            repeat {
                let name = try parseIdentifier("a name for the WITH query")
                var columns: [SQLIdentifier] = []
                if current.isSymbol("(") { columns = try parseIdentifierList("a column name") }
                try expectKeyword("AS")
                try expectSymbol("(")
                let query = try parseQuery()
                try expectSymbol(")")
                ctes.append(CommonTableExpression(name: name, columns: columns, query: query, location: name.location))
            } while consumeSymbol(",")
        }
        let body = try parseSetExpression()
        var orderBy: [OrderItem] = []
        if consumeKeyword("ORDER") {
            try expectKeyword("BY")
            repeat { orderBy.append(try parseOrderItem()) } while consumeSymbol(",")
        }
        var limit: SQLExpression?
        var offset: SQLExpression?
        while true {  // LIMIT and OFFSET in either order, each once
            if limit == nil, consumeKeyword("LIMIT") {
                limit = try parseExpression()
            } else if offset == nil, consumeKeyword("OFFSET") {
                offset = try parseExpression()
                if !consumeKeyword("ROWS") { _ = consumeKeyword("ROW") }
            } else {
                break
            }
        }
        return SQLQuery(with: ctes, body: body, orderBy: orderBy, limit: limit, offset: offset, at: location)
    }

    /// UNION and EXCEPT, left-associative, over INTERSECT terms (which bind tighter).
    mutating func parseSetExpression() throws(SQLSyntaxError) -> SetExpression {
        var left = try parseIntersectTerm()
        let entryDepth = depth  // each operation deepens the tree, as in parseExpression
        defer { depth = entryDepth }
        while current.isKeyword("UNION") || current.isKeyword("EXCEPT") {
            try enter()
            let token = advance()
            let isAll = try parseSetQuantifier()
            let right = try parseIntersectTerm()
            left = .setOperation(token.isKeyword("UNION") ? .union : .except, isAll: isAll, left, right, at: token.location)
        }
        return left
    }

    private mutating func parseIntersectTerm() throws(SQLSyntaxError) -> SetExpression {
        var left = try parseSetOperand()
        let entryDepth = depth
        defer { depth = entryDepth }
        while current.isKeyword("INTERSECT") {
            try enter()
            let token = advance()
            let isAll = try parseSetQuantifier()
            let right = try parseSetOperand()
            left = .setOperation(.intersect, isAll: isAll, left, right, at: token.location)
        }
        return left
    }

    private mutating func parseSetQuantifier() throws(SQLSyntaxError) -> Bool {
        if consumeKeyword("ALL") { return true }
        _ = consumeKeyword("DISTINCT")
        return false
    }

    private mutating func parseSetOperand() throws(SQLSyntaxError) -> SetExpression {
        try enter()
        defer { depth -= 1 }
        if consumeSymbol("(") {
            let query = try parseQuery()
            try expectSymbol(")")
            return .query(query)
        }
        guard current.isKeyword("SELECT") else { throw unexpected("SELECT") }
        return .select(try parseSelect())
    }

    private mutating func parseSelect() throws(SQLSyntaxError) -> SelectStatement {
        let location = try expectKeyword("SELECT").location
        var isDistinct = false
        if consumeKeyword("DISTINCT") { isDistinct = true } else { _ = consumeKeyword("ALL") }
        var items: [SelectItem] = []
        repeat { items.append(try parseSelectItem()) } while consumeSymbol(",")

        var from: TableReference?
        if consumeKeyword("FROM") { from = try parseFrom() }
        var filter: SQLExpression?
        if consumeKeyword("WHERE") { filter = try parseExpression() }
        var groupBy: [SQLExpression] = []
        if consumeKeyword("GROUP") {
            try expectKeyword("BY")
            repeat { groupBy.append(try parseExpression()) } while consumeSymbol(",")
        }
        var having: SQLExpression?
        if consumeKeyword("HAVING") { having = try parseExpression() }

        if !atSelectEnd {
            // Name the clauses that could still come here; right after the items that is FROM.
            if from == nil, filter == nil, groupBy.isEmpty, having == nil {
                throw misplaced(expected: ["FROM"], orEnd: false)
            }
            var expected: [String] = []
            if filter == nil, groupBy.isEmpty, having == nil { expected.append("WHERE") }
            if groupBy.isEmpty, having == nil { expected.append("GROUP BY") }
            if !groupBy.isEmpty, having == nil { expected.append("HAVING") }
            throw misplaced(expected: expected + ["ORDER BY", "LIMIT"], orEnd: true)
        }
        return SelectStatement(isDistinct: isDistinct, items: items, from: from, filter: filter,
                               groupBy: groupBy, having: having, location: location)
    }

    /// What may follow a complete SELECT block.
    private var atSelectEnd: Bool {
        let t = current
        switch t.kind {
        case .endOfInput: return true
        case .symbol: return t.text == ")" || t.text == ";"
        case .word: return ["ORDER", "LIMIT", "OFFSET", "UNION", "INTERSECT", "EXCEPT"].contains(t.keyword)
        default: return false
        }
    }

    private mutating func parseSelectItem() throws(SQLSyntaxError) -> SelectItem {
        let location = current.location
        if consumeSymbol("*") { return .wildcard(qualifier: [], at: location) }
        // `t.*` / `s.t.*`: names joined by dots ending in a star.
        var ahead = 0
        while peek(ahead).kind == .word || peek(ahead).kind == .quotedIdentifier, peek(ahead + 1).isSymbol(".") {
            ahead += 2
        }
        if ahead > 0, peek(ahead).isSymbol("*") {
            var qualifier: [SQLIdentifier] = []
            while !current.isSymbol("*") {
                qualifier.append(try parseNamePart("a table name"))
                try expectSymbol(".")
            }
            advance()
            return .wildcard(qualifier: qualifier, at: location)
        }
        let expression = try parseExpression()
        return .expression(expression, alias: try parseAlias(), at: location)
    }

    /// `AS name`, or a bare non-reserved name.
    private mutating func parseAlias() throws(SQLSyntaxError) -> SQLIdentifier? {
        if consumeKeyword("AS") { return try parseIdentifier("an alias") }
        guard atIdentifier else { return nil }
        // SEMI/ANTI JOIN are join keywords, not aliases.
        if current.kind == .word, current.keyword == "SEMI" || current.keyword == "ANTI", peek(1).isKeyword("JOIN") {
            return nil
        }
        implicitAliasIndex = index
        return try parseIdentifier("an alias")
    }

    private mutating func parseTableAlias() throws(SQLSyntaxError) -> TableAlias? {
        guard let name = try parseAlias() else { return nil }
        var columns: [SQLIdentifier] = []
        if current.isSymbol("(") { columns = try parseIdentifierList("a column name") }
        return TableAlias(name: name, columns: columns)
    }

    private mutating func parseOrderItem() throws(SQLSyntaxError) -> OrderItem {
        let location = current.location
        let expression = try parseExpression()
        var ascending = true
        if consumeKeyword("DESC") { ascending = false } else { _ = consumeKeyword("ASC") }
        var nullsFirst: Bool?
        if current.isKeyword("NULLS") {
            advance()
            if consumeKeyword("FIRST") {
                nullsFirst = true
            } else if consumeKeyword("LAST") {
                nullsFirst = false
            } else {
                throw unexpected("FIRST or LAST")
            }
        }
        return OrderItem(expression: expression, isAscending: ascending, nullsFirst: nullsFirst, location: location)
    }

    /// FROM items joined left to right: commas, CROSS JOIN and qualified joins.
    mutating func parseFrom() throws(SQLSyntaxError) -> TableReference {
        var left = try parseTableFactor()
        let entryDepth = depth  // each join deepens the tree, as in parseExpression
        defer { depth = entryDepth }
        while true {
            try enter()
            let location = current.location
            if consumeSymbol(",") {
                let right = try parseTableFactor()
                left = .join(JoinClause(kind: .cross, left: left, right: right, condition: .none, location: location))
                continue
            }
            guard let kind = try parseJoinKind() else { return left }
            let right = try parseTableFactor()
            var condition = JoinCondition.none
            if kind != .cross {
                if consumeKeyword("ON") {
                    condition = .on(try parseExpression())
                } else if consumeKeyword("USING") {
                    condition = .using(try parseIdentifierList("a column name"))
                }
            }
            left = .join(JoinClause(kind: kind, left: left, right: right, condition: condition, location: location))
        }
    }

    /// Consumes the join keywords through JOIN, or nothing (nil) when no join starts here.
    private mutating func parseJoinKind() throws(SQLSyntaxError) -> JoinKind? {
        let t = current
        guard t.kind == .word else { return nil }
        let kind: JoinKind
        switch t.keyword {
        case "JOIN": return advance().isKeyword("JOIN") ? .inner : nil
        case "INNER": kind = .inner
        case "CROSS": kind = .cross
        case "LEFT":
            advance()
            if consumeKeyword("SEMI") { try expectKeyword("JOIN"); return .leftSemi }
            if consumeKeyword("ANTI") { try expectKeyword("JOIN"); return .leftAnti }
            _ = consumeKeyword("OUTER")
            try expectKeyword("JOIN")
            return .left
        case "RIGHT", "FULL":
            advance()
            _ = consumeKeyword("OUTER")
            try expectKeyword("JOIN")
            return t.keyword == "RIGHT" ? .right : .full
        case "SEMI" where peek(1).isKeyword("JOIN"): kind = .leftSemi
        case "ANTI" where peek(1).isKeyword("JOIN"): kind = .leftAnti
        case "NATURAL":
            throw SQLSyntaxError(.unexpectedToken, "NATURAL JOIN is not supported; use JOIN … USING (columns)", at: t.location)
        default: return nil
        }
        advance()
        try expectKeyword("JOIN")
        return kind
    }

    private mutating func parseTableFactor() throws(SQLSyntaxError) -> TableReference {
        try enter()
        defer { depth -= 1 }
        let location = current.location
        if current.isSymbol("(") {
            if parenthesisOpensQuery {
                advance()
                let query = try parseQuery()
                try expectSymbol(")")
                return .subquery(query, alias: try parseTableAlias(), at: location)
            }
            advance()
            let nested = try parseFrom()
            try expectSymbol(")")
            return nested
        }
        var name = [try parseIdentifier("a table name")]
        while consumeSymbol(".") { name.append(try parseNamePart("a table name")) }
        return .table(name: name, alias: try parseTableAlias(), at: location)
    }

    /// Whether the parentheses here hold a query (`((SELECT …`) rather than a join.
    private var parenthesisOpensQuery: Bool {
        var ahead = 0
        while peek(ahead).isSymbol("(") { ahead += 1 }
        return peek(ahead).isKeyword("SELECT") || peek(ahead).isKeyword("WITH")
    }
}
