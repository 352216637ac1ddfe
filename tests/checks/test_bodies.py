"""Each bodies-of-evidence diagnostic, on a fixture claim, at the line of the offending key."""

from __future__ import annotations

from pathlib import Path

import pytest

import needling_facts as nf
from tests.conftest import FIXTURES

CASE = FIXTURES / "body-errors"
CLAIMS = CASE / "claims"


@pytest.fixture(scope="module")
def lib() -> nf.Library:
    return nf.load(bib=CASE / "references.bib", claims_dir=CLAIMS)


@pytest.mark.parametrize(
    ("stem", "code", "needle", "message"),
    [
        (
            "row-certainty",
            "body.certainty-mismatch",
            "certainty: moderate",
            "needling-vs-untreated/scar-severity: stated certainty moderate, profile computes "
            "low: start high, -1 risk of bias (serious), -1 imprecision (serious)",
        ),
        (
            "claim-certainty",
            "claim.certainty-mismatch",
            "certainty: moderate",
            "stated certainty moderate, but the lowest critical outcome of "
            "'needling-vs-untreated' is low (scar-severity low)",
        ),
        ("no-critical", "body.no-critical-outcome", "outcomes:", "has no critical outcome"),
        (
            "unknown-study",
            "body.unknown-study",
            "- Nobody2020",
            "needling-vs-untreated/patient-rated lists 'Nobody2020', which is not among the "
            "claim's evidence items",
        ),
        (
            "unknown-row",
            "body.unknown-row",
            "row: needling-vs-laser",
            "row 'needling-vs-laser/patient-rated' is not one of the claim's rows",
        ),
        (
            "study-not-in-row",
            "body.study-not-in-row",
            "row: needling-vs-untreated/scar-severity\n        timepoint",
            "Trial2020's estimate joins needling-vs-untreated/scar-severity",
        ),
        (
            "pooled-from-no-estimate",
            "body.pooled-from-not-review",
            "pooled_from: Review2022\n        certainty: low\n        statement: Microneedling may improve",
            "needling-vs-untreated/patient-rated: pooled_from 'Review2022' has no estimate in "
            "this row",
        ),
        (
            "row-upgrade-on-high",
            "claim.upgrade-on-high-start",
            "large_effect:",
            "needling-vs-untreated/patient-rated: large_effect rates up a body of evidence that "
            "starts high; GRADE rates up observational evidence only",
        ),
        (
            "row-unsupported-high",
            "claim.certainty-unsupported",
            'starting_level: high\n          risk_of_bias: {concern: serious, reason: "Randomisation',
            "needling-vs-untreated/patient-rated: starting_level 'high' needs a randomised study "
            "among the row's studies; observational evidence starts 'low'",
        ),
        (
            "row-wording",
            "claim.wording-too-strong",
            "statement: Microneedling improves",
            "needling-vs-untreated/patient-rated: the statement sounds surer than low certainty "
            "allows; say it with one of: 'may'",
        ),
        (
            "pooled-from-not-review",
            "body.pooled-from-not-review",
            "pooled_from: Trial2021",
            "not a meta-analysis or systematic review (design: RCT)",
        ),
    ],
)
def test_each_body_diagnostic_is_located(
    lib: nf.Library, stem: str, code: str, needle: str, message: str
) -> None:
    found = [(p.code, p.line, p.message) for p in lib.problems if Path(p.path).stem == stem]
    assert [c for c, _, _ in found] == [code], found
    assert [p.col for p in lib.problems if Path(p.path).stem == stem] == [1]
    _, line, text = found[0]
    # A needle of several lines: the first line of the first place where they all follow.
    parts = [part.strip() for part in needle.split("\n")]
    lines = (CLAIMS / f"{stem}.md").read_text().splitlines()
    expected = next(
        n + 1
        for n in range(len(lines) - len(parts) + 1)
        if all(part in lines[n + k] for k, part in enumerate(parts))
    )
    assert line == expected
    assert message in text


def test_the_good_fixture_is_clean_and_its_certainty_is_computed_from_critical_rows() -> None:
    good = nf.load(
        bib=FIXTURES / "bodies" / "references.bib", claims_dir=FIXTURES / "bodies" / "claims"
    )
    assert good.problems == ()
    claim = good.claim("acne-scars")
    assert claim.grade is None
    assert claim.computed_certainty is claim.certainty is nf.Certainty.LOW
    main = claim.main_comparison
    assert main is not None
    assert [row.id for row in main.critical] == ["scar-severity"]


def test_a_claim_without_comparisons_is_warned_about(tmp_path: Path) -> None:
    lib = nf.load(
        bib=FIXTURES / "evidence" / "references.bib", claims_dir=FIXTURES / "evidence" / "claims"
    )
    assert [p.code for p in lib.problems] == ["claim.no-comparisons"]
    (problem,) = lib.problems
    assert problem.severity is nf.Severity.WARNING
    assert (Path(problem.path).name, problem.line, problem.col) == ("acne-scars.md", 1, 1)
    assert problem.message == (
        "no comparisons: give each comparison its outcome rows, each with its studies and its "
        "own GRADE profile (see the method page)"
    )


def test_a_withdrawn_claim_is_not_asked_for_comparisons() -> None:
    lib = nf.load(
        bib=FIXTURES / "withdrawn" / "references.bib",
        claims_dir=FIXTURES / "withdrawn" / "claims",
    )
    warned = {Path(p.path).stem for p in lib.problems if p.code == "claim.no-comparisons"}
    assert warned == {"acne-scars"}  # old-collagen is withdrawn
