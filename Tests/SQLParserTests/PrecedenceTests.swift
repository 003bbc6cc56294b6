import Testing
import SQLParser

@Suite struct PrecedenceTests {
    @Test(arguments: [
        ("1 + 2 * 3", "(+ 1 (* 2 3))"),
        ("1 * 2 + 3", "(+ (* 1 2) 3)"),
        ("1 - 2 - 3", "(- (- 1 2) 3)"),
        ("8 / 4 / 2", "(/ (/ 8 4) 2)"),
        ("a - b + c", "(+ (- a b) c)"),
        ("(1 + 2) * 3", "(* (+ 1 2) 3)"),
        ("-a * b", "(* (- a) b)"),
        ("-a::int", "(- (cast a INTEGER))"),
        ("-2 * 3", "(* -2 3)"),
        ("a || b + c", "(|| a (+ b c))"),
        ("a = b || c", "(= a (|| b c))"),
        ("a + 1 = b * 2", "(= (+ a 1) (* b 2))"),
        ("a OR b AND c", "(or a (and b c))"),
        ("a AND b OR c", "(or (and a b) c)"),
        ("a OR b OR c", "(or (or a b) c)"),
        ("NOT a AND b", "(and (not a) b)"),
        ("NOT a = b", "(not (= a b))"),
        ("NOT NOT a", "(not (not a))"),
        ("NOT a IS NULL", "(not (is-null a))"),
        ("a = 1 IS NULL", "(is-null (= a 1))"),
        ("a + 1 IS NOT NULL AND b", "(and (is-not-null (+ a 1)) b)"),
        ("a BETWEEN 1 AND 2 OR b", "(or (between a 1 2) b)"),
        ("a + 1 BETWEEN b AND c * 2", "(between (+ a 1) b (* c 2))"),
        ("a IN (1) = b", "(= (in a (list 1)) b)"),
        ("a LIKE 'x' || '%'", "(like a (|| 'x' '%'))"),
        ("a < b = c", "(= (< a b) c)"),
        ("x::int + 1", "(+ (cast x INTEGER) 1)"),
        ("NOT a LIKE 'x' OR NOT b IN (1) AND c", "(or (not (like a 'x')) (and (not (in b (list 1))) c))"),
        ("a * (b - c) % d", "(% (* a (- b c)) d)"),
    ])
    func binds(_ sql: String, _ expected: String) {
        #expect(expr(sql) == expected, "\(sql)")
    }
}
