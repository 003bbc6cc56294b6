import SQLParser

/// The S-expression of a parsed query, or the error description, so a failing expectation shows both.
func sexp(_ sql: String) -> String {
    do {
        return try SQLParser.parse(sql).description
    } catch {
        return "error: \(error)"
    }
}

func expr(_ sql: String) -> String {
    do {
        return try SQLParser.parseExpression(sql).description
    } catch {
        return "error: \(error)"
    }
}

/// The error a statement raises, or nil when it parses.
func syntaxError(_ sql: String) -> SQLSyntaxError? {
    do {
        _ = try SQLParser.parse(sql)
        return nil
    } catch {
        return error
    }
}
