"""Bodies of evidence in a real MkDocs build of the fixture, and in chromium at phone width."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.site_server import chromium_page, serve
from tests.browser.test_pages import _axe_violations
from tests.conftest import REPO
from tests.engines.site_builder import build, fixture_site

pytestmark = pytest.mark.slow

ARTIFACTS = REPO / "test-artifacts"
SVG = "{http://www.w3.org/2000/svg}"
PHONE = 375


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("bodies-site")
    index = "# Home\n\n<!-- needling-facts:bottom-line -->\n\n<!-- needling-facts:overview -->\n"
    result = build(fixture_site(root, "bodies", index=index), root / "out")
    assert result.returncode == 0, result.stderr
    return root / "out"


def _page(site: Path, claim_id: str) -> str:
    return (site / "claims" / claim_id / "index.html").read_text(encoding="utf-8")


def test_built_forest_plots_put_favours_on_the_sides_of_no_effect(site: Path) -> None:
    page = _page(site, "hair-loss")
    figures = re.findall(r'<svg class="nf-forest".*?</svg>', page, flags=re.S)
    assert len(figures) == 4
    for markup in figures:
        svg = ET.fromstring(markup)
        texts = {t.get("class"): t for t in svg.iter(f"{SVG}text")}
        axis = texts["nf-forest-axis"].text or ""
        assert axis in {"mean difference", "risk ratio (log scale)", "percent change from baseline"}
        nulls = {float(line.get("x1", "nan")) for line in svg.iter(f"{SVG}line")
                 if line.get("class") == "nf-forest-null"}  # fmt: skip
        assert len(nulls) == 1
        favours = {
            (t.text or "").strip("\u2190\u2192 "): float(t.get("x", "nan"))
            for t in svg.iter(f"{SVG}text")
            if t.get("class") == "nf-forest-favours"
        }
        intervention = next(x for text, x in favours.items() if "microneedling" in text)
        comparator = next(x for text, x in favours.items() if "microneedling" not in text)
        assert comparator < nulls.pop() < intervention
    assert page.count('class="nf-forest-diamond"') == 2
    # The summary tables and profiles are kept as HTML, not escaped by Markdown.
    assert page.count('<table class="nf-sof-table">') == 2
    assert page.count('<table class="nf-grade-table">') == 3
    assert "&lt;table" not in page
    assert "&lt;svg" not in page
    for anchor in re.findall(r'href="#((?:sof|cite)-[^"]+)"', page):
        assert f'id="{anchor}"' in page, anchor


def test_built_home_page_opens_with_the_bottom_line(site: Path) -> None:
    home = (site / "index.html").read_text(encoding="utf-8")
    content = home[home.index('class="md-content"') :]
    bottom = content.index("The bottom line across 2 claims")
    assert bottom < content.index("Needling with minoxidil for hair loss")
    assert 'class="nf-bottom-line"' in home


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    with serve(site) as url:
        yield url


@pytest.mark.parametrize("path", ["claims/hair-loss/", "claims/acne-scars/", ""])
def test_phone_width_fits_or_scrolls_inside_and_passes_axe(base_url: str, path: str) -> None:
    with chromium_page(PHONE, 800) as page:
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(base_url + path)
        # No horizontal page overflow: whatever is wide scrolls inside its own box.
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0
        boxes = page.evaluate(
            """() => [...document.querySelectorAll(
                   '.nf-sof, .nf-sof-scroll, .nf-forest-figure, .nf-grade-profile, .nf-bottom-line')]
                 .map(e => e.getBoundingClientRect().right)"""
        )
        if path:
            assert len(boxes) >= 5
        else:
            assert len(boxes) == 1
        assert max(boxes) <= PHONE
        texts = page.evaluate(
            """() => [...document.querySelectorAll('svg.nf-forest')].map(svg => {
                   const box = svg.getBoundingClientRect();
                   return [...svg.querySelectorAll('text')].map(t => {
                       const r = t.getBoundingClientRect();
                       return [r.left - box.left, box.right - r.right];
                   });
               }).flat()"""
        )
        # No label of a forest plot runs outside its picture.
        assert all(left >= -0.5 and right >= -0.5 for left, right in texts)
        # Study names wrap between words only (Material breaks links inside a word).
        breaks = page.evaluate(
            "[...document.querySelectorAll('.nf-sof a')].map(a => getComputedStyle(a).wordBreak)"
        )
        assert set(breaks) <= {"normal"}
        assert _axe_violations(page) == []
        ARTIFACTS.mkdir(exist_ok=True)
        name = path.strip("/").replace("/", "-") or "home"
        page.screenshot(path=str(ARTIFACTS / f"bodies-{name}-{PHONE}.png"), full_page=True)
        assert errors == []
