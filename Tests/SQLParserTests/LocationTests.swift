import Testing
import SQLParser

@Suite struct LocationTests {
    @Test func nodesCarryTheirStart() throws {
        let sql = "SELECT a + b AS s,\n       t.*\nFROM trips AS t JOIN zones z ON t.x = z.y\nWHERE a > 1"
        let query = try SQLParser.parse(sql)
        guard case .select(let select) = query.body else {
            Issue.record("not a select")
            return
        }
        #expect(query.location == SourceLocation(line: 1, column: 1, offset: 0))
        #expect(select.items[0].location == SourceLocation(line: 1, column: 8, offset: 7))
        #expect(select.items[1].location == SourceLocation(line: 2, column: 8, offset: 26))
        if case .expression(.binary(.add, let left, let right, let at), let alias?, _) = select.items[0] {
            #expect(at.column == 10)  // the operator
            #expect(left.location.column == 8)
            #expect(right.location.column == 12)
            #expect(alias.location.column == 17)
        } else {
            Issue.record("unexpected item \(select.items[0])")
        }
        guard case .join(let join)? = select.from else {
            Issue.record("no join")
            return
        }
        #expect(join.location == SourceLocation(line: 3, column: 17, offset: 46))
        #expect(join.left.location == SourceLocation(line: 3, column: 6, offset: 35))
        #expect(join.right.location.column == 22)
        #expect(select.filter?.location.line == 4)
    }

    @Test func columnsCountScalarsNotBytes() throws {
        let query = try SQLParser.parse("SELECT 'ééé', x FROM t")
        guard case .select(let select) = query.body else { return }
        #expect(select.items[1].location.column == 15)
        #expect(select.items[1].location.offset == 17)
    }
}
