"""Behaviour that mutation testing found unpinned: each test fails if the behaviour changes.

Surviving mutants named in issue 13: verdict filtering, the JSON-LD rating, the withdrawn
banner, the bibliography's sort order and ``on_serve``'s watch list.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import needling_facts as nf
from needling_facts.engines.mkdocs import NeedlingFactsPlugin
from needling_facts.evidence.grade import Certainty
from needling_facts.evidence.vocabulary import Outcome, Verdict
from needling_facts.export.formats import claim_jsonld
from needling_facts.loading import load_from
from needling_facts.render.pages import bibliography_page, claim_page

from .conftest import FIXTURES

BUNDLED = nf.load()


@pytest.mark.parametrize("verdict", list(Verdict))
def test_filter_by_verdict_returns_exactly_the_claims_with_it(verdict: Verdict) -> None:
    expected = [c.id for c in BUNDLED.claims.values() if c.verdict is verdict]
    assert [c.id for c in BUNDLED.filter(verdict=verdict)] == expected
    assert [c.id for c in BUNDLED.filter(verdict=verdict.value)] == expected


def test_filters_combine_and_each_one_narrows() -> None:
    everything = BUNDLED.filter()
    verdicts = {c.verdict for c in everything}
    assert len(verdicts) > 1  # the bundled data has several: filtering can be seen
    for outcome in Outcome:
        for certainty in Certainty:
            got = BUNDLED.filter(outcome=outcome, certainty=certainty)
            assert got == tuple(
                c for c in everything if c.outcome is outcome and c.certainty is certainty
            )


def test_withdrawn_claims_only_on_request() -> None:
    library = load_from(
        FIXTURES / "withdrawn" / "references.bib", FIXTURES / "withdrawn" / "claims"
    )
    assert [c.id for c in library.filter()] == ["acne-scars"]
    assert [c.id for c in library.filter(include_withdrawn=True)] == ["acne-scars", "old-collagen"]


RATING = {
    Verdict.SUPPORTED: 4,
    Verdict.PARTLY_SUPPORTED: 3,
    Verdict.NOT_SUPPORTED: 2,
    Verdict.CONTRADICTED: 1,
}


@pytest.mark.parametrize(("verdict", "value"), RATING.items())
def test_jsonld_rating_follows_the_verdict(verdict: Verdict, value: int) -> None:
    claim = next(iter(BUNDLED.claims.values())).model_copy(update={"verdict": verdict})
    rating = claim_jsonld(claim, BUNDLED.references)["reviewRating"]
    assert (rating["ratingValue"], rating["bestRating"], rating["worstRating"]) == (value, 4, 1)


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


class _Server:
    def __init__(self) -> None:
        self.watched: list[str] = []

    def watch(self, path: str) -> None:
        self.watched.append(path)


def test_on_serve_watches_the_bibliography_and_the_claims() -> None:
    plugin = NeedlingFactsPlugin()
    server = _Server()
    config: Any = None
    plugin.library = None  # disabled: nothing to watch
    plugin.paths = (Path("/x/references.bib"), Path("/x/claims"))
    assert plugin.on_serve(server, config=config, builder=None) is server
    assert server.watched == []
    plugin.library = nf.load()
    assert plugin.on_serve(server, config=config, builder=None) is server
    assert server.watched == ["/x/references.bib", "/x/claims"]


# --- reading and formatting details that surviving mutants showed unpinned ---------------


def test_masked_characters_are_restored_everywhere_they_are_read() -> None:
    from needling_facts.sources.bibtex.read import parse_bibliography

    # The first of two duplicate fields is read from the parser's set-aside block.
    parsed = parse_bibliography('@misc{A2020, title = "x {"}y", title = {z}}', "x.bib")
    assert parsed.references["A2020"].title == 'x "y'
    failed = parse_bibliography('@misc{B2020, title = "a {"}b",\n note = {n}\n', "x.bib")
    (problem,) = failed.problems
    assert problem.message.startswith('cannot parse block in \'@misc{B2020, title = "a {"}b",\'')


def test_inheritance_details() -> None:
    from needling_facts.sources.bibtex.read import parse_bibliography

    text = (
        "@xdata{first, label = {skip}, note = {from first}}\n"
        "@xdata{second, year = {2022}, journaltitle = {J Two}}\n"
        "@article{Child2022, author = {A, B}, title = {T}, doi = {10.5555/c},\n"
        "  xdata = {nope, first, second}}\n"
        "@misc{Parent2019, title = {Parent Title}, year = {2019}}\n"
        "@misc{Orphan2019, crossref = {Parent2019}}\n"
    )
    parsed = parse_bibliography(text, "x.bib")
    child = parsed.references["Child2022"]
    assert (child.year, child.journal) == (2022, "J Two")  # the later parents still count
    assert [p.code for p in parsed.problems] == ["bib.unknown-crossref"]
    assert parsed.problems[0].line == 4  # the line of the xdata field
    orphan = parsed.references["Orphan2019"]  # a @misc parent's title stays a title
    assert (orphan.title, orphan.year) == ("Parent Title", 2019)


def test_von_and_jr_parts_of_names() -> None:
    from needling_facts.sources.bibtex.read import parse_authors

    people = parse_authors("van der Berg, Jan and Smith, Jr., John")
    assert [(p.family, p.given) for p in people] == [
        ("van der Berg", "Jan"),
        ("Smith, Jr.", "John"),
    ]


def test_free_comments_stay_on_top_and_the_last_paragraph_moves_with_its_entry() -> None:
    from needling_facts.sources.bibtex.layout import format_bibliography

    out = format_bibliography(
        "% a\n\n% b\n\n% c\n@misc{Z2020, title = {T}}\n@misc{A2020, title = {U}}\n"
    )
    assert out.index("% a") < out.index("% b") < out.index("@misc{A2020") < out.index("% c")
    assert "% c\n@misc{Z2020," in out


def test_refusal_names_the_file() -> None:
    from needling_facts.sources.bibtex.layout import FormatRefusedError, format_bibliography

    with pytest.raises(FormatRefusedError) as refused:
        format_bibliography("@misc{A, title = {x}}\n@misc{A, title = {y}}\n", "mine.bib")
    assert [p.path for p in refused.value.problems] == ["mine.bib"]


def test_unknown_id_suggests_at_most_three_close_ids() -> None:
    from needling_facts.library import UnknownClaimError

    error = UnknownClaimError("acne-scar", ["acne-scars", "acne-scarz", "acne-scare", "acne-scaro"])
    assert len(error.suggestions) == 3
    assert UnknownClaimError("zzz", ["acne-scars"]).suggestions == ()
    assert str(UnknownClaimError("zzz", [])) == "no claim 'zzz'"
