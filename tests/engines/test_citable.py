"""Zotero can save what the handbook shows: checked on the HTML of a real MkDocs build.

The fixture's claim title and a reference's title hold quotes, an ampersand and tags, so a
value that is not escaped breaks the parse (or shows up as markup) instead of passing.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs

import pytest

from needling_facts import DATA_VERSION
from tests.conftest import FIXTURES, REPO
from tests.engines.site_builder import build, small_site

pytestmark = pytest.mark.slow

CLAIM_TITLE = 'Needling "works" <b>here</b> & there'
REFERENCE_TITLE = 'Percutaneous "collagen" <i>induction</i> & scars'
SITE_URL = "https://example.org/handbook/"


class _Page(HTMLParser):
    """The page's ``<meta name=...>`` tags by where they sit, its COinS spans, and the text
    of the "cite this claim" pieces."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.in_head = False
        self.head_meta: list[tuple[str, str]] = []
        self.body_meta: list[tuple[str, str]] = []
        self.coins: list[str] = []
        self.capture: str | None = None
        self.captured: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "head":
            self.in_head = True
        elif tag == "meta" and "name" in found:
            (self.head_meta if self.in_head else self.body_meta).append(
                (found["name"], found.get("content", ""))
            )
        elif tag == "span" and found.get("class") == "Z3988":
            self.coins.append(found["title"])
        elif tag == "p" and found.get("class") == "nf-cite-this":
            self.capture = "ama"
        elif tag == "code" and self.captured.get("ama") and "csl" not in self.captured:
            self.capture = "csl"

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self.in_head = False
        if tag in ("p", "code"):
            self.capture = None

    def handle_data(self, data: str) -> None:
        if self.capture:
            self.captured[self.capture] = self.captured.get(self.capture, "") + data


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("citable")
    shutil.copytree(FIXTURES / "good", root / "content")
    claim = root / "content" / "claims" / "acne-scars.md"
    text = claim.read_text(encoding="utf-8")
    quoted = json.dumps(CLAIM_TITLE)  # a YAML double-quoted string
    claim.write_text(
        text.replace("title: Microneedling for atrophic acne scars", f"title: {quoted}"),
        encoding="utf-8",
    )
    bib = root / "content" / "references.bib"
    bib.write_text(
        bib.read_text(encoding="utf-8").replace(
            "title = {Percutaneous collagen induction: an effective and safe treatment for "
            "post-acne scarring in different skin phototypes}",
            "title = {" + REFERENCE_TITLE.replace("&", r"\&") + "}",
        ),
        encoding="utf-8",
    )
    config = small_site(
        root,
        bib=bib,
        claims=root / "content" / "claims",
        index="# Home\n",
    )
    with config.open("a", encoding="utf-8") as settings:
        settings.write(f"site_url: {SITE_URL}\nsite_author: Needling Facts Editors\n")
    result = build(config, root / "site")
    assert result.returncode == 0, result.stderr
    return root / "site"


def test_claim_page_head_has_the_highwire_tags_zotero_reads(site: Path) -> None:
    page = _parse(site / "claims" / "acne-scars" / "index.html")
    tags = dict(page.head_meta)
    assert tags["citation_title"] == CLAIM_TITLE
    assert tags["citation_author"] == "Needling Facts Editors"
    assert tags["citation_publication_date"] == tags["citation_date"] == "2026/11/24"
    assert tags["citation_publisher"] == "test"
    assert tags["citation_public_url"] == SITE_URL + "claims/acne-scars/"
    assert not [name for name, _ in page.body_meta if name.startswith("citation_")]
    assert [name for name, _ in page.head_meta].count("citation_title") == 1


def test_only_claim_pages_carry_highwire_tags(site: Path) -> None:
    for path in (site / "index.html", site / "bibliography" / "index.html"):
        assert not [n for n, _ in _parse(path).head_meta if n.startswith("citation_")], path


def test_bibliography_has_one_coins_span_per_entry(site: Path) -> None:
    page = _parse(site / "bibliography" / "index.html")
    contexts = [parse_qs(title, strict_parsing=True) for title in page.coins]
    by_title = {context["rft.atitle"][0]: context for context in contexts}
    assert len(contexts) == 2
    fabbrocini = by_title[REFERENCE_TITLE]
    assert fabbrocini["ctx_ver"] == ["Z39.88-2004"]
    assert fabbrocini["rft_val_fmt"] == ["info:ofi/fmt:kev:mtx:journal"]
    assert fabbrocini["rft.jtitle"] == ["J Dermatolog Treat"]
    assert fabbrocini["rft.au"][:2] == ["Fabbrocini, Gabriella", "De Vita, Valerio"]
    assert (fabbrocini["rft.spage"], fabbrocini["rft.epage"]) == (["147"], ["152"])
    assert fabbrocini["rft.volume"] == ["25"]
    assert fabbrocini["rft.issue"] == ["2"]
    assert fabbrocini["rft.date"] == ["2014"]
    assert fabbrocini["rft_id"] == ["info:doi/10.3109/09546634.2012.742949", "info:pmid/23216209"]
    muller = by_title["Needling and the MRI of skin"]
    assert muller["rft.au"] == ["Müller, Jörg", "Álvarez, Ana"]
    assert "rft_id" not in muller
    assert "rft.spage" not in muller


def test_claim_page_says_how_to_cite_it_in_ama_and_csl_json(site: Path) -> None:
    page = _parse(site / "claims" / "acne-scars" / "index.html")
    url = SITE_URL + "claims/acne-scars/"
    assert page.captured["ama"] == (
        f"{CLAIM_TITLE}. test. Updated November 24, 2026. "
        f"Claim acne-scars, data version {DATA_VERSION}. {url}"
    )
    assert json.loads(page.captured["csl"]) == [
        {
            "id": "acne-scars",
            "type": "webpage",
            "title": CLAIM_TITLE,
            "container-title": "test",
            "issued": {"date-parts": [[2026, 11, 24]]},
            "version": DATA_VERSION,
            "note": "Claim acne-scars",
            "URL": url,
        }
    ]


def test_written_pages_get_the_head_tags_from_the_theme_override(
    site: Path, tmp_path: Path
) -> None:
    """MkDocs without our plugin: `pages` writes the tags' data in the front matter and
    engines/overrides/main.html (as zensical.toml uses it) puts them in <head>."""
    content = site.parent / "content"
    written = subprocess.run(
        [sys.executable, "-m", "needling_facts", "pages", "--bib", str(content / "references.bib"),
         "--claims", str(content / "claims"), "--out", str(tmp_path / "docs"),
         "--site-url", SITE_URL, "--urls", "directory"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert written.returncode == 0, written.stderr
    (tmp_path / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    config = tmp_path / "mkdocs.yml"
    overrides = REPO / "src" / "needling_facts" / "engines" / "overrides"
    config.write_text(
        "site_name: test\n"
        f"theme: {{name: material, font: false, custom_dir: {overrides}}}\n"
        "markdown_extensions: [tables, attr_list, md_in_html, admonition,\n"
        f"  needling_facts.markdown_ext: {{bib: {content / 'references.bib'}}}]\n",
        encoding="utf-8",
    )
    result = build(config, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    page = _parse(tmp_path / "site" / "claims" / "acne-scars" / "index.html")
    tags = dict(page.head_meta)
    assert tags["citation_title"] == CLAIM_TITLE
    assert tags["citation_public_url"] == SITE_URL + "claims/acne-scars/"
    assert [name for name, _ in page.head_meta].count("citation_title") == 1
