from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from needling_facts.cli.commands import main
from tests.conftest import FIXTURES

NEW_ENTRY = """\
@Article{Newcomer2021,
  title = "A new study",
  author = {New, Nora and Comer, Carl},
  journal = {J Test},
  year = 2021,
  doi = {10.9999/new.2021},
  pmid = {99999999},
}
"""


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(argv), stdout=out), out.getvalue()


@pytest.fixture
def bib(tmp_path: Path) -> Path:
    path = tmp_path / "references.bib"
    shutil.copy(FIXTURES / "good" / "references.bib", path)
    return path


def test_fmt_check_shows_a_diff_then_fmt_fixes_it(bib: Path) -> None:
    before = bib.read_text()
    code, out = run("fmt", "--check", str(bib))
    assert code == 1
    assert "would be reformatted" in out
    assert "-  journal = jdt," not in out  # macros stay macros
    assert "@string{jdt = {J Dermatolog Treat}}" in before
    changed = [line for line in out.splitlines() if line[:1] in "+-"]
    assert not any("@string" in line for line in changed)  # the macro is already canonical
    assert "+  year = {2020}," in changed  # the bare year is what changes
    assert bib.read_text() == before  # --check changes nothing
    code, out = run("fmt", str(bib))
    assert code == 0
    assert "formatted" in out
    assert run("fmt", "--check", str(bib)) == (0, f"{bib}: already formatted\n")
    assert "journal = jdt," in bib.read_text()


def test_fmt_refuses_a_broken_file_and_leaves_it_untouched(tmp_path: Path) -> None:
    path = tmp_path / "broken.bib"
    shutil.copy(FIXTURES / "bib-errors" / "references.bib", path)
    before = path.read_bytes()
    code, out = run("fmt", str(path))
    assert code == 1
    assert "bib.parse-error" in out
    assert "not formatted" in out
    assert path.read_bytes() == before


def test_add_inserts_in_canonical_form(bib: Path, tmp_path: Path) -> None:
    source = tmp_path / "new.bib"
    source.write_text(NEW_ENTRY)
    code, out = run("add", "--bib", str(bib), str(source))
    assert code == 0, out
    assert "added Newcomer2021" in out
    text = bib.read_text()
    assert (
        "@article{Newcomer2021,\n  author = {New, Nora and Comer, Carl},\n  title = {A new study},"
        in text
    )
    assert run("fmt", "--check", str(bib))[0] == 0
    assert run("check", "--bib", str(bib), "--claims", str(FIXTURES / "good" / "claims"))[0] == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("Newcomer2021", "muller2020"), "key 'muller2020' is already used by entry 'Muller2020'"),
        (
            ("10.9999/new.2021", "10.3109/09546634.2012.742949".upper()),
            "is already in entry 'Fabbrocini2014'",
        ),
        (("99999999", "23216209"), "PMID 23216209 is already in entry 'Fabbrocini2014'"),
        (("journal = {J Test},", ""), "has no 'journal' field"),
    ],
)
def test_add_refuses_duplicates_and_invalid_entries_and_writes_nothing(
    bib: Path,
    tmp_path: Path,
    change: tuple[str, str],
    message: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    source = tmp_path / "new.bib"
    good = (
        NEW_ENTRY.replace("Newcomer2021", "Fine2022")
        .replace("10.9999/new.2021", "10.9999/fine")
        .replace("99999999", "88888888")
    )
    source.write_text(good + "\n" + NEW_ENTRY.replace(*change))
    before = bib.read_bytes()
    code, out = run("add", "--bib", str(bib), str(source))
    assert code == 1
    assert out == ""
    error = capsys.readouterr().err.splitlines()[-1]
    assert error.startswith(f"needling-facts: error: nothing added to {bib}")
    assert message in error
    assert bib.read_bytes() == before


def test_add_reads_stdin(bib: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(NEW_ENTRY))
    assert run("add", "--bib", str(bib), "-")[0] == 0
    assert "Newcomer2021" in bib.read_text()


def test_new_claim_skeleton_guides_through_check(tmp_path: Path) -> None:
    claims = tmp_path / "claims"
    code, out = run("new-claim", "pores-in-oily-skin", "--claims", str(claims))
    assert code == 0
    path = claims / "pores-in-oily-skin.md"
    assert path.exists()
    code, out = run(
        "check", "--bib", str(FIXTURES / "good" / "references.bib"), "--claims", str(claims)
    )
    assert code == 1
    missing = {line.split("'")[1] for line in out.splitlines() if "claim.missing-field" in line}
    assert {"title", "statement", "outcome", "certainty", "verdict"} <= missing
    row = "comparisons.0.outcomes.0."
    assert {f"{row}grade.judged_from", f"{row}grade.imprecision.concern"} <= missing
    assert run("new-claim", "pores-in-oily-skin", "--claims", str(claims))[0] == 1  # exists
    assert run("new-claim", "Bad_Id", "--claims", str(claims))[0] == 2
