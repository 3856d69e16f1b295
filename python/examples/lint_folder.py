"""Lint and audit a folder of 837 files on Spark, write the findings to the lake, query them.

On Databricks, run the body of ``main`` in a notebook (``spark`` is given) with
``FORMAT = "delta"``; here ``python lint_folder.py IN_DIR OUT_DIR`` starts a local Spark and
writes Parquet. docs/spark.md walks through it; python/tests/test_spark.py runs it.
"""

from __future__ import annotations

import os
import sys
from typing import Any, Dict

import claimlint.spark as cs

FORMAT = os.environ.get("CLAIMLINT_FORMAT", "parquet")  # "delta" on Databricks


def main(spark: Any, folder: str, lake: str) -> Dict[str, int]:
    from pyspark.sql import functions as F

    # 1. One row per file: path, modificationTime, length, content.
    files = (spark.read.format("binaryFile")
             .option("recursiveFileLookup", "true")
             .load(folder))

    # 2. Every diagnostic (claimlint check) or every finding with XCL001/XCL002 across files
    #    (claimlint audit). Lazy until written.
    findings = cs.audit(files)

    # 3. Into the lake, partitioned by rule family.
    (findings.withColumn("family", F.regexp_extract("code", "^[A-Z]+", 0))
     .write.mode("overwrite").partitionBy("family").format(FORMAT)
     .save(f"{lake}/findings"))

    # 4. Query: what the audit's summary tables say, from the stored findings.
    stored = spark.read.format(FORMAT).load(f"{lake}/findings")
    tables = cs.summary(stored)
    for name, df in tables.items():
        df.write.mode("overwrite").format(FORMAT).save(f"{lake}/summary_{name}")
    stored.createOrReplaceTempView("findings")
    spark.sql("""
        SELECT code, severity, count(*) AS findings, count(DISTINCT path) AS files
        FROM findings GROUP BY code, severity ORDER BY findings DESC
    """).show(20, truncate=False)
    tables["providers"].show(10, truncate=False)
    return {r["code"]: r["findings"] for r in tables["rules"].collect()}


if __name__ == "__main__":
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = SparkSession.builder.master("local[2]").appName("claimlint").getOrCreate()
    print(main(session, sys.argv[1], sys.argv[2]))
    session.stop()
