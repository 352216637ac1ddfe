"""Numbers from a hostile claim file: refused at their line, in linear time, never printed.

Issue 19 class 3 (a p-value pattern that backtracked) and class 4/8 (infinite, NaN, huge,
boolean and impossible numbers that passed ``check`` and crashed or corrupted a page).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from needling_facts.sources.claim_files import read_claim_file

CLAIM = """\
---
title: Collagen after needling
statement: Biopsies show more collagen after needling.
outcome: collagen
article_wording: "The procedure also increases collagen production."
certainty: very-low
verdict: partly-supported
evidence:
  - ref: Muller2020
    design: rct
    participants: 20
    finding: More collagen on histology.
    stance: supports
    effects:
      - comparison: needling vs none
        outcome: collagen score
        measure: mean-difference
        {field}
        locator: Abstract
last_reviewed: 2026-11-24
---

Prose.
"""


def _problems(tmp_path: Path, field: str) -> list[tuple[str, int, str]]:
    path = tmp_path / "collagen.md"
    path.write_text(CLAIM.format(field=field), encoding="utf-8")
    file = read_claim_file(path)
    return [(p.code, p.line, p.message) for p in file.problems]


@pytest.mark.parametrize(
    ("field", "says"),
    [
        ("value: true", "valid number"),
        ("value: .nan", "finite number"),
        ('value: "inf"', "finite number"),
        ('value: "-Infinity"', "finite number"),
        ("value: 1.0e+308", "implausibly large"),
        ("value: 1\n        ci: [false, 2]", "valid number"),
        ("value: 1\n        ci: [0, 1.0e+308]", "implausibly large"),
        ("value: 1\n        ci: [0, 2]\n        ci_level: 0.99999999999", "not a level"),
        ('value: 1\n        p: "<1e-999"', "greater than 0"),
        ('value: 1\n        p: "' + "1" * 5_000 + '"', "p-value such as"),
    ],
)
def test_a_bad_number_is_one_problem_at_its_line(tmp_path: Path, field: str, says: str) -> None:
    problems = _problems(tmp_path, field)
    line = 18 + field.count("\n")  # the last line of the field: where the bad number is
    assert [(code, at) for code, at, _ in problems] == [("claim.invalid-value", line)]
    assert says in problems[0][2]


def test_a_huge_p_value_string_is_refused_in_linear_time(tmp_path: Path) -> None:
    start = time.perf_counter()
    problems = _problems(tmp_path, 'value: 1\n        p: "' + "0" * 100_000 + 'x"')
    assert time.perf_counter() - start < 5  # backtracking took over 300 s on this input
    assert [code for code, _, _ in problems] == ["claim.invalid-value"]


def test_ordinary_numbers_still_read(tmp_path: Path) -> None:
    field = 'value: 1.5\n        ci: [0.5, 2.5]\n        ci_level: 0.999\n        p: "<0.001"'
    assert _problems(tmp_path, field) == []
