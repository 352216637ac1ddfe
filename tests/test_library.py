from __future__ import annotations

import threading
from pathlib import Path

import pytest

import needling_facts as nf
from needling_facts.evidence.grade import Certainty
from needling_facts.evidence.vocabulary import Outcome, Verdict
from needling_facts.loading import load_from
from tests.conftest import FIXTURES, line_containing


def load_fixture(case: str) -> nf.Library:
    return load_from(FIXTURES / case / "references.bib", FIXTURES / case / "claims")


def test_lookups_filters_and_cross_links() -> None:
    lib = load_fixture("good")
    claim = lib.claim("acne-scars")
    assert lib.resolve(claim.evidence[0]).key == "Fabbrocini2014"
    assert [c.id for c in lib.citing_claims("Fabbrocini2014")] == ["acne-scars"]
    assert [r.key for r in lib.references_of("collagen")] == ["Muller2020"]
    assert [c.id for c in lib.filter(outcome="scars")] == ["acne-scars"]
    assert [c.id for c in lib.filter(certainty=nf.Certainty.VERY_LOW)] == ["collagen"]
    assert lib.filter(outcome="pores") == ()


def test_unknown_ids_raise_a_key_error_with_suggestions() -> None:
    lib = load_fixture("good")
    with pytest.raises(KeyError) as claim_error:
        lib.claim("acne-scar")
    assert str(claim_error.value) == "no claim 'acne-scar'; did you mean 'acne-scars'?"
    with pytest.raises(nf.UnknownReferenceError, match="did you mean 'Muller2020'"):
        lib.reference("Muller2021")


def test_library_is_read_only() -> None:
    lib = load_fixture("good")
    with pytest.raises(TypeError):
        lib.claims["x"] = lib.claim("acne-scars")  # type: ignore[index]
    with pytest.raises(AttributeError):
        lib.claims = {}  # type: ignore[misc]


def test_citation_checks_point_at_evidence_and_prose() -> None:
    lib = load_fixture("claim-errors")
    path = FIXTURES / "claim-errors" / "claims" / "unknown-citation.md"
    unknown = [(p.line, p.col) for p in lib.problems if p.code == "claim.unknown-citation"]
    assert unknown == [
        (line_containing(path, "ref: Nobody2020"), 1),
        (line_containing(path, "[@Ghost2021]"), 5),
    ]
    unused = [p for p in lib.problems if p.code == "bib.unused-reference"]
    assert [p.message for p in unused] == ["reference 'Unused2019' is not cited by any claim"]
    duplicate = [p for p in lib.problems if p.code == "claim.duplicate-id"]
    assert len(duplicate) == 1
    assert duplicate[0].path == str(path)


def test_grade_rules() -> None:
    lib = load_fixture("grade-errors")
    by_file = {
        (Path(p.path).stem, p.code)
        for p in lib.problems
        if p.code.startswith("claim.") and p.code != "claim.no-comparisons"  # 0.2-shaped files
    }
    assert by_file == {
        ("high-no-rct", "claim.certainty-unsupported"),
        ("moderate-no-control", "claim.certainty-mismatch"),
        ("supported-no-support", "claim.verdict-unsupported"),
        ("contradicted-no-contra", "claim.verdict-unsupported"),
        ("supported-very-low", "claim.verdict-certainty-mismatch"),
    }
    high = FIXTURES / "grade-errors" / "claims" / "high-no-rct.md"
    (problem,) = [
        p for p in lib.problems if p.path == str(high) and p.code != "claim.no-comparisons"
    ]
    assert problem.line == line_containing(high, "starting_level: high")
    assert "moderate-ok" in lib.claims


def test_bundled_library_is_clean_cached_and_thread_safe() -> None:
    results: list[nf.Library] = []
    threads = [threading.Thread(target=lambda: results.append(nf.load())) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(lib is results[0] for lib in results)
    lib = results[0]
    assert lib.errors == (), "\n".join(map(str, lib.errors))
    assert len(lib.claims) >= 3
    for claim in lib.claims.values():
        for item in claim.evidence:
            assert lib.resolve(item).key == item.ref


def test_loading_own_content_with_the_same_engine() -> None:
    lib = nf.load(bib=FIXTURES / "good" / "references.bib", claims_dir=FIXTURES / "good" / "claims")
    assert set(lib.claims) == {"acne-scars", "collagen"}
    assert lib is not nf.load()


def test_withdrawn_claims_stay_loadable_but_are_marked() -> None:
    lib = load_fixture("withdrawn")
    assert lib.errors == ()
    old = lib.claim("old-collagen")
    assert old.is_withdrawn
    assert old.status is nf.ClaimStatus.WITHDRAWN
    assert old.withdrawn_reason is not None
    assert [c.id for c in lib.filter()] == ["acne-scars"]
    assert [c.id for c in lib.filter(include_withdrawn=True)] == ["acne-scars", "old-collagen"]


def test_withdrawal_needs_a_reason() -> None:
    from needling_facts.sources.claim_files import parse_claim_file

    text = (
        (FIXTURES / "good" / "claims" / "collagen.md")
        .read_text()
        .replace("last_reviewed:", "status: withdrawn\nlast_reviewed:")
    )
    file = parse_claim_file(text, "collagen.md", "collagen")
    assert [p.code for p in file.problems] == ["claim.invalid-value"]
    assert "withdrawn_reason" in file.problems[0].message


@pytest.mark.parametrize("verdict", list(Verdict))
def test_filter_by_verdict_returns_exactly_the_claims_with_it(
    bundled: nf.Library, verdict: Verdict
) -> None:
    expected = [c.id for c in bundled.claims.values() if c.verdict is verdict]
    assert [c.id for c in bundled.filter(verdict=verdict)] == expected
    assert [c.id for c in bundled.filter(verdict=verdict.value)] == expected


def test_filters_combine_and_each_one_narrows(bundled: nf.Library) -> None:
    everything = bundled.filter()
    verdicts = {c.verdict for c in everything}
    assert len(verdicts) > 1  # the bundled data has several: filtering can be seen
    for outcome in Outcome:
        for certainty in Certainty:
            got = bundled.filter(outcome=outcome, certainty=certainty)
            assert got == tuple(
                c for c in everything if c.outcome is outcome and c.certainty is certainty
            )


def test_withdrawn_claims_only_on_request() -> None:
    library = load_from(
        FIXTURES / "withdrawn" / "references.bib", FIXTURES / "withdrawn" / "claims"
    )
    assert [c.id for c in library.filter()] == ["acne-scars"]
    assert [c.id for c in library.filter(include_withdrawn=True)] == ["acne-scars", "old-collagen"]


def test_unknown_id_suggests_at_most_three_close_ids() -> None:
    from needling_facts.library import UnknownClaimError

    error = UnknownClaimError("acne-scar", ["acne-scars", "acne-scarz", "acne-scare", "acne-scaro"])
    assert len(error.suggestions) == 3
    assert UnknownClaimError("zzz", ["acne-scars"]).suggestions == ()
    assert str(UnknownClaimError("zzz", [])) == "no claim 'zzz'"
