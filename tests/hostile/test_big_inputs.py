"""Big inputs stay linear: the fmt diff works entry by entry, the claim cache is bounded.

The 50 MB timings are measured by ``benchmarks/big_bib.py`` (not in the test suite: too slow
for a shared machine); these tests pin the properties that make them linear.
"""

from __future__ import annotations

import difflib
import importlib.util
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from needling_facts import loading
from needling_facts.edit.fmt import format_file
from needling_facts.sources.bibtex.diff import entry_diff
from needling_facts.sources.bibtex.layout import format_bibliography
from tests.conftest import FIXTURES, REPO


def _benchmark_module() -> Any:
    spec = importlib.util.spec_from_file_location("big_bib", REPO / "benchmarks" / "big_bib.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


big_bib = _benchmark_module()


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "big.bib"
    big_bib.big_bibliography(path, 0.5)
    return path


def test_fmt_diff_compares_entries_not_whole_files(
    generated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    longest = 0
    real = difflib.SequenceMatcher

    def recording(*args: Any, **kwargs: Any) -> difflib.SequenceMatcher[str]:
        nonlocal longest
        _, a, b = args
        longest = max(longest, len(a), len(b))
        return real(*args, **kwargs)

    monkeypatch.setattr(difflib, "SequenceMatcher", recording)
    result = format_file(generated, check=True)
    assert result.changed
    assert 0 < longest < 40  # one entry's lines, not the file's 8000


@pytest.mark.skipif(shutil.which("patch") is None, reason="needs patch(1)")
def test_fmt_diff_is_a_correct_patch(generated: Path, tmp_path: Path) -> None:
    original = generated.read_text()
    formatted = format_bibliography(original)
    diff = entry_diff(original, formatted, "a", "b")
    copy = tmp_path / "copy.bib"
    copy.write_text(original)
    subprocess.run(["patch", "-s", str(copy)], input=diff, text=True, check=True)
    assert copy.read_text() == formatted


def test_claim_cache_keeps_one_version_per_file(tmp_path: Path) -> None:
    claims = tmp_path / "claims"
    shutil.copytree(FIXTURES / "good" / "claims", claims)
    bib = FIXTURES / "good" / "references.bib"
    loading.clear_caches()
    path = claims / "collagen.md"
    text = path.read_text()
    for version in range(5):
        path.write_text(text.replace("Collagen after needling", f"Collagen, version {version}"))
        library = loading.load_from(bib, claims)
        assert library.claim("collagen").title == f"Collagen, version {version}"
    assert len(loading._CLAIM_FILES) == 2


@pytest.mark.skipif(not Path("/usr/bin/time").exists(), reason="needs /usr/bin/time")
def test_benchmark_measures_time_and_memory(generated: Path) -> None:
    seconds, cpu, peak, status = big_bib.measure(
        ["fmt", "--check", str(generated)], generated.parent
    )
    assert status == 1  # the generated file has entries out of canonical order
    assert 0 < seconds < 60
    assert cpu > 0
    assert 10 * 2**20 < peak < 2**30
