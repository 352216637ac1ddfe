"""Pooled estimates: inverse-variance fixed and random effects (DerSimonian-Laird).

Pure functions, no I/O. Given two or more compatible effect estimates (same comparative measure,
the same direction convention, each with a CI), `pool` returns the fixed-effect and the
random-effects estimate with their CIs, tau², I², Cochran's Q and its p-value; or a
`NotPooled` whose reason says why the estimates cannot be combined. Ratios are pooled on the
log scale and reported back as ratios. `absolute_per_1000` turns a risk or odds ratio and a
baseline risk into the absolute effects a summary-of-findings table prints.

The arithmetic is statsmodels' (``statsmodels.stats.meta_analysis.combine_effects``, checked by
its authors against R's metafor), in the optional ``stats`` extra: this module imports without
it, and `pool` raises `MissingExtraError` naming the extra when it is missing. statsmodels
offers DerSimonian-Laird and Paule-Mandel for tau², not REML; DerSimonian-Laird is the one
Cochrane's RevMan used for two decades, so it is the one reported. statsmodels does not
truncate that tau² (nor I²) at 0; this module does, as DerSimonian and Laird and metafor do.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

from needling_facts.errors import MissingExtraError
from needling_facts.evidence.effects import EffectEstimate, Favours, Measure
from needling_facts.evidence.inference import (
    COMPARATIVE_MEASURES,
    analysis_scale,
    critical_value,
    natural_scale,
    standard_error,
)

__all__ = [
    "AbsoluteEffect",
    "NotPooled",
    "PooledEstimate",
    "Summary",
    "absolute_per_1000",
    "direction_convention",
    "incompatibility",
    "pool",
    "pool_on_analysis_scale",
]


@dataclass(frozen=True, slots=True)
class Summary:
    """One pooled estimate: ``value`` and ``ci`` on the measure's own scale (ratios as ratios),
    ``se`` and ``z`` on the analysis scale (log for ratios), ``p`` two-sided against no effect."""

    value: float
    ci: tuple[float, float]
    se: float
    z: float
    p: float


@dataclass(frozen=True, slots=True)
class PooledEstimate:
    """The inverse-variance pool of ``studies`` estimates of one measure at CI ``level``."""

    measure: Measure
    studies: int
    level: float
    fixed: Summary
    """Fixed (common) effect: every study estimates one true effect."""
    random: Summary
    """Random effects (DerSimonian-Laird tau²): the true effects vary between studies."""
    tau2: float
    """Between-study variance, on the analysis scale."""
    i2: float
    """Share of the variability due to heterogeneity rather than chance, from 0 to 1."""
    q: float
    """Cochran's Q, on ``studies - 1`` degrees of freedom."""
    q_p: float
    """The p-value of Q (the chi-squared test of heterogeneity)."""
    method: str = "DerSimonian-Laird"


@dataclass(frozen=True, slots=True)
class NotPooled:
    """Why a set of estimates was not pooled, as a phrase for a reader."""

    reason: str


def direction_convention(effect: EffectEstimate) -> int | None:
    """+1 when values above no effect favour the intervention, -1 when below, None if unknown."""
    no_effect = effect.measure.no_effect
    if effect.value is None or no_effect is None or effect.value == no_effect:
        return None
    above = effect.value > no_effect
    if effect.favours is Favours.INTERVENTION:
        return 1 if above else -1
    if effect.favours is Favours.COMPARATOR:
        return -1 if above else 1
    return None


def incompatibility(estimates: Sequence[EffectEstimate]) -> str | None:
    """Why ``estimates`` cannot be pooled, or None when they can.

    Pooling needs two or more estimates of one comparative measure, each with a CI, and no two
    whose ``favours`` show opposite direction conventions (one reading higher values as better
    for the intervention, the other lower). Whether they share a comparison and an outcome is
    the caller's judgement: the free-text fields cannot tell.
    """
    if len(estimates) < 2:
        return "fewer than two estimates"
    measures = sorted({e.measure for e in estimates})
    if len(measures) > 1:
        return "different measures (" + ", ".join(m.label for m in measures) + ")"
    measure = measures[0]
    if measure not in COMPARATIVE_MEASURES:
        return f"a {measure.label} is not a comparative effect"
    for number, effect in enumerate(estimates, start=1):
        if effect.ci is None:
            return f"estimate {number} has no CI"
        if standard_error(effect) is None:
            return f"estimate {number} has a CI of zero width"
    conventions = {c for c in map(direction_convention, estimates) if c is not None}
    if len(conventions) > 1:
        return (
            "opposite direction conventions (by their 'favours', higher values favour the "
            "intervention in one estimate and the comparator in another)"
        )
    return None


def _combine_effects() -> Any:
    try:
        from statsmodels.stats.meta_analysis import combine_effects
    except ImportError:
        raise MissingExtraError("pooling effect estimates", "stats") from None
    return combine_effects


def _chi2_sf(q: float, df: int) -> float:
    from scipy.stats import chi2  # a dependency of statsmodels, so present with the extra

    return float(chi2.sf(q, df))


def pool_on_analysis_scale(
    measure: Measure, values: Sequence[float], variances: Sequence[float], level: float = 0.95
) -> PooledEstimate:
    """Pool ``values`` (log ratios for a ratio measure) with their sampling ``variances``.

    The lower-level entry, for estimates already on the analysis scale (a published worked
    example's ``yi`` and ``vi``); `pool` derives both from effect estimates and their CIs.
    """
    if len(values) != len(variances) or len(values) < 2:
        raise ValueError("pooling needs two or more values, each with one variance")
    if any(not (v > 0 and math.isfinite(v)) for v in variances):
        raise ValueError("every variance must be positive and finite")
    combine_effects = _combine_effects()
    import numpy as np  # a dependency of statsmodels; combine_effects needs arrays

    # statsmodels 0.14-0.15 leaves the DerSimonian-Laird tau² and I² negative when Q is
    # below its degrees of freedom (DerSimonian and Laird truncate both at 0, as metafor
    # does); a negative tau² can make a random-effects weight infinite, hence errstate.
    with np.errstate(divide="ignore", invalid="ignore"):
        result = combine_effects(
            np.asarray(values, dtype=float),
            np.asarray(variances, dtype=float),
            method_re="dl",
            alpha=1 - level,
        )
    z_crit = critical_value(level)

    def summary(mean: float, se: float) -> Summary:
        z = mean / se  # no effect is 0 on the analysis scale (log 1 for ratios)
        return Summary(
            value=natural_scale(measure, mean),
            ci=(
                natural_scale(measure, mean - z_crit * se),
                natural_scale(measure, mean + z_crit * se),
            ),
            se=se,
            z=z,
            p=2 * NormalDist().cdf(-abs(z)),
        )

    q = float(result.q)
    fixed = summary(float(result.mean_effect_fe), float(result.sd_eff_w_fe))
    tau2 = max(float(result.tau2), 0.0)
    # With tau² truncated to 0 the random-effects model is the fixed-effect model exactly.
    random = (
        fixed if tau2 == 0 else summary(float(result.mean_effect_re), float(result.sd_eff_w_re))
    )
    degrees = len(values) - 1
    return PooledEstimate(
        measure=measure,
        studies=len(values),
        level=level,
        fixed=fixed,
        random=random,
        tau2=tau2,
        i2=max(float(result.i2), 0.0) if q > 0 else 0.0,
        q=q,
        q_p=_chi2_sf(q, degrees),
    )


def pool(estimates: Sequence[EffectEstimate], level: float = 0.95) -> PooledEstimate | NotPooled:
    """The pooled estimate of compatible ``estimates``, or why they cannot be pooled.

    Each estimate's standard error comes from its own CI and level; the pooled CIs are at
    ``level``. Raises `MissingExtraError` when the ``stats`` extra is not installed.
    """
    reason = incompatibility(estimates)
    if reason is not None:
        return NotPooled(reason)
    measure = estimates[0].measure
    values = [analysis_scale(measure, e.value) for e in estimates if e.value is not None]
    variances = [se**2 for e in estimates if (se := standard_error(e)) is not None]
    return pool_on_analysis_scale(measure, values, variances, level)


@dataclass(frozen=True, slots=True)
class AbsoluteEffect:
    """Risks per 1,000 people: with the comparator, with the intervention, and the difference."""

    comparator: float
    intervention: float
    intervention_ci: tuple[float, float] | None

    @property
    def difference(self) -> float:
        """More (positive) or fewer (negative) per 1,000 with the intervention."""
        return self.intervention - self.comparator


def _risk_with(measure: Measure, ratio: float, baseline: float) -> float:
    if measure is Measure.RISK_RATIO:
        return min(baseline * ratio, 1.0)
    # An odds ratio applied to the baseline odds, converted back to a risk.
    return ratio * baseline / (1 - baseline + ratio * baseline)


def absolute_per_1000(
    measure: Measure, ratio: float, baseline_risk: float, ci: tuple[float, float] | None = None
) -> AbsoluteEffect:
    """The absolute effect of a risk or odds ``ratio`` (with its ``ci``) at ``baseline_risk``.

    As in a GRADE summary-of-findings table: the comparator's risk per 1,000 and the
    intervention's risk (with a CI from the ratio's CI). A risk ratio that would carry the
    risk above 1 is capped at 1,000 per 1,000.
    """
    if not measure.is_ratio:
        raise ValueError(
            f"an absolute effect per 1,000 needs a risk or odds ratio, not a {measure.label}"
        )
    if not 0 <= baseline_risk <= 1:
        raise ValueError(f"baseline risk {baseline_risk:g} is not a proportion between 0 and 1")
    if ratio <= 0 or (ci is not None and ci[0] <= 0):
        raise ValueError("a ratio and its CI bounds must be positive")
    interval = None
    if ci is not None:
        interval = (
            1000 * _risk_with(measure, ci[0], baseline_risk),
            1000 * _risk_with(measure, ci[1], baseline_risk),
        )
    return AbsoluteEffect(
        comparator=1000 * baseline_risk,
        intervention=1000 * _risk_with(measure, ratio, baseline_risk),
        intervention_ci=interval,
    )
