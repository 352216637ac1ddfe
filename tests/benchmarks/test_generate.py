"""The benchmark's synthetic library is content the gate accepts (issue 19: the published scale
figures were for a library with 19,867 check errors)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from needling_facts.loading import load_from
from tests.conftest import REPO


def test_the_generated_library_passes_the_gate(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("generate", REPO / "benchmarks" / "generate.py")
    assert spec is not None
    assert spec.loader is not None
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    bib, claims = generate.generate(tmp_path / "lib", 300, 40)
    library = load_from(bib, claims)
    assert list(library.problems) == []
    assert len(library.claims) == 40
