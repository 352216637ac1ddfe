"""Each bodies-of-evidence diagnostic, on a fixture claim, at the line of the offending key."""

from __future__ import annotations

from pathlib import Path

import pytest

import needling_facts as nf
from tests.conftest import FIXTURES, line_containing

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
        ("unknown-study", "body.unknown-study", "studies: [Trial2021, Nobody2020]", "'Nobody2020'"),
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
    _, line, text = found[0]
    first = needle.split("\n", maxsplit=1)[0]
    lines = (CLAIMS / f"{stem}.md").read_text().splitlines()
    if "\n" in needle:
        second = needle.split("\n")[1].strip()
        expected = next(
            n + 1
            for n, text_line in enumerate(lines[:-1])
            if first.strip() in text_line and second in lines[n + 1]
        )
    else:
        expected = line_containing(CLAIMS / f"{stem}.md", needle)
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
    assert [p.severity for p in lib.problems] == [nf.Severity.WARNING]
