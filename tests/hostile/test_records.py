"""Frozen records from a pull request: odd files, odd JSON and orphans are located problems.

Issue 19 class 6. Each case is made in a temporary copy of a fixture (git cannot store FIFOs
or broken links), and every one must end as a ``ref.*`` problem, never a traceback or a hang.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from needling_facts.loading import load_from
from tests.conftest import FIXTURES

CASE = FIXTURES / "record-mismatch"


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    shutil.copytree(CASE, tmp_path / "case")
    return tmp_path / "case"


def _record_problems(case: Path, records: Path | None = None) -> dict[str, tuple[str, str]]:
    library = load_from(case / "references.bib", case / "claims", records)
    return {
        Path(p.path).name: (p.code, p.message)
        for p in library.problems
        if p.code in {"ref.invalid-record", "ref.record-without-entry", "ref.records-not-found"}
    }


def test_odd_files_in_the_records_folder(copy: Path, alarm: None) -> None:
    records = copy / "records"
    os.mkfifo(records / "Fifo2020.json")
    (records / "Folder2020.json").mkdir()
    (records / "Dangling2020.json").symlink_to(copy / "nowhere.json")
    (records / "Loop2020.json").symlink_to(records / "Loop2020.json")
    (records / "Big2020.json").write_bytes(b" " * (2 << 20))
    found = _record_problems(copy)
    assert found["Fifo2020.json"] == ("ref.invalid-record", found["Fifo2020.json"][1])
    assert "not a regular file" in found["Fifo2020.json"][1]
    assert "is a folder" in found["Folder2020.json"][1]
    assert "broken symbolic link" in found["Dangling2020.json"][1]
    assert "symbolic link loop" in found["Loop2020.json"][1]
    assert "more than the limit" in found["Big2020.json"][1]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('{"key": "Agrees2014", "key": "Other"}', "appears twice"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"key": "Agrees2014", "records": [], "n": ' + "9" * 5_000 + "}", "not a record"),
    ],
)
def test_odd_json_is_one_problem(copy: Path, text: str, says: str) -> None:
    (copy / "records" / "Agrees2014.json").write_text(text, encoding="utf-8")
    code, message = _record_problems(copy)["Agrees2014.json"]
    assert code == "ref.invalid-record"
    assert says in message


def test_a_record_for_a_key_the_bib_lacks_is_reported(copy: Path) -> None:
    planted = (copy / "records" / "Retracted2018.json").read_text(encoding="utf-8")
    (copy / "records" / "Ghost2020.json").write_text(
        planted.replace('"Retracted2018"', '"Ghost2020"'), encoding="utf-8"
    )
    code, message = _record_problems(copy)["Ghost2020.json"]
    assert code == "ref.record-without-entry"
    assert "'Ghost2020'" in message


def test_a_named_records_folder_that_is_missing_is_an_error(copy: Path) -> None:
    assert _record_problems(copy, copy / "nope")["nope"][0] == "ref.records-not-found"
    assert "nope" not in _record_problems(copy)  # the default folder may be absent
