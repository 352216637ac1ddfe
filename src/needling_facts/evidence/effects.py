"""Effect estimates reported by a study: measure, value, confidence interval, p-value.

Pure data with validation that catches impossible records (a CI that excludes its own value,
a negative odds ratio, a proportion above 1, a CI with one bound).
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from needling_facts.evidence._frozen import Frozen
from needling_facts.evidence.fields import Spec, WrittenAsScalar

__all__ = ["EffectEstimate", "Favours", "Measure", "PValue"]


class Measure(StrEnum):
    """What kind of number an effect estimate is."""

    MEAN_DIFFERENCE = "mean-difference"
    STANDARDISED_MEAN_DIFFERENCE = "standardised-mean-difference"
    ODDS_RATIO = "odds-ratio"
    RISK_RATIO = "risk-ratio"
    RISK_DIFFERENCE = "risk-difference"
    PROPORTION = "proportion"
    PERCENT_CHANGE = "percent-change"
    P_VALUE_ONLY = "p-value-only"

    @property
    def label(self) -> str:
        return _MEASURE_LABELS[self]

    @property
    def is_ratio(self) -> bool:
        """Ratios are positive, have no effect at 1 and are plotted on a log scale."""
        return self in {Measure.ODDS_RATIO, Measure.RISK_RATIO}

    @property
    def no_effect(self) -> float | None:
        """The value meaning "no difference" (None where the measure has no such value)."""
        if self.is_ratio:
            return 1.0
        if self in {Measure.PROPORTION, Measure.P_VALUE_ONLY}:
            return None
        return 0.0


_MEASURE_LABELS = {
    Measure.MEAN_DIFFERENCE: "mean difference",
    Measure.STANDARDISED_MEAN_DIFFERENCE: "standardised mean difference",
    Measure.ODDS_RATIO: "odds ratio",
    Measure.RISK_RATIO: "risk ratio",
    Measure.RISK_DIFFERENCE: "risk difference",
    Measure.PROPORTION: "proportion",
    Measure.PERCENT_CHANGE: "percent change from baseline",
    Measure.P_VALUE_ONLY: "p-value only",
}


class Favours(StrEnum):
    """Which arm the reported effect favours."""

    INTERVENTION = "intervention"
    COMPARATOR = "comparator"
    NEITHER = "neither"


Relation = Literal["<", "<=", "=", ">", ">="]
# Each part can match in one way only (no nested or adjacent overlapping quantifiers), so a
# hostile string is rejected in linear time; _P_TEXT_LIMIT caps the length as well.
_P_TEXT = re.compile(
    r"^\s*(?:p\s*)?(<=|>=|≤|≥|<|>|=)?\s*((?:\d+(?:\.\d*)?|\.\d+)(?:e-?\d+)?)\s*$", re.I
)
_P_TEXT_LIMIT = 40
_UNICODE = {"≤": "<=", "≥": ">="}


class PValue(Frozen, WrittenAsScalar):
    """A reported p-value: ``0.0005`` or ``"<0.001"`` / ``"=0.02"`` in YAML."""

    relation: Annotated[Relation, Spec()] = Field(
        default="=", description="How the reported p-value relates to the number."
    )
    value: Annotated[float, Spec()] = Field(
        gt=0, le=1, description="The number, above 0 and at most 1."
    )
    """Above 0: no test gives p = 0, and ``<1e-999`` would print as "p < 0"."""

    @model_validator(mode="before")
    @classmethod
    def _from_scalar(cls, data: Any) -> Any:
        if isinstance(data, bool):
            raise ValueError('expected a p-value such as 0.03 or "<0.001"')
        if isinstance(data, int | float):
            return {"value": data}
        if isinstance(data, str):
            match = _P_TEXT.match(data) if len(data) <= _P_TEXT_LIMIT else None
            if match is None:
                raise ValueError(f'expected a p-value such as 0.03 or "<0.001", got {data!r}')
            relation = match.group(1) or "="
            return {"relation": _UNICODE.get(relation, relation), "value": float(match.group(2))}
        return data

    def __str__(self) -> str:
        relation = {"<=": "≤", ">=": "≥"}.get(self.relation, self.relation)
        return f"p {relation} {self.value:g}"


_MAGNITUDE_LIMIT = 1e9
"""No reported effect comes near it; a forest plot's scale overflows near 1e308."""


def _check_range(measure: Measure | None, number: float, what: str) -> None:
    if abs(number) > _MAGNITUDE_LIMIT:
        raise ValueError(f"{what} {number:g} is implausibly large (at most {_MAGNITUDE_LIMIT:g})")
    if measure is None:
        return
    if measure.is_ratio and number <= 0:
        raise ValueError(f"{what} {number:g} is not positive; a {measure.label} must be > 0")
    if measure is Measure.PROPORTION and not 0 <= number <= 1:
        raise ValueError(f"{what} {number:g} is outside [0, 1]; write a proportion, not a percent")


class EffectEstimate(Frozen):
    """One effect a study reports for one comparison, outcome and time point."""

    comparison: Annotated[str, Spec()] = Field(
        min_length=1, description="What is compared, e.g. microneedling vs untreated half-face."
    )
    outcome: Annotated[str, Spec()] = Field(
        min_length=1, description="What was measured, e.g. Goodman and Baron grade."
    )
    timepoint: Annotated[str | None, Spec()] = Field(
        default=None, description="When it was measured, e.g. 3 months after the last session."
    )
    row: Annotated[str | None, Spec()] = Field(
        default=None,
        pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*/[a-z0-9]+(?:-[a-z0-9]+)*$",
        description="The claim's outcome row this estimate informs, as <comparison id>/<outcome "
        "id>; an estimate with no row is context, never in a summary.",
    )
    measure: Annotated[Measure, Spec()] = Field(description="What kind of number the estimate is.")
    # Validated even when absent so "value is required" points at the effect it belongs to.
    value: Annotated[float | None, Spec()] = Field(
        default=None,
        validate_default=True,
        description="The estimate as reported; none for p-value-only.",
    )
    ci: Annotated[tuple[float, float] | None, Spec()] = Field(
        default=None, description="Confidence interval: exactly two numbers, [low, high]."
    )
    ci_level: Annotated[float | None, Spec()] = Field(
        default=None, gt=0, lt=1, description="Level of the interval, e.g. 0.9; 0.95 if unstated."
    )
    p: Annotated[PValue | None, Spec()] = Field(
        default=None,
        validate_default=True,
        description='The reported p-value, e.g. 0.03 or "<0.001".',
    )
    participants: Annotated[int | None, Spec()] = Field(
        default=None, ge=1, description="Participants analysed for this estimate."
    )
    favours: Annotated[Favours | None, Spec()] = Field(
        default=None, description="Which arm the reported effect favours."
    )
    locator: Annotated[str, Spec()] = Field(
        min_length=1, description="Where the estimate is reported, e.g. Table 2."
    )

    @model_validator(mode="before")
    @classmethod
    def _default_level(cls, data: Any) -> Any:
        if isinstance(data, dict):
            has_ci = data.get("ci") is not None
            if data.get("ci_level") is not None and not has_ci:
                raise ValueError("ci_level is given without a ci")
            if has_ci and data.get("ci_level") is None:
                data = {**data, "ci_level": 0.95}
        return data

    @field_validator("ci_level")
    @classmethod
    def _reported_level(cls, level: float | None) -> float | None:
        # A level prints as a percentage with at most one decimal ("95% CI", "99.9% CI"):
        # 0.99999999999 would print as "100% CI".
        if level is not None and (abs(level * 100 - round(level * 100, 1)) > 1e-9 or level > 0.999):
            raise ValueError(
                f"ci_level {level:g} is not a level studies report; write e.g. 0.95 or 0.99"
            )
        return level

    @field_validator("value")
    @classmethod
    def _value(cls, value: float | None, info: ValidationInfo) -> float | None:
        measure: Measure | None = info.data.get("measure")
        if measure is Measure.P_VALUE_ONLY:
            if value is not None:
                raise ValueError("a p-value-only effect has no value; put the p-value in 'p'")
            return value
        if value is None:
            if measure is None:
                return value
            raise ValueError(f"value is required for a {measure.label}")
        _check_range(measure, value, "value")
        return value

    @field_validator("ci", mode="before")
    @classmethod
    def _two_bounds(cls, ci: Any) -> Any:
        if isinstance(ci, list | tuple) and len(ci) != 2:
            raise ValueError(
                f"ci needs exactly two numbers [low, high], got {len(ci)}; "
                "a one-sided interval cannot be recorded"
            )
        if ci is not None and not isinstance(ci, list | tuple):
            raise ValueError("ci needs exactly two numbers [low, high]")
        return ci

    @field_validator("ci")
    @classmethod
    def _ci(
        cls, ci: tuple[float, float] | None, info: ValidationInfo
    ) -> tuple[float, float] | None:
        if ci is None:
            return ci
        low, high = ci
        measure: Measure | None = info.data.get("measure")
        if measure is Measure.P_VALUE_ONLY:
            raise ValueError("a p-value-only effect has no ci; choose the measure the CI is for")
        if low > high:
            raise ValueError(f"ci [{low:g}, {high:g}] runs backwards; write [low, high]")
        _check_range(measure, low, "ci low bound")
        _check_range(measure, high, "ci high bound")
        value: float | None = info.data.get("value")
        if value is not None and not low <= value <= high:
            raise ValueError(f"ci [{low:g}, {high:g}] does not contain the value {value:g}")
        return ci

    @field_validator("p")
    @classmethod
    def _p(cls, p: PValue | None, info: ValidationInfo) -> PValue | None:
        if p is None and info.data.get("measure") is Measure.P_VALUE_ONLY:
            raise ValueError("a p-value-only effect needs 'p'")
        return p

    @property
    def level(self) -> float:
        """The confidence level of ``ci`` (0.95 unless stated)."""
        return self.ci_level if self.ci_level is not None else 0.95

    def describe(self) -> str:
        """The effect as one short phrase, e.g. ``odds ratio 2.1 (95% CI 1.2 to 3.4); p = 0.01``."""
        parts: list[str] = []
        if self.value is not None:
            text = f"{self.measure.label} {self.value:g}"
            if self.ci is not None:
                text += f" ({self.level * 100:g}% CI {self.ci[0]:g} to {self.ci[1]:g})"
            parts.append(text)
        if self.p is not None:
            parts.append(str(self.p))
        return "; ".join(parts)
