import Testing
import SQLParser

@Suite struct QueryShapeTests {
    @Test(arguments: [
        ("SELECT 1", "(select 1)"),
        ("select a, b from t", "(select a b (from t))"),
        ("SELECT DISTINCT a FROM t;", "(select distinct a (from t))"),
        ("SELECT ALL a FROM t", "(select a (from t))"),
        ("SELECT * FROM t", "(select * (from t))"),
        ("SELECT t.*, s.t.* FROM s.t", "(select t.* s.t.* (from s.t))"),
        ("SELECT a AS x, b y, c \"Z z\" FROM t", "(select (as a x) (as b y) (as c \"Z z\") (from t))"),
        ("SELECT `my col` FROM `my table` AS `m`", "(select \"my col\" (from (as \"my table\" \"m\")))"),
        ("SELECT t.a FROM trips t", "(select t.a (from (as trips t)))"),
        ("SELECT x FROM t AS u (x, y)", "(select x (from (as t u (columns x y))))"),
        ("SELECT a FROM t WHERE a > 1 GROUP BY a, 2 HAVING count(*) > 3",
         "(select a (from t) (where (> a 1)) (group-by a 2) (having (> (count *) 3)))"),
        ("SELECT a FROM t ORDER BY a DESC NULLS LAST, b, c ASC NULLS FIRST LIMIT 10 OFFSET 5",
         "(query (select a (from t)) (order-by (desc a nulls-last) (asc b) (asc c nulls-first)) (limit 10) (offset 5))"),
        ("SELECT a FROM t OFFSET 2 ROWS LIMIT 1", "(query (select a (from t)) (limit 1) (offset 2))"),
        ("WITH x AS (SELECT 1 AS one) SELECT one FROM x",
         "(query (with (cte x (select (as 1 one)))) (select one (from x)))"),
        ("WITH x (a, b) AS (SELECT 1, 2), y AS (SELECT a FROM x) SELECT * FROM y",
         "(query (with (cte x (columns a b) (select 1 2)) (cte y (select a (from x)))) (select * (from y)))"),
        ("SELECT a FROM t UNION ALL SELECT b FROM u UNION ALL SELECT c FROM v",
         "(union-all (union-all (select a (from t)) (select b (from u))) (select c (from v)))"),
        ("SELECT a FROM t UNION SELECT b FROM u", "(union (select a (from t)) (select b (from u)))"),
        ("SELECT 1 UNION SELECT 2 INTERSECT SELECT 3", "(union (select 1) (intersect (select 2) (select 3)))"),
        ("SELECT 1 EXCEPT ALL SELECT 2", "(except-all (select 1) (select 2))"),
        ("(SELECT a FROM t ORDER BY a LIMIT 1) UNION ALL (SELECT b FROM u) ORDER BY 1",
         "(query (union-all (query (select a (from t)) (order-by (asc a)) (limit 1)) (select b (from u))) (order-by (asc 1)))"),
        ("((SELECT 1))", "(select 1)"),
        ("SELECT * FROM (SELECT a FROM t) AS s", "(select * (from (as (select a (from t)) s)))"),
        ("SELECT * FROM (SELECT a FROM t) s", "(select * (from (as (select a (from t)) s)))"),
        ("SELECT * FROM (SELECT a FROM t)", "(select * (from (derived (select a (from t)))))"),
        ("SELECT * FROM a JOIN b ON a.id = b.id", "(select * (from (inner-join a b (on (= a.id b.id)))))"),
        ("SELECT * FROM a INNER JOIN b USING (id, k)", "(select * (from (inner-join a b (using id k))))"),
        ("SELECT * FROM a LEFT JOIN b ON x LEFT OUTER JOIN c ON y",
         "(select * (from (left-join (left-join a b (on x)) c (on y))))"),
        ("SELECT * FROM a RIGHT OUTER JOIN b ON x FULL JOIN c ON y",
         "(select * (from (full-join (right-join a b (on x)) c (on y))))"),
        ("SELECT * FROM a CROSS JOIN b, c", "(select * (from (cross-join (cross-join a b) c)))"),
        ("SELECT * FROM a LEFT SEMI JOIN b ON a.k = b.k", "(select * (from (semi-join a b (on (= a.k b.k)))))"),
        ("SELECT * FROM a LEFT ANTI JOIN b ON a.k = b.k", "(select * (from (anti-join a b (on (= a.k b.k)))))"),
        ("SELECT * FROM a SEMI JOIN b ON p ANTI JOIN c ON q",
         "(select * (from (anti-join (semi-join a b (on p)) c (on q))))"),
        ("SELECT * FROM a x JOIN b y ON x.k = y.k", "(select * (from (inner-join (as a x) (as b y) (on (= x.k y.k)))))"),
        ("SELECT * FROM (a JOIN b ON p) JOIN c ON q", "(select * (from (inner-join (inner-join a b (on p)) c (on q))))"),
        ("SELECT * FROM a JOIN (SELECT * FROM b) bb ON p",
         "(select * (from (inner-join a (as (select * (from b)) bb) (on p))))"),
        ("SELECT a FROM t WHERE a IN (SELECT b FROM u) AND EXISTS (SELECT 1 FROM v WHERE v.x = t.a)",
         "(select a (from t) (where (and (in a (select b (from u))) (exists (select 1 (from v) (where (= v.x t.a)))))))"),
        ("SELECT (SELECT max(b) FROM u) AS m FROM t", "(select (as (subquery (select (max b) (from u))) m) (from t))"),
        ("SELECT * FROM t WHERE NOT EXISTS (SELECT 1)", "(select * (from t) (where (not (exists (select 1)))))"),
        ("select a from t -- trailing comment\n/* block /* nested */ comment */ where b", "(select a (from t) (where b))"),
        ("SELECT count(*) AS n FROM t LIMIT 5", "(query (select (as (count *) n) (from t)) (limit 5))"),
        ("SELECT t.order FROM t", "(select t.order (from t))"),
        ("SELECT a FROM t WHERE ts >= DATE '2024-01-01' + INTERVAL 1 DAY AND x = -1",
         "(select a (from t) (where (and (>= ts (+ (date '2024-01-01') (interval '1' day))) (= x -1))))"),
        ("SELECT a FROM t semi JOIN u USING (k)", "(select a (from (semi-join t u (using k))))"),
        ("SELECT a FROM t semi", "(select a (from (as t semi)))"),
        ("SELECT 1 AS \"Sum\" FROM s.t AS \"T\"", "(select (as 1 \"Sum\") (from (as s.t \"T\")))"),
        ("SELECT a FROM t WHERE a IN (WITH w AS (SELECT 1) SELECT * FROM w)",
         "(select a (from t) (where (in a (query (with (cte w (select 1))) (select * (from w))))))"),
    ])
    func shape(_ sql: String, _ expected: String) {
        #expect(sexp(sql) == expected, "\(sql)")
    }

    @Test func identifiersKeepSpellingAndNormalize() throws {
        let query = try SQLParser.parse("SELECT PULocationID, \"MiXed\" FROM Trips")
        guard case .select(let select) = query.body,
              case .expression(.column(let parts, _), nil, _) = select.items[0],
              case .expression(.column(let quoted, _), nil, _) = select.items[1],
              case .table(let name, nil, _)? = select.from else {
            Issue.record("unexpected shape \(query)")
            return
        }
        #expect(parts[0].name == "PULocationID")
        #expect(parts[0].normalized == "pulocationid")
        #expect(!parts[0].isQuoted)
        #expect(quoted[0].name == "MiXed" && quoted[0].isQuoted)
        #expect(name[0].normalized == "trips")
    }
}
