"""Drive the built handbook in a real browser: Debian's chromium through Playwright."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.site_server import serve
from tests.conftest import REPO
from tests.engines.site_builder import build

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = REPO / "test-artifacts"

if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        raise RuntimeError("CI must run the browser tests: install Debian's chromium")
    pytest.skip("chromium is not installed (apt-get install chromium)", allow_module_level=True)

from playwright.sync_api import ConsoleMessage, Page, expect, sync_playwright  # noqa: E402
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError  # noqa: E402


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = tmp_path_factory.mktemp("browser-site")
    result = build(REPO / "mkdocs.yml", site)
    assert result.returncode == 0, result.stderr
    with serve(site) as url:
        yield url


@pytest.fixture
def page() -> Iterator[Page]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        yield context.new_page()
        browser.close()


def test_reader_follows_claim_citation_reference_and_back(page: Page, base_url: str) -> None:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    page.goto(base_url)
    expect(page.locator("h1")).to_contain_text("What the evidence says about microneedling")
    expect(page.locator("svg.nf-evidence-map")).to_be_visible()

    page.locator("article table a", has_text="Microneedling for keloid scars").click()
    page.wait_for_url("**/claims/keloid-scars/")
    expect(page.locator("h1")).to_contain_text("Microneedling for keloid scars")

    citation = page.locator("sup.nf-cite a").first
    target = citation.get_attribute("href")
    assert target is not None
    assert target.startswith("#cite-")
    assert citation.inner_text() == "1"
    assert citation.get_attribute("title")  # the tooltip holds the full reference
    citation.click()
    page.wait_for_url(f"**/claims/keloid-scars/{target}")
    entry = page.locator(f"li:has({target})")
    expect(entry).to_be_in_viewport()

    key = target.removeprefix("#cite-")
    entry.locator("a.nf-to-bibliography").click()
    page.wait_for_url(f"**/bibliography/#ref-{key}")
    reference = page.locator(f"#ref-{key}")
    expect(reference).to_be_in_viewport()

    backlinks = page.locator(f"#ref-{key} + .nf-cited-by a")
    backlinks.filter(has_text="Microneedling for keloid scars").click()
    page.wait_for_url(f"**/claims/keloid-scars/#cite-{key}")
    expect(page.locator(f"#cite-{key}")).to_be_in_viewport()

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "claim-page.png"), full_page=True)
    assert errors == []


def test_search_finds_a_claim(page: Page, base_url: str) -> None:
    errors: list[ConsoleMessage] = []
    page.on("console", lambda m: errors.append(m) if m.type == "error" else None)
    page.goto(base_url)
    page.locator("label.md-search__icon, .md-search__input").first.click()
    search = page.locator("input.md-search__input")
    result = page.locator(".md-search-result__item a", has_text="stretch marks").first
    # The search index loads in a web worker; a query typed before it is ready is not rerun.
    for _ in range(5):
        search.fill("")
        search.type("stretch marks")
        try:
            result.wait_for(state="visible", timeout=5000)
            break
        except PlaywrightTimeoutError:
            continue
    expect(result).to_be_visible()
    result.click()
    page.wait_for_url("**/claims/stretch-marks/**")
    expect(page.locator("h1")).to_contain_text("stretch marks")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "search.png"))
    assert [m.text for m in errors] == []


AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
READER_PAGES = [
    "",
    "claims/keloid-scars/",
    "claims/acne-scars/",
    "bibliography/",
    "outcomes/scars/",
]


def _axe_violations(page: Page) -> list[dict[str, object]]:
    """Serious and critical axe-core violations inside the page content (our markup)."""
    if not AXE.exists():
        if os.environ.get("CI"):
            raise RuntimeError("CI must run the accessibility checks: run `npm ci` first")
        pytest.skip("axe-core is not installed (npm ci)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => {
            const r = await axe.run({include: [[".md-content"]]}, {resultTypes: ["violations"]});
            return r.violations
              .filter(v => v.impact === "serious" || v.impact === "critical")
              .map(v => ({id: v.id, impact: v.impact,
                          nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
        }"""
    )
    assert isinstance(result, list)
    return result


@pytest.mark.parametrize("width", [1280, 390])
def test_no_serious_accessibility_violations(page: Page, base_url: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    found = {}
    for path in READER_PAGES:
        page.goto(base_url + path)
        violations = _axe_violations(page)
        if violations:
            found[path] = violations
    assert found == {}


def test_claim_page_is_styled_by_the_stylesheet_alone(page: Page, base_url: str) -> None:
    page.goto(base_url + "claims/acne-scars/")
    # No inline style anywhere in what we render: a class and a rule in handbook.css do it.
    assert page.locator(".md-content [style]").count() == 0
    counts = page.evaluate(
        """() => [...document.querySelectorAll(".nf-evidence .nf-number")]
                 .map(e => getComputedStyle(e).textAlign)"""
    )
    assert len(counts) > 1  # the header and each study's participants
    assert set(counts) == {"right"}
    studies = page.evaluate(
        """() => getComputedStyle(document.querySelector(".nf-evidence td")).textAlign"""
    )
    assert studies in {"left", "start"}


def test_evidence_table_needs_no_sideways_scrolling_on_a_phone(page: Page, base_url: str) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(base_url + "claims/acne-scars/")
    table = page.locator(".nf-evidence table")
    expect(table).to_be_visible()
    widths = page.evaluate(
        """() => {
            const t = document.querySelector(".nf-evidence table");
            return [t.scrollWidth, document.documentElement.clientWidth,
                    document.documentElement.scrollWidth];
        }"""
    )
    table_width, viewport, page_width = widths
    assert table_width <= viewport
    assert page_width <= viewport
    # each stacked cell says what it is
    label = page.evaluate(
        """() => getComputedStyle(
            document.querySelector('.nf-evidence td[data-label="Finding"]'), "::before").content"""
    )
    assert label == '"Finding: "'  # from the cell's data-label, not its position
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "claim-page-phone.png"), full_page=True)


def test_site_names_its_article_and_has_no_placeholder_url(base_url: str) -> None:
    import urllib.request

    with urllib.request.urlopen(base_url) as response:
        home = response.read().decode("utf-8")
    assert "What is Microneedling and How Does it Improve Your Skin?" in home
    assert "quoted from that article" in home
    assert "example.invalid" not in home
