"""Statistical consistency of reported effects, in the spirit of statcheck and GRIM.

Each check recomputes something a reported number implies and compares it with what else is
reported, allowing for rounding: a reported number stands for every number that rounds to it
(``0.2`` for anything from 0.15 to 0.25). Only what cannot be explained by rounding is
reported. Where a reporting convention can explain a mismatch (a t-based or exact test behind
the p-value, an exact CI, a denominator that is not people), the code is a warning: it asks a
contributor to look again at the source, not to change a number.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from statistics import NormalDist

from needling_facts.diagnostics import Problem, Severity, declare_code
from needling_facts.evidence.claim import Claim
from needling_facts.evidence.effects import EffectEstimate, Favours, Measure, PValue
from needling_facts.evidence.inference import (
    COMPARATIVE_MEASURES,
    analysis_scale,
    critical_value,
    implied_p,
)
from needling_facts.evidence.item import Evidence
from needling_facts.sources.claim_files import ClaimFile

__all__ = ["statistics_problems"]

EFFECT_P_INCONSISTENT = declare_code(
    "effect.p-inconsistent",
    Severity.WARNING,
    "The p-value that an estimate and its CI imply (Wald test against no effect; ratios on "
    "the log scale) differs from the reported p-value beyond rounding.",
    "value: 3.4, ci: [0.2, 6.5], p: 0.5",
)
EFFECT_CI_ASYMMETRIC = declare_code(
    "effect.ci-asymmetric",
    Severity.WARNING,
    "A CI is asymmetric around its value, beyond rounding, on the scale where it should be "
    "symmetric (differences: as written; ratios: on the log scale).",
    "measure: mean-difference, value: 1.0, ci: [0.5, 3.0]",
)
EFFECT_IMPOSSIBLE_PROPORTION = declare_code(
    "effect.impossible-proportion",
    Severity.WARNING,
    "No whole number of the participants analysed gives the reported proportion, even allowing "
    "for rounding (the GRIM test).",
    "measure: proportion, value: 0.5, participants: 7",
)
EFFECT_MORE_ANALYSED_THAN_ENROLLED = declare_code(
    "effect.more-analysed-than-enrolled",
    Severity.ERROR,
    "An effect's participants (those analysed) exceed the item's participants (those the "
    "study enrolled).",
    "participants: 20 on the item, participants: 25 on one of its effects",
)
EFFECT_FAVOURS_CONTRADICTED = declare_code(
    "effect.favours-contradicted",
    Severity.WARNING,
    "An effect's `favours` contradicts its numbers: `neither` for an estimate whose CI excludes "
    "no effect (or p < 0.05), or the wrong arm for an outcome that says whether lower or "
    "higher is better.",
    "outcome: pain (lower is better), value: -1.2, favours: comparator",
)

_NORMAL = NormalDist()
_ALPHA = 0.05
"""The significance threshold a p-value-only effect's `favours` is read against."""
_POLARITY = re.compile(r"\b(lower|higher) is better\b", re.I)
_TINY = 1e-300
"""Stands in for a ratio bound that rounding could take to 0 (its log must be finite)."""


def _half_unit(number: float) -> float:
    """Half a unit in the last written decimal: how far a rounded number may be from the truth.

    A YAML number keeps no trailing zeros (0.50 reads as 0.5), so the allowance is at least as
    wide as the one the source printed: never a false alarm from that.
    """
    exponent = Decimal(repr(float(number))).normalize().as_tuple().exponent
    decimals = max(-exponent, 0) if isinstance(exponent, int) else 0
    return 0.5 * 10.0**-decimals


def _span(number: float, half: float | None = None) -> tuple[float, float]:
    half = _half_unit(number) if half is None else half
    return number - half, number + half


def _shared_half_unit(value: float, ci: tuple[float, float]) -> float:
    """One rounding for an estimate and its CI: a study prints them to the same decimals,
    and YAML drops trailing zeros (2.10 reads as 2.1), so the finest of the three is meant."""
    return min(_half_unit(value), _half_unit(ci[0]), _half_unit(ci[1]))


def _on_scale(measure: Measure, number: float) -> float:
    return analysis_scale(measure, max(number, _TINY) if measure.is_ratio else number)


def _implied_p_range(effect: EffectEstimate) -> tuple[float, float] | None:
    """The smallest and largest p-value the rounded value and CI are compatible with."""
    no_effect = effect.measure.no_effect
    if effect.value is None or effect.ci is None or no_effect is None:
        return None
    measure = effect.measure
    half = _shared_half_unit(effect.value, effect.ci)
    low_lo, low_hi = _span(effect.ci[0], half)
    high_lo, high_hi = _span(effect.ci[1], half)
    crit = 2 * critical_value(effect.level)
    se_min = (_on_scale(measure, high_lo) - _on_scale(measure, low_hi)) / crit
    se_max = (_on_scale(measure, high_hi) - _on_scale(measure, low_lo)) / crit
    if se_max <= 0:
        return None
    null = analysis_scale(measure, no_effect)
    lo, hi = (_on_scale(measure, bound) - null for bound in _span(effect.value, half))
    distance_min = 0.0 if lo <= 0 <= hi else min(abs(lo), abs(hi))
    distance_max = max(abs(lo), abs(hi))
    z_min = distance_min / se_max
    z_max = math.inf if se_min <= 0 else distance_max / se_min
    return 2 * _NORMAL.cdf(-z_max), 2 * _NORMAL.cdf(-z_min)


def _reported_p_range(p: PValue) -> tuple[float, float]:
    if p.relation in {"<", "<="}:
        return 0.0, p.value
    if p.relation in {">", ">="}:
        return p.value, 1.0
    low, high = _span(p.value)
    return max(low, 0.0), min(high, 1.0)


def _estimate(effect: EffectEstimate) -> str:
    ci = effect.ci or (math.nan, math.nan)
    return (
        f"{effect.measure.label} {effect.value:g} "
        f"({effect.level * 100:g}% CI {ci[0]:g} to {ci[1]:g})"
    )


def _p_problem(effect: EffectEstimate) -> str | None:
    if effect.p is None or effect.measure not in COMPARATIVE_MEASURES:
        return None
    implied = _implied_p_range(effect)
    if implied is None:
        return None
    reported = _reported_p_range(effect.p)
    if implied[1] < reported[0] or implied[0] > reported[1]:
        return (
            f"{effect.p} is reported, but {_estimate(effect)} implies "
            f"p = {implied_p(effect) or 0:.2g} (from {implied[0]:.2g} to {implied[1]:.2g} "
            "allowing for rounding); check both against the source (a t-test or an exact "
            "test can differ a little)"
        )
    return None


def _asymmetry_problem(effect: EffectEstimate) -> str | None:
    if effect.measure not in COMPARATIVE_MEASURES or effect.value is None or effect.ci is None:
        return None
    measure = effect.measure
    half = _shared_half_unit(effect.value, effect.ci)
    (v_lo, v_hi), (l_lo, l_hi), (h_lo, h_hi) = (
        _span(effect.value, half),
        _span(effect.ci[0], half),
        _span(effect.ci[1], half),
    )

    def g(number: float) -> float:
        return _on_scale(measure, number)

    # (high - value) - (value - low) grows with high and low and falls with value.
    least = g(h_lo) + g(l_lo) - 2 * g(v_hi)
    most = g(h_hi) + g(l_hi) - 2 * g(v_lo)
    if least <= 0 <= most:
        return None
    below = g(effect.value) - g(effect.ci[0])
    above = g(effect.ci[1]) - g(effect.value)
    scale = "log scale" if measure.is_ratio else "scale it is written on"
    return (
        f"ci [{effect.ci[0]:g}, {effect.ci[1]:g}] is not symmetric around {effect.value:g} on the "
        f"{scale} ({below:.3g} below, {above:.3g} above) beyond rounding; {measure.label} "
        "CIs are symmetric there unless exact or bootstrapped: check the numbers"
    )


def _grim_problem(effect: EffectEstimate) -> str | None:
    if effect.measure is not Measure.PROPORTION or effect.value is None:
        return None
    n = effect.participants
    if n is None:
        return None
    low, high = _span(effect.value)
    # Some k in 0..n has low <= k/n <= high when the nearest multiples of 1/n reach the span.
    if math.floor(high * n + 1e-9) >= math.ceil(low * n - 1e-9):
        return None
    below = math.floor(effect.value * n)
    return (
        f"proportion {effect.value:g} cannot come from {n} participants: the nearest are "
        f"{below}/{n} = {below / n:.4g} and {below + 1}/{n} = {(below + 1) / n:.4g}; "
        "check the value, the number analysed, or whether the "
        "proportion counts something other than people"
    )


def _favours_problem(effect: EffectEstimate) -> str | None:
    favours = effect.favours
    if favours is None or effect.measure not in COMPARATIVE_MEASURES | {Measure.P_VALUE_ONLY}:
        return None
    no_effect = effect.measure.no_effect
    if favours is Favours.NEITHER:
        if (
            effect.ci is not None
            and no_effect is not None
            and not (effect.ci[0] <= no_effect <= effect.ci[1])
        ):
            return (
                f"favours 'neither', but the CI [{effect.ci[0]:g}, {effect.ci[1]:g}] excludes "
                f"no effect ({no_effect:g}); say which arm it favours"
            )
        p = effect.p
        if effect.ci is None and p is not None and p.relation != ">" and p.value < _ALPHA:
            return (
                f"favours 'neither', but {p} is below {_ALPHA:g}; say which arm it favours, or "
                "whether the comparison is one the claim is about"
            )
        return None
    polarity = _POLARITY.search(effect.outcome)
    if polarity is None or effect.value is None or no_effect is None or effect.value == no_effect:
        return None
    higher_is_better = polarity.group(1).lower() == "higher"
    expected = (
        Favours.INTERVENTION
        if (effect.value > no_effect) == higher_is_better
        else Favours.COMPARATOR
    )
    if favours is expected:
        return None
    return (
        f"favours {favours.value!r}, but {effect.value:g} is "
        f"{'above' if effect.value > no_effect else 'below'} no effect ({no_effect:g}) and the "
        f"outcome says {polarity.group(0).lower()!r}: that favours the {expected.value} (the "
        "first-named side of the comparison)"
    )


def _participants_problem(item: Evidence, effect: EffectEstimate) -> str | None:
    if item.participants is None or effect.participants is None:
        return None
    if effect.participants <= item.participants:
        return None
    return (
        f"{effect.participants} analysed, but {item.ref} enrolled {item.participants}; the "
        "number analysed cannot exceed those enrolled"
    )


_CHECKS = (
    (EFFECT_P_INCONSISTENT, "p", _p_problem),
    (EFFECT_CI_ASYMMETRIC, "ci", _asymmetry_problem),
    (EFFECT_IMPOSSIBLE_PROPORTION, "value", _grim_problem),
    (EFFECT_FAVOURS_CONTRADICTED, "favours", _favours_problem),
)


def statistics_problems(file: ClaimFile, claim: Claim) -> list[Problem]:
    """Every effect of every evidence item, checked for numbers that contradict each other."""
    problems: list[Problem] = []
    for index, item in enumerate(claim.evidence):
        for position, effect in enumerate(item.effects):
            where = ("evidence", index, "effects", position)
            for code, key, check in _CHECKS:
                message = check(effect)
                if message is not None:
                    line = file.line_of(*where, key)
                    problems.append(code.at(file.path, line, 1, f"{item.ref}: {message}"))
            message = _participants_problem(item, effect)
            if message is not None:
                line = file.line_of(*where, "participants")
                problems.append(EFFECT_MORE_ANALYSED_THAN_ENROLLED.at(file.path, line, 1, message))
    return problems
