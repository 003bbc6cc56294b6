#!/usr/bin/env bash
# Builds the Spark KMS client (spark/kms: dev.strongroom.spark.CasKmsClient) with javac + jar
# against the jars pyspark ships (or $SPARK_HOME/jars), into .build/spark-kms/strongroom-spark-kms.jar.
# A build output, not committed; rebuilt only when a source is newer than the jar.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
OUT=.build/spark-kms
JAR=$OUT/strongroom-spark-kms.jar
SOURCES=$(find spark/kms/src -name '*.java' | sort)
if [ -f "$JAR" ] && [ -z "$(find spark/kms/src -name '*.java' -newer "$JAR")" ]; then
  echo "$JAR is up to date"
  exit 0
fi
SPARK_JARS=${SPARK_HOME:+$SPARK_HOME/jars}
if [ -z "$SPARK_JARS" ]; then
  SPARK_JARS="$(${PYTHON:-python3} -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))')/jars"
fi
[ -d "$SPARK_JARS" ] || { echo "no Spark jars at $SPARK_JARS (pip install pyspark or set SPARK_HOME)" >&2; exit 1; }
command -v javac >/dev/null || { echo "javac not found: install openjdk-17-jdk-headless" >&2; exit 1; }
rm -rf "$OUT/classes"
mkdir -p "$OUT/classes"
# shellcheck disable=SC2086
javac --release 17 -Xlint:all,-options,-path -Werror -d "$OUT/classes" -cp "$SPARK_JARS/*" $SOURCES
jar --create --file "$JAR.tmp" -C "$OUT/classes" .
mv "$JAR.tmp" "$JAR"
echo "built $JAR"
