"""biblatex-aware reading: ``date``, ``journaltitle``, ``crossref``/``xdata`` inheritance and
``@xdata`` entries give no false missing-field errors; real gaps are still reported."""

from __future__ import annotations

import pytest

from needling_facts.sources.bibtex.read import parse_bibliography, read_bibliography
from tests.conftest import FIXTURES, line_containing

CORPUS = FIXTURES / "bib-corpus"


@pytest.mark.parametrize("name", ["biblatex-hand.bib", "zotero-better-bibtex.bib"])
def test_no_false_missing_field_errors(name: str) -> None:
    parsed = read_bibliography(CORPUS / name)
    # Hand-written test entries carry no identifiers; that warning is not what is tested here.
    assert [p for p in parsed.problems if p.code != "bib.no-identifier"] == []


def test_inherited_and_aliased_fields_are_read() -> None:
    refs = read_bibliography(CORPUS / "biblatex-hand.bib").references
    assert "jmd-2022" not in refs  # @xdata is a data container, not a citable work
    talk = refs["Talk2019"]
    assert (talk.journal, talk.year) == ("Proceedings of the Example Conference", 2019)
    kappa = refs["Kappa2022"]
    assert (kappa.journal, kappa.year) == ("Journal of Made-Up Dermatology", 2022)
    lam = refs["Lambda2023"]
    assert (lam.journal, lam.year) == ("Journal of Made-Up Dermatology Supplement", 2023)
    zotero = read_bibliography(CORPUS / "zotero-better-bibtex.bib").references
    assert zotero["alphaExampleNeedlingStudy2021"].year == 2021


BROKEN = [
    ("@article{A2020, author={A, B}, title={T}, date={2020}}", "bib.missing-field", "no 'journal' field (nor 'journaltitle')"),
    ("@article{A2020, author={A, B}, title={T}, journaltitle={J}, date={someday}}", "bib.invalid-year", "is not a date"),
    ("@inproceedings{A2020, author={A, B}, title={T}, year={2020}, crossref={Nope}}", "bib.unknown-crossref", "names 'Nope'"),
    ("@misc{A2020, title={T}, crossref={B2020}}\n@misc{B2020, title={U}, crossref={A2020}}", "bib.unknown-crossref", "loops back"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "code", "message"), BROKEN)
def test_real_gaps_are_still_reported(text: str, code: str, message: str) -> None:
    problems = parse_bibliography(text, "x.bib").problems
    assert code in [p.code for p in problems]
    assert any(message in p.message for p in problems if p.code == code)


def test_missing_field_error_still_points_at_the_entry() -> None:
    path = CORPUS / "biblatex-hand.bib"
    text = path.read_text().replace("  crossref = {ExampleConf2019},\n", "")
    problems = parse_bibliography(text, str(path)).problems
    assert [(p.code, p.line) for p in problems if p.code == "bib.missing-field"] == [
        ("bib.missing-field", line_containing(path, "@inproceedings{Talk2019")),
        ("bib.missing-field", line_containing(path, "@inproceedings{Talk2019")),
    ]


def test_forms_biber_accepts_are_read_without_problems() -> None:
    path = CORPUS / "biber-real-files.bib"
    parsed = read_bibliography(path)
    assert [p for p in parsed.problems if p.code != "bib.unused-reference"] == []
    refs = parsed.references
    assert (refs["Open1996"].year, refs["Ancient0379"].year, refs["Decade199X"].year) == (
        1996,
        -379,
        None,  # unspecified digits: no one year to print
    )
    assert refs["Talk2019b"].journal == "Proceedings of the Test Meeting"  # via the ids alias
    assert (refs["Wos2018"].year, refs["Wos2018"].doi) == (2018, "10.5555/wos.2018")


def test_contradicting_fields_and_impossible_dates_are_located() -> None:
    path = FIXTURES / "bib-errors" / "conflicts.bib"
    found = [(p.code, p.line) for p in read_bibliography(path).problems]
    assert found == [
        ("bib.conflicting-fields", line_containing(path, "J Other Dermatol")),
        ("bib.conflicting-fields", line_containing(path, "2021-03-15")),
        ("bib.invalid-year", line_containing(path, "2020-13-45")),
    ]
