/// Entry point: SQL text in, AST or a positioned syntax error out. Never traps, whatever the input.
public enum SQLParser {
    /// Parses one query, optionally followed by `;`.
    public static func parse(_ sql: String) throws(SQLSyntaxError) -> SQLQuery {
        var parser = Parser(tokens: try Lexer.tokenize(sql))
        let query = try parser.parseQuery()
        _ = parser.consumeSymbol(";")
        guard parser.current.kind == .endOfInput else {
            throw parser.unexpected("end of input")
        }
        return query
    }

    /// Parses a single expression (for tests and tools such as `--filter` options).
    public static func parseExpression(_ sql: String) throws(SQLSyntaxError) -> SQLExpression {
        var parser = Parser(tokens: try Lexer.tokenize(sql))
        let expression = try parser.parseExpression()
        guard parser.current.kind == .endOfInput else {
            throw parser.unexpected("end of input")
        }
        return expression
    }
}
