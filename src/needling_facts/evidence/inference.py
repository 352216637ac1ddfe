"""What an effect estimate's confidence interval implies: its scale, standard error and p-value.

Pure arithmetic on one `EffectEstimate`, shared by pooling (weights) and the statistical
consistency checks (the p-value a CI implies). A CI of a difference is symmetric on the natural
scale; a CI of a ratio is symmetric on the log scale, so ratios are analysed as logarithms. The
normal distribution is the standard library's (`statistics.NormalDist`): Wald intervals, the
ones meta-analyses and most trial reports print.
"""

from __future__ import annotations

import math
from statistics import NormalDist

from needling_facts.evidence.effects import EffectEstimate, Measure

__all__ = [
    "COMPARATIVE_MEASURES",
    "analysis_scale",
    "critical_value",
    "implied_p",
    "natural_scale",
    "standard_error",
]

COMPARATIVE_MEASURES = frozenset(
    {
        Measure.MEAN_DIFFERENCE,
        Measure.STANDARDISED_MEAN_DIFFERENCE,
        Measure.ODDS_RATIO,
        Measure.RISK_RATIO,
        Measure.RISK_DIFFERENCE,
    }
)
"""Measures that compare two arms, with a no-effect value, and a CI symmetric on their scale.

A proportion's CI is often exact or Wilson (asymmetric by design), and a percent change from
baseline is a within-arm summary; neither is pooled or tested here.
"""

_STANDARD_NORMAL = NormalDist()


def analysis_scale(measure: Measure, number: float) -> float:
    """``number`` on the scale its CI is symmetric on: the log of a ratio, else itself."""
    return math.log(number) if measure.is_ratio else number


def natural_scale(measure: Measure, number: float) -> float:
    """The inverse of `analysis_scale`."""
    return math.exp(number) if measure.is_ratio else number


def critical_value(level: float) -> float:
    """The two-sided standard normal quantile of a ``level`` interval (1.96 for 0.95)."""
    return _STANDARD_NORMAL.inv_cdf(0.5 + level / 2)


def standard_error(effect: EffectEstimate) -> float | None:
    """The standard error (on the analysis scale) that ``effect``'s CI implies, if it has one.

    None for a measure that is not comparative, an effect without a CI, or a CI of zero width
    (which implies no uncertainty at all, and would take every weight in a pool).
    """
    if effect.measure not in COMPARATIVE_MEASURES or effect.ci is None:
        return None
    low, high = (analysis_scale(effect.measure, bound) for bound in effect.ci)
    width = high - low
    if width <= 0:
        return None
    return width / (2 * critical_value(effect.level))


def implied_p(effect: EffectEstimate) -> float | None:
    """The two-sided p-value of a Wald test against no effect that the value and CI imply."""
    se = standard_error(effect)
    no_effect = effect.measure.no_effect
    if se is None or effect.value is None or no_effect is None:
        return None
    z = abs(
        analysis_scale(effect.measure, effect.value) - analysis_scale(effect.measure, no_effect)
    )
    # The lower tail keeps precision where 1 - cdf would round to 0.
    return 2 * _STANDARD_NORMAL.cdf(-z / se)
