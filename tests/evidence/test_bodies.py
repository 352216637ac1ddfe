"""Bodies of evidence: rows, the overall certainty, per-row totals and the best estimate."""

from __future__ import annotations

import dataclasses

import pytest
from pydantic import ValidationError

import needling_facts as nf
from tests.conftest import FIXTURES


@pytest.fixture(scope="module")
def claim() -> nf.Claim:
    lib = nf.load(
        bib=FIXTURES / "bodies" / "references.bib", claims_dir=FIXTURES / "bodies" / "claims"
    )
    return lib.claim("acne-scars")


def _profile(**concerns: str) -> dict[str, object]:
    domains = ("risk_of_bias", "inconsistency", "indirectness", "imprecision", "publication_bias")
    return {
        "judged_from": "abstract",
        "starting_level": "high",
        **{d: {"concern": concerns.get(d, "none"), "reason": "r"} for d in domains},
    }


def _row(row_id: str, importance: str, **concerns: str) -> dict[str, object]:
    return {
        "id": row_id,
        "outcome": row_id,
        "importance": importance,
        "studies": ["A"],
        "certainty": "high",
        "statement": "s",
        "grade": _profile(**concerns),
    }


def test_overall_certainty_is_the_lowest_critical_row_not_an_important_one() -> None:
    comparison = nf.Comparison.model_validate(
        {
            "id": "c",
            "intervention": "i",
            "comparator": "k",
            "main": True,
            "outcomes": [
                _row("a", "critical", imprecision="serious"),
                _row("b", "critical", risk_of_bias="serious", imprecision="serious"),
                _row("c", "important", imprecision="very-serious", risk_of_bias="serious"),
            ],
        }
    )
    assert nf.overall_certainty(comparison) is nf.Certainty.LOW
    only_important = comparison.model_copy(update={"outcomes": comparison.outcomes[2:]})
    assert nf.overall_certainty(only_important) is None


def test_a_row_refuses_a_repeated_study_and_a_pooled_from_outside_its_studies() -> None:
    with pytest.raises(ValidationError, match="listed twice"):
        nf.OutcomeRow.model_validate({**_row("a", "critical"), "studies": ["A", "A"]})
    with pytest.raises(ValidationError, match="not one of this row's studies"):
        nf.OutcomeRow.model_validate({**_row("a", "critical"), "pooled_from": "B"})


def test_a_claim_needs_exactly_one_main_comparison_and_no_claim_level_grade(
    claim: nf.Claim,
) -> None:
    data = claim.model_dump(mode="json", exclude={"source"})
    two = [*data["comparisons"], {**data["comparisons"][0], "id": "other"}]
    with pytest.raises(
        ValidationError,
        match=r"exactly one comparison needs main: true \(found: "
        r"needling-vs-untreated, other\)",
    ):
        type(claim).model_validate({**data, "comparisons": two})
    none = [{**data["comparisons"][0], "main": False}]
    with pytest.raises(ValidationError, match=r"\(found: none\)"):
        type(claim).model_validate({**data, "comparisons": none})
    with pytest.raises(ValidationError, match="not a claim-level grade"):
        type(claim).model_validate({**data, "grade": _profile()})


def test_row_totals_count_the_participants_analysed_in_the_row(claim: nf.Claim) -> None:
    main = claim.main_comparison
    assert main is not None
    severity = nf.row_totals(main, main.outcomes[0], claim.evidence)
    # The review (300) includes Trial2020, which is counted through it, not again.
    assert (severity.studies, severity.participants, severity.nested) == (1, 300, ("Trial2020",))
    patient = nf.row_totals(main, main.outcomes[1], claim.evidence)
    assert (patient.studies, patient.participants) == (1, 60)
    # The claim counts the studies of its rows once; the context case series is not counted.
    assert (claim.totals.studies, claim.totals.participants) == (2, 360)


def test_row_totals_use_the_row_estimates_participants_over_the_items(claim: nf.Claim) -> None:
    main = claim.main_comparison
    assert main is not None
    row = main.outcomes[0].model_copy(update={"studies": ("Trial2020",), "pooled_from": None})
    assert nf.row_totals(main, row, claim.evidence).participants == 38  # 40 enrolled


def test_laboratory_work_and_narrative_reviews_are_never_participants() -> None:
    items = [
        nf.Evidence.model_validate(
            {"ref": ref, "design": design, "participants": 12, "finding": "f", "stance": "supports"}
        )
        for ref, design in (("Lab", "in-vitro"), ("Mice", "animal"), ("Nar", "review"))
    ]
    totals = nf.evidence_totals(items)
    assert (totals.studies, totals.participants) == (0, 0)


def test_the_best_estimate_prefers_the_cited_meta_analysis(claim: nf.Claim) -> None:
    main = claim.main_comparison
    assert main is not None
    best = nf.best_estimate(main, main.outcomes[0], claim.evidence)
    assert best.kind is nf.EstimateKind.META_ANALYSIS
    assert (best.studies, best.value, best.ci) == (("Review2022",), 0.6, (0.3, 0.9))
    assert best.describe() == "standardised mean difference 0.6 (95% CI 0.3 to 0.9)"


def test_a_row_with_p_values_only_has_no_estimate_and_says_why(claim: nf.Claim) -> None:
    main = claim.main_comparison
    assert main is not None
    best = nf.best_estimate(main, main.outcomes[1], claim.evidence)
    assert best.kind is nf.EstimateKind.NONE
    assert best.describe() == "no estimate: the studies report p-values only"


def _trial(ref: str, value: float, ci: tuple[float, float], row: str = "c/a") -> nf.Evidence:
    return nf.Evidence.model_validate(
        {
            "ref": ref,
            "design": "rct",
            "participants": 50,
            "finding": "f",
            "stance": "supports",
            "effects": [
                {
                    "comparison": "x",
                    "outcome": "y",
                    "row": row,
                    "measure": "risk-ratio",
                    "value": value,
                    "ci": list(ci),
                    "favours": "intervention" if value < 1 else "comparator",
                    "locator": "Abstract",
                }
            ],
        }
    )


def _comparison(studies: list[str], **row: object) -> nf.Comparison:
    return nf.Comparison.model_validate(
        {
            "id": "c",
            "intervention": "i",
            "comparator": "k",
            "main": True,
            "outcomes": [{**_row("a", "critical"), "studies": studies, **row}],
        }
    )


def test_the_library_pools_two_compatible_trials_by_random_effects() -> None:
    # Two risk ratios whose pool, by DerSimonian-Laird with no heterogeneity, is their
    # inverse-variance average on the log scale (checked against metafor in tests of pooling).
    items = [_trial("A", 0.5, (0.25, 1.0)), _trial("B", 0.8, (0.4, 1.6))]
    comparison = _comparison(["A", "B"], baseline_risk=0.2)
    best = nf.best_estimate(comparison, comparison.outcomes[0], items)
    assert best.kind is nf.EstimateKind.POOLED
    assert best.studies == ("A", "B")
    assert best.value == pytest.approx(0.6325, abs=1e-3)
    assert best.i2 == pytest.approx(0.0)
    assert best.absolute is not None
    assert best.absolute.comparator == pytest.approx(200)
    assert best.absolute.intervention == pytest.approx(126.5, abs=0.1)


def test_a_single_study_is_its_own_best_estimate_and_unpoolable_ones_say_why() -> None:
    one = _comparison(["A"])
    best = nf.best_estimate(one, one.outcomes[0], [_trial("A", 0.5, (0.25, 1.0))])
    assert (best.kind, best.value) == (nf.EstimateKind.SINGLE_STUDY, 0.5)
    mixed = [_trial("A", 0.5, (0.25, 1.0)), _trial("B", 0.8, (0.4, 1.6))]
    odd = mixed[1].effects[0].model_copy(update={"measure": nf.Measure.ODDS_RATIO})
    mixed[1] = mixed[1].model_copy(update={"effects": (odd,)})
    two = _comparison(["A", "B"])
    best = nf.best_estimate(two, two.outcomes[0], mixed)
    assert best.kind is nf.EstimateKind.NONE
    assert best.reason is not None
    assert best.reason.startswith("2 study estimates that cannot be pooled: different measures")


def test_an_estimate_outside_every_row_is_context_not_evidence_for_the_row() -> None:
    items = [_trial("A", 0.5, (0.25, 1.0)), _trial("B", 0.8, (0.4, 1.6), row="c/other")]
    comparison = _comparison(["A", "B"])
    assert [key for key, _ in nf.row_estimates(comparison, comparison.outcomes[0], items)] == ["A"]


def test_ids_are_unique_within_their_parent(claim: nf.Claim) -> None:
    with pytest.raises(ValidationError, match="outcome id 'a' is used twice in comparison 'c'"):
        nf.Comparison.model_validate(
            {
                "id": "c",
                "intervention": "i",
                "comparator": "k",
                "outcomes": [_row("a", "critical"), _row("a", "important")],
            }
        )
    data = claim.model_dump(mode="json", exclude={"source"})
    twin = {**data["comparisons"][0], "main": False}
    with pytest.raises(
        ValidationError, match="comparison id 'needling-vs-untreated' is used twice"
    ):
        type(claim).model_validate({**data, "comparisons": [*data["comparisons"], twin]})


def test_rows_put_the_main_comparison_first_and_row_finds_by_path(claim: nf.Claim) -> None:
    data = claim.model_dump(mode="json", exclude={"source"})
    other = {**data["comparisons"][0], "id": "other", "main": False}
    two = type(claim).model_validate({**data, "comparisons": [other, *data["comparisons"]]})
    assert [(c.id, r.id) for c, r in two.rows][:2] == [
        ("needling-vs-untreated", "scar-severity"),
        ("needling-vs-untreated", "patient-rated"),
    ]
    found = two.row("other/patient-rated")
    assert found is not None
    assert (found[0].id, found[1].id) == ("other", "patient-rated")
    assert two.row("other/nothing") is None
    assert two.row("nothing/patient-rated") is None
    assert two.comparisons[0].title == "microneedling vs no treatment"


def test_describe_prints_the_p_value_and_i2_of_a_pool() -> None:
    items = [_trial("A", 0.5, (0.25, 1.0)), _trial("B", 0.8, (0.4, 1.6))]
    comparison = _comparison(["A", "B"])
    best = nf.best_estimate(comparison, comparison.outcomes[0], items)
    text = best.describe()
    assert text.startswith("risk ratio 0.632 (95% CI 0.387 to 1.03); p = 0.0669")
    assert text.endswith("; I² = 0%")
    high = dataclasses.replace(best, i2=0.42)
    assert high.describe().endswith("; I² = 42%")


def test_a_single_study_keeps_its_p_value_and_level() -> None:
    item = _trial("A", 0.5, (0.25, 1.0))
    effect = item.effects[0].model_copy(update={"ci_level": 0.9, "p": nf.PValue(value=0.04)})
    item = item.model_copy(update={"effects": (effect,)})
    one = _comparison(["A"])
    best = nf.best_estimate(one, one.outcomes[0], [item])
    assert (best.level, str(best.p)) == (0.9, "p = 0.04")
    assert best.describe() == "risk ratio 0.5 (90% CI 0.25 to 1); p = 0.04"


def test_a_study_inside_a_review_of_the_row_is_not_pooled_beside_it() -> None:
    review = _trial("R", 0.6, (0.4, 0.9)).model_copy(
        update={"design": nf.StudyDesign.META_ANALYSIS, "includes": ("A",)}
    )
    items = [review, _trial("A", 0.5, (0.25, 1.0))]
    comparison = _comparison(["R", "A"])
    best = nf.best_estimate(comparison, comparison.outcomes[0], items)
    assert (best.kind, best.studies, best.value) == (nf.EstimateKind.SINGLE_STUDY, ("R",), 0.6)
    # A review outside the row does not hide the row's own studies.
    outside = _comparison(["A"])
    best = nf.best_estimate(outside, outside.outcomes[0], items)
    assert best.studies == ("A",)


def test_a_row_with_no_estimate_at_all_says_so() -> None:
    comparison = _comparison(["A"])
    item = _trial("A", 0.5, (0.25, 1.0), row="c/elsewhere")
    best = nf.best_estimate(comparison, comparison.outcomes[0], [item])
    assert best.kind is nf.EstimateKind.NONE
    assert best.describe() == (
        "no estimate: no study reports a numerical estimate for this outcome"
    )


def test_without_the_stats_extra_a_pool_becomes_no_estimate_naming_the_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from needling_facts.errors import MissingExtraError
    from needling_facts.evidence import best_estimate as module

    def missing(*_: object, **__: object) -> None:
        raise MissingExtraError("pooling", "stats")

    monkeypatch.setattr(module, "pool", missing)
    items = [_trial("A", 0.5, (0.25, 1.0)), _trial("B", 0.8, (0.4, 1.6))]
    comparison = _comparison(["A", "B"])
    best = nf.best_estimate(comparison, comparison.outcomes[0], items)
    assert (best.kind, best.studies) == (nf.EstimateKind.NONE, ("A", "B"))
    assert best.reason == 'pooling needs the stats extra: pip install "needling-facts[stats]"'
