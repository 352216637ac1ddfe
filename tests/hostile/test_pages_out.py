"""``pages --out`` from a hostile checkout: no write escapes the folder, no source is replaced.

Issue 19 class 2. Each case runs the real CLI and checks the one-line error and that nothing
outside the output folder changed.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from needling_facts.cli import main
from tests.conftest import FIXTURES

GOOD = FIXTURES / "good"


def _pages(tmp_path: Path, out: Path, docs: Path | None = None, claims: Path | None = None) -> int:
    argv = ["pages", "--bib", str(GOOD / "references.bib")]
    argv += ["--claims", str(claims or GOOD / "claims"), "--out", str(out)]
    if docs is not None:
        argv += ["--docs", str(docs)]
    return main(argv)


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    path = tmp_path / "victim.sh"
    path.write_text("#!/bin/sh\necho safe\n")
    path.chmod(0o755)
    return path


def _docs(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Home\n", encoding="utf-8")
    return docs


def test_a_link_planted_in_the_output_folder_is_not_written_through(
    tmp_path: Path, victim: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    (out / "claims").mkdir(parents=True)
    (out / "claims" / "acne-scars.md").symlink_to(victim)
    assert _pages(tmp_path, out) == 1
    assert victim.read_text() == "#!/bin/sh\necho safe\n"
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "symbolic link" in err[0]


def test_a_linked_folder_in_the_output_is_not_entered(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (out / "claims").symlink_to(elsewhere, target_is_directory=True)
    assert _pages(tmp_path, out) == 1
    assert list(elsewhere.iterdir()) == []


def test_links_that_leave_docs_are_not_copied(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("private key")
    docs = _docs(tmp_path)
    (docs / "notes.md").symlink_to(secret)
    out = tmp_path / "out"
    assert _pages(tmp_path, out, docs) == 0
    assert (out / "index.md").is_file()
    assert not (out / "notes.md").exists()
    assert all("private key" not in p.read_text() for p in out.rglob("*.md"))


@pytest.mark.parametrize("where", ["docs", "docs/build", "claims", "claims/out", "."])
def test_an_output_overlapping_a_source_is_refused(
    tmp_path: Path, where: str, capsys: pytest.CaptureFixture[str]
) -> None:
    docs = _docs(tmp_path)
    claims = tmp_path / "claims"
    shutil.copytree(GOOD / "claims", claims)
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    assert _pages(tmp_path, tmp_path / where, docs, claims) == 1
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before
    assert "overlaps" in capsys.readouterr().err


def test_a_hand_written_page_is_never_replaced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    docs = _docs(tmp_path)
    (docs / "bibliography.md").write_text("# My own bibliography\n", encoding="utf-8")
    assert _pages(tmp_path, tmp_path / "out", docs) == 1
    assert "is hand-written" in capsys.readouterr().err
    assert (docs / "bibliography.md").read_text() == "# My own bibliography\n"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_output_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o555)
    assert _pages(tmp_path, out) == 1
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_a_full_disk_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real_replace = os.replace

    def full(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    assert _pages(tmp_path, tmp_path / "out") == 1
    monkeypatch.setattr(os, "replace", real_replace)
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "No space left on device" in err[0]
    assert not list((tmp_path / "out").rglob("*.tmp"))
