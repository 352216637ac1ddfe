"""Frozen records: reading them, and `check` comparing references.bib with them offline."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import needling_facts as nf
from needling_facts.checks.matching import (
    is_abbreviation_of,
    journals_agree,
    normalise_pages,
    pages_agree,
    titles_agree,
)
from needling_facts.cli.commands import main
from needling_facts.evidence.reference import UpdateType
from needling_facts.loading import load_from
from needling_facts.sources.records import FrozenRecord, read_records, record_json
from tests.conftest import FIXTURES, line_containing

CASE = FIXTURES / "record-mismatch"
BIB = CASE / "references.bib"


def _ref_problems(bib: Path = BIB, claims: Path = CASE / "claims") -> list[tuple[str, int]]:
    library = load_from(bib, claims)
    return [(p.code, p.line) for p in library.problems if p.code.startswith("ref.")]


def test_fixture_gets_each_located_mismatch_notice_and_no_record_warning() -> None:
    assert _ref_problems() == [
        ("ref.title-mismatch", line_containing(BIB, "@article{SwappedDoi2015")),
        ("ref.year-mismatch", line_containing(BIB, "@article{WrongYear2016")),
        ("ref.pages-mismatch", line_containing(BIB, "@article{WrongPages2017")),
        ("ref.retracted", line_containing(BIB, "@article{Retracted2018")),
        ("ref.no-record", line_containing(BIB, "@article{Unrecorded2019")),
        # Volume 8 against 9; issue 04 and 4 agree (leading zero).
        ("ref.volume-mismatch", line_containing(BIB, "@article{WrongVolume2020")),
        # Issue 3 against "3 Suppl": a supplement is another issue.
        ("ref.issue-mismatch", line_containing(BIB, "@article{WrongIssue2021")),
        ("ref.id-mismatch", line_containing(BIB, "@article{WrongPmid2022")),
        ("ref.journal-mismatch", line_containing(BIB, "@article{WrongJournal2023")),
        ("ref.expression-of-concern", line_containing(BIB, "@article{Concern2024")),
    ]


def test_check_exits_1_and_prints_the_codes(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["check", "--bib", str(BIB), "--claims", str(CASE / "claims")])
    out = capsys.readouterr().out
    assert status == 1
    assert "ref.retracted" in out
    # no-record, concern, three entries without an id, and the 0.2-shaped claim file
    assert "8 errors, 6 warnings" in out
    assert out.count("bib.no-identifier warning") == 3


def test_without_a_records_folder_nothing_is_compared(tmp_path: Path) -> None:
    # The fixture's claims with no records folder beside them (the default place).
    shutil.copytree(CASE / "claims", tmp_path / "claims")
    library = load_from(BIB, tmp_path / "claims")
    assert not [p for p in library.problems if p.code.startswith("ref.")]


def test_records_add_the_journals_other_name_and_the_notices() -> None:
    library = load_from(BIB, CASE / "claims")
    agrees = library.reference("Agrees2014")
    assert agrees.journal == "J Test Dermatol"
    assert agrees.journal_abbrev == "J Test Dermatol"
    assert agrees.journal_full == "Journal of test dermatology"
    retracted = library.reference("Retracted2018")
    assert retracted.retraction is not None
    assert retracted.retraction.doi == "10.5555/retraction-notice.2019"
    assert library.reference("Unrecorded2019").updates == ()


def test_a_broken_record_file_is_a_located_problem(tmp_path: Path) -> None:
    records = tmp_path / "records"
    records.mkdir()
    (records / "A2020.json").write_text('{\n  "key": "A2020",\n  "records": [\n', "utf-8")
    (records / "B2020.json").write_text(
        json.dumps({"key": "B2020", "records": [{"source": "pubmed"}]}, indent=2), "utf-8"
    )
    (records / "C2020.json").write_text(
        json.dumps(
            {
                "key": "Other",
                "records": [
                    {
                        "source": "other",
                        "url": "u",
                        "seen": "2026-11-24",
                        "how": "hand",
                        "fields": {},
                    }
                ],
            },
            indent=2,
        ),
        "utf-8",
    )
    found = read_records(records)
    assert [(Path(p.path).name, p.code) for p in found.problems] == [
        ("A2020.json", "ref.invalid-record"),
        ("B2020.json", "ref.invalid-record"),
        ("C2020.json", "ref.invalid-record"),
    ]
    assert "url" in found.problems[1].message
    assert found.problems[2].line == 2
    assert found.records == {}


def test_record_json_round_trips() -> None:
    text = (CASE / "records" / "Retracted2018.json").read_text("utf-8")
    record = FrozenRecord.model_validate_json(text)
    assert FrozenRecord.model_validate_json(record_json(record)) == record
    assert record.updates[0].type is UpdateType.RETRACTION


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("1421--1429", "1421-9"),
        ("1421\u20131429", "1421-1429"),
        ("147--152", "147-52"),
        ("e13005", "E13005"),
        ("S12-S19", "S12-19"),
    ],
)
def test_equal_page_ranges(a: str, b: str) -> None:
    assert pages_agree(a, b)


@pytest.mark.parametrize(("a", "b"), [("1421--1428", "1421-9"), ("844-849", "844-848")])
def test_different_page_ranges(a: str, b: str) -> None:
    assert not pages_agree(a, b)


@given(st.integers(1, 99999), st.integers(0, 999))
def test_abbreviated_and_full_ranges_agree(first: int, extra: int) -> None:
    last = str(first + extra)
    # MEDLINE drops the leading digits the last page shares with the first.
    shared = 0
    while (
        shared < len(last) - 1
        and len(last) == len(str(first))
        and last[shared] == str(first)[shared]
    ):
        shared += 1
    assert normalise_pages(f"{first}-{last[shared:]}") == normalise_pages(f"{first}\u2013{last}")


def test_titles_agree_across_case_punctuation_latex_and_html() -> None:
    assert titles_agree(
        "Needling {and} the {MRI} of skin: a \\emph{test} study",
        "Needling and the MRI of Skin: A <i>Test</i> Study.",
    )
    assert titles_agree("Postępy in skin", "Postepy in skin")
    assert titles_agree("Efficacy [of] needling", "Efficacy of needling.")
    assert not titles_agree("Needles for scars", "Topical serums after laser resurfacing")
    # A subtitle may be dropped, but only after four shared words.
    assert titles_agree("Needling for acne scars: a randomised trial", "Needling for acne scars")
    assert not titles_agree("Needling for scars", "Needling for scars in mice")


@pytest.mark.parametrize(
    ("short", "full"),
    [
        ("J Clin Aesthet Dermatol", "The Journal of Clinical and Aesthetic Dermatology"),
        ("Plast Reconstr Surg", "Plastic and Reconstructive Surgery"),
        ("Postepy Dermatol Alergol", "Postępy Dermatologii i Alergologii"),
        ("J. Cosmet. Dermatol.", "Journal of Cosmetic Dermatology"),
    ],
)
def test_nlm_abbreviations_are_not_mismatches(short: str, full: str) -> None:
    assert is_abbreviation_of(short, full)
    assert journals_agree(full, short)


def test_other_journals_are_mismatches() -> None:
    assert not journals_agree("Dermatol Surg", "Burns")
    assert not journals_agree("J Dermatol", "Journal of Cosmetic Dermatology")
    assert not is_abbreviation_of("Dermatol Surg", "Dermatologic Surgery and Oncology Reports")


def test_bundled_records_are_read_lazily_and_match_the_bibliography() -> None:
    library = nf.load()
    assert not [p for p in library.problems if p.code.startswith("ref.")]


def test_nlm_place_qualifiers_are_abbreviations() -> None:
    assert is_abbreviation_of("Front Med (Lausanne)", "Frontiers in Medicine")
    assert is_abbreviation_of("Dermatol Ther (Heidelb)", "Dermatology and Therapy")


def test_bundled_references_know_both_journal_names() -> None:
    alster = nf.load().reference("Alster2020b")
    assert (alster.journal_full, alster.journal_abbrev) == ("Dermatologic Surgery", "Dermatol Surg")
