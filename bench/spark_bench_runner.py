"""The Spark side of bench/spark_bench.py, run by spark-submit (plain) or `strongroom spark
submit` (attested): registers the tables, then per query one warm-up and --runs timed
`spark.sql(Q).collect()` in this driver; prints {"queries": {ID: {"seconds": median, "runs": [...],
"rows": [jsonl lines]}}} on stdout. Rows are rendered like `strongroom query --format jsonl`."""
import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "spark" / "runner"))
import strongroom_query  # noqa: E402  (table registration and the native engine's cell text)


def main(argv):
    p = argparse.ArgumentParser()
    p.add_argument("--table", action="append", default=[])
    p.add_argument("--query", action="append", default=[], help="ID=SQL")
    p.add_argument("--runs", type=int, default=3)
    args = p.parse_args(argv)
    from pyspark.sql import SparkSession
    spark = (SparkSession.builder.appName("strongroom-spark-bench")
             .config("spark.sql.session.timeZone", "UTC").config("spark.ui.showConsoleProgress", "false").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    for spec in args.table:
        strongroom_query.register(spark, spec)
    out = {}
    for spec in args.query:
        qid, _, sql = spec.partition("=")
        df = spark.sql(sql)
        fields = df.schema.fields
        rows = df.collect()  # warm-up
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            rows = spark.sql(sql).collect()
            times.append(time.perf_counter() - start)
        lines = ["{" + ",".join(strongroom_query.json_string(f.name) + ":" + strongroom_query.json_of(
            strongroom_query.cell(r[i], f.dataType)) for i, f in enumerate(fields)) + "}" for r in rows]
        out[qid] = {"seconds": statistics.median(times), "runs": times, "rows": lines}
        print(f"[spark-bench] {qid} {statistics.median(times):.3f}s", file=sys.stderr, flush=True)
    spark.stop()
    print(json.dumps({"queries": out}))


if __name__ == "__main__":
    main(sys.argv[1:])
