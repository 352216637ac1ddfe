"""Reading search files: every problem located, nothing raised; one canonical layout to write."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from needling_facts.evidence.search import Candidate, Decision, SavedSearches, SearchRecord
from needling_facts.sources.searches import (
    parse_search_file,
    read_search_file,
    read_searches,
    search_file_text,
    searches_dir_for,
)
from tests.conftest import FIXTURES

LIVING = FIXTURES / "living" / "searches"


def _problems(text: str) -> list[tuple[int, str, str]]:
    parsed = parse_search_file(text, "s.yaml", "acne-scars")
    return [(p.line, p.code, p.message) for p in parsed.problems]


def test_a_valid_file_gives_its_record() -> None:
    parsed = read_search_file(LIVING / "acne-scars.yaml")
    assert parsed.problems == []
    record = parsed.record
    assert record is not None
    assert record.claim == "acne-scars"
    assert record.last_searched == dt.date(2026, 11, 1)
    assert record.searches.pubmed.startswith("(microneedl*[tiab]")
    assert record.searches.clinicaltrials == "microneedling AND acne scars"
    assert [c.decision.value for c in record.screening] == [
        "included",
        "excluded",
        "excluded",
        "pending",
    ]
    assert record.source is not None
    assert record.source.path.endswith("acne-scars.yaml")


def test_an_unknown_decision_is_located_at_its_line() -> None:
    text = "searches:\n  pubmed: acne\nscreening:\n  - id: pmid:1\n    decision: maybe\n"
    assert _problems(text) == [
        (
            5,
            "search.unknown-decision",
            "decision 'maybe' is not one of: included, excluded, pending",
        )
    ]


def test_an_exclusion_without_reason_is_located_at_its_entry() -> None:
    text = (
        "searches:\n  pubmed: acne\nscreening:\n"
        "  - id: pmid:1\n    decision: included\n"
        "  - id: pmid:2\n    decision: excluded\n"
    )
    [(line, code, message)] = _problems(text)
    assert (line, code) == (6, "search.excluded-without-reason")
    assert message.startswith("candidate pmid:2 is excluded without a reason: add one of ")
    assert "record-not-confirmed" in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "searches:\n  pubmed: acne\nscreening:\n  - id: 12345\n    decision: included\n",
            (4, "search.invalid-value", "screening.0.id: Input should be a valid string"),
        ),
        (
            "searches:\n  pubmed: acne\nscreening:\n  - id: PMID 12345\n    decision: pending\n",
            (
                4,
                "search.invalid-value",
                "screening.0.id: 'PMID 12345' is not a candidate id: write pmid:NUMBER, "
                "doi:10.x/y, registry:ID, bib:KEY or desc:words-with-hyphens",
            ),
        ),
        (
            "searches:\n  pubmed: acne\nlast_serched: 2026-01-01\n",
            (
                3,
                "search.invalid-value",
                "unknown field 'last_serched'; did you mean 'last_searched'?",
            ),
        ),
        (
            "searches:\n  europepmc: acne\n",
            (1, "search.invalid-value", "required field 'searches.pubmed' is missing"),
        ),
        (
            "searches:\n  pubmed: acne\nlast_searched: 2026-02-30\n",
            (
                3,
                "search.invalid-yaml",
                "'2026-02-30' is not a valid timestamp: day is out of range for month",
            ),
        ),
        (
            "searches:\n  pubmed: acne\nscreening:\n  - id: pmid:1\n    decision: excluded\n    reason: boring\n",
            (
                6,
                "search.invalid-value",
                "screening.0.reason: Input should be 'wrong-population', 'wrong-intervention', "
                "'wrong-comparison', 'wrong-design', 'no-usable-outcome', 'not-a-study', "
                "'duplicate', 'not-retrieved' or 'record-not-confirmed'",
            ),
        ),
        (
            "searches: [unclosed\n",
            (
                2,
                "search.invalid-yaml",
                "did not find expected ',' or ']' (while parsing a flow sequence)",
            ),
        ),
        ("", (1, "search.invalid-yaml", "the file is empty")),
        ("- a list\n", (1, "search.invalid-yaml", "the file is not a mapping of fields")),
        (
            "a: &x 1\nb: *x\n",
            (
                1,
                "search.invalid-yaml",
                "anchors and aliases (&name, *name) are not allowed in search files; write the value out",
            ),
        ),
        (
            "searches:\n  pubmed: a\nclaim: other\n",
            (
                3,
                "search.invalid-value",
                "'claim' cannot be set in a search file: it is filled in by the reader",
            ),
        ),
    ],
)
def test_bad_files_give_one_located_problem(text: str, expected: tuple[int, str, str]) -> None:
    assert _problems(text) == [expected]


def test_duplicate_keys_are_refused_at_the_second() -> None:
    [(line, code, message)] = _problems("searches:\n  pubmed: a\n  pubmed: b\n")
    assert (line, code) == (3, "search.invalid-yaml")
    assert "'pubmed' is set again" in message


def test_unreadable_files_are_problems_not_exceptions(tmp_path: Path) -> None:
    folder = tmp_path / "searches"
    folder.mkdir()
    (folder / "a-folder.yaml").mkdir()
    (folder / "latin1.yaml").write_bytes(b"searches:\n  pubmed: caf\xe9\n")
    (folder / "broken.yaml").symlink_to(folder / "nowhere")
    os.mkfifo(folder / "fifo.yaml")
    found = read_searches(folder)
    codes = {p.path.rsplit("/", 1)[1]: (p.line, p.code, p.message) for p in found.problems}
    assert codes == {
        "a-folder.yaml": (1, "search.unreadable", "is a folder, not a file"),
        "latin1.yaml": (
            2,
            "search.unreadable",
            "not valid UTF-8 (byte 0xe9); save the file as UTF-8",
        ),
        "broken.yaml": (
            1,
            "search.unreadable",
            f"broken symbolic link (to {str(folder / 'nowhere')!r})",
        ),
        "fifo.yaml": (
            1,
            "search.unreadable",
            "not a regular file (a FIFO, socket or device); skipped",
        ),
    }
    assert found.records == {}


def test_a_missing_folder_is_absent_not_an_error(tmp_path: Path) -> None:
    found = read_searches(tmp_path / "nothing")
    assert not found.present
    assert found.problems == []
    assert found.records == {}
    assert searches_dir_for(tmp_path / "data" / "claims") == tmp_path / "data" / "searches"


def test_the_canonical_text_reads_back_as_the_same_record() -> None:
    record = read_search_file(LIVING / "acne-scars.yaml").record
    assert record is not None
    text = search_file_text(record)
    again = parse_search_file(text, record.source.path if record.source else "", "acne-scars")
    assert again.problems == []
    assert again.record == record
    assert search_file_text(again.record) == text  # a fixed point: rewriting changes nothing
    assert text.startswith("# Saved searches and screening log of the claim acne-scars")
    assert "  pubmed: |-\n    (microneedl*[tiab]" in text  # queries keep their lines
    assert "last_searched: 2026-11-01\n" in text  # a date, not a quoted string
    assert "prisma" not in text
    assert "claim:" not in text


def test_the_canonical_text_leaves_out_what_is_not_there() -> None:
    record = SearchRecord(
        claim="x",
        searches=SavedSearches(pubmed="acne[tiab]"),
        screening=(Candidate(id="bib:Key2020", decision=Decision.INCLUDED),),
    )
    assert search_file_text(record).splitlines()[2:] == [
        "searches:",
        "  pubmed: acne[tiab]",
        "screening:",
        "  - id: bib:Key2020",
        "    decision: included",
    ]


def test_a_value_used_twice_is_written_out_twice_not_aliased() -> None:
    day = dt.date(2026, 12, 1)
    record = SearchRecord(
        claim="x",
        searches=SavedSearches(pubmed="acne[tiab]"),
        last_searched=day,
        screening=(Candidate(id="pmid:1", decision=Decision.PENDING, found=day),),
    )
    text = search_file_text(record)
    assert "&" not in text
    assert "*" not in text
    again = parse_search_file(text, "x.yaml", "x").record
    assert again is not None
    assert again.model_dump(exclude={"source"}) == record.model_dump(exclude={"source"})


def test_every_bundled_search_file_is_in_canonical_layout() -> None:
    from needling_facts.loading import bundled_paths

    folder = searches_dir_for(bundled_paths()[1])
    files = sorted(folder.glob("*.yaml"))
    assert files, "no bundled search files"
    for path in files:
        parsed = read_search_file(path)
        assert parsed.record is not None, parsed.problems
        assert search_file_text(parsed.record) == path.read_text("utf-8"), path.name


def test_an_unchanged_file_is_parsed_once_and_an_edit_is_seen(tmp_path: Path) -> None:
    path = tmp_path / "acne-scars.yaml"
    path.write_text("searches:\n  pubmed: acne[tiab]\n", "utf-8")
    first = read_search_file(path)
    assert read_search_file(path) is first  # same content: the parsed file is reused
    path.write_text("searches:\n  pubmed: scar[tiab]\n", "utf-8")
    edited = read_search_file(path).record
    assert edited is not None
    assert edited.searches.pubmed == "scar[tiab]"
