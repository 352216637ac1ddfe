"""Distinct study and participant totals: each primary study counted once."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

import needling_facts as nf
from needling_facts.evidence.item import Evidence
from needling_facts.evidence.totals import evidence_totals
from tests.conftest import FIXTURES


def _item(ref: str, design: str, n: int | None, **more: Any) -> Evidence:
    data: dict[str, Any] = {"ref": ref, "design": design, "finding": "f", "stance": "supports"}
    if n is not None:
        data["participants"] = n
    return Evidence.model_validate({**data, **more})


def test_a_review_stands_for_the_cited_trials_it_includes() -> None:
    lib = nf.load(
        bib=FIXTURES / "evidence" / "references.bib",
        claims_dir=FIXTURES / "evidence" / "claims",
    )
    claim = lib.claim("acne-scars")
    totals = claim.totals
    # Review2022 (300, includes Trial2020 and Trial2021) + Series2019 (25); the naive sum
    # of every item would be 300 + 40 + 60 + 25 = 425.
    assert (totals.studies, totals.participants, totals.references) == (2, 325, 4)
    assert totals.nested == ("Trial2020", "Trial2021")
    assert claim.participants == 325
    assert lib.totals("acne-scars") == totals
    assert lib.totals() == totals
    assert totals.describe() == "2 studies, 325 participants"


def test_overlapping_reviews_never_double_count() -> None:
    totals = evidence_totals(
        [
            _item("A", "meta-analysis", 300, includes=["T1", "T2"]),
            _item("B", "systematic-review", 200, includes=["T2", "T3"]),
            _item("T1", "rct", 40),
            _item("T2", "rct", 60),
            _item("T3", "rct", 30),
            _item("S", "case-series", 25),
        ]
    )
    # A keeps 300; B gives up T2's 60; T1-T3 are inside the reviews; S adds 25.
    assert (totals.studies, totals.participants) == (3, 300 + 140 + 25)
    assert totals.nested == ("T1", "T2", "T3")


def test_mentions_repeats_and_missing_counts() -> None:
    totals = evidence_totals(
        [
            _item("T1", "rct", 40),
            _item("T1", "rct", 40),
            _item("Big", "review", 1845, stance="mentions"),
            _item("R", "meta-analysis", None, includes=["T1"]),
            _item("C", "cohort", None),
        ]
    )
    # A review without a count does not hide its trials; a mention is not evidence weighed.
    assert (totals.studies, totals.participants) == (3, 40)
    assert totals.unreported == ("R", "C")
    assert totals.describe() == "3 studies, at least 40 participants"


def test_a_review_inside_another_review_is_counted_through_it() -> None:
    totals = evidence_totals(
        [
            _item("Umbrella", "systematic-review", 500, includes=["Inner", "T1"]),
            _item("Inner", "meta-analysis", 200, includes=["T1"]),
            _item("T1", "rct", 40),
        ]
    )
    assert (totals.studies, totals.participants) == (1, 500)


_KEYS = st.sampled_from(["T1", "T2", "T3", "T4", "T5"])


@st.composite
def _bodies(draw: st.DrawFn) -> list[Evidence]:
    primaries = {
        key: draw(st.one_of(st.none(), st.integers(1, 500)))
        for key in draw(st.sets(_KEYS, min_size=1))
    }
    items = [_item(key, "rct", n) for key, n in primaries.items()]
    for name in draw(st.sets(st.sampled_from(["R1", "R2"]))):
        includes = sorted(draw(st.sets(st.sampled_from(sorted(primaries)))))
        size = draw(st.one_of(st.none(), st.integers(1, 3000)))
        items.append(_item(name, "meta-analysis", size, includes=includes))
    return items


@given(_bodies())
def test_totals_never_exceed_the_naive_sum_and_count_each_key_once(items: list[Evidence]) -> None:
    totals = evidence_totals(items)
    assert totals.participants <= sum(item.participants or 0 for item in items)
    assert totals.references == len({item.ref for item in items})
    assert totals.studies <= totals.references
    assert set(totals.nested) <= {key for item in items for key in item.includes}
    if not any(item.includes for item in items):
        assert totals.participants == sum(item.participants or 0 for item in items)
        assert totals.nested == ()


def test_reviews_that_do_not_list_their_studies_are_named_and_drop_the_counted_once_claim() -> None:
    totals = evidence_totals(
        [
            _item("MA2025", "meta-analysis", 631),
            _item("MA2024", "meta-analysis", 696),
            _item("Listed", "systematic-review", 120, includes=["T1"]),
            _item("T1", "rct", 100),
            _item("Tiny", "systematic-review", None),
        ]
    )
    # Both unlisted reviews are summed whole (they may share trials); the listed one is not
    # named. A review without a count adds no participants, but the studies it holds may be
    # counted beside it, so its overlap is unresolved too.
    assert totals.participants == 631 + 696 + 120
    assert totals.unlisted == ("MA2024", "MA2025", "Tiny")
    assert not totals.counted_once
    assert totals.describe() == (
        "4 studies, at least 1447 participants (reviews do not list the studies included, "
        "so some may be counted twice)"
    )


def test_a_lone_review_cannot_overlap_anything() -> None:
    totals = evidence_totals([_item("MA", "meta-analysis", 300)])
    assert totals.unlisted == ()
    assert totals.counted_once
    assert totals.describe() == "1 study, 300 participants"


def test_one_unlisted_review_beside_a_trial_is_worded_in_the_singular() -> None:
    totals = evidence_totals([_item("MA", "meta-analysis", 300), _item("T", "rct", 40)])
    assert totals.unlisted == ("MA",)
    assert totals.describe().endswith(
        "(a review does not list the studies included, so some may be counted twice)"
    )


def test_the_claim_page_says_counted_once_only_when_it_is_true() -> None:
    from needling_facts.render.pages import claim_page

    lib = nf.load()
    overlapping = lib.claim("androgenetic-alopecia")  # three meta-analyses without study lists
    assert overlapping.totals.unlisted == ("Gupta", "Pei2024", "Ahmed2025")
    page = claim_page(overlapping, lib.references)
    assert "each study counted once" not in page
    assert (
        "overlap unresolved: Gupta et al., Pei et al. 2024, Ahmed et al. 2025 do not list the "
        "studies they include, so some participants may be counted twice"
    ) in page
    single = lib.claim("prp-vampire-facial")  # one trial: nothing can overlap
    assert single.totals.counted_once
    assert "Participants (studies) in its outcome rows: 38 (2 studies)" in claim_page(
        single, lib.references
    )


def test_a_review_counted_through_another_is_not_named_as_unlisted() -> None:
    totals = evidence_totals(
        [
            _item("Umbrella", "systematic-review", 500, includes=["Inner", "T1"]),
            _item("Inner", "meta-analysis", 200),  # lists nothing, but sits inside Umbrella
            _item("T1", "rct", 40),
        ]
    )
    assert totals.unlisted == ()
    assert totals.participants == 500


def test_narrative_reviews_and_opinions_are_cited_but_not_counted_as_studies() -> None:
    totals = evidence_totals(
        [
            _item("T1", "rct", 40),
            _item("Narrative", "review", None),
            _item("Opinion", "expert-opinion", None),
        ]
    )
    # Counted, they would be two more "studies" and turn 40 into "at least 40".
    assert (totals.studies, totals.references, totals.unreported) == (1, 1, ())
    assert totals.describe() == "1 study, 40 participants"
