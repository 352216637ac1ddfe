"""The page markers: spelled as published, and spelled in one module only."""

from __future__ import annotations

import re
from pathlib import Path

import needling_facts
from needling_facts.render.markers import RAW_END, RAW_START, has_markers, marker
from needling_facts.site.handbook import MARKERS

PACKAGE = Path(needling_facts.__file__).parent


def test_markers_keep_their_published_spelling() -> None:
    # Pages written by `needling-facts pages` carry these; another version must still find them.
    assert marker("overview") == "<!-- needling-facts:overview -->"
    assert RAW_START == "<!-- needling-facts:raw-html -->"
    assert RAW_END == "<!-- /needling-facts:raw-html -->"
    assert set(MARKERS) == {
        "bottom-line",
        "overview",
        "evidence-map",
        "diagnostics",
        "export-formats",
    }
    assert all(has_markers(text) for text in MARKERS.values())
    assert not has_markers("<!-- another tool:overview -->")


def test_the_marker_literal_is_declared_in_one_module() -> None:
    spelled = sorted(
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if re.search(r"<!--\s*/?needling-facts:", path.read_text(encoding="utf-8"))
    )
    assert spelled == ["render/markers.py"]
