"""claimlint.spark on a local Spark (local[2]) against the CLI, on the shared corpus and on
generated files with planted duplicates and dose-interval violations."""

from __future__ import annotations

import gzip
import shutil
import sys
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest

from conftest import REPO, run_json, run_jsonl

pytest.importorskip("pyspark")

import claimlint.spark as cs  # noqa: E402

FIELDS = ["path", "code", "severity", "message", "help", "transaction", "claim_id",
          "line_number", "loop", "segment", "position", "element", "component", "offset",
          "length", "line", "column"]


def _cli_rows(diags: List[Dict[str, Any]]) -> List[Tuple[Any, ...]]:
    rows = []
    for d in diags:
        s = d["segment"] or {}
        flat = dict(d, segment=s.get("id"), **{k: s.get(k) for k in
                                                ("position", "element", "component",
                                                 "offset", "length", "line", "column")})
        rows.append(tuple(flat[f] for f in FIELDS))
    return sorted(rows, key=repr)


def _own(lines: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The diagnostics but the rules across claims (XCL) from a CLI run over several files:
    there they pair claims of different files too, which `lint` leaves to `audit`."""
    return [d for d in lines if "code" in d and not d["code"].startswith("XCL")]


def _alone(cli: str, files: List[Path], *args: str) -> List[Dict[str, Any]]:
    """The XCL findings of each file checked alone (`claimlint check FILE`): its claims
    paired only with each other, as `lint` gives them."""
    out = []
    for f in files:
        out += [d for d in run_jsonl(cli, "check", *args, "--format", "jsonl", str(f))
                if d.get("code", "").startswith("XCL")]
    return out


def _split(rows: List[Tuple[Any, ...]]) -> Tuple[List[Tuple[Any, ...]], List[Tuple[Any, ...]]]:
    """(rows but XCL, XCL rows); the code is the second field."""
    return ([r for r in rows if not r[1].startswith("XCL")],
            [r for r in rows if r[1].startswith("XCL")])


def _spark_rows(df: Any, fields: List[str] = FIELDS) -> List[Tuple[Any, ...]]:
    return sorted((tuple(r[f] for f in fields) for r in df.collect()), key=repr)


@pytest.fixture(scope="module")
def inputs(corpus: List[Path], generated: Path, tmp_path_factory: pytest.TempPathFactory
           ) -> Tuple[Path, List[Path]]:
    """One folder holding copies of the corpus, the generated files, and files that cannot be
    read or parsed; and its files. (Spark's binaryFile leaves out empty files, so there is
    none here: the CLI would report ENV001 for one.)"""
    root = tmp_path_factory.mktemp("inputs")
    shared = corpus[0].parents[1]
    for p in corpus:
        dest = root / "corpus" / p.relative_to(shared)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(p, dest)
    shutil.copytree(generated, root / "gen")
    odd = root / "odd"
    odd.mkdir()
    (odd / "garbage.837").write_bytes(b"this is not X12\n")
    (odd / "broken.837.gz").write_bytes(b"\x1f\x8b\x08\x00not really gzip")
    gz = odd / "compressed.837.gz"
    gz.write_bytes(gzip.compress(sorted(generated.iterdir())[0].read_bytes()))
    return root, sorted(p for p in root.rglob("*") if p.is_file())


def _load(spark: Any, folder: Path) -> Any:
    from pyspark.sql import functions as F

    df = spark.read.format("binaryFile").option("recursiveFileLookup", "true").load(str(folder))
    # binaryFile's paths are URIs (file:/…): give the CLI's path so rows and messages compare.
    return df.withColumn("path", F.regexp_replace("path", "^file:", ""))


def test_lint_is_the_cli(spark: Any, cli: str, inputs: Tuple[Path, List[Path]]) -> None:
    folder, files = inputs
    df = _load(spark, folder)
    assert df.count() == len(files)
    got = _spark_rows(cs.lint(df))
    lines = run_jsonl(cli, "check", "--no-config", "--format", "jsonl", *map(str, files))
    assert any(d.get("code") == "XCL001" for d in lines)
    want = _cli_rows(_own(lines))
    assert len(want) > 500
    own, xcl = _split(got)
    assert own == want
    # A file's own duplicates, as `claimlint check FILE` alone reports them (the corpus has
    # such files: stupidedi's notes__837P-big among them).
    alone = _cli_rows(_alone(cli, files, "--no-config"))
    assert len(alone) > 50
    assert xcl == alone
    codes = {r[1] for r in got if r[0].endswith(("garbage.837", "broken.837.gz"))}
    assert codes == {"ENV001", "ENV009"}


def test_audit_is_the_cli(spark: Any, cli: str, inputs: Tuple[Path, List[Path]]) -> None:
    folder, files = inputs
    findings = cs.audit(_load(spark, folder))
    doc = run_json(cli, "audit", "--no-config", "--format", "json", "--keep", "1000000",
                   *map(str, files))
    fields = ["path", "code", "severity", "message", "help", "transaction", "claim_id",
              "line_number", "segment", "position", "element", "line", "column", "offset",
              "npi", "hcpcs", "ndc", "date"]
    xcl = findings.where("code like 'XCL%'")
    got = _spark_rows(xcl, fields)
    want = sorted((tuple(f[k] for k in fields) for f in doc["top_findings"]
                   if f["code"].startswith("XCL")), key=repr)
    # The corpus repeats the guide's examples, gen837 planted 5 + 5 pairs, and odd/ holds a
    # gzip copy of a generated file: XCL001 and XCL002 both occur, many times.
    assert {w[1] for w in want} == {"XCL001", "XCL002"} and len(want) > 100
    assert got == want
    # Every finding, each file's and the batch's: the same count per rule as the CLI's.
    # A file the CLI cannot read is listed in `unreadable`; here it is its ENV009 row.
    rules = {r["code"]: r["findings"] for r in cs.summary(findings)["rules"].collect()}
    assert rules.pop("ENV009") == len(doc["unreadable"]) == 1
    assert rules == {r["code"]: r["count"] for r in doc["rules"] if r["count"]}
    assert findings.count() == doc["findings_total"] + 1


def test_lint_with_a_config(spark: Any, cli: str, generated: Path, tmp_path: Path) -> None:
    cfg = tmp_path / "claimlint.toml"
    cfg.write_text('select = ["ENV", "STR", "XCL"]\n')
    files = sorted(generated.iterdir())
    got = _spark_rows(cs.lint(_load(spark, generated), config=str(cfg)))
    lines = run_jsonl(cli, "check", "--config", str(cfg), "--format", "jsonl",
                      *map(str, files))
    own, xcl = _split(got)
    assert own == _cli_rows(_own(lines))
    assert xcl == _cli_rows(_alone(cli, files, "--config", str(cfg)))
    import claimlint

    bad = tmp_path / "bad.toml"
    bad.write_text("fail-on = 3\n")
    with pytest.raises(claimlint.ConfigError):
        cs.lint(_load(spark, generated), config=str(bad))


def test_databricks_style_example_runs(spark: Any, generated: Path, tmp_path: Path) -> None:
    sys.path.insert(0, str(REPO / "python" / "examples"))
    import lint_folder

    folder = tmp_path / "landing"
    shutil.copytree(generated, folder)
    totals = lint_folder.main(spark, str(folder), str(tmp_path / "lake"))
    # Five planted duplicate pairs: XCL001 on the later copy of each.
    assert totals["XCL001"] == 5 and totals["XCL002"] == 10
    assert (tmp_path / "lake" / "findings").is_dir()
