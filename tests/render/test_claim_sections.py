"""The claim page as ordered sections: each a small documented function, joined in order."""

from __future__ import annotations

import pytest

import needling_facts as nf
from needling_facts.evidence.claim import Claim
from needling_facts.render import claim_page, pages
from needling_facts.render.claim_sections import (
    CLAIM_SECTIONS,
    PageContext,
    badges,
    statement,
)
from tests.conftest import FIXTURES


@pytest.fixture(scope="module")
def evidence() -> nf.Library:
    case = FIXTURES / "evidence"
    return nf.load(bib=case / "references.bib", claims_dir=case / "claims")


@pytest.fixture(scope="module")
def good() -> nf.Library:
    case = FIXTURES / "good"
    return nf.load(bib=case / "references.bib", claims_dir=case / "claims")


def test_every_section_is_a_documented_function_named_once() -> None:
    names = [section.__name__ for section in CLAIM_SECTIONS]
    assert len(names) == len(set(names))
    for section in CLAIM_SECTIONS:
        assert (section.__doc__ or "").strip(), section.__name__


def test_the_page_is_each_sections_block_in_order(evidence: nf.Library) -> None:
    claim = evidence.claim("acne-scars")
    context = PageContext(evidence.references)
    page = claim_page(claim, evidence.references)
    blocks = [section(claim, context).strip("\n") for section in CLAIM_SECTIONS]
    shown = [block for block in blocks if block]
    assert len(shown) >= 13  # with forest plots and risk of bias: all but a few notices
    position = 0
    for block in shown:
        found = page.find(block, position)
        assert found >= position, block[:60]
        position = found + len(block)
    assert page.startswith('---\ntitle: "')
    assert page.endswith("</script>\n")  # JSON-LD last


def test_sections_with_nothing_to_show_leave_no_gap(good: nf.Library) -> None:
    claim = good.claim("acne-scars")
    context = PageContext(good.references)
    empty = {s.__name__ for s in CLAIM_SECTIONS if not s(claim, context)}
    assert {"forest_plots", "risk_of_bias", "withdrawn_notice", "retraction_notice"} <= empty
    page = claim_page(claim, good.references)
    assert "\n\n\n" not in page
    assert "## Effect estimates" not in page


def test_a_new_section_is_one_function_in_the_tuple(
    good: nf.Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    def study_count(claim: Claim, context: PageContext) -> str:
        """How many works the claim cites."""
        return f'<p class="nf-study-count">{len(claim.cited_keys)} works cited</p>'

    where = CLAIM_SECTIONS.index(badges) + 1
    monkeypatch.setattr(
        pages, "CLAIM_SECTIONS", (*CLAIM_SECTIONS[:where], study_count, *CLAIM_SECTIONS[where:])
    )
    claim = good.claim("acne-scars")
    page = claim_page(claim, good.references)
    added = f'\n\n<p class="nf-study-count">{len(claim.cited_keys)} works cited</p>\n\n'
    assert added in page
    context = PageContext(good.references)
    assert page.index("{ .nf-badges }") < page.index(added) < page.index(statement(claim, context))
