"""Text fields that would break or disguise a page are located problems (issue 19 class 7)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import FIXTURES, line_containing
from tests.hostile.conftest import edited_claim_problems

GOOD = FIXTURES / "good"


def _problems(tmp_path: Path, old: str, new: str) -> list[tuple[str, int, str]]:
    return edited_claim_problems(tmp_path, "collagen", old, new)[1]


MINE = {"claim.line-break", "claim.control-character"}


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        ("title: Collagen after needling", 'title: "Collagen\\n# Injected"', "claim.line-break"),
        (
            "finding: More collagen on histology.",
            'finding: "More \\0 collagen"',
            "claim.control-character",
        ),
        (
            "finding: More collagen on histology.",
            'finding: "safe \\u202e reversed"',
            "claim.control-character",
        ),
    ],
)
def test_a_breaking_character_is_reported_at_its_field(
    tmp_path: Path, old: str, new: str, code: str
) -> None:
    found = [p for p in _problems(tmp_path, old, new) if p[0] in MINE]
    claim = tmp_path / "claims" / "collagen.md"
    assert [(p[0], p[1]) for p in found] == [
        (code, line_containing(claim, new.split(":", maxsplit=1)[0] + ":"))
    ]


def test_a_citation_in_a_finding_is_resolved_by_check_at_the_claim_line(tmp_path: Path) -> None:
    found = _problems(tmp_path, "finding: ", "finding: As shown [@Nobody2020]; ")
    (problem,) = [p for p in found if p[0] == "claim.unknown-citation"]
    claims = tmp_path / "claims" / "collagen.md"
    assert problem[1] == line_containing(claims, "Nobody2020")
    assert "evidence.0.finding: unknown citation key 'Nobody2020'" in problem[2]


def test_a_known_citation_in_a_statement_counts_as_used(tmp_path: Path) -> None:
    found = _problems(tmp_path, "statement: ", "statement: Per [@Muller2020], ")
    assert [p for p in found if p[0].startswith(("claim.unknown", "cite."))] == []
