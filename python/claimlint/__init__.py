"""claimlint: a linter for X12 837 health-care claims, from Python.

The answers are the CLI's: the same Rust library runs the rules (``claimlint._native``).

* :func:`check` — one file, as one entry of ``files`` in ``claimlint check --format json``;
* :func:`claims` — the per-claim facts the audit uses, as a ``pyarrow.RecordBatch``;
* :mod:`claimlint.spark` — ``lint``, ``audit`` and ``summary`` over a Spark DataFrame of files
  (``spark.read.format("binaryFile")``).
"""

from __future__ import annotations

import json
from typing import Any, Dict, Optional

import pyarrow as pa

from . import _arrow
from ._native import ConfigError, Linter

__all__ = ["check", "claims", "ConfigError", "Linter", "CLAIM_SCHEMA", "LINE_SCHEMA"]

LINE_SCHEMA = pa.schema(
    [
        ("number", pa.int64()),
        ("hcpcs", pa.string()),
        ("ndc", pa.string()),
        ("date", pa.string()),
        ("charge", pa.string()),
        ("units", pa.string()),
        ("is_drug", pa.bool_()),
        ("is_jw", pa.bool_()),
        ("dose_interval_days", pa.int64()),
    ]
)
"""A service line of :data:`CLAIM_SCHEMA`'s ``lines``. Dates are ISO ``YYYY-MM-DD`` (the line's
DTP*472, else the claim's); amounts are the exact decimals of the file, as text."""

CLAIM_SCHEMA = pa.schema(
    [
        ("path", pa.string()),
        ("transaction", pa.string()),
        ("claim_id", pa.string()),
        ("billing_npi", pa.string()),
        ("patient", pa.string()),
        ("frequency", pa.string()),
        ("charge", pa.string()),
        ("position", pa.int64()),
        ("offset", pa.int64()),
        ("line", pa.int64()),
        ("column", pa.int64()),
        ("lines", pa.list_(pa.struct(list(LINE_SCHEMA)))),
    ]
)
"""One row per claim (2300 loop): ST02, CLM01, billing provider NPI (2010AA NM109), patient
member id, CLM05-3, CLM02, and where CLM01 stands (segment position, byte offset, line,
column)."""

_DEFAULT: Optional[Linter] = None


def _linter(config: Optional[str]) -> Linter:
    global _DEFAULT
    if config is not None:
        return Linter(config)
    if _DEFAULT is None:
        _DEFAULT = Linter()
    return _DEFAULT


def check(data: bytes, path: str = "<bytes>", config: Optional[str] = None) -> Dict[str, Any]:
    """Checks one input held in memory, as ``claimlint check`` checks a file.

    ``data`` may be gzip-compressed. ``config`` is the path of a ``claimlint.toml`` (as
    ``--config``); without it the defaults apply (as ``--no-config``). Returns the object
    ``claimlint check --format json`` writes for the file in ``files`` (docs: OUTPUT.md):
    ``path``, counts, ``diagnostics`` (code, severity, message, help, transaction, claim_id,
    line_number, segment...). Input that cannot be read is an ENV009 diagnostic, not an
    exception; a config claimlint cannot use raises :class:`ConfigError` with the CLI's message.
    """
    return json.loads(_linter(config).check_json(bytes(data), path))


def claims(data: bytes, path: str = "<bytes>", config: Optional[str] = None) -> pa.RecordBatch:
    """The per-claim facts of one input (:data:`CLAIM_SCHEMA`), as ``claimlint audit`` takes
    them: CLM01, billing NPI, patient, charges, and each service line's HCPCS, NDC, units,
    date and charge. An input that cannot be read has no claims."""
    cols, offsets, lines = _linter(config).claims(bytes(data), path)
    line_arrays = [_arrow.array(lines[f.name]) for f in LINE_SCHEMA]
    n_lines = len(line_arrays[0]) if line_arrays else 0
    structs = pa.StructArray.from_arrays(line_arrays, fields=list(LINE_SCHEMA)) if n_lines else \
        pa.array([], type=pa.struct(list(LINE_SCHEMA)))
    lists = pa.ListArray.from_arrays(pa.Array.from_buffers(pa.int32(), len(offsets) // 4,
                                                           [None, pa.py_buffer(offsets)]),
                                     structs)
    arrays = [_arrow.array(cols[f.name]) for f in CLAIM_SCHEMA if f.name != "lines"] + [lists]
    return pa.RecordBatch.from_arrays(arrays, schema=CLAIM_SCHEMA)
