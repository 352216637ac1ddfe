"""Hostile and broken claim files: every one is a located problem, never a traceback or a hang.

One regression case per class from issue 13; the YAML cases are real files under
``tests/fixtures/hostile-yaml/claims``, the folder cases (links, FIFOs...) are made in a temporary
folder because git cannot store them.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from needling_facts.loading import load_from, read_claim_folder
from needling_facts.sources.claim_files import read_claim_file
from tests.conftest import FIXTURES, line_containing

HOSTILE = FIXTURES / "hostile-yaml"
CLAIMS = HOSTILE / "claims"

YAML_CASES = [
    # (file, code, text on the reported line)
    ("alias-bomb.md", "claim.yaml-alias", "lol: &a"),
    ("recursive-alias.md", "claim.yaml-alias", "&loop"),
    ("anchor.md", "claim.yaml-alias", "&v"),
    ("deep.md", "claim.yaml-limit", "[[[["),
    ("duplicate-key.md", "claim.duplicate-key", "certainty: high"),
    ("duplicate-nested-key.md", "claim.duplicate-key", "stance: contradicts"),
    ("impossible-date.md", "claim.invalid-yaml", "2024-02-30"),
    ("bad-int.md", "claim.invalid-yaml", "!!int abc"),
    ("bad-bool.md", "claim.invalid-yaml", "!!bool maybe"),
    ("bad-timestamp.md", "claim.invalid-yaml", "!!timestamp"),
    ("huge-int.md", "claim.invalid-yaml", "99999"),
    ("python-object.md", "claim.invalid-yaml", "!!python"),
    ("infinite-number.md", "claim.invalid-value", ".inf"),
    ("not-a-number.md", "claim.invalid-value", ".nan"),
]


@pytest.mark.parametrize(("name", "code", "needle"), YAML_CASES)
def test_hostile_yaml_is_one_located_problem(
    name: str, code: str, needle: str, alarm: None
) -> None:
    path = CLAIMS / name
    file = read_claim_file(path)
    assert file.claim is None
    assert [(p.code, p.line) for p in file.problems] == [(code, line_containing(path, needle))]


def test_duplicate_key_names_the_first_line() -> None:
    path = CLAIMS / "duplicate-key.md"
    (problem,) = read_claim_file(path).problems
    assert f"first at line {line_containing(path, 'certainty: very-low')}" in problem.message


def test_oversized_front_matter_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.md"
    path.write_text("---\ntitle: x\ncaveats:\n" + "  - padding text\n" * 20_000 + "---\n")
    assert [p.code for p in read_claim_file(path).problems] == ["claim.yaml-limit"]
    path.write_bytes(b"---\n" + b"#" * (2 << 20) + b"\n---\n")
    assert [p.code for p in read_claim_file(path).problems] == ["claim.unreadable"]


def test_one_bad_file_does_not_end_the_run(alarm: None) -> None:
    library = load_from(HOSTILE / "references.bib", CLAIMS)
    assert list(library.claims) == ["collagen"]
    reported = {Path(p.path).name for p in library.errors}
    assert reported == {name for name, _, _ in YAML_CASES}


def _unreadable(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make ``path`` unreadable; root ignores file modes, so there the open is made to fail."""
    path.write_text("---\ntitle: x\n---\n")
    path.chmod(0)
    if os.geteuid() != 0:
        return
    real_open = os.open

    def failing_open(file: object, flags: int, *args: object, **kwargs: object) -> int:
        if os.fspath(file) == str(path):  # type: ignore[call-overload]
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(file, flags, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", failing_open)


FOLDER_CASES = {
    "dangling.md": "broken symbolic link",
    "loop.md": "symbolic link loop",
    "folder.md": "is a folder",
    "fifo.md": "not a regular file",
    "locked.md": "Permission denied",
}


def test_claims_folder_oddities_are_problems_not_crashes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, alarm: None
) -> None:
    claims = tmp_path / "claims"
    shutil.copytree(FIXTURES / "good" / "claims", claims)
    (claims / "dangling.md").symlink_to(tmp_path / "nowhere.md")
    (claims / "loop.md").symlink_to(claims / "loop.md")
    (claims / "folder.md").mkdir()
    os.mkfifo(claims / "fifo.md")
    (claims / "linked-dir").symlink_to(claims)  # a folder loop: not followed
    (claims / "latin1.md").write_bytes(b"---\ntitle: Caf\xe9\n---\n")
    (claims / "alias.md").symlink_to(claims / "collagen.md")  # a link to a file is read
    _unreadable(claims / "locked.md", monkeypatch)

    files, _ = read_claim_folder(claims)
    by_name = {Path(f.path).name: f for f in files}
    for name, reason in FOLDER_CASES.items():
        (problem,) = by_name[name].problems
        assert (problem.path, problem.line, problem.col) == (str(claims / name), 1, 1)
        assert (problem.code, by_name[name].claim_id) == ("claim.unreadable", name[:-3])
        assert reason in problem.message, name
    assert "claim.not-utf8" in [p.code for p in by_name["latin1.md"].problems]
    assert by_name["alias.md"].claim is not None
    library = load_from(FIXTURES / "good" / "references.bib", claims)
    assert {"acne-scars", "collagen"} <= set(library.claims)


def test_a_misnamed_claim_file_is_reported_not_kept(tmp_path: Path) -> None:
    claims = tmp_path / "claims"
    shutil.copytree(FIXTURES / "good" / "claims", claims)
    shutil.copy(claims / "collagen.md", claims / "Bad_Name.md")
    library = load_from(FIXTURES / "good" / "references.bib", claims)
    assert [(Path(p.path).name, p.code) for p in library.errors] == [
        ("Bad_Name.md", "claim.invalid-id")
    ]
    assert sorted(library.claims) == ["acne-scars", "collagen"]
    # Every claim the library links to is one it holds (this raised KeyError: 'invalid-id').
    assert [c.id for c in library.citing_claims("Muller2020")] == ["collagen"]
