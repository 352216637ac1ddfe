"""One CLI error path: every user error is one line ``needling-facts: error: ...``.

Exit 1 for an error, 2 for a usage mistake, 141 when the reader of our output goes away, 130 on
Ctrl-C; never a traceback, never an empty success for a path that is not there.
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import needling_facts as nf
from needling_facts.cli.commands import main
from needling_facts.loading import PACKAGE_DIR, load_from
from tests.conftest import FIXTURES, REPO, device_file

GOOD_BIB = str(FIXTURES / "good" / "references.bib")
GOOD_CLAIMS = str(FIXTURES / "good" / "claims")
SOURCES = ("--bib", GOOD_BIB, "--claims", GOOD_CLAIMS)


def _claims_with_one_error(tmp: Path) -> tuple[str, ...]:
    """The good claims and one whose front matter is not YAML: a library with one error."""
    claims = tmp / "claims-one-error"
    shutil.copytree(GOOD_CLAIMS, claims)
    (claims / "broken.md").write_text("---\ntitle: [\n---\n", "utf-8")
    return ("--bib", GOOD_BIB, "--claims", str(claims))


def _cases(tmp: Path) -> list[tuple[list[str], int, str]]:
    latin1 = tmp / "latin1.bib"
    latin1.write_bytes(b"@article{A2020, title = {Caf\xe9}}\n")
    bib = tmp / "refs.bib"
    bib.write_text("")
    broken = _claims_with_one_error(tmp)
    return [
        (["add", "--bib", str(bib), str(tmp / "missing.bib")], 1, "no such file"),
        (["add", "--bib", str(bib), str(latin1)], 1, "not valid UTF-8 (byte 0xe9 on line 1)"),
        (["add", "--bib", str(bib), str(tmp)], 1, "is a folder"),
        (
            ["export", "--format", "json", "-o", str(tmp / "no" / "x.json"), *SOURCES],
            1,
            "does not exist",
        ),
        (
            ["export", "--format", "json", "-o", str(tmp / "null-device"), *SOURCES],
            1,
            "not a regular file",
        ),
        (["export", "--format", "json", "-o", "", *SOURCES], 2, "--output: empty path"),
        (["list", "--bib", str(tmp / "missing.bib"), "--claims", GOOD_CLAIMS], 1, "no such file"),
        (["list", "--bib", GOOD_BIB, "--claims", str(tmp / "nope")], 1, "no such folder"),
        (["show", "acne-scars", "--claims", str(tmp / "nope"), "--bib", GOOD_BIB], 1, "--claims"),
        (["show", "acne-scar", *SOURCES], 1, "did you mean 'acne-scars'"),
        (["check", "--bib", "", "--claims", GOOD_CLAIMS], 2, "--bib: empty path"),
        (["check", "--claims", "", "--bib", GOOD_BIB], 2, "--claims: empty path"),
        (
            ["check", "--bib", str(tmp / "missing.bib"), "--claims", GOOD_CLAIMS],
            1,
            "missing.bib: no such file",
        ),
        (["fmt", str(tmp / "missing.bib")], 1, "no such file"),
        (["fmt", ""], 2, "FILE: empty path"),
        (["new-claim", "Bad_Id", "--claims", str(tmp)], 2, "not a valid claim id"),
        (["frobnicate"], 2, "invalid choice"),
        (["verify", "--bib", str(tmp / "missing.bib")], 1, "missing.bib: no such file"),
        (["verify", "--bib", ""], 2, "--bib: empty path"),
        (["verify", "Nobody1999", *SOURCES[:2]], 1, "no reference 'Nobody1999' in"),
        (["add", "--bib", str(tmp / "missing.bib")], 1, "<stdin>: no BibTeX entry found"),
        (["add", "--bib", str(bib), "--doi", "10.1/x", "--pmid", "1"], 2, "add: argument --pmid"),
        (["export", "--format", "nope", *SOURCES], 2, "export: argument --format: invalid"),
        (["export", *SOURCES], 2, "export: the following arguments are required: --format"),
        (["pages", *SOURCES], 2, "pages: the following arguments are required: --out"),
        (["export", "--format", "json", *broken], 1, "not exporting a library with errors"),
        (["pages", "--out", str(tmp / "site"), *broken], 1, "the library has 1 error;"),
    ]


CASE_IDS = [
    "add-missing", "add-latin1", "add-folder", "export-missing-dir", "export-device",
    "export-empty", "list-missing-bib", "list-missing-claims", "show-missing-claims",
    "show-unknown", "check-empty-bib", "check-empty-claims", "check-missing-bib",
    "fmt-missing", "fmt-empty", "new-claim-bad-id", "unknown-command", "verify-missing-bib",
    "verify-empty-bib", "verify-unknown-key", "add-missing-bib-nothing-piped",
    "add-doi-and-pmid", "export-unknown-format", "export-no-format", "pages-no-out",
    "export-library-errors", "pages-library-errors",
]  # fmt: skip


@pytest.mark.parametrize("index", range(len(CASE_IDS)), ids=CASE_IDS)
def test_user_errors_are_one_line(
    index: int, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    device = device_file(tmp_path)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # piped, and empty
    argv, status, reason = _cases(tmp_path)[index]
    out = io.StringIO()
    assert main(argv, stdout=out) == status
    err = capsys.readouterr().err.splitlines()
    if argv[0] != "pages":  # pages writes what it can, then says why it exits 1
        assert out.getvalue() == ""  # no empty success, no cascade of problems
    assert len(err) == 1, err
    assert err[0].startswith("needling-facts: error: "), err
    assert reason in err[0]
    assert device.is_char_device()  # never replaced


def test_missing_bib_does_not_cascade_in_the_library(tmp_path: Path) -> None:
    library = load_from(tmp_path / "missing.bib", Path(GOOD_CLAIMS))
    assert [p.code for p in library.errors] == ["bib.file-not-found"]


def test_empty_paths_are_not_the_bundled_data() -> None:
    with pytest.raises(ValueError, match="empty path"):
        nf.load(bib="")
    with pytest.raises(ValueError, match="empty path"):
        nf.load(claims_dir="")


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> str:
        raise AssertionError("add waited for typed input")


def test_add_with_a_terminal_on_stdin_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", _Terminal())
    assert main(["add", "--bib", str(tmp_path / "refs.bib")]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "needling-facts: error: add: name a file of BibTeX entries, or pipe them in "
        "(use - to type them)"
    ]


def test_new_claim_outside_a_checkout_refuses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    before = sorted(p.name for p in (PACKAGE_DIR / "data" / "claims").iterdir())
    assert main(["new-claim", "pores-in-oily-skin"]) == 1
    assert "run new-claim from the root of your clone" in capsys.readouterr().err
    assert sorted(p.name for p in (PACKAGE_DIR / "data" / "claims").iterdir()) == before


def _cli(*argv: str, **kwargs: object) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    return subprocess.Popen(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-m", "needling_facts", *argv], cwd=REPO, env=env, **kwargs
    )


@pytest.mark.parametrize("argv", [["list", "--json"], ["export", "--format", "json"]])
def test_broken_pipe_ends_quietly_with_141(argv: list[str]) -> None:
    process = _cli(*argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None
    assert process.stderr is not None
    process.stdout.read(10)  # like `| head -c 10`: read a little, then go away
    process.stdout.close()
    assert process.wait(timeout=60) == 141
    assert process.stderr.read() == b""


def test_ctrl_c_ends_quietly_with_130(tmp_path: Path) -> None:
    process = _cli(
        "add", "--bib", str(tmp_path / "refs.bib"), "-",
        stdin=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    time.sleep(2)  # let it start and block on stdin
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=60) == 130
    assert process.stderr is not None
    assert b"Traceback" not in process.stderr.read()
