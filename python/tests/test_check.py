"""claimlint.check and claimlint.claims, without Spark, against the CLI."""

from __future__ import annotations

import gzip
import subprocess
from pathlib import Path
from typing import List

import pyarrow as pa
import pytest

import claimlint
from conftest import run_json


def test_check_is_the_cli_json_entry_for_every_corpus_file(cli: str, corpus: List[Path]) -> None:
    # One input's entry, as `check FILE` alone gives it (a run over several files would also
    # pair its claims with other files' claims, XCL): its own duplicates included.
    for p in corpus:
        doc = run_json(cli, "check", "--no-config", "--format", "json", str(p))
        assert claimlint.check(p.read_bytes(), path=str(p)) == doc["files"][0], p


def test_gzip_is_read_as_the_cli_reads_it(corpus: List[Path]) -> None:
    p = corpus[0]
    assert claimlint.check(gzip.compress(p.read_bytes()), str(p)) == claimlint.check(
        p.read_bytes(), str(p))


def test_unreadable_and_unparseable_inputs_are_diagnostics() -> None:
    r = claimlint.check(b"hello, world")
    assert r["path"] == "<bytes>"
    assert [d["code"] for d in r["diagnostics"]] == ["ENV001"]
    bad_gzip = claimlint.check(b"\x1f\x8b\x08\x00garbage", path="x.837.gz")
    assert [d["code"] for d in bad_gzip["diagnostics"]] == ["ENV009"]
    assert bad_gzip["diagnostics"][0]["segment"] is None
    utf16 = claimlint.check("ISA*00".encode("utf-16"), path="u.837")
    assert [d["code"] for d in utf16["diagnostics"]] == ["ENV009"]
    assert "UTF-16" in utf16["diagnostics"][0]["message"]


def test_bad_config_raises_the_cli_message(cli: str, tmp_path: Path) -> None:
    bad = tmp_path / "claimlint.toml"
    bad.write_text('select = ["NOPE999"]\n')
    with pytest.raises(claimlint.ConfigError) as e:
        claimlint.check(b"", config=str(bad))
    assert str(e.value) == f"{bad}: select: unknown rule `NOPE999`"
    cli_err = subprocess.run([cli, "check", "--config", str(bad), str(bad)],
                             capture_output=True).stderr.decode()
    # miette wraps the message in a box: compare without the box and the wrapping.
    def flat(t: str) -> str:
        return "".join(t.replace("│", "").replace("×", "").split())

    assert flat(str(e.value)) in flat(cli_err)
    with pytest.raises(claimlint.ConfigError, match="cannot read config"):
        claimlint.check(b"", config=str(tmp_path / "missing.toml"))


def test_config_applies(corpus: List[Path], tmp_path: Path) -> None:
    cfg = tmp_path / "claimlint.toml"
    cfg.write_text('select = ["ENV"]\n')
    for p in corpus[:20]:
        codes = {d["code"] for d in claimlint.check(p.read_bytes(), str(p), str(cfg))
                 ["diagnostics"]}
        assert all(c.startswith("ENV") for c in codes), (p, codes)


def test_claims_match_the_counts_and_the_file(corpus: List[Path], generated: Path) -> None:
    files = list(corpus) + sorted(generated.iterdir())
    for p in files:
        data = p.read_bytes()
        batch = claimlint.claims(data, path=str(p))
        assert isinstance(batch, pa.RecordBatch)
        assert batch.schema == claimlint.CLAIM_SCHEMA
        report = claimlint.check(data, str(p))
        if report["claims"]:
            assert batch.num_rows == report["claims"], p
            lines = sum(len(c["lines"]) for c in batch.to_pylist())
            assert lines == report["service_lines"], p
        for c in batch.to_pylist():
            assert c["path"] == str(p)
            # CLM01's offset points at it in the file.
            if c["claim_id"]:
                assert data[c["offset"]:].startswith(c["claim_id"].encode()), (p, c)


def test_claims_of_a_known_generated_file(generated: Path) -> None:
    p = sorted(generated.iterdir())[1]
    batch = claimlint.claims(p.read_bytes(), str(p))
    rows = batch.to_pylist()
    assert rows, p
    c = rows[0]
    assert c["claim_id"].startswith("X") and len(c["billing_npi"]) == 10
    assert c["patient"] and c["lines"]
    line = c["lines"][0]
    assert line["number"] == 1 and line["date"].startswith("2026-")
    assert sum(float(ln["charge"]) for ln in c["lines"]) == pytest.approx(float(c["charge"]))


def test_empty_input_has_no_claims() -> None:
    b = claimlint.claims(b"")
    assert b.num_rows == 0 and b.schema == claimlint.CLAIM_SCHEMA
