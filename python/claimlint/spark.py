"""claimlint on Apache Spark: lint and audit a DataFrame of 837 files where they lie.

The input is what ``spark.read.format("binaryFile").load(folder)`` gives: one row per file,
with ``path`` and ``content``. The rules run in the Python workers through ``mapInArrow``:
each Arrow batch of files goes to the Rust library at once and comes back as Arrow columns, so
no diagnostic passes through Python objects one by one. The workers need this package (and
pyarrow, pandas >= 2.2) in the interpreter Spark runs them with (``PYSPARK_PYTHON``).

* :func:`lint` — one row per diagnostic, exactly ``claimlint check FILE``'s for each file alone
  (the rules across files, XCL, are :func:`audit`'s);
* :func:`audit` — every finding of ``claimlint audit``: each file's, plus the cross-file rules
  XCL001 (duplicate claims) and XCL002 (doses too close) with candidates found by Spark;
* :func:`summary` — findings per rule, provider, drug and month.

A file that cannot be read (bad gzip, UTF-16) or parsed is a row with its ENV diagnostic, never
a failed task. A ``config`` (claimlint.toml) is read on the driver, where a bad one raises
:class:`claimlint.ConfigError` with the CLI's message; the workers get its text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Dict, Iterator, Optional, Tuple

import pyarrow as pa

from . import _arrow
from ._native import Linter

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import DataFrame

__all__ = ["lint", "audit", "summary", "LINT_SCHEMA", "FINDING_SCHEMA"]

_DIAGNOSTIC_FIELDS = [
    ("path", pa.string()),
    ("code", pa.string()),
    ("severity", pa.string()),
    ("message", pa.string()),
    ("help", pa.string()),
    ("transaction", pa.string()),
    ("claim_id", pa.string()),
    ("line_number", pa.int64()),
    ("loop", pa.string()),
    ("segment", pa.string()),
    ("position", pa.int64()),
    ("element", pa.int64()),
    ("component", pa.int64()),
    ("offset", pa.int64()),
    ("length", pa.int64()),
    ("line", pa.int64()),
    ("column", pa.int64()),
]

LINT_SCHEMA = pa.schema(_DIAGNOSTIC_FIELDS)
"""One row per diagnostic: the fields of a diagnostic of ``claimlint check --format jsonl``
(OUTPUT.md), its ``segment`` object flattened (``segment`` is the segment id). Segment fields
are null for a diagnostic with no place in the file."""

FINDING_SCHEMA = pa.schema(
    _DIAGNOSTIC_FIELDS
    + [("npi", pa.string()), ("hcpcs", pa.string()), ("ndc", pa.string()), ("date", pa.string())]
)
""":data:`LINT_SCHEMA` plus what ``claimlint audit``'s findings table adds: the billing NPI of
the claim the finding is in, the HCPCS and NDC of its service line, and the line's date (else
the claim's first line's), ISO ``YYYY-MM-DD``."""

# The audit's first pass writes three kinds of rows into one DataFrame: findings, duplicate
# keys (`key`: a hash of billing NPI, patient, HCPCS and date) and doses (`group`: a hash of
# patient, HCPCS and drug), told apart by `kind` (mapInArrow has one output schema).
_AUDIT_SCHEMA = pa.schema(
    [("kind", pa.string())]
    + list(FINDING_SCHEMA)
    + [("claim", pa.int64()), ("key", pa.int64()), ("group", pa.int64()), ("day", pa.int64()),
       ("min_days", pa.int64())]
)


def _ddl(schema: pa.Schema) -> str:
    names = {pa.string(): "string", pa.int64(): "bigint"}
    return ", ".join(f"`{f.name}` {names[f.type]}" for f in schema)


def _config(config: Optional[str]) -> Tuple[Optional[str], Optional[str]]:
    """Reads and checks the config on the driver; the workers get (path, text)."""
    if config is None:
        return (None, None)
    Linter(config)  # raises ConfigError with the CLI's message
    with open(config, encoding="utf-8") as f:
        return (config, f.read())


def _files(df: "DataFrame", content: str, path: str) -> "DataFrame":
    from pyspark.sql import functions as F

    return df.select(F.col(path).alias("path"), F.col(content).alias("content"))


def _pad(cols: Dict[str, _arrow.Buffers], n: int, schema: pa.Schema, kind: str) -> pa.RecordBatch:
    """A batch of `_AUDIT_SCHEMA` from one kind's columns, the others null."""
    arrays = []
    for f in schema:
        if f.name == "kind":
            arrays.append(pa.array([kind] * n, pa.string()))
        elif f.name in cols:
            arrays.append(_arrow.array(cols[f.name]))
        else:
            arrays.append(pa.nulls(n, f.type))
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


def _lint_batches(cfg: Tuple[Optional[str], Optional[str]]) -> Callable[
        [Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        linter = Linter(*cfg)
        for b in batches:
            cols = linter.lint(b.column("path").to_pylist(), b.column("content").to_pylist())
            yield _arrow.batch(cols, LINT_SCHEMA)

    return run


def lint(df: "DataFrame", content: str = "content", path: str = "path",
         config: Optional[str] = None) -> "DataFrame":
    """One row per diagnostic (:data:`LINT_SCHEMA`) of every file in ``df``, exactly those of
    ``claimlint check --format jsonl FILE`` on each file alone (without ``--config``: the
    defaults, as ``--no-config``); the rules across files (XCL) are :func:`audit`'s. ``content`` may be gzip-compressed. Lazy, like any DataFrame."""
    return _files(df, content, path).mapInArrow(_lint_batches(_config(config)),
                                                _ddl(LINT_SCHEMA))


def _audit_batches(cfg: Tuple[Optional[str], Optional[str]]) -> Callable[
        [Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        linter = Linter(*cfg)
        for b in batches:
            findings, dups, doses = linter.audit(b.column("path").to_pylist(),
                                                 b.column("content").to_pylist())
            for cols, kind in ((findings, "finding"), (dups, "dup"), (doses, "dose")):
                n = cols["path"][1]
                if n:
                    yield _pad(cols, n, _AUDIT_SCHEMA, kind)

    return run


def _judge(cfg: Tuple[Optional[str], Optional[str]]) -> Callable[
        [Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        files = []
        for b in batches:
            for p, c, w in zip(b.column("path").to_pylist(), b.column("content").to_pylist(),
                               b.column("claims").to_pylist()):
                files.append((p, c or b"", [int(i) for i in w]))
        if files:
            yield _arrow.batch(Linter(*cfg).cross_claim(files), FINDING_SCHEMA)

    return run


def _candidates(rows: "DataFrame") -> "DataFrame":
    """(path, claim) of every claim an XCL rule may report or name, found as the CLI's
    ``Keys::candidates`` finds them, on 64-bit hashes of the keys: claims sharing a duplicate
    key with another claim (XCL001), and both doses of each pair of neighbouring doses (per
    patient, HCPCS and drug, by day) closer than the drug's interval (XCL002). The rules then
    judge the candidates on exact values."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    dups = (rows.where(F.col("kind") == "dup")
            .groupBy("key")
            .agg(F.collect_set(F.struct("path", "claim")).alias("m"))
            .where(F.size("m") > 1)
            .select(F.explode("m").alias("c"))
            .select("c.path", "c.claim"))
    w = Window.partitionBy("group").orderBy("day", "min_days", "path", "claim")
    doses = rows.where(F.col("kind") == "dose").select("path", "claim", "group", "day",
                                                       "min_days")
    pairs = (doses
             .withColumn("p_day", F.lag("day").over(w))
             .withColumn("p_min", F.lag("min_days").over(w))
             .withColumn("p_path", F.lag("path").over(w))
             .withColumn("p_claim", F.lag("claim").over(w))
             .where(F.col("p_day").isNotNull())
             .where(F.col("day") - F.col("p_day") < F.greatest("min_days", "p_min"))
             .where((F.col("path") != F.col("p_path")) | (F.col("claim") != F.col("p_claim"))
                    | (F.col("day") != F.col("p_day"))))
    near = pairs.select("path", "claim").unionByName(
        pairs.select(F.col("p_path").alias("path"), F.col("p_claim").alias("claim")))
    return dups.unionByName(near).distinct()


def audit(df: "DataFrame", content: str = "content", path: str = "path",
          config: Optional[str] = None) -> "DataFrame":
    """Every finding of ``claimlint audit`` over the files of ``df`` (:data:`FINDING_SCHEMA`):
    each file's own, and the cross-file rules XCL001 and XCL002.

    Spark finds the candidate claims (a group by the duplicate key; a window over each
    patient's doses of a drug); only the files holding candidates are read again, in one task,
    where the rules judge them on exact values exactly as the CLI's second pass does (the
    messages name the other claim's path: give the paths the CLI would see). The first pass's
    rows are persisted (memory and disk): both halves of the result read them.
    """
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    cfg = _config(config)
    files = _files(df, content, path)
    rows = files.mapInArrow(_audit_batches(cfg), _ddl(_AUDIT_SCHEMA)).persist(
        StorageLevel.MEMORY_AND_DISK)
    findings = rows.where(F.col("kind") == "finding").select(*FINDING_SCHEMA.names)
    wanted = _candidates(rows).groupBy("path").agg(F.sort_array(F.collect_set("claim"))
                                                   .alias("claims"))
    # Broadcast: the candidate list is small, and the files' bytes must not be shuffled.
    reread = files.join(F.broadcast(wanted), "path").repartition(1)
    xcl = reread.mapInArrow(_judge(cfg), _ddl(FINDING_SCHEMA))
    return findings.unionByName(xcl)


def summary(findings: "DataFrame") -> Dict[str, "DataFrame"]:
    """Totals of :func:`audit`'s findings, as DataFrames: ``rules`` (per code: findings,
    errors, warnings, infos), ``providers`` (per billing NPI), ``drugs`` (per HCPCS and NDC of
    the line) and ``months`` (per ``YYYY-MM`` of the line's date), each with the number of
    findings and of files they are in, most findings first."""
    from pyspark.sql import functions as F

    def sev(s: str) -> "F.Column":
        return F.sum(F.when(F.col("severity") == s, 1).otherwise(0)).alias(s + "s")

    counts = [F.count(F.lit(1)).alias("findings"), F.countDistinct("path").alias("files")]
    rules = (findings.groupBy("code").agg(*counts, sev("error"), sev("warning"), sev("info"))
             .orderBy(F.desc("findings"), "code"))
    providers = (findings.where(F.col("npi").isNotNull()).groupBy("npi").agg(*counts)
                 .orderBy(F.desc("findings"), "npi"))
    drugs = (findings.where(F.col("hcpcs").isNotNull())
             .groupBy("hcpcs", F.coalesce("ndc", F.lit("")).alias("ndc")).agg(*counts)
             .orderBy(F.desc("findings"), "hcpcs", "ndc"))
    months = (findings.where(F.col("date").isNotNull())
              .groupBy(F.substring("date", 1, 7).alias("month")).agg(*counts)
              .orderBy("month"))
    return {"rules": rules, "providers": providers, "drugs": drugs, "months": months}
