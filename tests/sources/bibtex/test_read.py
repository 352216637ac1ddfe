from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from needling_facts.evidence.reference import Person
from needling_facts.sources.bibtex.read import normalise_doi, parse_bibliography, read_bibliography
from tests.conftest import FIXTURES, line_containing

BAD = FIXTURES / "bib-errors" / "references.bib"


def test_good_entries_are_fully_read() -> None:
    parsed = read_bibliography(FIXTURES / "good" / "references.bib")
    assert parsed.problems == []
    ref = parsed.references["Fabbrocini2014"]
    assert ref.journal == "J Dermatolog Treat"  # @string macro resolved
    assert ref.year == 2014
    assert ref.volume == "25"
    assert ref.issue == "2"
    assert ref.pages == "147\u2013152"
    assert ref.doi == "10.3109/09546634.2012.742949"  # resolver prefix removed
    assert ref.pmid == "23216209"
    assert ref.authors[1] == Person(family="De Vita", given="Valerio")
    assert ref.source is not None
    assert ref.source.line == line_containing(
        FIXTURES / "good" / "references.bib", "@article{Fabbrocini2014"
    )


def test_latex_is_decoded_to_unicode() -> None:
    ref = read_bibliography(FIXTURES / "good" / "references.bib").references["Muller2020"]
    assert ref.authors == (
        Person(family="Müller", given="Jörg"),
        Person(family="Álvarez", given="Ana"),
    )
    assert ref.title == "Needling and the MRI of skin"
    assert ref.pmcid == "PMC1234567"
    assert ref.year == 2020


EXPECTED = [
    ("bib.parse-error", "@article{Broken2020"),
    ("bib.duplicate-field", "year = {2021}"),
    ("bib.duplicate-key", "Same key"),
    ("bib.missing-field", "@article{NoJournal2019"),
    ("bib.invalid-year", "in press"),
    ("bib.invalid-doi", "doi:10.1000"),
    ("bib.invalid-pmid", "PMC55"),
    ("bib.invalid-pmcid", "12345"),
    ("bib.duplicate-doi", "https://doi.org/10.1000/abc"),
    ("bib.duplicate-pmid", "pmid = {111}"),
    ("bib.unparsed-text", "@article NoBrace2016"),
]


@pytest.mark.parametrize(("code", "needle"), EXPECTED)
def test_each_bad_entry_is_reported_at_its_line(code: str, needle: str) -> None:
    parsed = read_bibliography(BAD)
    occurrence = 2 if code in {"bib.duplicate-key", "bib.duplicate-pmid"} else 1
    if code == "bib.duplicate-key":
        expected_line = line_containing(BAD, "@article{Good2020", 2)
    else:
        expected_line = line_containing(BAD, needle, occurrence)
    found = [(p.line, p.path) for p in parsed.problems if p.code == code]
    assert found == [(expected_line, str(BAD))]


def test_bad_entries_never_hide_good_ones() -> None:
    parsed = read_bibliography(BAD)
    assert set(parsed.references) == {
        "Good2020",
        "TwoYears2020",
        "NoJournal2019",
        "BadYear",
        "BadIds2018",
        "SameDoi2017",
        "After2015",
    }
    assert parsed.references["Good2020"].title == "Fine"  # the first of the duplicate keys wins
    assert parsed.references["TwoYears2020"].year == 2020  # the first of duplicate fields wins
    assert parsed.references["BadIds2018"].doi is None
    assert parsed.references["BadYear"].year is None
    assert len([p for p in parsed.problems if p.code != "bib.no-identifier"]) == len(EXPECTED)


def test_duplicate_keys_compare_case_insensitively() -> None:
    text = "@misc{Key2020, title={a}}\n@misc{key2020, title={b}}\n"
    parsed = parse_bibliography(text, "x.bib")
    assert [(p.code, p.line) for p in parsed.problems] == [("bib.duplicate-key", 2)]


def test_not_utf8_is_located_and_the_rest_still_read(tmp_path: Path) -> None:
    path = tmp_path / "latin1.bib"
    path.write_bytes(
        b"@article{A2020,\n  author = {Caf\xe9, Ann},\n  title = {x},\n  journal = {J},\n  year = {2020},\n"
        b"  doi = {10.5555/a2020},\n}\n"
    )
    parsed = read_bibliography(path)
    assert [(p.code, p.line, p.col) for p in parsed.problems] == [("bib.not-utf8", 2, 16)]
    assert parsed.references["A2020"].year == 2020


def test_missing_file_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    parsed = read_bibliography(tmp_path / "nope.bib")
    assert [p.code for p in parsed.problems] == ["bib.file-not-found"]


def test_parser_log_output_is_not_printed(capsys: pytest.CaptureFixture[str]) -> None:
    read_bibliography(BAD)
    captured = capsys.readouterr()
    assert captured.err == ""
    assert captured.out == ""


@pytest.mark.parametrize(
    ("raw", "doi"),
    [
        ("https://doi.org/10.1/AbC", "10.1/AbC"),
        ("doi: 10.1/x", "10.1/x"),
        ("http://dx.doi.org/10.2/y ", "10.2/y"),
    ],
)
def test_normalise_doi(raw: str, doi: str) -> None:
    assert normalise_doi(raw) == doi


name_part = st.lists(
    st.sampled_from([*list("abcdefgxyzABCDEXYZ'-."), '{\\"u}', "{\\'e}", "{\\O}", "{\\c{c}}"]),
    min_size=1,
    max_size=6,
).map("".join)


@given(st.lists(name_part, min_size=1, max_size=3), st.lists(name_part, min_size=0, max_size=3))
def test_fast_name_path_agrees_with_bibtexparser(family: list[str], given_names: list[str]) -> None:
    from needling_facts.sources.bibtex.read import (
        _name_tools,
        _parsed_person,
        _person,
        _split_names,
    )

    name = " ".join(family) + ", " + " ".join(given_names)
    assert _person(name) == _parsed_person(name)
    both = f"{name} and {name}"
    split, _ = _name_tools()
    assert _split_names(both) == split(both)


def test_a_folder_given_as_bibliography_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    parsed = read_bibliography(tmp_path)
    assert [p.code for p in parsed.problems] == ["bib.file-not-found"]
    assert parsed.problems[0].message == "is a folder, not a file"


def test_an_article_without_author_is_read_with_a_warning_not_an_error() -> None:
    text = (
        "@article{IntWoundJ2021,\n  title = {A review},\n  journal = {Int Wound J},\n"
        "  year = {2021},\n  pmid = {33538106},\n}\n"
    )
    parsed = parse_bibliography(text, "a.bib")
    assert [(p.code, p.line, p.severity.value) for p in parsed.problems] == [
        ("bib.no-author", 1, "warning")
    ]
    assert parsed.references["IntWoundJ2021"].authors == ()


@pytest.mark.parametrize(
    ("identifier", "expected"),
    [
        ("", [("bib.no-identifier", 1, "warning")]),
        ("  doi = {10.5555/x},\n", []),
        ("  pmid = {33538106},\n", []),
        ("  pmcid = {PMC3531004},\n", []),
        ("  url = {https://www.cdc.gov/mmwr/},\n", [("bib.no-identifier", 1, "warning")]),
    ],
)
def test_an_article_without_doi_pmid_or_pmcid_is_read_with_a_warning(
    identifier: str, expected: list[tuple[str, int, str]]
) -> None:
    text = f"@article{{A2020,\n  author = {{A, B}},\n  title = {{T}},\n  journal = {{J}},\n  year = {{2020}},\n{identifier}}}\n"
    parsed = parse_bibliography(text, "a.bib")
    assert [(p.code, p.line, p.severity.value) for p in parsed.problems] == expected
    assert parsed.references["A2020"].year == 2020


def test_a_book_needs_no_identifier() -> None:
    parsed = parse_bibliography("@book{B2020, title = {T}, year = {2020}}\n", "b.bib")
    assert "bib.no-identifier" not in [p.code for p in parsed.problems]


def test_and_others_means_more_authors_and_prints_et_al() -> None:
    from needling_facts.render.csl import format_references

    text = (
        "@article{Kumar2018, author = {Kumar, Muriki K. and others}, title = {A trial},\n"
        "  journal = {J Cutan Aesthet Surg}, year = {2018}, doi = {10.5555/k}}\n"
        "@article{Two2014, author = {Alam, M. and Han, S.}, title = {T}, journal = {J},\n"
        "  year = {2014}, doi = {10.5555/t}}\n"
        "@article{Others2020, author = {Others, Ann}, title = {T}, journal = {J},\n"
        "  year = {2020}, doi = {10.5555/o}}\n"
    )
    refs = parse_bibliography(text, "a.bib").references
    kumar = refs["Kumar2018"]
    assert [p.family for p in kumar.authors] == ["Kumar"]  # no author called "others"
    assert kumar.more_authors
    assert kumar.short_authors == "Kumar et al."
    printed = format_references([kumar], "american-medical-association")["Kumar2018"].text
    assert printed.startswith("Kumar MK, et al. A trial. J Cutan Aesthet Surg.")
    assert (refs["Two2014"].more_authors, refs["Two2014"].short_authors) == (False, "Alam and Han")
    # A person whose family name is Others is a person, not "et al.".
    assert (refs["Others2020"].more_authors, refs["Others2020"].short_authors) == (False, "Others")


def test_masked_characters_are_restored_everywhere_they_are_read() -> None:
    from needling_facts.sources.bibtex.read import parse_bibliography

    # The first of two duplicate fields is read from the parser's set-aside block.
    parsed = parse_bibliography('@misc{A2020, title = "x {"}y", title = {z}}', "x.bib")
    assert parsed.references["A2020"].title == 'x "y'
    failed = parse_bibliography('@misc{B2020, title = "a {"}b",\n note = {n}\n', "x.bib")
    (problem,) = failed.problems
    assert problem.message.startswith('cannot parse block in \'@misc{B2020, title = "a {"}b",\'')


def test_inheritance_details() -> None:
    from needling_facts.sources.bibtex.read import parse_bibliography

    text = (
        "@xdata{first, label = {skip}, note = {from first}}\n"
        "@xdata{second, year = {2022}, journaltitle = {J Two}}\n"
        "@article{Child2022, author = {A, B}, title = {T}, doi = {10.5555/c},\n"
        "  xdata = {nope, first, second}}\n"
        "@misc{Parent2019, title = {Parent Title}, year = {2019}}\n"
        "@misc{Orphan2019, crossref = {Parent2019}}\n"
    )
    parsed = parse_bibliography(text, "x.bib")
    child = parsed.references["Child2022"]
    assert (child.year, child.journal) == (2022, "J Two")  # the later parents still count
    assert [p.code for p in parsed.problems] == ["bib.unknown-crossref"]
    assert parsed.problems[0].line == 4  # the line of the xdata field
    orphan = parsed.references["Orphan2019"]  # a @misc parent's title stays a title
    assert (orphan.title, orphan.year) == ("Parent Title", 2019)


def test_von_and_jr_parts_of_names() -> None:
    from needling_facts.sources.bibtex.read import parse_authors

    people = parse_authors("van der Berg, Jan and Smith, Jr., John")
    assert [(p.family, p.given) for p in people] == [
        ("van der Berg", "Jan"),
        ("Smith, Jr.", "John"),
    ]
