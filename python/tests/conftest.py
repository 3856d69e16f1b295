"""Shared fixtures: the CLI to compare with, the shared corpus, generated files, a local Spark.

The CLI is ``$CLAIMLINT_BIN``, else the workspace's release build, else its debug build. The
corpus is ``../shared/corpus`` beside the repository: under ``CI=1`` a missing corpus fails the
run, elsewhere the tests that need it are skipped.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Iterator, List

import pytest

REPO = Path(__file__).resolve().parents[2]


def _ci() -> bool:
    return os.environ.get("CI", "") not in ("", "0", "false")


def _need(what: str) -> None:
    if _ci():
        pytest.fail(f"{what} is missing (CI=1)")
    pytest.skip(f"{what} is missing")


@pytest.fixture(scope="session")
def cli() -> str:
    env = os.environ.get("CLAIMLINT_BIN")
    for p in ([Path(env)] if env else []) + [REPO / "target/release/claimlint",
                                             REPO / "target/debug/claimlint"]:
        if p.is_file():
            return str(p)
    _need("the claimlint binary (cargo build --release)")
    raise AssertionError


def run_json(cli: str, *args: str) -> dict:
    out = subprocess.run([cli, *args], capture_output=True, check=False)
    assert out.returncode in (0, 1), out.stderr.decode()
    return json.loads(out.stdout)


def run_jsonl(cli: str, *args: str) -> List[dict]:
    out = subprocess.run([cli, *args], capture_output=True, check=False)
    assert out.returncode in (0, 1), out.stderr.decode()
    return [json.loads(line) for line in out.stdout.decode().splitlines() if line.strip()]


@pytest.fixture(scope="session")
def corpus() -> List[Path]:
    root = (REPO / ".." / "shared" / "corpus").resolve()
    if not root.is_dir():
        _need("../shared/corpus")
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix != ".md")
    assert len(files) > 100
    return files


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """40 small 837P/837I files with defects and planted XCL001/XCL002 pairs (gen837)."""
    out = tmp_path_factory.mktemp("gen")
    gen = REPO / "target/release/examples/gen837"
    args = ["--files", "40", "--out-dir", str(out), "--file-kb", "20", "--duplicates", "5",
            "--dose-violations", "5", "--defect-rate", "0.05", "--kind", "mixed", "--seed", "7"]
    if gen.is_file():
        subprocess.run([str(gen), *args], check=True, capture_output=True)
    else:
        subprocess.run(["cargo", "run", "-q", "--release", "--example", "gen837", "--", *args],
                       check=True, capture_output=True, cwd=REPO)
    return out


@pytest.fixture(scope="session")
def spark() -> Iterator[object]:
    pyspark = pytest.importorskip("pyspark")
    del pyspark
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = (SparkSession.builder.master("local[2]").appName("claimlint-tests")
               .config("spark.ui.enabled", "false")
               .config("spark.sql.shuffle.partitions", "4")
               .config("spark.sql.execution.arrow.maxRecordsPerBatch", "64")
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
