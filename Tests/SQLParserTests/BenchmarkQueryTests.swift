import Testing
import SQLParser

/// Q1–Q6 of issue 3, as the benchmark runs them.
@Suite struct BenchmarkQueryTests {
    @Test(arguments: [
        ("SELECT count(*) FROM trips", "(select (count *) (from trips))"),
        ("SELECT count(*) FROM trips WHERE trip_distance > 5",
         "(select (count *) (from trips) (where (> trip_distance 5)))"),
        ("SELECT payment_type, count(*), sum(total_amount), avg(tip_amount) FROM trips GROUP BY payment_type",
         "(select payment_type (count *) (sum total_amount) (avg tip_amount) (from trips) (group-by payment_type))"),
        ("SELECT PULocationID, DOLocationID, count(*), avg(fare_amount) FROM trips GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 10",
         "(query (select PULocationID DOLocationID (count *) (avg fare_amount) (from trips) (group-by 1 2)) (order-by (desc 3)) (limit 10))"),
        ("""
         SELECT z.Borough, count(*) AS trips, avg(t.total_amount) AS avg_total
         FROM trips t JOIN zones z ON t.PULocationID = z.LocationID
         GROUP BY z.Borough ORDER BY trips DESC
         """,
         "(query (select z.Borough (as (count *) trips) (as (avg t.total_amount) avg_total) (from (inner-join (as trips t) (as zones z) (on (= t.PULocationID z.LocationID)))) (group-by z.Borough)) (order-by (desc trips)))"),
        ("SELECT date_trunc('hour', tpep_pickup_datetime) AS h, count(*), avg(trip_distance) FROM trips WHERE tpep_pickup_datetime >= TIMESTAMP '2024-03-01' AND tpep_pickup_datetime < TIMESTAMP '2024-04-01' GROUP BY 1 ORDER BY 1",
         "(query (select (as (date_trunc 'hour' tpep_pickup_datetime) h) (count *) (avg trip_distance) (from trips) (where (and (>= tpep_pickup_datetime (timestamp '2024-03-01')) (< tpep_pickup_datetime (timestamp '2024-04-01')))) (group-by 1)) (order-by (asc 1)))"),
    ])
    func parses(_ sql: String, _ expected: String) {
        #expect(sexp(sql) == expected)
    }
}
