import Testing
import SQLParser

/// Any input gives an AST or an error: random bytes, mutated queries, deep nesting.
@Suite struct RobustnessTests {
    /// SplitMix64: a fixed seed keeps failures reproducible.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let seeds = [
        "SELECT payment_type, count(*), sum(total_amount) FROM trips WHERE a BETWEEN 1 AND 2 GROUP BY 1 ORDER BY 2 DESC LIMIT 10",
        "WITH x (a) AS (SELECT 1) SELECT CASE WHEN a IN (1, 2) THEN 'y' ELSE 'n' END FROM x LEFT JOIN y USING (a)",
        "SELECT CAST(a AS decimal(10,2)), b::int, EXTRACT(year FROM d), trim(LEADING 'x' FROM s) FROM t t1, u",
        "SELECT * FROM a LEFT SEMI JOIN b ON a.k = b.k WHERE NOT EXISTS (SELECT 1 FROM c) UNION ALL (SELECT 1)",
        "SELECT \"q\", `b`, 'it''s', 1.5e3, -2, x IS NOT DISTINCT FROM y, s NOT ILIKE '%a' ESCAPE '!' FROM t -- c\n/* d */",
    ]

    static let pieces = [
        "SELECT", "FROM", "WHERE", "(", ")", ",", "'", "\"", "`", "/*", "--", "*/", "::", "CASE", "END",
        "NOT", "IN", "BETWEEN", "AND", "1e", ".", "*", "JOIN", "ON", "WITH", "AS", "-", "\n", "é", "\u{0}",
    ]

    @Test func randomBytesNeverCrash() {
        var rng = Generator(state: 1)
        for _ in 0..<1500 {
            let length = Int.random(in: 0..<80, using: &rng)
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            _ = sexp(String(decoding: bytes, as: UTF8.self))
        }
    }

    @Test func randomTokenSoupNeverCrashes() {
        var rng = Generator(state: 2)
        let words = Self.pieces + ["a", "t", "1", "+", "=", "GROUP", "BY", "ORDER", "LIMIT", "UNION", "ALL", "IS", "NULL"]
        for _ in 0..<1500 {
            let count = Int.random(in: 0..<30, using: &rng)
            let sql = (0..<count).map { _ in words.randomElement(using: &rng)! }.joined(separator: " ")
            _ = sexp(sql)
        }
    }

    @Test func mutatedQueriesNeverCrash() {
        var rng = Generator(state: 3)
        var parsed = 0
        for _ in 0..<3000 {
            var scalars = Array(Self.seeds.randomElement(using: &rng)!.unicodeScalars)
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let at = Int.random(in: 0...scalars.count, using: &rng)
                switch Int.random(in: 0..<4, using: &rng) {
                case 0 where at < scalars.count: scalars.remove(at: at)
                case 1: scalars.insert(contentsOf: Self.pieces.randomElement(using: &rng)!.unicodeScalars, at: at)
                case 2 where at < scalars.count: scalars[at] = Unicode.Scalar(UInt8.random(in: 32...126, using: &rng))
                default: scalars = Array(scalars.prefix(at))  // truncation
                }
            }
            var text = String.UnicodeScalarView()
            text.append(contentsOf: scalars)
            if (try? SQLParser.parse(String(text))) != nil { parsed += 1 }
        }
        // Some mutations stay valid SQL, so the parser's success paths are fuzzed too.
        #expect(parsed > 100)
    }

    @Test func seedsParse() throws {
        for seed in Self.seeds { _ = try SQLParser.parse(seed) }
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let depth = 100_000
        let inputs = [
            "SELECT " + String(repeating: "(", count: depth) + "1" + String(repeating: ")", count: depth),
            "SELECT " + String(repeating: "- ", count: depth) + "1",
            "SELECT " + String(repeating: "NOT ", count: depth) + "a",
            String(repeating: "(", count: depth) + "SELECT 1" + String(repeating: ")", count: depth),
            "SELECT * FROM " + String(repeating: "(SELECT * FROM ", count: depth) + "t" + String(repeating: ")", count: depth),
            "SELECT " + String(repeating: "f(", count: depth) + "1" + String(repeating: ")", count: depth),
            "SELECT " + String(repeating: "CASE WHEN ", count: depth),
        ]
        for sql in inputs {
            let error = syntaxError(sql)
            #expect(error?.code == .nestingTooDeep, "\(sql.prefix(30))")
        }
    }

    @Test func nestingUpToTheLimitParses() throws {
        let depth = 100
        let sql = "SELECT " + String(repeating: "(", count: depth) + "1" + String(repeating: ")", count: depth)
        #expect(sexp(sql) == "(select 1)")
        let subqueries = "SELECT * FROM " + String(repeating: "(SELECT * FROM ", count: 60) + "t" + String(repeating: ") x", count: 60)
        _ = try SQLParser.parse(subqueries)
    }

    @Test func longListsParse() throws {
        let count = 20_000
        let sql = "SELECT " + (0..<count).map { "a\($0)" }.joined(separator: ", ") + " FROM t WHERE x IN (" +
            (0..<count).map(String.init).joined(separator: ", ") + ")"
        _ = try SQLParser.parse(sql)
    }

    @Test func operatorChainsCountAsNesting() throws {
        let chain = { (n: Int, op: String) in "SELECT " + (0..<n).map { "a\($0)" }.joined(separator: op) + " FROM t" }
        _ = try SQLParser.parse(chain(200, " + "))
        _ = try SQLParser.parse(chain(200, " OR "))
        #expect(syntaxError(chain(20_000, " + "))?.code == .nestingTooDeep)
        #expect(syntaxError(chain(20_000, " AND "))?.code == .nestingTooDeep)
        let unions = (0..<20_000).map { "SELECT \($0)" }.joined(separator: " UNION ALL ")
        #expect(syntaxError(unions)?.code == .nestingTooDeep)
        let joins = "SELECT * FROM " + (0..<20_000).map { "t\($0)" }.joined(separator: ", ")
        #expect(syntaxError(joins)?.code == .nestingTooDeep)
    }
}
