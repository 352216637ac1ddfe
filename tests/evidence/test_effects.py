"""Effect estimates and p-values: the edges that mutation testing found unpinned."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from needling_facts.evidence.effects import EffectEstimate, PValue


@pytest.mark.parametrize(
    ("relation", "printed"), [("<=", "p ≤ 0.05"), (">=", "p ≥ 0.05"), ("<", "p < 0.05")]
)
def test_p_value_prints_its_relation_as_the_reader_writes_it(relation: str, printed: str) -> None:
    assert str(PValue(relation=relation, value=0.05)) == printed  # type: ignore[arg-type]


def _effect(measure: str, value: float) -> EffectEstimate:
    return EffectEstimate.model_validate(
        {
            "comparison": "needling vs none",
            "outcome": "scar score",
            "measure": measure,
            "value": value,
            "locator": "Abstract",
        }
    )


@pytest.mark.parametrize("measure", ["odds-ratio", "risk-ratio"])
def test_a_ratio_of_exactly_zero_is_refused(measure: str) -> None:
    with pytest.raises(ValidationError, match="is not positive"):
        _effect(measure, 0)
    assert _effect(measure, 0.01).value == 0.01


@pytest.mark.parametrize("value", [0, 1])
def test_a_proportion_of_exactly_zero_or_one_is_accepted(value: float) -> None:
    assert _effect("proportion", value).value == value
