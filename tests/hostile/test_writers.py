"""Every writer on a full disk: one line, documented exit status, the file unchanged.

Issue 19 class 9: ``fmt``, ``add``, ``export -o`` and ``new-claim`` ended in a traceback when
the disk was full or the mount read-only.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from needling_facts.cli import main
from tests.conftest import FIXTURES

ENTRY = "@article{New2020, title = {A new study}, journal = {J Test}, year = {2020}}\n"


def _full_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    def full(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full)


@pytest.mark.parametrize(
    "command",
    [
        ["fmt", "{bib}"],
        ["add", "--bib", "{bib}", "{entry}"],
        ["export", "--format", "json", "-o", "{out}", "--bib", "{bib}", "--claims", "{claims}"],
        ["new-claim", "new-topic", "--claims", "{claims}"],
    ],
)
def test_a_full_disk_is_one_line_and_changes_nothing(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
) -> None:
    bib = tmp_path / "references.bib"
    shutil.copy(FIXTURES / "good" / "references.bib", bib)
    bib.write_text(bib.read_text(encoding="utf-8") + "\n\n", encoding="utf-8")  # fmt has work
    claims = tmp_path / "claims"
    shutil.copytree(FIXTURES / "good" / "claims", claims)
    entry = tmp_path / "new.bib"
    entry.write_text(ENTRY, encoding="utf-8")
    out = tmp_path / "export.json"
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    argv = [part.format(bib=bib, entry=entry, out=out, claims=claims) for part in command]
    _full_disk(monkeypatch)
    code = main(argv)
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1, err
    assert len(err) == 1
    assert err[0].startswith("needling-facts: error: ")
    assert "No space left on device" in err[0]
    # filelock's empty sidecar (.NAME.lock) may stay; it is ignored by git.
    after = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file() and p.suffix != ".lock"}
    assert after == before
