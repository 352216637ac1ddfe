"""The statistical consistency checks: one fixture claim per code, located at the offending key,
and numbers that agree once rounding is allowed for left alone."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path
from statistics import NormalDist

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import needling_facts as nf
from needling_facts.checks.statistics import (
    _asymmetry_problem,
    _half_unit,
    _p_problem,
    statistics_problems,
)
from needling_facts.evidence.effects import EffectEstimate
from needling_facts.evidence.inference import critical_value
from needling_facts.sources.claim_files import parse_claim_file
from tests.conftest import FIXTURES, line_containing

CASE = FIXTURES / "statistics"
CLAIMS = CASE / "claims"


@pytest.fixture(scope="module")
def lib() -> nf.Library:
    return nf.load(bib=CASE / "references.bib", claims_dir=CLAIMS)


def _found(lib: nf.Library, stem: str) -> list[tuple[str, int, str]]:
    return [
        (p.code, p.line, p.message)
        for p in lib.problems
        if Path(p.path).stem == stem and p.code.startswith("effect.")
    ]


@pytest.mark.parametrize(
    ("stem", "code", "needle", "message"),
    [
        (
            "p-inconsistent",
            "effect.p-inconsistent",
            "p: 0.5",
            "p = 0.5 is reported, but mean difference 3.4 (95% CI 0.2 to 6.5) implies "
            "p = 0.034 (from 0.029 to 0.04 allowing for rounding)",
        ),
        (
            "ci-asymmetric",
            "effect.ci-asymmetric",
            "ci: [1.9, 8.0]",
            "not symmetric around 2 on the log scale (0.0513 below, 1.39 above)",
        ),
        (
            "impossible-proportion",
            "effect.impossible-proportion",
            "value: 0.5",
            "proportion 0.5 cannot come from 7 participants: the nearest are 3/7 = 0.4286 and "
            "4/7 = 0.5714",
        ),
        (
            "more-analysed",
            "effect.more-analysed-than-enrolled",
            "participants: 40",
            "40 analysed, but Series2019 enrolled 36",
        ),
        (
            "favours-neither",
            "effect.favours-contradicted",
            "favours: neither",
            "favours 'neither', but the CI [1.1, 2.05] excludes no effect (1)",
        ),
        (
            "favours-backwards",
            "effect.favours-contradicted",
            "favours: comparator",
            "-1.2 is below no effect (0) and the outcome says 'lower is better': that favours "
            "the intervention",
        ),
    ],
)
def test_each_code_is_located_at_its_key(
    lib: nf.Library, stem: str, code: str, needle: str, message: str
) -> None:
    found = _found(lib, stem)
    assert [c for c, _, _ in found] == [code], found
    _, line, text = found[0]
    assert line == line_containing(CLAIMS / f"{stem}.md", needle)
    assert message in text


def test_numbers_consistent_within_rounding_are_left_alone(lib: nf.Library) -> None:
    # Alam 2014's MD 3.4 (0.2 to 6.5), p = 0.03 implies p = 0.034; Kang 2021's OR 1.59
    # (0.73 to 3.46), p = 0.24 implies 0.243; 22/32 = 0.6875 prints as 0.688.
    assert _found(lib, "consistent") == []


def test_only_analysed_above_enrolled_is_an_error(lib: nf.Library) -> None:
    severities = {p.code: p.severity.value for p in lib.problems if p.code.startswith("effect.")}
    assert severities == {
        "effect.p-inconsistent": "warning",
        "effect.ci-asymmetric": "warning",
        "effect.impossible-proportion": "warning",
        "effect.favours-contradicted": "warning",
        "effect.more-analysed-than-enrolled": "error",
    }


def _problems_for(effect: str, participants: int = 1000) -> list[str]:
    text = (CLAIMS / "consistent.md").read_text()
    start = text.index("    effects:\n")
    end = text.index("last_reviewed:")
    text = text[:start] + "    effects:\n" + effect + text[end:]
    text = text.replace("participants: 36\n", f"participants: {participants}\n", 1)
    parsed = parse_claim_file(text, "x.md", "x")
    assert parsed.claim is not None, parsed.problems
    return [p.code for p in statistics_problems(parsed, parsed.claim)]


def _effect(**fields: object) -> str:
    lines = ["      - comparison: a vs b", "        outcome: score", "        locator: T1"]
    lines += [f"        {key}: {value}" for key, value in fields.items()]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("fields", "codes"),
    [
        # A p-value written as an inequality is a range: p < 0.001 fits an implied 1e-7.
        ({"measure": "odds-ratio", "value": 2.97, "ci": "[1.96, 4.51]", "p": '"<0.001"'}, []),
        # ... and p > 0.05 cannot describe an estimate whose CI excludes no effect by far.
        (
            {"measure": "odds-ratio", "value": 2.97, "ci": "[1.96, 4.51]", "p": '">0.05"'},
            ["effect.p-inconsistent"],
        ),
        # A ratio's CI is symmetric on the log scale, not as written: 2 (1 to 4) is fine.
        ({"measure": "risk-ratio", "value": 2.0, "ci": "[1.0, 4.0]"}, []),
        # ... and a difference's CI as written: 2.1 (1.1 to 4.1) is not.
        ({"measure": "mean-difference", "value": 2.1, "ci": "[1.1, 4.1]"}, ["effect.ci-asymmetric"]),
        # One rounding for value and CI: 1.25 (0.5 to 2.0) means 1.25 (0.50 to 2.00).
        ({"measure": "mean-difference", "value": 1.25, "ci": "[0.5, 2.0]"}, []),
        ({"measure": "mean-difference", "value": 1.25, "ci": "[0.5, 2.1]"}, ["effect.ci-asymmetric"]),
        # Rounding to one decimal explains 0.1 of lopsidedness: 3.4 (0.2 to 6.5).
        ({"measure": "mean-difference", "value": 3.4, "ci": "[0.2, 6.5]"}, []),
        # A CI at another level: 1.0 (0.1 to 1.9) at 99% implies p = 0.0047, so p = 0.005.
        (
            {"measure": "mean-difference", "value": 1.0, "ci": "[0.1, 1.9]", "ci_level": 0.99,
             "p": 0.005},
            [],
        ),
        # GRIM: 0.33 fits 1/3 but not 2/7 or 3/7 (0.2857, 0.4286).
        ({"measure": "proportion", "value": 0.33, "participants": 3}, []),
        ({"measure": "proportion", "value": 0.33, "participants": 7}, ["effect.impossible-proportion"]),
        # With many participants every two-decimal proportion is possible.
        ({"measure": "proportion", "value": 0.33, "participants": 100}, []),
        # A p-value-only effect below 0.05 that favours neither.
        ({"measure": "p-value-only", "p": 0.001, "favours": "neither"}, ["effect.favours-contradicted"]),
        # Higher is better and a positive difference: the intervention, as written.
        (
            {"outcome": "hair count (higher is better)", "measure": "mean-difference", "value": 3.0,
             "ci": "[1.0, 5.0]", "favours": "intervention"},
            [],
        ),
    ],
)  # fmt: skip
def test_rules(fields: dict[str, object], codes: list[str]) -> None:
    fields = dict(fields)
    outcome = fields.pop("outcome", None)
    effect = _effect(**fields)
    if outcome is not None:
        effect = effect.replace("outcome: score", f"outcome: {outcome}")
    assert _problems_for(effect) == codes


def test_bundled_content_has_no_statistical_error() -> None:
    lib = nf.load()
    codes = [p for p in lib.problems if p.code.startswith("effect.")]
    assert all(p.severity.value == "warning" for p in codes), codes


def test_a_reported_number_stands_for_its_rounding_interval() -> None:
    # 0.50 in YAML reads as 0.5: the wider interval is used, never a narrower one.
    assert _half_unit(0.5) == pytest.approx(0.05)
    assert _half_unit(40.0) == pytest.approx(0.5)
    assert _half_unit(1e-05) == pytest.approx(5e-6)
    assert _half_unit(0.688) == pytest.approx(5e-4)


@settings(max_examples=300, deadline=None)
@given(
    ratio=st.booleans(),
    centre=st.floats(-3, 3),
    se=st.floats(0.05, 2),
    decimals=st.integers(2, 3),
)
def test_an_honest_wald_report_rounded_is_never_flagged(
    ratio: bool, centre: float, se: float, decimals: int
) -> None:
    # An estimate, its 95% CI and its p-value computed together and rounded as a paper
    # prints them: neither the p-value nor the CI check may call that inconsistent.
    z = critical_value(0.95)
    low, high = centre - z * se, centre + z * se
    p = 2 * NormalDist().cdf(-abs(centre) / se)
    if ratio:
        value, low, high = math.exp(centre), math.exp(low), math.exp(high)
    value, low, high = (round(x, decimals) for x in (value if ratio else centre, low, high))
    assume(low < high and (not ratio or low > 0) and low <= value <= high)
    assume(p >= 10**-decimals)  # a paper prints a smaller p as "<0.001"
    effect = EffectEstimate.model_validate(
        {
            "comparison": "a vs b",
            "outcome": "score",
            "measure": "risk-ratio" if ratio else "mean-difference",
            "value": value,
            "ci": (low, high),
            "p": round(p, decimals),
            "locator": "T1",
        }
    )
    assert _p_problem(effect) is None
    assert _asymmetry_problem(effect) is None


def test_pooling_imports_without_the_stats_extra() -> None:
    # The module must load (and say which extra to install) where statsmodels is absent.
    code = (
        "import sys; sys.modules['statsmodels'] = None; sys.modules['scipy'] = None\n"
        "import needling_facts.evidence.pooling as p\n"
        "try:\n"
        "    p.pool_on_analysis_scale(p.Measure.RISK_RATIO, [0.1, 0.2], [0.01, 0.02])\n"
        "except p.MissingExtraError as error:\n"
        "    print(error)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == (
        'pooling effect estimates needs the stats extra: pip install "needling-facts[stats]"'
    )
