from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from needling_facts.diagnostics import CODES
from needling_facts.export.csl_json import to_csl_json
from needling_facts.loading import load_from
from needling_facts.render import (
    bibliography_page,
    claim_page,
    claims_index_page,
    diagnostics_table,
    evidence_map_svg,
    outcome_page,
    overview_table,
    render_citations,
)
from needling_facts.render.citations import number_list
from needling_facts.render.csl import format_references
from needling_facts.render.evidence_map import SIZE_LEGEND, VERDICT_COLOURS
from tests.conftest import FIXTURES

GOOD = load_from(FIXTURES / "good" / "references.bib", FIXTURES / "good" / "claims")
XSS = load_from(FIXTURES / "xss" / "references.bib", FIXTURES / "xss" / "claims")


def test_citations_are_numbered_in_order_of_first_appearance() -> None:
    formatted = format_references(GOOD.references.values())
    page = render_citations(
        "B [@Muller2020]. A [@Fabbrocini2014, p. 149; @Muller2020]. `[@Code]` [@Nope]",
        GOOD.references,
        formatted,
        bibliography_link="../bibliography.md",
    )
    assert page.cited == ["Muller2020", "Fabbrocini2014"]
    assert page.unknown == [("Nope", 1)]
    first, second = page.markdown.split("\n")[0].split("A ")
    assert '<a href="#cite-Muller2020"' in first
    assert ">1</a>" in first
    # sorted by number: 1 before 2, the locator kept with its number
    assert second.index(">1</a>") < second.index(">2</a> (p. 149)")
    assert "`[@Code]`" in page.markdown
    assert "## References" in page.markdown
    items = page.markdown.split('<div class="nf-references" markdown>')[1]
    assert items.index('id="cite-Muller2020"') < items.index('id="cite-Fabbrocini2014"')
    assert "(../bibliography.md#ref-Fabbrocini2014 " in items
    assert 'href="https://doi.org/10.3109/09546634.2012.742949"' in items
    assert 'href="https://pubmed.ncbi.nlm.nih.gov/23216209/"' in items
    # the tooltip carries the full formatted reference as plain text
    assert 'title="Fabbrocini G, De Vita V, Pastore F, Annunziata MC. Percutaneous' in page.markdown


def test_several_citations_are_sorted_and_ranged() -> None:
    keys = sorted(GOOD.references)
    assert len(keys) >= 2
    text = (
        "".join(f"[@{k}] " for k in keys) + "[" + "; ".join(f"@{k}" for k in reversed(keys)) + "]"
    )
    page = render_citations(text, GOOD.references, {})
    last = page.markdown.split("\n")[0].rsplit("<sup", 1)[1]
    shown = [int(n) for n in re.findall(r">(\d+)</a>", last)]
    assert shown == [1, len(keys)]
    assert ">1</a>-<a " in last


def test_number_list_ranges_runs_and_keeps_locators_apart() -> None:
    parts = [(6, "", ""), (2, "", ""), (1, "", ""), (3, "", ""), (3, "", ""), (4, "", "p. 2")]
    assert number_list(parts) == [(1, 3, "", ""), (4, 4, "", "p. 2"), (6, 6, "", "")]


def test_in_text_citation_prints_authors_then_number() -> None:
    page = render_citations("As @Fabbrocini2014 found.", GOOD.references, {})
    assert page.markdown.startswith("As Fabbrocini et al. <sup")
    assert page.cited == ["Fabbrocini2014"]


def test_unparsed_brackets_are_inert_and_reported() -> None:
    page = render_citations("A [@Muller2020, Abstract; table] B", GOOD.references, {})
    assert "[@" not in page.markdown
    assert 'class="nf-cite-unparsed"' in page.markdown
    (unparsed,) = page.unparsed
    assert unparsed.col == 3


def test_page_without_citations_is_unchanged() -> None:
    text = "No citations here, only an e-mail: a@b.org"
    assert render_citations(text, GOOD.references, {}).markdown == text


def test_csl_json_and_formatting() -> None:
    item = to_csl_json(GOOD.reference("Fabbrocini2014"))
    assert item["type"] == "article-journal"
    assert item["issued"] == {"date-parts": [[2014]]}
    assert item["DOI"] == "10.3109/09546634.2012.742949"
    assert item["author"][0] == {"family": "Fabbrocini", "given": "Gabriella"}
    formatted = format_references(GOOD.references.values())
    assert formatted["Fabbrocini2014"].html.startswith("Fabbrocini G, De Vita V")
    assert "<i>J Dermatolog Treat</i>. 2014;25(2):147" in formatted["Fabbrocini2014"].html
    apa = format_references(GOOD.references.values(), "apa")
    assert apa["Fabbrocini2014"].text.startswith("Fabbrocini, G., De Vita, V.")


def test_every_string_from_the_sources_is_escaped() -> None:
    formatted = format_references(XSS.references.values())
    assert "<script>" not in formatted["Xss2020"].html
    assert "&lt;script&gt;" in formatted["Xss2020"].html
    markdown = claim_page(XSS.claim("evil-claim"), XSS.references)
    rendered = render_citations(markdown, XSS.references, formatted).markdown
    for text in (rendered, bibliography_page(XSS, formatted), overview_table(XSS)):
        assert "<script>" not in text
        assert "<img" not in text
        assert "<b>" not in text
    assert "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt;" in rendered
    finding = "&lt;script&gt;alert(&#x27;finding&#x27;)&lt;/script&gt; | pipe"
    assert f'<td data-label="Finding">{finding}</td>' in rendered


def test_claim_page_shows_everything_a_reader_needs() -> None:
    page = claim_page(GOOD.claim("acne-scars"), GOOD.references)
    assert page.startswith('---\ntitle: "Microneedling for atrophic acne scars"')
    assert (
        "<blockquote>Microneedling can treat keloid, acne, and surgical scars.</blockquote>" in page
    )
    assert (
        '<tr><td data-label="Study">Fabbrocini et al. 2014 [@Fabbrocini2014, Abstract]</td>'
        '<td data-label="Design">case series</td>'
        '<td data-label="Participants" class="nf-number">60</td>'
    ) in page
    # the outcome badge is a Markdown link to the outcome's source, whatever the URL scheme
    assert "](../outcomes/scars.md){ .nf-badge .nf-outcome }" in page
    assert "../../outcomes" not in page
    assert "nf-certainty-low" in page
    assert "nf-verdict-partly-supported" in page
    assert "## Caveats\n\n- No control group." in page
    assert "| Needle depth | 1.5\u20132 mm |" in page
    assert "| Aspect | As reported |" in page  # no empty header row
    assert '<div class="nf-evidence">' in page
    assert "| Scar types | atrophic-acne |" in page
    assert "Last reviewed 2026-11-24" in page


def test_overview_outcome_and_index_pages() -> None:
    table = overview_table(GOOD)
    assert table.count("\n") == 2 + len(GOOD.claims)
    assert "[Microneedling for atrophic acne scars](claims/acne-scars.md)" in table
    assert "(../claims/acne-scars.md)" in claims_index_page(GOOD)
    scars = outcome_page(GOOD, GOOD.claim("acne-scars").outcome)
    assert "## [Microneedling for atrophic acne scars](../claims/acne-scars.md)" in scars


def test_bibliography_has_anchors_links_and_backlinks() -> None:
    formatted = format_references(GOOD.references.values())
    cited_by = {"Muller2020": [("claims/collagen.md", "Collagen")]}
    page = bibliography_page(GOOD, formatted, cited_by)
    for key in GOOD.references:
        assert f'id="ref-{key}"' in page
    assert "Cited by: [Collagen](claims/collagen.md#cite-Muller2020)" in page
    assert page.index("ref-Fabbrocini2014") < page.index("ref-Muller2020")  # by first author
    assert 'href="https://pmc.ncbi.nlm.nih.gov/articles/PMC1234567/"' in page
    only = bibliography_page(GOOD, formatted, cited_by, keys=["Muller2020"])
    assert 'id="ref-Fabbrocini2014"' not in only


def test_evidence_map_is_valid_svg_with_one_marker_per_claim() -> None:
    svg = evidence_map_svg(GOOD, lambda claim_id: f"claims/{claim_id}/")
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    links = root.findall(f"{ns}a")
    assert len(links) == len(GOOD.claims)
    assert {a.get("href") for a in links} == {"claims/acne-scars/", "claims/collagen/"}
    circles = len(GOOD.claims) + len(VERDICT_COLOURS) + len(SIZE_LEGEND)  # + both legends
    assert len(root.findall(f".//{ns}circle")) == circles
    assert root.get("role") == "group"  # it holds links: not an image
    assert "studies" in svg  # the marker-size legend
    assert "<script" not in svg
    assert "\n\n" not in svg  # a blank line would end the raw HTML block in Markdown


def test_diagnostics_table_documents_every_code() -> None:
    table = diagnostics_table()
    for code in CODES:
        assert f'<code id="{code}">{code}</code>' in table
    # Examples are shown as typed: Markdown makes no link or code span inside them.
    row = next(line for line in table.splitlines() if 'id="content.unsafe-link"' in line)
    assert "<code>finding: see &#91;this&#93;(javascript:alert(1))</code>" in row
    assert "<code>a claim without &#96;verdict&#96;</code>" in table


def test_withdrawn_banner_only_on_withdrawn_claims() -> None:
    library = load_from(
        FIXTURES / "withdrawn" / "references.bib", FIXTURES / "withdrawn" / "claims"
    )
    old = library.claim("old-collagen")
    page = claim_page(old, library.references)
    assert '!!! warning "Withdrawn"\n    This claim is withdrawn. Merged into acne-scars;' in page
    assert "Withdrawn" not in claim_page(library.claim("acne-scars"), library.references)
    bare = old.model_copy(update={"withdrawn_reason": None})
    assert "    This claim is withdrawn.\n" in claim_page(bare, library.references)


def test_bibliography_sorts_by_first_author_then_key(tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(
        "@misc{Aaa2020, title = {T}, author = {Zed, Zoe}}\n"
        "@misc{Ccc2020, title = {T}, author = {adams, Al}}\n"
        "@misc{Bbb2020, title = {T}, author = {Adams, Ann}}\n"
        "@misc{Mmm2020, title = {T}}\n"
    )
    (tmp_path / "claims").mkdir()
    library = load_from(bib, tmp_path / "claims")
    page = bibliography_page(library, {})
    order = [
        line.split('id="ref-')[1].split('"')[0] for line in page.splitlines() if 'id="ref-' in line
    ]
    assert order == ["Bbb2020", "Ccc2020", "Mmm2020", "Aaa2020"]
