/// A complete query: CTEs, a set expression, then ordering and row limits.
public struct SQLQuery: Sendable, Equatable {
    public var with: [CommonTableExpression]
    public var body: SetExpression
    public var orderBy: [OrderItem]
    public var limit: SQLExpression?
    public var offset: SQLExpression?
    public var location: SourceLocation

    public init(with: [CommonTableExpression] = [], body: SetExpression, orderBy: [OrderItem] = [],
                limit: SQLExpression? = nil, offset: SQLExpression? = nil, at location: SourceLocation) {
        self.with = with
        self.body = body
        self.orderBy = orderBy
        self.limit = limit
        self.offset = offset
        self.location = location
    }
}

/// `name [(columns)] AS (query)` in a WITH clause.
public struct CommonTableExpression: Sendable, Equatable {
    public var name: SQLIdentifier
    public var columns: [SQLIdentifier]
    public var query: SQLQuery
    public var location: SourceLocation
}

/// SELECTs combined by UNION; a parenthesised query keeps its own ORDER BY / LIMIT.
public indirect enum SetExpression: Sendable, Equatable {
    case select(SelectStatement)
    case query(SQLQuery)
    case setOperation(SetOperator, isAll: Bool, SetExpression, SetExpression, at: SourceLocation)
}

public enum SetOperator: String, Sendable, Hashable {
    case union = "UNION"
    case intersect = "INTERSECT"
    case except = "EXCEPT"
}

/// `SELECT [DISTINCT] items [FROM …] [WHERE …] [GROUP BY …] [HAVING …]`.
public struct SelectStatement: Sendable, Equatable {
    public var isDistinct: Bool
    public var items: [SelectItem]
    /// nil for `SELECT 1` without FROM.
    public var from: TableReference?
    public var filter: SQLExpression?
    /// GROUP BY terms; an integer literal is an ordinal into `items`, left to the binder.
    public var groupBy: [SQLExpression]
    public var having: SQLExpression?
    public var location: SourceLocation

    public init(isDistinct: Bool = false, items: [SelectItem], from: TableReference?, filter: SQLExpression? = nil,
                groupBy: [SQLExpression] = [], having: SQLExpression? = nil, location: SourceLocation) {
        self.isDistinct = isDistinct
        self.items = items
        self.from = from
        self.filter = filter
        self.groupBy = groupBy
        self.having = having
        self.location = location
    }
}

public enum SelectItem: Sendable, Equatable {
    /// `*` or `t.*` (qualifier empty for a bare star).
    case wildcard(qualifier: [SQLIdentifier], at: SourceLocation)
    /// `expr [AS] alias`.
    case expression(SQLExpression, alias: SQLIdentifier?, at: SourceLocation)

    public var location: SourceLocation {
        switch self {
        case .wildcard(_, let at), .expression(_, _, let at): return at
        }
    }
}

/// An item of FROM: a table, a derived table, or a join of two references.
public indirect enum TableReference: Sendable, Equatable {
    /// `[schema.]name [[AS] alias]`.
    case table(name: [SQLIdentifier], alias: TableAlias?, at: SourceLocation)
    /// `(query) [AS] alias`.
    case subquery(SQLQuery, alias: TableAlias?, at: SourceLocation)
    case join(JoinClause)

    public var location: SourceLocation {
        switch self {
        case .table(_, _, let at), .subquery(_, _, let at): return at
        case .join(let j): return j.location
        }
    }
}

/// `alias [(column, …)]` after a table reference.
public struct TableAlias: Sendable, Equatable {
    public var name: SQLIdentifier
    public var columns: [SQLIdentifier]

    public init(name: SQLIdentifier, columns: [SQLIdentifier] = []) {
        self.name = name
        self.columns = columns
    }
}

public struct JoinClause: Sendable, Equatable {
    public var kind: JoinKind
    public var left: TableReference
    public var right: TableReference
    public var condition: JoinCondition
    /// Where the join keyword (or the comma) is.
    public var location: SourceLocation

    public init(kind: JoinKind, left: TableReference, right: TableReference, condition: JoinCondition, location: SourceLocation) {
        self.kind = kind
        self.left = left
        self.right = right
        self.condition = condition
        self.location = location
    }
}

public enum JoinKind: String, Sendable, Hashable {
    case inner = "INNER"
    case left = "LEFT"
    case right = "RIGHT"
    case full = "FULL"
    /// CROSS JOIN and comma-separated FROM items.
    case cross = "CROSS"
    /// Spark's LEFT SEMI JOIN: left rows with a match, each once.
    case leftSemi = "SEMI"
    /// Spark's LEFT ANTI JOIN: left rows without a match.
    case leftAnti = "ANTI"
}

public enum JoinCondition: Sendable, Equatable {
    case none
    case on(SQLExpression)
    case using([SQLIdentifier])
}

/// `expr [ASC|DESC] [NULLS FIRST|LAST]` in ORDER BY; ordinals left to the binder.
public struct OrderItem: Sendable, Equatable {
    public var expression: SQLExpression
    public var isAscending: Bool
    /// nil when not written: the binder applies the dialect default.
    public var nullsFirst: Bool?
    public var location: SourceLocation
}
