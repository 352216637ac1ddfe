"""The screening logs against claims and bibliography: each search code, word for word."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import needling_facts as nf
from needling_facts.library import UnknownClaimError
from needling_facts.loading import load_from
from tests.conftest import FIXTURES

LIVING = FIXTURES / "living"


def _rows(folder: Path) -> list[tuple[str, int, str, str]]:
    library = load_from(folder / "references.bib", folder / "claims")
    return [
        (str(Path(p.path).relative_to(folder)), p.line, p.code, p.message.replace(f"{folder}/", ""))
        for p in library.problems
        if p.code.startswith("search.")
    ]


def test_every_cross_check_is_reported_at_its_entry() -> None:
    assert _rows(LIVING) == [
        (
            "claims/elastin.md",
            1,
            "search.missing-file",
            "no search file for this claim: add searches/elastin.yaml with its saved search and "
            "screening log",
        ),
        (
            "searches/collagen.yaml",
            5,
            "search.cited-not-included",
            "'Muller2020' is cited by the claim's evidence but is marked excluded; a cited study "
            "is marked included",
        ),
        (
            "searches/collagen.yaml",
            8,
            "search.included-not-cited",
            "pmid:23216209 (Fabbrocini2014) is marked included, but no evidence item of "
            "'collagen' cites it",
        ),
        (
            "searches/collagen.yaml",
            10,
            "search.duplicate-candidate",
            "doi:10.3109/09546634.2012.742949 is already in the screening log (line 8); a study "
            "is listed once",
        ),
        (
            "searches/collagen.yaml",
            13,
            "search.unknown-reference",
            "'Nobody2020' is not a key of the bibliography",
        ),
        (
            "searches/collagen.yaml",
            16,
            "search.duplicate-candidate",
            "bib:Fabbrocini2014 is already in the screening log (line 8); a study is listed once",
        ),
        (
            "searches/collagen.yaml",
            16,
            "search.id-mismatch",
            "pmid:1 differs from the bibliography's pmid of 'Fabbrocini2014': 23216209",
        ),
        (
            "searches/ghost.yaml",
            1,
            "search.unknown-claim",
            "no claim 'ghost' in the claims folder: a search file is named after its claim's id",
        ),
    ]


def test_the_library_exposes_valid_records_only_for_known_claims() -> None:
    library = load_from(LIVING / "references.bib", LIVING / "claims")
    assert sorted(library.searches) == ["acne-scars", "collagen"]  # not ghost
    search = library.search("acne-scars")
    assert search is not None
    assert search.prisma.pending == 1
    assert library.search("elastin") is None
    with pytest.raises(UnknownClaimError, match="did you mean 'elastin'"):
        library.search("elastine")


def test_a_cited_reference_missing_from_the_log_points_at_the_screening_list(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "content"
    shutil.copytree(LIVING, folder)
    (folder / "searches" / "collagen.yaml").write_text(
        "searches:\n  pubmed: collagen[tiab]\nscreening:\n"
        "  - id: desc:an-uncited-study\n    decision: excluded\n    reason: wrong-design\n",
        "utf-8",
    )
    rows = [r for r in _rows(folder) if r[0] == "searches/collagen.yaml"]
    assert rows == [
        (
            "searches/collagen.yaml",
            3,
            "search.cited-not-included",
            "'Muller2020' is cited by the claim's evidence but is not in the screening log; a "
            "cited study is marked included",
        )
    ]


def test_without_a_searches_folder_nothing_is_checked(tmp_path: Path) -> None:
    folder = tmp_path / "content"
    shutil.copytree(LIVING, folder)
    shutil.rmtree(folder / "searches")
    assert _rows(folder) == []
    assert load_from(folder / "references.bib", folder / "claims").searches == {}


def test_a_log_that_agrees_with_its_claim_is_clean(tmp_path: Path) -> None:
    folder = tmp_path / "content"
    shutil.copytree(LIVING, folder)
    (folder / "searches" / "ghost.yaml").unlink()
    (folder / "claims" / "elastin.md").unlink()
    (folder / "searches" / "collagen.yaml").write_text(
        "searches:\n  pubmed: collagen[tiab]\nscreening:\n"
        "  - id: bib:Muller2020\n    decision: included\n"
        "  - id: pmid:23216209\n    decision: excluded\n    reason: wrong-population\n",
        "utf-8",
    )
    assert _rows(folder) == []


def test_every_bundled_claim_has_a_clean_search_and_screening_log() -> None:
    library = nf.load()
    assert [str(p) for p in library.problems if p.code.startswith("search.")] == []
    assert sorted(library.searches) == sorted(library.claims)
    for claim in library.claims.values():
        search = library.search(claim.id)
        assert search is not None
        # Never run from this project: no date may be written until a run really happens.
        assert search.last_searched is None, claim.id
        assert search.prisma.included == len(claim.cited_keys), claim.id
        assert search.searches.pubmed.strip()
