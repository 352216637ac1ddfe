"""How current the evidence is, on a claim page and the home page."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import markdown

from needling_facts.evidence.search import SearchRecord
from needling_facts.loading import load_from
from needling_facts.render import claim_page, overview_table
from needling_facts.render.currency import claim_currency, handbook_currency
from needling_facts.render.sanitize import clean_html
from needling_facts.sources.citation_syntax import scan
from tests.conftest import FIXTURES

LIVING = load_from(FIXTURES / "living" / "references.bib", FIXTURES / "living" / "claims")


def _record(**changes: Any) -> SearchRecord:
    data: dict[str, Any] = {
        "claim": "acne-scars",
        "searches": {"pubmed": '(microneedl*[tiab] OR "skin needling"[tiab])\nAND acne[tiab]'},
        "screening": [
            {"id": "pmid:23216209", "ref": "Fabbrocini2014", "decision": "included"},
            {"id": "desc:a-b", "decision": "excluded", "reason": "record-not-confirmed"},
            {"id": "desc:c-d", "decision": "excluded", "reason": "record-not-confirmed"},
            {"id": "desc:e-f", "decision": "excluded", "reason": "duplicate"},
            {"id": "registry:NCT1", "decision": "excluded", "reason": "wrong-comparison"},
        ],
    }
    return SearchRecord.model_validate(data | changes)


def _cells(html: str) -> dict[str, str]:
    return dict(re.findall(r'<th scope="row">([^<]+)</th><td>([^<]*)</td>', html))


def test_a_search_never_run_says_so_and_shows_the_counts() -> None:
    html = claim_currency(_record())
    assert "The saved search has not been run yet." in html
    assert "Searched up to" not in html
    assert _cells(html) == {
        "Identified": "5",
        "Duplicates removed": "1",
        "Screened": "4",
        "Excluded, with reasons": "3 (wrong comparison 1; record not confirmed 2)",
        "Included (cited on this page)": "1",
        "Awaiting review": "0",
    }
    assert "awaiting review</strong>" not in html  # no pending line without pending studies


def test_a_run_search_gives_its_date() -> None:
    html = claim_currency(_record(last_searched=dt.date(2026, 12, 1)))
    assert "<strong>Searched up to 2026-12-01</strong>" in html
    assert "has not been run yet" not in html


def test_pending_studies_are_counted_in_words() -> None:
    one = {"id": "pmid:39000001", "decision": "pending", "title": "A new trial"}
    two = {"id": "pmid:39000002", "decision": "pending"}
    base = _record().model_dump()["screening"]
    assert "<strong>1 new study awaiting review</strong>" in claim_currency(
        _record(screening=[*base, one])
    )
    html = claim_currency(_record(screening=[*base, one, two]))
    assert "<strong>2 new studies awaiting review</strong>" in html
    assert "<li><code>pmid:39000001</code>: A new trial</li>" in html
    assert _cells(html)["Awaiting review"] == "2"


def test_excluded_studies_are_listed_with_their_reasons() -> None:
    html = claim_currency(_record())
    assert "<summary>Studies left out, with reasons</summary>" in html
    assert "<li><code>registry:NCT1</code>: wrong comparison.</li>" in html


def test_the_saved_query_is_shown_and_linked_to_pubmed() -> None:
    html = claim_currency(_record())
    # Brackets as character references (Zensical's reference check reads raw HTML too).
    shown = html.replace("&#91;", "[").replace("&#93;", "]")
    assert '<pre><code>(microneedl*[tiab] OR "skin needling"[tiab])\nAND acne[tiab]' in shown
    assert "[tiab]" not in html.split("<pre>", 1)[1]
    [href] = re.findall(r'href="([^"]+)"', html)
    query = parse_qs(urlsplit(href.replace("&amp;", "&")).query)["term"]
    assert query == ['(microneedl*[tiab] OR "skin needling"[tiab]) AND acne[tiab]']


def test_no_record_is_said_plainly() -> None:
    assert "No saved search is recorded for this claim" in claim_currency(None)


def test_hostile_text_is_escaped_and_cites_nothing() -> None:
    note = '<script>alert(1)</script> see [@Fabbrocini2014] and @Muller2020 <a href="javascript:x">'
    record = _record(
        screening=[
            {"id": "pmid:1", "decision": "excluded", "reason": "not-a-study", "note": note},
            {"id": "pmid:2", "decision": "pending", "title": "<img src=x onerror=alert(1)>"},
        ],
        searches={"pubmed": "a\n\n\nb</code></pre><script>"},
    )
    html = claim_currency(record)
    assert "<script" not in html
    assert "<img" not in html
    assert '<a href="javascript' not in html  # shown as text, never a link
    assert scan(html).citations == []  # neither [@key] nor @key becomes a citation
    assert "\n\n" not in html  # a blank line would end the raw HTML block


def test_the_sanitiser_leaves_the_block_as_it_is() -> None:
    pending = {"id": "pmid:39000001", "decision": "pending", "title": "T", "note": "J, 2026"}
    record = _record(
        last_searched=dt.date(2026, 12, 1),
        screening=[*_record().model_dump()["screening"], pending],
        searches={"pubmed": "a[tiab]", "europepmc": "b", "clinicaltrials": "c"},
    )
    for html in (claim_currency(record), claim_currency(_record()), claim_currency(None)):
        # Only the brackets' character references come back as text (the HTML is the same).
        assert clean_html(html) == html.replace("&#91;", "[").replace("&#93;", "]")


def test_the_block_survives_markdown_as_raw_html() -> None:
    html = claim_currency(_record())
    rendered = markdown.markdown(f"Before\n\n{html}\n\nAfter", extensions=["md_in_html"])
    assert html in rendered


def test_the_claim_page_has_a_search_and_screening_section() -> None:
    claim = LIVING.claim("acne-scars")
    page = claim_page(claim, LIVING.references, LIVING.search("acne-scars"))
    section = page.split("## Search and screening\n\n", 1)[1]
    assert section.startswith('<div class="nf-currency">')
    assert "Searched up to 2026-11-01" in section
    assert "1 new study awaiting review" in section
    assert "No saved search" in claim_page(claim, LIVING.references)


def test_the_home_page_says_how_current_the_handbook_is() -> None:
    claims = list(LIVING.claims.values())
    line = handbook_currency(LIVING.searches, claims)
    assert line == (
        '<p class="nf-currency">How current this is: saved searches run up to 2026-11-01 for 1 '
        "of 3 claims, the oldest up to 2026-11-01; 1 not run yet. 1 claim has no saved search. "
        "2 new studies awaiting review.</p>"
    )
    assert line in overview_table(LIVING)
    never = {k: v.model_copy(update={"last_searched": None}) for k, v in LIVING.searches.items()}
    assert handbook_currency(never, claims) == (
        '<p class="nf-currency">How current this is: the saved searches of the 2 claims have not '
        "been run yet; their evidence was found by hand and last reviewed on 2026-11-24. 1 claim "
        "has no saved search. 2 new studies awaiting review.</p>"
    )
    assert handbook_currency({}, claims) == ""


def test_the_stylesheet_styles_the_block() -> None:
    from needling_facts.render.stylesheet import STYLESHEET

    assert ".nf-currency .nf-prisma" in STYLESHEET
