"""The benchmark command keeps working (at small sizes; the timings themselves are not tested)."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.slow

if importlib.util.find_spec("mkdocs_bibtex") is None:
    # The peer is a benchmark-only extra (`pip install -e ".[bench]"`); .ci/run installs it.
    if os.environ.get("CI"):
        raise RuntimeError("CI must run the benchmark smoke test: install the bench extra")
    pytest.skip("mkdocs-bibtex is not installed (the bench extra)", allow_module_level=True)


def test_quick_benchmark_run_prints_every_row(tmp_path: Path) -> None:
    page = tmp_path / "benchmarks.md"
    result = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "run.py"), "--quick", "--write", str(page)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    table = result.stdout.split("| Benchmark |")[-1]
    for label in (
        "nf.load()",
        "importing",
        "per reference",
        "peak memory",
        "mkdocs-bibtex vs plain MkDocs",
        "needling-facts (warm caches)",
        "needling-facts (cold: no cache)",
        "plain Zensical",
        "rebuild",
    ):
        assert label in table
    assert "references.bib parsed again: no" in table
    for line in table.splitlines():  # every site build is timed by CPU and by the wall clock
        if "`mkdocs build`" in line or "`zensical build`" in line:
            assert "CPU " in line, line
            assert "wall " in line, line
    assert page.read_text().startswith("# Benchmarks")
