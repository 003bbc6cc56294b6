// Compact S-expressions of the AST, for tests and `--explain`: `(select a (from t) (where (> a 1)))`.

extension SQLIdentifier: CustomStringConvertible {
    public var description: String { isQuoted ? "\"\(name)\"" : name }
}

private func path(_ parts: [SQLIdentifier]) -> String {
    parts.map(\.description).joined(separator: ".")
}

private func list(_ head: String, _ parts: [String]) -> String {
    "(" + ([head] + parts).joined(separator: " ") + ")"
}

private func quote(_ s: String) -> String {
    "'" + s.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''") + "'"
}

extension SQLQuery: CustomStringConvertible {
    public var description: String {
        if with.isEmpty, orderBy.isEmpty, limit == nil, offset == nil { return body.description }
        var parts: [String] = []
        if !with.isEmpty { parts.append(list("with", with.map(\.description))) }
        parts.append(body.description)
        if !orderBy.isEmpty { parts.append(list("order-by", orderBy.map(\.description))) }
        if let limit { parts.append(list("limit", [limit.description])) }
        if let offset { parts.append(list("offset", [offset.description])) }
        return list("query", parts)
    }
}

extension CommonTableExpression: CustomStringConvertible {
    public var description: String {
        var parts = [name.description]
        if !columns.isEmpty { parts.append(list("columns", columns.map(\.description))) }
        parts.append(query.description)
        return list("cte", parts)
    }
}

extension SetExpression: CustomStringConvertible {
    public var description: String {
        switch self {
        case .select(let s): return s.description
        case .query(let q): return q.description
        case .setOperation(let op, let isAll, let l, let r, _):
            return list(op.rawValue.lowercased() + (isAll ? "-all" : ""), [l.description, r.description])
        }
    }
}

extension SelectStatement: CustomStringConvertible {
    public var description: String {
        var parts = isDistinct ? ["distinct"] : []
        parts += items.map(\.description)
        if let from { parts.append(list("from", [from.description])) }
        if let filter { parts.append(list("where", [filter.description])) }
        if !groupBy.isEmpty { parts.append(list("group-by", groupBy.map(\.description))) }
        if let having { parts.append(list("having", [having.description])) }
        return list("select", parts)
    }
}

extension SelectItem: CustomStringConvertible {
    public var description: String {
        switch self {
        case .wildcard(let q, _): return q.isEmpty ? "*" : path(q) + ".*"
        case .expression(let e, let alias?, _): return list("as", [e.description, alias.description])
        case .expression(let e, nil, _): return e.description
        }
    }
}

extension TableAlias: CustomStringConvertible {
    public var description: String {
        columns.isEmpty ? name.description : name.description + " " + list("columns", columns.map(\.description))
    }
}

extension TableReference: CustomStringConvertible {
    public var description: String {
        switch self {
        case .table(let name, let alias?, _): return list("as", [path(name), alias.description])
        case .table(let name, nil, _): return path(name)
        case .subquery(let q, let alias?, _): return list("as", [q.description, alias.description])
        case .subquery(let q, nil, _): return list("derived", [q.description])
        case .join(let j): return j.description
        }
    }
}

extension JoinClause: CustomStringConvertible {
    public var description: String {
        let head: String
        switch kind {
        case .leftSemi: head = "semi-join"
        case .leftAnti: head = "anti-join"
        default: head = kind.rawValue.lowercased() + "-join"
        }
        var parts = [left.description, right.description]
        switch condition {
        case .none: break
        case .on(let e): parts.append(list("on", [e.description]))
        case .using(let names): parts.append(list("using", names.map(\.description)))
        }
        return list(head, parts)
    }
}

extension OrderItem: CustomStringConvertible {
    public var description: String {
        var parts = [expression.description]
        if let nullsFirst { parts.append(nullsFirst ? "nulls-first" : "nulls-last") }
        return list(isAscending ? "asc" : "desc", parts)
    }
}

extension SQLLiteral: CustomStringConvertible {
    public var description: String {
        switch self {
        case .null: return "NULL"
        case .boolean(let b): return b ? "TRUE" : "FALSE"
        case .integer(let v): return String(v)
        case .decimal(let text): return text
        case .double(let v): return list("double", [String(v)])
        case .string(let s): return quote(s)
        case .date(let s): return list("date", [quote(s)])
        case .timestamp(let s): return list("timestamp", [quote(s)])
        case .interval(let s, let unit): return list("interval", [quote(s)] + (unit.map { [$0] } ?? []))
        }
    }
}

extension SQLExpression: CustomStringConvertible {
    public var description: String {
        switch self {
        case .column(let parts, _): return path(parts)
        case .literal(let l, _): return l.description
        case .unary(let op, let e, _): return list(op.rawValue.lowercased(), [e.description])
        case .binary(let op, let l, let r, _):
            return list(op.rawValue.lowercased().split(separator: " ").joined(separator: "-"), [l.description, r.description])
        case .isNull(let e, let negated, _): return list(negated ? "is-not-null" : "is-null", [e.description])
        case .isBoolean(let e, let value, let negated, _):
            return list("is-" + (negated ? "not-" : "") + (value ? "true" : "false"), [e.description])
        case .between(let e, let low, let high, let negated, _):
            return list(negated ? "not-between" : "between", [e.description, low.description, high.description])
        case .inList(let e, let items, let negated, _):
            return list(negated ? "not-in" : "in", [e.description, list("list", items.map(\.description))])
        case .inSubquery(let e, let q, let negated, _):
            return list(negated ? "not-in" : "in", [e.description, q.description])
        case .like(let e, let pattern, let escape, let ci, let negated, _):
            var parts = [e.description, pattern.description]
            if let escape { parts.append(list("escape", [escape.description])) }
            return list((negated ? "not-" : "") + (ci ? "ilike" : "like"), parts)
        case .exists(let q, _): return list("exists", [q.description])
        case .subquery(let q, _): return list("subquery", [q.description])
        case .caseWhen(let operand, let branches, let otherwise, _):
            var parts = operand.map { [$0.description] } ?? []
            parts += branches.map { list("when", [$0.condition.description, $0.result.description]) }
            if let otherwise { parts.append(list("else", [otherwise.description])) }
            return list("case", parts)
        case .cast(let e, let type, _): return list("cast", [e.description, type.description])
        case .function(let call, _):
            var parts: [String] = []
            if call.isStar { parts.append("*") }
            if call.isDistinct { parts.append("distinct") }
            parts += call.arguments.map(\.description)
            return list(call.name.description, parts)
        }
    }
}
