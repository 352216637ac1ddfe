"""The evidence sections in a real MkDocs build of a fixture, and in a real browser on a phone."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.site_server import chromium_page, serve
from tests.conftest import REPO
from tests.engines.site_builder import build, fixture_site

pytestmark = pytest.mark.slow

ARTIFACTS = REPO / "test-artifacts"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("grade-site")
    result = build(fixture_site(root, "evidence"), root / "out")
    assert result.returncode == 0, result.stderr
    return root / "out"


def test_built_claim_page_has_summary_forest_and_risk_of_bias(site: Path) -> None:
    page = (site / "claims" / "acne-scars" / "index.html").read_text(encoding="utf-8")
    assert '<h2 id="summary-of-findings">Summary of findings</h2>' in page
    assert '<table class="nf-sof-table">' in page  # raw HTML kept, not escaped
    assert page.count('<svg class="nf-forest"') == 4
    assert 'class="nf-rob nf-rob-high"' in page
    assert "&lt;table" not in page
    assert "&lt;svg" not in page
    # Footnote links and study links resolve on the page.
    for anchor in re.findall(r'href="#((?:sof|cite)-[^"]+)"', page):
        assert f'id="{anchor}"' in page, anchor


def test_built_bibliography_holds_each_studys_judgements(site: Path) -> None:
    bibliography = (site / "bibliography" / "index.html").read_text(encoding="utf-8")
    block = bibliography.split('id="rob-Trial2020"')[1].split('class="nf-ref"')[0]
    assert "Assessor not blinded to side." in block
    assert 'href="../claims/acne-scars/"' in block
    css = (site / "assets" / "stylesheets" / "needling-facts.css").read_text(encoding="utf-8")
    assert ".nf-rob-high" in css


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    with serve(site) as url:
        yield url


def test_phone_width_reads_without_sideways_scrolling(base_url: str) -> None:
    with chromium_page(390, 844) as page:
        from playwright.sync_api import expect

        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(base_url + "claims/acne-scars/")
        # None of the new sections runs off a 390 px screen (wide tables scroll inside).
        rights = page.evaluate(
            "[...document.querySelectorAll('.nf-sof-table, .nf-forest-figure, .nf-rob-table')]"
            ".map(e => e.getBoundingClientRect().right)"
        )
        assert len(rights) == 7
        assert max(rights) <= 390
        forest = page.locator("svg.nf-forest").first
        expect(forest).to_be_visible()
        width = page.evaluate(
            "document.querySelector('svg.nf-forest').getBoundingClientRect().width"
        )
        # Text is 12 units in a 360-unit viewBox: at least 11 px on screen at phone width.
        assert 12 * width / 360 >= 11
        # The summary table stacks into labelled blocks; the risk-of-bias words are shown.
        label = page.evaluate(
            "getComputedStyle(document.querySelector('.nf-sof-table td'), '::before').content"
        )
        assert label == '"Outcome"'
        expect(page.locator(".nf-rob-high").first).to_have_text("high risk")
        expect(page.locator(".nf-rob-high").first).to_be_visible()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "grade-phone.png"), full_page=True)
        assert errors == []
