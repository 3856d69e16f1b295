//! Arrow columns built in Rust as raw buffers (validity bitmap, offsets, values), handed to
//! Python as `bytes` and wrapped there with `pyarrow.Array.from_buffers`: a batch of thousands
//! of diagnostics crosses into Python as a few buffers per column, never as one Python object
//! per value. Only the three layouts the package needs: nullable utf8, int64 and bool.

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

/// One column's buffers.
pub enum Col {
    /// utf8: i32 offsets and the bytes.
    Str {
        valid: Vec<bool>,
        offsets: Vec<i32>,
        data: Vec<u8>,
    },
    Int {
        valid: Vec<bool>,
        values: Vec<i64>,
    },
    Bool {
        valid: Vec<bool>,
        values: Vec<bool>,
    },
}

impl Col {
    pub fn strs<'a>(items: impl Iterator<Item = Option<&'a str>>) -> Col {
        let (mut valid, mut offsets, mut data) = (Vec::new(), vec![0i32], Vec::new());
        for v in items {
            valid.push(v.is_some());
            data.extend_from_slice(v.unwrap_or_default().as_bytes());
            // A batch's strings stay far below 2 GiB: batches are a few files' diagnostics.
            offsets.push(i32::try_from(data.len()).unwrap_or(i32::MAX));
        }
        Col::Str {
            valid,
            offsets,
            data,
        }
    }

    pub fn ints(items: impl Iterator<Item = Option<i64>>) -> Col {
        let (valid, values) = items.map(|v| (v.is_some(), v.unwrap_or(0))).unzip();
        Col::Int { valid, values }
    }

    pub fn bools(items: impl Iterator<Item = Option<bool>>) -> Col {
        let (valid, values) = items.map(|v| (v.is_some(), v.unwrap_or(false))).unzip();
        Col::Bool { valid, values }
    }

    fn len(&self) -> usize {
        match self {
            Col::Str { valid, .. } | Col::Int { valid, .. } | Col::Bool { valid, .. } => {
                valid.len()
            }
        }
    }

    /// (kind, length, validity or None, offsets or None, values) for `claimlint._arrow`.
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let n = self.len();
        let bitmap = |bits: &[bool]| PyBytes::new(py, &pack(bits));
        let validity = |valid: &[bool]| (!valid.iter().all(|v| *v)).then(|| bitmap(valid));
        let t = match self {
            Col::Str {
                valid,
                offsets,
                data,
            } => {
                let off: Vec<u8> = offsets.iter().flat_map(|o| o.to_le_bytes()).collect();
                (
                    "str",
                    n,
                    validity(valid),
                    Some(PyBytes::new(py, &off)),
                    PyBytes::new(py, data),
                )
            }
            Col::Int { valid, values } => {
                let v: Vec<u8> = values.iter().flat_map(|o| o.to_le_bytes()).collect();
                ("int", n, validity(valid), None, PyBytes::new(py, &v))
            }
            Col::Bool { valid, values } => ("bool", n, validity(valid), None, bitmap(values)),
        };
        t.into_pyobject(py).map(|t| t.into_any())
    }
}

/// An Arrow bitmap: bit i of byte i / 8, least significant first.
fn pack(bits: &[bool]) -> Vec<u8> {
    let mut out = vec![0u8; bits.len().div_ceil(8)];
    for (i, _) in bits.iter().enumerate().filter(|(_, b)| **b) {
        if let Some(byte) = out.get_mut(i / 8) {
            *byte |= 1 << (i % 8);
        }
    }
    out
}

/// Named columns, in order, as a Python dict name → buffers.
pub fn to_dict<'py>(py: Python<'py>, cols: Vec<(&str, Col)>) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    for (name, col) in cols {
        d.set_item(name, col.to_py(py)?)?;
    }
    Ok(d)
}
