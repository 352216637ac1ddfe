"""Evidence that reads as valid YAML but breaks the method (issue 19 class 8): each is a
located diagnostic, and each test fails on code that let it pass."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import FIXTURES, line_containing
from tests.hostile.conftest import edited_claim_problems

GOOD = FIXTURES / "good"
ITEM = """\
  - ref: Fabbrocini2014
    design: case-series
    participants: 60
    finding: Severity fell significantly (p < 0.05) after three monthly sessions.
    stance: supports
    locator: Abstract
"""


def _check(tmp_path: Path, old: str, new: str) -> tuple[Path, list[tuple[str, int, str]]]:
    return edited_claim_problems(tmp_path, "acne-scars", old, new)


def test_reviews_that_include_each_other_are_a_cycle(tmp_path: Path) -> None:
    review = """\
  - ref: Fabbrocini2014
    design: systematic-review
    participants: 60
    finding: Pooled {n} studies.
    stance: supports
    locator: Abstract
    includes: [{other}]
    risk_of_bias: {{tool: not-assessed, reason: Abstract only.}}
"""
    both = review.format(n=2, other="Muller2020") + review.format(n=3, other="Fabbrocini2014")
    both = both.replace(
        "ref: Fabbrocini2014\n    design: systematic-review\n    participants: 60\n    finding: Pooled 3",
        "ref: Muller2020\n    design: systematic-review\n    participants: 20\n    finding: Pooled 3",
    )
    path, found = _check(tmp_path, ITEM, both)
    cycles = [(line, message) for code, line, message in found if code == "evidence.include-cycle"]
    assert [line for line, _ in cycles] == [
        line_containing(path, "includes: [Muller2020]"),
        line_containing(path, "includes: [Fabbrocini2014]"),
    ]


def _rob2(domains: str, overall: str) -> str:
    return ITEM.replace("design: case-series", "design: rct") + (
        "    risk_of_bias:\n      tool: rob2\n      judged_from: abstract\n"
        f"      domains:\n{domains}      overall: {overall}\n"
    )


ALL_FIVE = "".join(
    f"        - {{domain: {d}, judgement: low, reason: Stated.}}\n"
    for d in ("randomisation", "deviations", "missing-data", "measurement", "selection")
)


def test_a_rob2_judgement_with_two_of_five_domains_is_incomplete(tmp_path: Path) -> None:
    two = "".join(ALL_FIVE.splitlines(keepends=True)[:2])
    path, found = _check(tmp_path, ITEM, _rob2(two, "low"))
    codes = [(code, line) for code, line, _ in found if code.startswith("evidence.rob")]
    assert codes == [("evidence.rob-incomplete", line_containing(path, "    risk_of_bias:"))]
    assert "missing-data" in next(m for c, _, m in found if c == "evidence.rob-incomplete")


def test_an_overall_below_the_worst_domain_is_reported(tmp_path: Path) -> None:
    high = ALL_FIVE.replace("missing-data, judgement: low", "missing-data, judgement: high")
    _, found = _check(tmp_path, ITEM, _rob2(high, "low"))
    assert [c for c, _, _ in found if c.startswith("evidence.rob")] == [
        "evidence.rob-overall-too-low"
    ]
    _, clean = _check(tmp_path / "again", ITEM, _rob2(high, "high"))
    assert [c for c, _, _ in clean if c.startswith("evidence.rob")] == []


def test_an_upgrade_on_a_high_start_is_reported(tmp_path: Path) -> None:
    upgraded = "  starting_level: high\n  large_effect: {levels: 1, reason: Very large effect.}\n"
    path, found = _check(tmp_path, "  starting_level: low\n", upgraded)
    assert ("claim.upgrade-on-high-start", line_containing(path, "large_effect")) in [
        (c, line) for c, line, _ in found
    ]
