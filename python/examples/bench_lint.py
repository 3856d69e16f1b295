"""Files/s and MB/s of ``claimlint.spark.lint`` on a local Spark (BENCHMARKS.md, "Spark").

    python python/examples/bench_lint.py FOLDER [local[2]]
"""

from __future__ import annotations

import os
import sys
import time

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

import claimlint.spark as cs


def main() -> None:
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    spark = (SparkSession.builder.master(sys.argv[2] if len(sys.argv) > 2 else "local[2]")
             .config("spark.ui.enabled", "false").config("spark.driver.memory", "4g")
             .config("spark.sql.execution.arrow.maxRecordsPerBatch", "16").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    df = spark.read.format("binaryFile").load(sys.argv[1])
    files, size = df.agg(F.count("*"), F.sum("length")).collect()[0]
    mb = size / 1e6
    for job in ("first", "second"):
        t = time.time()
        rows = cs.lint(df).agg(F.count("*")).collect()[0][0]
        dt = time.time() - t
        print(f"lint ({job} job): {files} files, {mb:.0f} MB, {rows} diagnostics, {dt:.1f} s, "
              f"{files / dt:.1f} files/s, {mb / dt:.1f} MB/s", flush=True)
    spark.stop()


if __name__ == "__main__":
    main()
