"""Arrow arrays from the buffers the native module builds (see python/src/columns.rs).

Each column arrives as ``(kind, length, validity, offsets, values)``: a few ``bytes`` objects
per column however many rows, wrapped without a copy by ``pyarrow.py_buffer``.
"""

from __future__ import annotations

from typing import Any, Mapping, Optional, Tuple

import pyarrow as pa

Buffers = Tuple[str, int, Optional[bytes], Optional[bytes], bytes]

_TYPES = {"str": pa.string(), "int": pa.int64(), "bool": pa.bool_()}


def array(col: Buffers) -> pa.Array:
    kind, n, validity, offsets, values = col
    bufs: list[Any] = [pa.py_buffer(validity) if validity is not None else None]
    if offsets is not None:
        bufs.append(pa.py_buffer(offsets))
    bufs.append(pa.py_buffer(values))
    return pa.Array.from_buffers(_TYPES[kind], n, bufs)


def batch(cols: Mapping[str, Buffers], schema: pa.Schema) -> pa.RecordBatch:
    """The columns named by ``schema``, in its order (extra columns are left out)."""
    return pa.RecordBatch.from_arrays([array(cols[f.name]) for f in schema], schema=schema)
