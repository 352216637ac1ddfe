"""Highwire tags, COinS and the claim's citation, as the renderers build them."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from mkdocs.utils.meta import get_data

from needling_facts import DATA_VERSION
from needling_facts.evidence.claim import Claim
from needling_facts.evidence.reference import Person, Reference
from needling_facts.loading import load_from
from needling_facts.render.citation_meta import (
    ama_citation,
    claim_csl_json,
    claim_meta,
    claim_meta_tags,
    coins_span,
)
from needling_facts.render.pages import claim_page
from tests.conftest import FIXTURES


@pytest.fixture(scope="module")
def claim() -> Claim:
    good: Path = FIXTURES / "good"
    return load_from(good / "references.bib", good / "claims").claims["acne-scars"]


class _Attributes(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, {name: value or "" for name, value in attrs}))


def _parse(fragment: str) -> list[tuple[str, dict[str, str]]]:
    parser = _Attributes()
    parser.feed(fragment)
    return parser.found


def _coins(reference: Reference) -> dict[str, list[str]]:
    [(tag, attributes)] = _parse(coins_span(reference))
    assert (tag, attributes["class"]) == ("span", "Z3988")
    return parse_qs(attributes["title"], strict_parsing=True)


def test_meta_tags_escape_their_values_and_skip_what_is_unknown(claim: Claim) -> None:
    hostile = 'A "handbook" <script>x</script> & co'
    tags = _parse(claim_meta_tags(claim, site_name=hostile, authors=["", "  "]))
    assert [tag for tag, _ in tags] == ["meta"] * 4
    content = {attributes["name"]: attributes["content"] for _, attributes in tags}
    assert content["citation_publisher"] == hostile
    assert "citation_public_url" not in content  # no site_url: no address rather than a wrong one
    assert "citation_author" not in content


def test_coins_of_a_book_uses_the_book_format_and_a_single_page_is_a_start_page() -> None:
    book = Reference(
        key="Book2019", entry_type="book", title="Skin & needles", year=2019,
        authors=(Person(family="Doe", given=""),), pages="12",
    )  # fmt: skip
    context = _coins(book)
    assert context["rft_val_fmt"] == ["info:ofi/fmt:kev:mtx:book"]
    assert context["rft.btitle"] == ["Skin & needles"]
    assert context["rft.au"] == ["Doe"]
    assert context["rft.aulast"] == ["Doe"]
    assert "rft.aufirst" not in context
    assert "rft.atitle" not in context
    assert "rft.spage" not in context  # a book's pages are its length, not a range


@pytest.mark.parametrize(
    ("pages", "start", "end"),
    [
        ("147--152", "147", "152"),
        ("147\u2013152", "147", "152"),
        ("e12", "e12", None),
        ("", None, None),
    ],
)
def test_coins_page_ranges(pages: str, start: str | None, end: str | None) -> None:
    article = Reference(key="A2020", entry_type="article", title="T", journal="J", pages=pages)
    context = _coins(article)
    assert context.get("rft.spage") == ([start] if start else None)
    assert context.get("rft.epage") == ([end] if end else None)


def test_ama_and_csl_json_name_the_claim_and_data_version(claim: Claim) -> None:
    url = "https://example.org/claims/acne-scars/"
    assert ama_citation(claim, site_name="H", url=url) == (
        "Microneedling for atrophic acne scars. H. Updated November 24, 2026. "
        f"Claim acne-scars, data version {DATA_VERSION}. {url}"
    )
    item = claim_csl_json(claim, site_name="H")
    assert item["version"] == DATA_VERSION
    assert item["id"] == "acne-scars"
    assert "URL" not in item
    assert not ama_citation(claim, site_name="H").endswith("/")


def test_claim_page_front_matter_holds_the_highwire_pairs_as_data(claim: Claim) -> None:
    hostile = claim.model_copy(update={"title": 'A "b" <script>x</script> & \\ é'})
    page = claim_page(hostile, {}, site_name="H", page_url="https://e.org/c/")
    _, meta = get_data(page)
    assert [tuple(pair) for pair in meta["citation"]] == claim_meta(
        hostile, site_name="H", url="https://e.org/c/"
    )
    assert "<script>" not in page
