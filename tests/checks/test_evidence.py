"""Each evidence-as-data diagnostic, on a fixture claim, at the line of the offending key."""

from __future__ import annotations

from pathlib import Path

import pytest

import needling_facts as nf
from needling_facts.evidence.grade import Certainty
from needling_facts.evidence.hedging import HEDGES, hedge_level, required_hedges, wording_too_strong
from tests.conftest import FIXTURES, REPO, line_containing

CASE = FIXTURES / "evidence-checks"
CLAIMS = CASE / "claims"


@pytest.fixture(scope="module")
def lib() -> nf.Library:
    return nf.load(bib=CASE / "references.bib", claims_dir=CLAIMS)


LEGACY = "claim.no-comparisons"
"""These fixtures keep the 0.2 shape (one claim-level profile), which the warning names."""


def _problems(lib: nf.Library, stem: str) -> list[tuple[str, int, str]]:
    return [
        (p.code, p.line, p.message)
        for p in lib.problems
        if Path(p.path).stem == stem and p.code != LEGACY
    ]


@pytest.mark.parametrize(
    ("stem", "code", "needle", "message"),
    [
        (
            "wrong-certainty",
            "claim.certainty-mismatch",
            "certainty: low",
            "stated certainty low, profile computes very low: start high, -1 risk of bias "
            "(serious), -2 imprecision (very serious)",
        ),
        ("no-profile", "claim.missing-grade", "certainty: low", "no GRADE profile"),
        ("overstrong", "claim.wording-too-strong", "statement:", "'may'"),
        ("trial-without-rob", "evidence.missing-risk-of-bias", "- ref: Trial2021", "Trial2021"),
        ("unknown-include", "evidence.unknown-include", "includes: [", "'Nobody2020'"),
        ("includes-on-cohort", "evidence.includes-not-review", "includes:", "is a cohort"),
        ("overlapping-reviews", "claim.overlapping-reviews", "includes: [Trial2021]", "Trial2021"),
        ("impossible-ci", "claim.invalid-value", "ci: [5.0, 9.0]", "does not contain the value"),
        ("inconsistent-design", "ref.inconsistent-design", "participants: 30", "25 participants"),
    ],
)
def test_each_diagnostic_is_located(
    lib: nf.Library, stem: str, code: str, needle: str, message: str
) -> None:
    found = _problems(lib, stem)
    assert [c for c, _, _ in found] == [code], found
    _, line, text = found[0]
    assert line == line_containing(CLAIMS / f"{stem}.md", needle)
    assert message in text


def test_a_correct_profile_with_effects_and_risk_of_bias_is_clean() -> None:
    good = nf.load(
        bib=FIXTURES / "evidence" / "references.bib", claims_dir=FIXTURES / "evidence" / "claims"
    )
    assert [p.code for p in good.problems] == [LEGACY]
    claim = good.claim("acne-scars")
    assert claim.grade is not None
    assert claim.grade.certainty is claim.certainty is Certainty.LOW
    trial = claim.evidence[1]
    assert trial.risk_of_bias is not None
    assert trial.risk_of_bias.overall_label() == "high risk"
    assert [e.measure.value for e in trial.effects] == ["mean-difference", "odds-ratio"]
    assert claim.evidence[0].includes == ("Trial2020", "Trial2021")


def test_severities(lib: nf.Library) -> None:
    codes = {p.code: p.severity.value for p in lib.problems}
    assert codes["claim.wording-too-strong"] == "warning"
    assert codes["claim.overlapping-reviews"] == "warning"
    assert codes["claim.certainty-mismatch"] == "error"
    assert codes["ref.inconsistent-design"] == "error"


@pytest.mark.parametrize(
    ("statement", "level"),
    [
        ("Microneedling reduces scar severity.", Certainty.HIGH),
        ("Microneedling probably reduces scar severity.", Certainty.MODERATE),
        ("Microneedling is likely to reduce scar severity.", Certainty.MODERATE),
        ("Microneedling may reduce scar severity (low certainty).", Certainty.LOW),
        ("The evidence is VERY uncertain whether it helps.", Certainty.VERY_LOW),
        ("No study has measured pore size.", Certainty.VERY_LOW),
        ("Mayonnaise is unlikely", Certainty.MODERATE),
    ],
)
def test_hedge_level_reads_the_statement(statement: str, level: Certainty) -> None:
    assert hedge_level(statement) is level


def test_weaker_wording_is_never_too_strong() -> None:
    assert not wording_too_strong("It may help.", Certainty.HIGH)
    assert wording_too_strong("It probably helps.", Certainty.LOW)
    assert not wording_too_strong("It helps.", Certainty.HIGH)
    assert required_hedges(Certainty.VERY_LOW)[0] == "very uncertain"
    assert "may" not in required_hedges(Certainty.VERY_LOW)


def test_method_page_documents_every_phrase_the_check_knows() -> None:
    method = (REPO / "docs" / "method.md").read_text(encoding="utf-8")
    section = method.split("### Wording that matches the certainty")[1].split("\n## ")[0]
    for phrases in HEDGES.values():
        for phrase in phrases:
            assert f'"{phrase}"' in section, phrase
