"""Effect estimates, risk of bias and GRADE profiles as typed, validated records."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from needling_facts.evidence.effects import EffectEstimate, Measure, PValue
from needling_facts.evidence.grade import Certainty, GradeProfile
from needling_facts.evidence.risk_of_bias import BiasLevel, RiskOfBias

EFFECT: dict[str, Any] = {
    "comparison": "microneedling vs laser",
    "outcome": "Goodman and Baron grade",
    "measure": "odds-ratio",
    "value": 2.0,
    "locator": "Abstract",
}


def _loc(error: pytest.ExceptionInfo[ValidationError]) -> tuple[str | int, ...]:
    return tuple(error.value.errors()[0]["loc"])


@pytest.mark.parametrize(
    ("raw", "relation", "value", "text"),
    [
        (0.0005, "=", 0.0005, "p = 0.0005"),
        ("<0.001", "<", 0.001, "p < 0.001"),
        ("=0.02", "=", 0.02, "p = 0.02"),
        ("p ≤ 0.05", "<=", 0.05, "p ≤ 0.05"),
    ],
)
def test_p_values_parse_from_numbers_and_strings(
    raw: object, relation: str, value: float, text: str
) -> None:
    p = PValue.model_validate(raw)
    assert (p.relation, p.value, str(p)) == (relation, value, text)


@pytest.mark.parametrize("raw", [1.5, "<2", "small", True, -0.1])
def test_impossible_p_values_are_refused(raw: object) -> None:
    with pytest.raises(ValidationError):
        PValue.model_validate(raw)


def test_a_valid_effect_defaults_its_ci_level_and_describes_itself() -> None:
    effect = EffectEstimate.model_validate({**EFFECT, "ci": [1.2, 3.4], "p": "<0.01"})
    assert effect.ci == (1.2, 3.4)
    assert effect.ci_level == 0.95
    assert effect.measure.is_ratio
    assert effect.describe() == "odds ratio 2 (95% CI 1.2 to 3.4); p < 0.01"


@pytest.mark.parametrize(
    ("change", "loc", "message"),
    [
        ({"ci": [2.5, 3.4]}, ("ci",), "does not contain the value 2"),
        ({"ci": [1.2]}, ("ci",), "exactly two numbers"),
        ({"ci": [1.2, 3.4, 5.0]}, ("ci",), "exactly two numbers"),
        ({"ci": [3.4, 1.2]}, ("ci",), "runs backwards"),
        ({"value": -0.5}, ("value",), "not positive"),
        ({"value": 0.5, "ci": [-0.1, 0.9]}, ("ci",), "not positive"),
        ({"measure": "proportion", "value": 45}, ("value",), r"outside \[0, 1\]"),
        ({"measure": "proportion", "value": 0.4, "ci": [0.3, 1.2]}, ("ci",), r"outside \[0, 1\]"),
        ({"value": None}, ("value",), "value is required"),
        ({"measure": "p-value-only", "value": None}, ("p",), "needs 'p'"),
        ({"measure": "p-value-only", "p": 0.01}, ("value",), "has no value"),
        ({"ci_level": 0.9}, (), "without a ci"),
    ],
)
def test_impossible_effects_are_refused_at_the_offending_key(
    change: dict[str, Any], loc: tuple[str, ...], message: str
) -> None:
    data = {k: v for k, v in {**EFFECT, **change}.items() if v is not None}
    with pytest.raises(ValidationError, match=message) as error:
        EffectEstimate.model_validate(data)
    assert _loc(error) == loc


def test_differences_may_be_negative_and_p_only_effects_have_no_value() -> None:
    diff = EffectEstimate.model_validate(
        {**EFFECT, "measure": "mean-difference", "value": -1.5, "ci": [-2.0, -1.0]}
    )
    assert diff.measure.no_effect == 0.0
    only_p = EffectEstimate.model_validate(
        {
            **{k: v for k, v in EFFECT.items() if k != "value"},
            "measure": "p-value-only",
            "p": "<0.001",
        }
    )
    assert only_p.measure is Measure.P_VALUE_ONLY
    assert only_p.describe() == "p < 0.001"


ROB2: dict[str, Any] = {
    "tool": "rob2",
    "judged_from": "abstract",
    "domains": [
        {"domain": "randomisation", "judgement": "some-concerns", "reason": "Not reported."}
    ],
    "overall": "some-concerns",
}


def test_rob2_record_maps_to_traffic_light_levels() -> None:
    rob = RiskOfBias.model_validate(ROB2)
    assert rob.level() is BiasLevel.SOME_CONCERNS
    assert rob.overall_label() == "some concerns"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"overall": "moderate"}, "not a RoB 2 judgement"),
        (
            {"domains": [{"domain": "confounding", "judgement": "low", "reason": "x"}]},
            "not a RoB 2 domain",
        ),
        ({"domains": ROB2["domains"] * 2}, "judged twice"),
        ({"judged_from": None}, "judged_from"),
        ({"overall": None}, "overall"),
        ({"tool": "not-assessed", "domains": [], "overall": None}, "needs a reason"),
    ],
)
def test_inconsistent_risk_of_bias_is_refused(change: dict[str, Any], message: str) -> None:
    data = {k: v for k, v in {**ROB2, **change}.items() if v is not None}
    with pytest.raises(ValidationError, match=message):
        RiskOfBias.model_validate(data)


def test_amstar2_high_confidence_is_the_low_risk_end_and_yaml_booleans_are_words() -> None:
    rob = RiskOfBias.model_validate(
        {
            "tool": "amstar2",
            "judged_from": "full-text",
            "domains": [{"domain": "protocol registered", "judgement": False, "reason": "No."}],
            "overall": "high",
        }
    )
    assert rob.level() is BiasLevel.LOW
    assert rob.overall_label() == "high confidence"
    assert rob.domains[0].judgement.value == "no"
    assert rob.domain_level(rob.domains[0].judgement) is BiasLevel.HIGH
    # An AMSTAR 2 item judged like a risk-of-bias domain keeps that meaning: "high" is red.
    mixed = RiskOfBias.model_validate(
        {
            "tool": "amstar2",
            "judged_from": "abstract",
            "domains": [
                {
                    "domain": "risk of bias in included studies",
                    "judgement": "high",
                    "reason": "Not assessed by the review.",
                }
            ],
            "overall": "critically-low",
        }
    )
    assert mixed.domain_level(mixed.domains[0].judgement) is BiasLevel.HIGH
    assert mixed.level() is BiasLevel.HIGH
    assert mixed.overall_label() == "critically low confidence"


def test_not_assessed_is_honest_and_needs_a_reason() -> None:
    rob = RiskOfBias.model_validate({"tool": "not-assessed", "reason": "Only a title seen."})
    assert not rob.is_assessed
    assert rob.level() is BiasLevel.UNCLEAR


def _profile(**change: Any) -> GradeProfile:
    none = {"concern": "none", "reason": "No concern."}
    data: dict[str, Any] = {
        "judged_from": "abstract",
        "starting_level": "high",
        "risk_of_bias": none,
        "inconsistency": none,
        "indirectness": none,
        "imprecision": none,
        "publication_bias": none,
    }
    return GradeProfile.model_validate({**data, **change})


def test_profile_computes_certainty_with_an_explanation() -> None:
    result = _profile(
        risk_of_bias={"concern": "serious", "reason": "Unclear randomisation."},
        imprecision={"concern": "very-serious", "reason": "One small trial."},
    ).compute()
    assert result.certainty is Certainty.VERY_LOW
    assert result.explanation == (
        "start high, -1 risk of bias (serious), -2 imprecision (very serious)"
    )
    assert [s.domain for s in result.downgrades] == ["risk_of_bias", "imprecision"]


def test_profile_clamps_and_upgrades() -> None:
    assert _profile().certainty is Certainty.HIGH
    assert _profile().compute().explanation == "start high, no downgrades"
    worst = _profile(
        **{
            name: {"concern": "very-serious", "reason": "r"}
            for name in ("risk_of_bias", "imprecision", "indirectness")
        }
    ).compute()
    assert worst.certainty is Certainty.VERY_LOW
    assert worst.unclamped == -2
    assert worst.explanation.endswith("(score -2 clamped to very low)")
    observational = _profile(
        starting_level="low", large_effect={"levels": 2, "reason": "RR above 5."}
    ).compute()
    assert observational.certainty is Certainty.HIGH
    assert observational.explanation == "start low, +2 large effect (upgrade)"


def test_only_large_effect_may_upgrade_two_levels() -> None:
    with pytest.raises(ValidationError, match="only large_effect"):
        _profile(dose_response={"levels": 2, "reason": "r"})
    with pytest.raises(ValidationError):
        _profile(large_effect={"levels": 3, "reason": "r"})
    with pytest.raises(ValidationError):
        _profile(imprecision={"concern": "some", "reason": "r"})


_CONCERNS = st.sampled_from(["none", "serious", "very-serious"])


@given(
    start=st.sampled_from(["high", "low"]),
    concerns=st.lists(_CONCERNS, min_size=5, max_size=5),
    large=st.sampled_from([0, 1, 2]),
)
def test_computed_certainty_follows_the_formula(
    start: str, concerns: list[str], large: int
) -> None:
    names = ("risk_of_bias", "inconsistency", "indirectness", "imprecision", "publication_bias")
    change: dict[str, Any] = {
        name: {"concern": concern, "reason": "r"}
        for name, concern in zip(names, concerns, strict=True)
    }
    if large:
        change["large_effect"] = {"levels": large, "reason": "r"}
    result = _profile(starting_level=start, **change).compute()
    score = (4 if start == "high" else 2) + large
    score -= sum({"none": 0, "serious": 1, "very-serious": 2}[c] for c in concerns)
    assert result.unclamped == score
    assert result.certainty.rank == max(1, min(4, score))
    assert result.explanation.startswith(f"start {start}")
    assert result.explanation.count("very serious") == concerns.count("very-serious")
