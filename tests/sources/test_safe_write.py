"""Safe writes: locked read-modify-write, atomic replace, links, modes, owners, refusals."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from needling_facts.edit.add import add_entries
from needling_facts.edit.fmt import format_file
from needling_facts.errors import UnsafeWriteError
from needling_facts.sources.safe_write import OutputFolder, locked, write_text
from tests.conftest import FIXTURES, REPO, device_file

UNFORMATTED = FIXTURES / "safe-write" / "unformatted.bib"


def _entry(key: str, number: int) -> str:
    return (
        f"@article{{{key},\n  author = {{Writer, Will}},\n  title = {{Entry {number}}},\n"
        f"  journal = {{J Test}},\n  year = {{2020}},\n  doi = {{10.9999/conc.{number}}},\n}}\n"
    )


def _spawn(tmp_path: Path, *argv: str, stdin_text: str = "") -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    process = subprocess.Popen(
        [sys.executable, "-m", "needling_facts", *argv],
        cwd=tmp_path,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdin is not None
    process.stdin.write(stdin_text)
    process.stdin.close()
    return process


def test_concurrent_adds_all_land(tmp_path: Path) -> None:
    # A real-sized bibliography: parsing it takes long enough for unlocked writers to overlap.
    bib = tmp_path / "references.bib"
    shutil.copy(REPO / "references.bib", bib)
    keys = [f"Concurrent{n}2020" for n in range(4)]
    processes = [
        _spawn(tmp_path, "add", "--bib", str(bib), "-", stdin_text=_entry(key, n))
        for n, key in enumerate(keys)
    ]
    for process in processes:
        assert process.wait(timeout=120) == 0, process.stderr.read() if process.stderr else ""
    text = bib.read_text()
    assert [key for key in keys if f"{{{key}," not in text] == []


def test_fmt_overlapping_add_loses_nothing(tmp_path: Path) -> None:
    bib = tmp_path / "references.bib"
    bib.write_text(UNFORMATTED.read_text() + (REPO / "references.bib").read_text())
    processes = [
        _spawn(tmp_path, "fmt", str(bib)),
        _spawn(tmp_path, "add", "--bib", str(bib), "-", stdin_text=_entry("Overlap2020", 1)),
        _spawn(tmp_path, "fmt", str(bib)),
    ]
    for process in processes:
        process.wait(timeout=120)
    assert "{Overlap2020," in bib.read_text()
    assert "{Alpha2020," in bib.read_text()


def test_write_goes_to_the_target_of_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "data" / "refs.bib"
    real.parent.mkdir()
    shutil.copy(UNFORMATTED, real)
    link = tmp_path / "refs.bib"
    link.symlink_to(real)
    assert format_file(link, check=False).changed
    assert link.is_symlink()
    assert "% A bibliography" in real.read_text()
    assert "@article{Alpha2020," in real.read_text()


def test_mode_and_owner_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "refs.bib"
    shutil.copy(UNFORMATTED, path)
    path.chmod(0o640)
    owner = (os.getuid(), os.getgid())
    if os.geteuid() == 0:  # only root can give a file away; then check it is given back
        owner = (4321, 4321)
        os.chown(path, *owner)
    format_file(path, check=False)
    info = path.stat()
    assert info.st_mode & 0o777 == 0o640
    assert (info.st_uid, info.st_gid) == owner


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _read_only(path: Path) -> None:
    path.write_text("old\n")
    path.chmod(0o444)


def _hard_linked(path: Path) -> None:
    path.write_text("old\n")
    os.link(path, path.with_name("other-name.bib"))


def _folder(path: Path) -> None:
    path.mkdir()


def _dangling(path: Path) -> None:
    path.symlink_to(path.with_name("nowhere.bib"))


def _loop(path: Path) -> None:
    path.symlink_to(path)


REFUSED = [
    (_fifo, "not a regular file"),
    (_read_only, "read-only"),
    (_hard_linked, "hard links"),
    (_folder, "not a regular file"),
    (_dangling, "broken symbolic link"),
    (_loop, "symbolic link loop"),
]


@pytest.mark.parametrize(("make", "reason"), REFUSED, ids=[m.__name__ for m, _ in REFUSED])
def test_refused_targets_are_left_alone(tmp_path: Path, make: object, reason: str) -> None:
    path = tmp_path / "refs.bib"
    make(path)  # type: ignore[operator]
    before = sorted(os.listdir(tmp_path))
    with pytest.raises(UnsafeWriteError, match=reason):
        write_text(path, "new\n")
    assert sorted(os.listdir(tmp_path)) == before
    if path.is_file() and not path.is_symlink():
        assert path.read_text() == "old\n"


def test_device_is_refused(tmp_path: Path) -> None:
    device = device_file(tmp_path)
    with pytest.raises(UnsafeWriteError, match="not a regular file"):
        write_text(device, "x")
    assert device.is_char_device()


def test_no_temporary_file_is_left_after_a_failed_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "refs.bib"
    path.write_text("old\n")

    def failing_replace(source: object, target: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(UnsafeWriteError, match="No space left on device; unchanged"):
        write_text(path, "new\n")
    assert os.listdir(tmp_path) == ["refs.bib"]
    assert path.read_text() == "old\n"


def test_add_waits_for_the_lock(tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text("")
    # A second lock on another handle waits like another process would, then gives up.
    with locked(bib), pytest.raises(UnsafeWriteError, match="still locked"), locked(bib, 0.2):
        pass
    assert add_entries(bib, _entry("After2020", 1)).added == ["After2020"]


def test_a_write_removes_old_leftovers_of_a_killed_write(tmp_path: Path) -> None:
    # Issue 19: temporary files stayed after SIGKILL (4 of 30 runs).
    path = tmp_path / "refs.bib"
    path.write_text("old\n")
    old = tmp_path / ".refs.bib.abc123.tmp"
    fresh = tmp_path / ".refs.bib.def456.tmp"
    other = tmp_path / ".other.bib.ghi789.tmp"
    for leftover in (old, fresh, other):
        leftover.write_text("half a write")
    long_ago = time.time() - 3600
    os.utime(old, (long_ago, long_ago))
    os.utime(other, (long_ago, long_ago))
    write_text(path, "new\n")
    assert not old.exists()  # ours and old: a leftover
    assert fresh.exists()  # ours but recent: perhaps another write in progress
    assert other.exists()  # another file's: not ours to remove


def test_an_output_file_already_holding_the_content_is_left_alone(tmp_path: Path) -> None:
    folder = OutputFolder(tmp_path / "out")
    same = folder.write("api/a.json", b'{"a": 1}\n')
    changed = folder.write("api/b.json", "first")
    before = {path: os.stat(path) for path in (same, changed)}
    time.sleep(0.01)
    folder.write("api/a.json", b'{"a": 1}\n')
    folder.write("api/b.json", "secondly")
    assert os.stat(same).st_ino == before[same].st_ino  # not replaced by a new file
    assert os.stat(same).st_mtime_ns == before[same].st_mtime_ns
    assert changed.read_text(encoding="utf-8") == "secondly"
    folder.write("api/b.json", "secondl")  # one byte shorter: a prefix is not the content
    assert changed.read_text(encoding="utf-8") == "secondl"
    # A link planted where an unchanged file was is still refused, not read through.
    same.unlink()
    (tmp_path / "elsewhere").write_bytes(b'{"a": 1}\n')
    same.symlink_to(tmp_path / "elsewhere")
    with pytest.raises(UnsafeWriteError):
        folder.write("api/a.json", b'{"a": 1}\n')
