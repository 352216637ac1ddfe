"""Pooled estimates against a published worked example, and the reasons estimates are not pooled.

The worked example is metafor's dat.bcg: 13 trials of the BCG vaccine against tuberculosis
(Colditz et al. 1994, JAMA 271:698-702), as log risk ratios. The expected numbers are the
ones metafor's own test suite checks against Stata's metan:
wviechtb/metafor, tests/testthat/test_misc_metan_vs_rma.uni_with_dat.bcg.r, "results match
(FE model, measure='RR')" and "results match (RE model w/ DL estimator, measure='RR')".
"""

from __future__ import annotations

import math
import sys

import pytest

from needling_facts.errors import MissingExtraError
from needling_facts.evidence.effects import EffectEstimate, Measure
from needling_facts.evidence.inference import critical_value, implied_p, standard_error
from needling_facts.evidence.pooling import (
    NotPooled,
    PooledEstimate,
    absolute_per_1000,
    incompatibility,
    pool,
    pool_on_analysis_scale,
)

# dat.bcg: tpos, tneg (vaccinated), cpos, cneg (not vaccinated), trials 1 to 13 in order.
BCG = [
    (4, 119, 11, 128),
    (6, 300, 29, 274),
    (3, 228, 11, 209),
    (62, 13536, 248, 12619),
    (33, 5036, 47, 5761),
    (180, 1361, 372, 1079),
    (8, 2537, 10, 619),
    (505, 87886, 499, 87892),
    (29, 7470, 45, 7232),
    (17, 1699, 65, 1600),
    (186, 50448, 141, 27197),
    (5, 2493, 3, 2338),
    (27, 16886, 29, 17825),
]


def _log_risk_ratio(a: int, b: int, c: int, d: int) -> tuple[float, float]:
    """metafor's escalc(measure="RR"): log risk ratio and its large-sample variance."""
    yi = math.log((a / (a + b)) / (c / (c + d)))
    vi = 1 / a - 1 / (a + b) + 1 / c - 1 / (c + d)
    return yi, vi


def _bcg_estimates() -> list[EffectEstimate]:
    z = critical_value(0.95)
    out = []
    for row in BCG:
        yi, vi = _log_risk_ratio(*row)
        half = z * math.sqrt(vi)
        out.append(
            EffectEstimate(
                comparison="BCG vaccine vs no vaccine",
                outcome="tuberculosis",
                measure=Measure.RISK_RATIO,
                value=math.exp(yi),
                ci=(math.exp(yi - half), math.exp(yi + half)),
                locator="dat.bcg",
            )
        )
    return out


def _pooled(estimates: list[EffectEstimate]) -> PooledEstimate:
    result = pool(estimates)
    assert isinstance(result, PooledEstimate), result
    return result


def test_bcg_fixed_and_dersimonian_laird_match_metafor_to_3_decimals() -> None:
    result = _pooled(_bcg_estimates())
    assert result.studies == 13
    fixed, random = result.fixed, result.random
    assert math.log(fixed.value) == pytest.approx(-0.4303, abs=5e-4)
    assert [math.log(b) for b in fixed.ci] == pytest.approx([-0.5097, -0.3509], abs=5e-4)
    assert fixed.z == pytest.approx(-10.6247, abs=5e-4)
    assert result.q == pytest.approx(152.2330, abs=5e-4)
    assert math.log(random.value) == pytest.approx(-0.7141, abs=5e-4)
    assert [math.log(b) for b in random.ci] == pytest.approx([-1.0644, -0.3638], abs=5e-4)
    assert random.z == pytest.approx(-3.9952, abs=5e-4)
    assert result.tau2 == pytest.approx(0.3088, abs=5e-4)
    assert result.i2 * 100 == pytest.approx(92.1173, abs=5e-4)
    # Back on the ratio scale, as a reader sees it (metafor's predict(res, transf=exp)).
    assert fixed.value == pytest.approx(0.6503, abs=5e-4)
    assert fixed.ci == pytest.approx((0.6007, 0.7040), abs=5e-4)
    assert random.value == pytest.approx(0.4896, abs=5e-4)
    assert random.ci == pytest.approx((0.3449, 0.6950), abs=5e-4)
    assert random.p < 1e-4
    assert result.q_p < 1e-20


def test_the_analysis_scale_entry_gives_the_same_pool() -> None:
    rows = [_log_risk_ratio(*row) for row in BCG]
    direct = pool_on_analysis_scale(Measure.RISK_RATIO, [y for y, _ in rows], [v for _, v in rows])
    assert direct.random.value == pytest.approx(_pooled(_bcg_estimates()).random.value)


def test_homogeneous_differences_have_no_heterogeneity() -> None:
    # Two equal mean differences with equal CIs: the pool is the value, tau² and I² are 0,
    # and the pooled SE is the single SE over sqrt(2).
    one = EffectEstimate(
        comparison="a vs b", outcome="score", measure=Measure.MEAN_DIFFERENCE, value=2.0,
        ci=(0.04, 3.96), locator="t1",
    )  # fmt: skip
    result = _pooled([one, one])
    assert result.fixed.value == pytest.approx(2.0)
    assert result.random.value == pytest.approx(2.0)
    assert result.tau2 == 0.0
    assert result.i2 == 0.0
    assert result.q == pytest.approx(0.0)
    single_se = standard_error(one)
    assert single_se is not None
    assert single_se == pytest.approx(1.0, abs=1e-3)
    assert result.fixed.se == pytest.approx(single_se / math.sqrt(2))


def test_less_spread_than_chance_truncates_tau2_at_zero() -> None:
    # Q (0.005) below its 1 degree of freedom: the DerSimonian-Laird moment estimate is
    # negative, and is 0 by definition; statsmodels leaves it negative, pooling truncates it.
    near = [
        EffectEstimate(
            comparison="a vs b", outcome="score", measure=Measure.MEAN_DIFFERENCE, value=value,
            ci=(value - 1.96, value + 1.96), locator="t",
        )
        for value in (2.0, 2.1)
    ]  # fmt: skip
    result = _pooled(near)
    assert result.q == pytest.approx(0.005, abs=1e-4)
    assert result.tau2 == 0.0
    assert result.i2 == 0.0
    assert result.random == result.fixed
    assert result.fixed.value == pytest.approx(2.05)


def _effect(**fields: object) -> EffectEstimate:
    base: dict[str, object] = {
        "comparison": "a vs b",
        "outcome": "score",
        "measure": "odds-ratio",
        "value": 2.0,
        "ci": (1.2, 3.3),
        "locator": "Table 2",
    }
    return EffectEstimate.model_validate({**base, **fields})


@pytest.mark.parametrize(
    ("estimates", "reason"),
    [
        ([_effect()], "fewer than two estimates"),
        ([_effect(), _effect(measure="risk-ratio")], "different measures (odds ratio, risk ratio)"),
        ([_effect(), _effect(ci=None)], "estimate 2 has no CI"),
        (
            [_effect(measure="proportion", value=0.4, ci=(0.2, 0.6))] * 2,
            "a proportion is not a comparative effect",
        ),
        ([_effect(value=1.2, ci=(1.2, 1.2)), _effect()], "estimate 1 has a CI of zero width"),
        (
            [_effect(favours="intervention"), _effect(favours="comparator")],
            "opposite direction conventions",
        ),
    ],
)
def test_incompatible_estimates_are_not_pooled_and_say_why(
    estimates: list[EffectEstimate], reason: str
) -> None:
    found = incompatibility(estimates)
    assert found is not None
    assert found.startswith(reason)
    assert pool(estimates) == NotPooled(found)


def test_one_convention_with_opposite_signs_is_compatible() -> None:
    # Below 1 favouring the comparator is the same convention as above 1 favouring the
    # intervention: higher values are better for the intervention in both.
    above = _effect(favours="intervention")
    below = _effect(value=0.5, ci=(0.3, 0.8), favours="comparator")
    assert incompatibility([above, below]) is None


def test_pooling_without_the_stats_extra_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "statsmodels.stats.meta_analysis", None)
    with pytest.raises(MissingExtraError, match=r"needling-facts\[stats\]"):
        pool([_effect(), _effect()])
    # Incompatible estimates are answered without the extra: nothing needed pooling.
    assert isinstance(pool([_effect()]), NotPooled)


def test_implied_p_of_a_ratio_is_computed_on_the_log_scale() -> None:
    # OR 1.59 (0.73 to 3.46): log SE 0.397, z 1.17, p 0.243 (Kang 2021 reports p = 0.24).
    p = implied_p(_effect(value=1.59, ci=(0.73, 3.46)))
    assert p == pytest.approx(0.243, abs=1e-3)


def test_absolute_effects_per_1000() -> None:
    # GRADE's arithmetic: a risk ratio scales the risk; an odds ratio scales the odds.
    rr = absolute_per_1000(Measure.RISK_RATIO, 0.5, 0.2, ci=(0.25, 1.0))
    assert (rr.comparator, rr.intervention, rr.difference) == pytest.approx((200, 100, -100))
    assert rr.intervention_ci == pytest.approx((50, 200))
    odds = absolute_per_1000(Measure.ODDS_RATIO, 2.0, 0.2)
    # Baseline odds 0.25, doubled to 0.5, is a risk of 1/3.
    assert odds.intervention == pytest.approx(1000 / 3)
    assert odds.intervention_ci is None
    assert absolute_per_1000(Measure.RISK_RATIO, 4.0, 0.5).intervention == 1000
    with pytest.raises(ValueError, match="risk or odds ratio"):
        absolute_per_1000(Measure.MEAN_DIFFERENCE, 1.0, 0.2)
    with pytest.raises(ValueError, match="between 0 and 1"):
        absolute_per_1000(Measure.RISK_RATIO, 1.0, 20)
