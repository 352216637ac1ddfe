"""The best estimate of one outcome row, as a summary-of-findings table prints it.

In order of preference: the pooled estimate of a cited meta-analysis of that comparison and
outcome (the row's ``pooled_from``); a pool the library computes from two or more compatible
study estimates (random effects, `needling_facts.evidence.pooling`); the single study's
estimate; or no estimate, with the reason. Primary studies a cited review in the row
``includes`` are not pooled beside it (they would count twice). Absolute effects per 1,000
follow from a risk or odds ratio where the row records the comparator group's risk.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from needling_facts.errors import MissingExtraError
from needling_facts.evidence.bodies import Comparison, OutcomeRow
from needling_facts.evidence.effects import EffectEstimate, Measure, PValue
from needling_facts.evidence.item import Evidence
from needling_facts.evidence.pooling import (
    AbsoluteEffect,
    NotPooled,
    absolute_per_1000,
    pool,
)

__all__ = ["BestEstimate", "EstimateKind", "best_estimate", "row_estimates"]


class EstimateKind(StrEnum):
    """Where a row's best estimate comes from."""

    META_ANALYSIS = "meta-analysis"
    POOLED = "pooled"
    SINGLE_STUDY = "single-study"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class BestEstimate:
    """A row's best estimate: its kind, the numbers, and the studies behind it."""

    kind: EstimateKind
    studies: tuple[str, ...]
    """The keys whose estimates it is (one for a meta-analysis or a single study)."""
    measure: Measure | None = None
    value: float | None = None
    ci: tuple[float, float] | None = None
    level: float = 0.95
    p: PValue | None = None
    i2: float | None = None
    """Pooled by the library only: share of variability due to heterogeneity (0 to 1)."""
    tau2: float | None = None
    """Pooled by the library only: between-study variance on the analysis scale."""
    absolute: AbsoluteEffect | None = None
    reason: str | None = None
    """Why there is no estimate (kind none), or why several estimates were not pooled."""

    def describe(self) -> str:
        """E.g. ``mean difference 3.4 (95% CI 1.2 to 5.6)``; the reason when there is none."""
        if self.kind is EstimateKind.NONE or self.measure is None:
            return f"no estimate: {self.reason}"
        parts: list[str] = []
        if self.value is not None:
            text = f"{self.measure.label} {self.value:.3g}"
            if self.ci is not None:
                text += f" ({self.level * 100:g}% CI {self.ci[0]:.3g} to {self.ci[1]:.3g})"
            parts.append(text)
        if self.p is not None:
            parts.append(str(self.p))
        if self.i2 is not None:
            parts.append(f"I² = {self.i2 * 100:.0f}%")
        return "; ".join(parts)


def row_estimates(
    comparison: Comparison, row: OutcomeRow, items: Iterable[Evidence]
) -> tuple[tuple[str, EffectEstimate], ...]:
    """Every estimate that joins ``row``, with its study's key, in the claim's order."""
    path = f"{comparison.id}/{row.id}"
    keys = set(row.studies)
    return tuple(
        (item.ref, effect)
        for item in items
        if item.ref in keys
        for effect in item.effects
        if effect.row == path
    )


def _single(key: str, effect: EffectEstimate, kind: EstimateKind) -> BestEstimate:
    return BestEstimate(
        kind=kind,
        studies=(key,),
        measure=effect.measure,
        value=effect.value,
        ci=effect.ci,
        level=effect.level,
        p=effect.p,
    )


def _with_absolute(estimate: BestEstimate, row: OutcomeRow) -> BestEstimate:
    if (
        row.baseline_risk is None
        or estimate.measure is None
        or not estimate.measure.is_ratio
        or estimate.value is None
    ):
        return estimate
    absolute = absolute_per_1000(estimate.measure, estimate.value, row.baseline_risk, estimate.ci)
    return dataclasses.replace(estimate, absolute=absolute)


def best_estimate(
    comparison: Comparison, row: OutcomeRow, items: Iterable[Evidence]
) -> BestEstimate:
    """The best estimate of ``row`` from the claim's evidence ``items`` (see the module doc)."""
    every = tuple(items)
    estimates = row_estimates(comparison, row, every)
    if row.pooled_from is not None:
        for key, effect in estimates:
            if key == row.pooled_from and effect.value is not None:
                return _with_absolute(_single(key, effect, EstimateKind.META_ANALYSIS), row)
    included = {key for item in every if item.ref in row.studies for key in item.includes}
    first: dict[str, EffectEstimate] = {}
    for key, effect in estimates:
        if key not in included and effect.value is not None:
            first.setdefault(key, effect)
    if not first:
        reason = (
            "the studies report p-values only"
            if estimates
            else "no study reports a numerical estimate for this outcome"
        )
        return BestEstimate(EstimateKind.NONE, tuple(row.studies), reason=reason)
    if len(first) == 1:
        ((key, effect),) = first.items()
        return _with_absolute(_single(key, effect, EstimateKind.SINGLE_STUDY), row)
    try:
        pooled = pool(list(first.values()))
    except MissingExtraError as error:
        return BestEstimate(EstimateKind.NONE, tuple(first), reason=str(error))
    if isinstance(pooled, NotPooled):
        return BestEstimate(
            EstimateKind.NONE,
            tuple(first),
            reason=f"{len(first)} study estimates that cannot be pooled: {pooled.reason}",
        )
    estimate = BestEstimate(
        kind=EstimateKind.POOLED,
        studies=tuple(first),
        measure=pooled.measure,
        value=pooled.random.value,
        ci=pooled.random.ci,
        level=pooled.level,
        p=PValue(relation="=", value=max(pooled.random.p, 1e-300)),
        i2=pooled.i2,
        tau2=pooled.tau2,
    )
    return _with_absolute(estimate, row)
