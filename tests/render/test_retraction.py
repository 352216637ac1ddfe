"""Retraction badges: the renderer, and a real MkDocs build over a fixture with a retraction."""

from __future__ import annotations

from pathlib import Path

import pytest

from needling_facts.evidence.reference import Person, Reference, Update, UpdateType
from needling_facts.loading import load_from
from needling_facts.render.retraction import claim_retraction_notice, reference_notices
from tests.conftest import FIXTURES
from tests.engines.site_builder import build, fixture_site

CASE = FIXTURES / "retraction"


def _reference(*updates: Update) -> Reference:
    return Reference(
        key="X2020",
        entry_type="article",
        authors=(Person(family="X"),),
        title="<b>T</b>",
        updates=updates,
    )


def test_a_retracted_reference_gets_a_red_badge_linking_the_notice() -> None:
    html = reference_notices(
        _reference(Update(type=UpdateType.RETRACTION, doi="10.5555/n", date="2019-03-01"))
    )
    assert 'class="nf-badge nf-retracted"' in html
    assert 'href="https://doi.org/10.5555/n"' in html
    assert 'title="Retracted on 2019-03-01 (doi:10.5555/n)"' in html
    assert "style=" not in html  # red by a CSS rule: the sanitiser drops inline styles


def test_corrections_and_concerns_get_notes_and_plain_references_nothing() -> None:
    html = reference_notices(
        _reference(
            Update(type=UpdateType.CORRECTION),
            Update(type=UpdateType.EXPRESSION_OF_CONCERN, pmid="1"),
            Update(type=UpdateType.OTHER, label="new_version"),
        )
    )
    assert html.count("nf-notice") == 2
    assert ">Correction<" in html
    assert ">Expression of concern<" in html
    assert "nf-retracted" not in html
    assert reference_notices(_reference()) == ""


def test_claim_notice_names_each_retracted_study() -> None:
    library = load_from(CASE / "references.bib", CASE / "claims")
    claim = library.claim("needling-tests")
    notice = claim_retraction_notice(claim, library.references)
    assert notice.startswith('!!! danger "This claim cites a retracted study"')
    assert "[@Retracted2018] was retracted on 2019-03-01" in notice
    assert "Corrected2017" not in notice
    unaffected = claim.model_copy(update={"evidence": claim.evidence[1:]})
    assert claim_retraction_notice(unaffected, library.references) == ""


@pytest.mark.slow
def test_handbook_shows_the_badge_and_the_claim_warning(tmp_path: Path) -> None:
    config = fixture_site(tmp_path, "retraction")
    # A retracted reference is an error (check exits 1), so the strict build refuses it;
    # a plain build shows readers why.
    strict = build(config, tmp_path / "strict")
    assert strict.returncode != 0
    assert "ref.retracted" in strict.stderr
    result = build(config, tmp_path / "site", strict=False)
    assert result.returncode == 0, result.stderr
    bibliography = (tmp_path / "site" / "bibliography" / "index.html").read_text("utf-8")
    entry = bibliography[bibliography.index('id="ref-Retracted2018"') :]
    entry = entry[: entry.index("</div>")]
    assert "nf-retracted" in entry
    assert ">Retracted<" in entry
    assert 'href="https://doi.org/10.5555/retraction-notice.2019"' in entry
    corrected = bibliography[bibliography.index('id="ref-Corrected2017"') :]
    assert ">Correction<" in corrected[: corrected.index("</div>")]
    page = (tmp_path / "site" / "claims" / "needling-tests" / "index.html").read_text("utf-8")
    assert "This claim cites a retracted study" in page
    assert "admonition danger" in page
