"""claimlint on Apache Spark (see spark.py)."""

from typing import Dict, Optional

import pyarrow as pa
from pyspark.sql import DataFrame

LINT_SCHEMA: pa.Schema
FINDING_SCHEMA: pa.Schema

def lint(
    df: DataFrame, content: str = "content", path: str = "path", config: Optional[str] = None
) -> DataFrame:
    """One row per diagnostic (:data:`LINT_SCHEMA`), exactly ``claimlint check``'s."""

def audit(
    df: DataFrame, content: str = "content", path: str = "path", config: Optional[str] = None
) -> DataFrame:
    """Every finding of ``claimlint audit`` (:data:`FINDING_SCHEMA`), XCL001/XCL002 included."""

def summary(findings: DataFrame) -> Dict[str, DataFrame]:
    """``rules``, ``providers``, ``drugs``, ``months``: findings and files per key."""
