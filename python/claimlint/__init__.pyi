"""claimlint: a linter for X12 837 health-care claims, from Python (see __init__.py)."""

from typing import Any, Dict, Optional

import pyarrow as pa

from ._native import ConfigError as ConfigError
from ._native import Linter as Linter

CLAIM_SCHEMA: pa.Schema
LINE_SCHEMA: pa.Schema

def check(data: bytes, path: str = "<bytes>", config: Optional[str] = None) -> Dict[str, Any]:
    """One input checked as ``claimlint check`` checks a file: the object of ``files`` in
    ``claimlint check --format json``. Raises :class:`ConfigError` for a bad config."""

def claims(data: bytes, path: str = "<bytes>", config: Optional[str] = None) -> pa.RecordBatch:
    """The per-claim facts of one input (:data:`CLAIM_SCHEMA`)."""
