import Testing
import SQLParser

@Suite struct ErrorPositionTests {
    @Test(arguments: [
        // (sql, line, column, message)
        ("SELECT count(*) FORM trips", 1, 17, "expected FROM, found 'FORM'"),
        ("SELECT a FROM t WHER a > 1", 1, 17, "expected WHERE, GROUP BY, ORDER BY, LIMIT or end of query, found 'WHER'"),
        ("SELECT a FROM t GROUP a", 1, 23, "expected BY, found 'a'"),
        ("SELECT a FROM t ORDER a", 1, 23, "expected BY, found 'a'"),
        ("SELECT a,\n  FROM t", 2, 3, "expected an expression, found 'FROM'"),
        ("SELECT a FROM", 1, 14, "expected a table name, found end of input"),
        ("SELECT (a + 1 FROM t", 1, 15, "expected ')', found 'FROM'"),
        ("SELECT a FROM t WHERE a >", 1, 26, "expected an expression, found end of input"),
        ("SELECT a FROM t WHERE a IN ()", 1, 29, "expected an expression, found ')'"),
        ("SELECT CASE WHEN a THEN b FROM t", 1, 27, "expected WHEN, ELSE or END, found 'FROM'"),
        ("SELECT CAST(a AS blob) FROM t", 1, 18, "expected a type name, found 'blob'"),
        ("SELECT a FROM t WHERE a BETWEEN 1 OR 2", 1, 35, "expected AND, found 'OR'"),
        ("SELECT a FROM t WHERE a IS 5", 1, 28, "expected NULL, NOT, TRUE, FALSE or DISTINCT FROM, found '5'"),
        ("SELECT 'abc FROM t", 1, 8, "unterminated string literal"),
        ("SELECT \"abc FROM t", 1, 8, "unterminated quoted identifier"),
        ("SELECT a /* never closed", 1, 10, "unterminated /* comment"),
        ("SELECT a FROM t WHERE a ? 1", 1, 25, "unexpected character '?'"),
        ("SELECT 12abc", 1, 8, "numeric literal '12' is followed by 'a'; separate them with a space"),
        ("SELECT 1e", 1, 8, "numeric literal '1e' has no exponent digits"),
        ("SELECT a FROM t LIMIT 1 garbage", 1, 25, "expected end of input, found 'garbage'"),
        ("SELECT a FROM t) ", 1, 16, "expected end of input, found ')'"),
        ("FROM t SELECT a", 1, 1, "expected SELECT, found 'FROM'"),
        ("", 1, 1, "expected SELECT, found end of input"),
        ("SELECT a FROM t NATURAL JOIN u", 1, 17, "NATURAL JOIN is not supported; use JOIN … USING (columns)"),
        ("SELECT sum(x) OVER (PARTITION BY y) FROM t", 1, 15, "OVER clauses are not supported"),
        ("SELECT a FROM t LEFT SEMI u", 1, 27, "expected JOIN, found 'u'"),
        ("SELECT a\nFROM t\nWHERE b = = 1", 3, 11, "expected an expression, found '='"),
        ("SELECT é, a b c FROM t", 1, 15, "expected FROM, found 'c'"),
        ("SELECT a FROM t ORDER BY a NULLS 1", 1, 34, "expected FIRST or LAST, found '1'"),
        ("WITH x AS SELECT 1 SELECT 2", 1, 11, "expected '(', found 'SELECT'"),
        ("SELECT 1e999", 1, 8, "numeric literal '1e999' is out of range"),
        ("SELECT a FROM t WHERE b c", 1, 25, "expected GROUP BY, ORDER BY, LIMIT or end of query, found 'c'"),
        ("SELECT a FROM t GROUP BY a x y", 1, 28, "expected HAVING, ORDER BY, LIMIT or end of query, found 'x'"),
        ("SELECT a FROM t GROUP BY a HAVNG count(*) > 1", 1, 28, "expected HAVING, ORDER BY, LIMIT or end of query, found 'HAVNG'"),
        ("SELECT a FROM t ORDR BY a", 1, 17, "expected WHERE, GROUP BY, ORDER BY, LIMIT or end of query, found 'ORDR'"),
        ("SELECT 1; SELECT 2", 1, 11, "expected end of input, found 'SELECT'"),
    ])
    func reports(_ sql: String, _ line: Int, _ column: Int, _ message: String) {
        guard let error = syntaxError(sql) else {
            Issue.record("no error for \(sql)")
            return
        }
        #expect(error.message == message, "\(sql)")
        #expect(error.location.line == line && error.location.column == column, "\(sql): \(error)")
    }

    @Test func descriptionAndCaret() {
        let sql = "SELECT count(*) FORM trips"
        let error = syntaxError(sql)
        #expect(error?.description == "syntax error at line 1, column 17: expected FROM, found 'FORM'")
        #expect(error?.location.offset == 16)
        #expect(error?.rendered(in: sql) == """
            syntax error at line 1, column 17: expected FROM, found 'FORM'
            SELECT count(*) FORM trips
                            ^
            """)
    }

    @Test func longTokensAreShortenedInMessages() {
        let long = String(repeating: "x", count: 500)
        let error = syntaxError("SELECT a FROM t WHERE '\(long)' '\(long)'")
        #expect(error != nil)
        #expect((error?.message.count ?? 1000) < 130)
        #expect(error?.message.contains("…") == true)
    }
}
