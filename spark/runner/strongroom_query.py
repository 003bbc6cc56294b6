"""`strongroom query --engine spark`'s runner: runs one SQL query on Spark and prints the rows
exactly as the native engine does (`--format table|csv|jsonl`, the `parquet cat` contract), or
writes them as PME Parquet (`--output`). Started by spark-submit under the attested `strongroom`
process, which serves the KMS proxy the Spark KMS client (CasKmsClient) uses: this script never
sees a key.

Tables: `--table NAME=PATH` with PATH a Parquet file, a directory of *.parquet, a glob, or a
.csv file with a header, like the native engine.
"""
import argparse
import base64
import datetime
import decimal
import json
import math
import os
import sys
import time

os.environ["TZ"] = "UTC"  # collect() turns timestamps into naive datetimes in the local zone
time.tzset()


def parse_args(argv):
    p = argparse.ArgumentParser(prog="strongroom_query.py")
    p.add_argument("--sql", required=True)
    p.add_argument("--table", action="append", default=[])
    p.add_argument("--format", choices=["table", "csv", "jsonl"], default="table")
    p.add_argument("--output")
    p.add_argument("--output-key")
    return p.parse_args(argv)


# ---- cell text, as Sources/StrongroomCLI/Output/CellText.swift renders it ----

def float_text(value, single):
    if single:
        try:
            import numpy
            return str(numpy.float32(value))
        except ImportError:
            pass
    text = repr(float(value))
    return text


def cell(value, dtype):
    """(kind, text): kind 'null', 'bool', 'number', 'text', or 'json' (arrays/objects, text is JSON)."""
    from pyspark.sql import types as T
    if value is None:
        return ("null", None)
    if isinstance(dtype, T.BooleanType):
        return ("bool", "true" if value else "false")
    if isinstance(dtype, (T.ByteType, T.ShortType, T.IntegerType, T.LongType)):
        return ("number", str(int(value)))
    if isinstance(dtype, (T.FloatType, T.DoubleType)):
        if math.isnan(value):
            return ("text", "NaN")
        if math.isinf(value):
            return ("text", "Infinity" if value > 0 else "-Infinity")
        return ("number", float_text(value, isinstance(dtype, T.FloatType)))
    if isinstance(dtype, T.DecimalType):
        return ("text", format(decimal.Decimal(value), "f"))
    if isinstance(dtype, T.StringType):
        return ("text", value)
    if isinstance(dtype, T.BinaryType):
        return ("text", base64.b64encode(bytes(value)).decode("ascii"))
    if isinstance(dtype, T.DateType):
        return ("text", value.strftime("%Y-%m-%d") if value.year >= 1000 else f"{value.year:04d}-{value.month:02d}-{value.day:02d}")
    if isinstance(dtype, (T.TimestampType, T.TimestampNTZType)):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        return ("text", f"{value.year:04d}-{value.month:02d}-{value.day:02d}T{value.hour:02d}:{value.minute:02d}:"
                        f"{value.second:02d}.{value.microsecond:06d}Z")
    if isinstance(dtype, T.ArrayType):
        return ("json", "[" + ",".join(json_of(cell(v, dtype.elementType)) for v in value) + "]")
    if isinstance(dtype, T.StructType):
        return ("json", "{" + ",".join(json.dumps(f.name, ensure_ascii=False) + ":" + json_of(cell(value[f.name], f.dataType))
                                       for f in dtype.fields) + "}")
    if isinstance(dtype, T.MapType):
        items = list(value.items())
        if isinstance(dtype.keyType, T.StringType):
            return ("json", "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + json_of(cell(v, dtype.valueType))
                                           for k, v in items) + "}")
        return ("json", "[" + ",".join("[" + json_of(cell(k, dtype.keyType)) + "," + json_of(cell(v, dtype.valueType)) + "]"
                                       for k, v in items) + "]")
    return ("text", str(value))


def json_string(text):
    out = ['"']
    for ch in text:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20:
            out.append("\\u%04x" % ord(ch))
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def json_of(c):
    kind, text = c
    if kind == "null":
        return "null"
    if kind in ("bool", "number", "json"):
        return text
    return json_string(text)


def csv_field(text):
    if text is None:
        return ""
    if text == "":
        return '""'
    if any(ch in text for ch in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


def print_rows(df, fmt, out):
    fields = df.schema.fields
    rows = df.toLocalIterator()
    if fmt == "jsonl":
        for row in rows:
            out.write("{" + ",".join(json_string(f.name) + ":" + json_of(cell(row[i], f.dataType))
                                     for i, f in enumerate(fields)) + "}\n")
    elif fmt == "csv":
        out.write(",".join(csv_field(f.name) for f in fields) + "\n")
        for row in rows:
            out.write(",".join(csv_field(cell(row[i], f.dataType)[1]) for i, f in enumerate(fields)) + "\n")
    else:
        table = [[f.name for f in fields]]
        for row in rows:
            cells = []
            for i, f in enumerate(fields):
                kind, text = cell(row[i], f.dataType)
                cells.append("NULL" if kind == "null" else text)
            table.append(cells)
        widths = [max(len(r[c]) for r in table) for c in range(len(fields))]
        for i, r in enumerate(table):
            out.write(" | ".join(text + " " * (w - len(text)) for text, w in zip(r, widths)) + "\n")
            if i == 0:
                out.write("-+-".join("-" * w for w in widths) + "\n")
        n = len(table) - 1
        out.write(f"({n} row{'' if n == 1 else 's'})\n")


def register(spark, spec):
    name, _, path = spec.partition("=")
    if path.lower().endswith(".csv"):
        df = spark.read.option("header", True).option("inferSchema", True).csv(path)
    else:
        df = spark.read.parquet(path)
    df.createOrReplaceTempView(name)


def write_output(df, path, key):
    """PME Parquet: footer and every column under the results master key (fresh data keys, wrapped by CAS)."""
    if not key:
        raise SystemExit("error: --output needs a results master key (the policy's results.master_key, or --output-key)")
    columns = ",".join(f.name for f in df.schema.fields)
    (df.write.mode("errorifexists")
       .option("parquet.encryption.footer.key", key)
       .option("parquet.encryption.column.keys", f"{key}:{columns}")
       .parquet(path))
    sys.stderr.write(f"wrote the result to {path} (encrypted under master key {key})\n")


def one_line(error):
    text = str(error).strip().splitlines()
    first = text[0] if text else type(error).__name__
    # Spark errors carry a JVM stack trace after the message; the first line says what failed.
    return first[:2000]


def main(argv):
    args = parse_args(argv)
    from pyspark.sql import SparkSession
    spark = (SparkSession.builder.appName("strongroom-query")
             .config("spark.sql.session.timeZone", "UTC")
             .config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    try:
        for spec in args.table:
            register(spark, spec)
        df = spark.sql(args.sql)
        if args.output:
            write_output(df, args.output, args.output_key or os.environ.get("STRONGROOM_RESULTS_MASTER_KEY"))
        else:
            print_rows(df, args.format, sys.stdout)
            sys.stdout.flush()
    except SystemExit:
        raise
    except Exception as error:  # noqa: BLE001 — one line on stderr, exit 1 (the CLI contract)
        sys.stderr.write(f"error: {one_line(error)}\n")
        return 1
    finally:
        spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
