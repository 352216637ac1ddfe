"""Write the files people edit (``references.bib``, claim files, exports) without losing data.

- `locked`: an exclusive lock (``filelock``, a sidecar ``.NAME.lock`` beside the real file) held
  around a whole read-modify-write, so two ``add`` runs, or ``fmt`` during ``add``, both land.
- `write_text`: write to a temporary file in the same folder, then rename it over the target:
  readers see the old file or the new one, never half of one. The write goes to the real
  target of a symbolic link (the link stays a link) and keeps the file's mode and owner.

Refused, with an `UnsafeWriteError` and nothing changed: a target that is not a regular file
(a device, FIFO, socket or folder), a read-only file, a missing folder, a broken or looping
link, and a file with more than one hard link. Hard links are refused rather than written in
place: an in-place write is not atomic (a crash halfway leaves a truncated file under every
name), and a rename would silently detach this name from the others.
"""

from __future__ import annotations

import errno
import glob
import os
import stat
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from needling_facts.errors import UnsafeWriteError

__all__ = ["LOCK_TIMEOUT", "OutputFolder", "check_target", "locked", "real_target", "write_text"]

LOCK_TIMEOUT = 60.0
"""Seconds to wait for another command's lock; a real edit takes well under one."""


def real_target(path: Path) -> Path:
    """The file a write to ``path`` must change: the end of its chain of symbolic links."""
    try:
        return Path(os.path.realpath(path, strict=True))
    except FileNotFoundError:
        if os.path.islink(path):
            raise UnsafeWriteError(
                str(path), f"broken symbolic link (to {os.readlink(path)!r}); not writing"
            ) from None
        return Path(os.path.realpath(path))
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise UnsafeWriteError(str(path), "symbolic link loop; not writing") from None
        raise UnsafeWriteError(str(path), f"cannot write: {error.strerror}") from None


def check_target(path: Path) -> tuple[Path, os.stat_result | None]:
    """The real target of ``path`` and its status (None for a new file), if it may be written."""
    if not str(path).strip():
        raise UnsafeWriteError(str(path), "empty path")
    target = real_target(path)
    folder = target.parent
    if not folder.is_dir():
        raise UnsafeWriteError(str(path), f"folder {str(folder)!r} does not exist")
    try:
        info = os.stat(target)
    except FileNotFoundError:
        info = None
    if info is not None:
        if not stat.S_ISREG(info.st_mode):
            raise UnsafeWriteError(
                str(path), "not a regular file (a device, FIFO, socket or folder); not replacing it"
            )
        if not info.st_mode & 0o222 or not os.access(target, os.W_OK):
            raise UnsafeWriteError(
                str(path), "is read-only; make it writable first if you mean to change it"
            )
        if info.st_nlink > 1:
            raise UnsafeWriteError(
                str(path),
                f"has {info.st_nlink} hard links; rewriting it would detach this name from "
                "the others (make it a single file, or a symbolic link, first)",
            )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UnsafeWriteError(str(path), f"cannot create files in {str(folder)!r}")
    return target, info


@contextmanager
def locked(path: Path, timeout: float = LOCK_TIMEOUT) -> Iterator[Path]:
    """Hold the edit lock of ``path``'s real target; yields that target."""
    target = real_target(path)
    lock_path = target.parent / f".{target.name}.lock"
    lock = FileLock(lock_path, timeout=timeout)
    try:
        lock.acquire()
    except Timeout:
        raise UnsafeWriteError(
            str(path), f"still locked by another command after {timeout:.0f} s ({lock_path})"
        ) from None
    except OSError as error:
        raise UnsafeWriteError(str(path), f"cannot lock: {error.strerror}") from None
    try:
        yield target
    finally:
        lock.release()


def _new_file_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


STALE_AFTER = 600.0
"""Seconds after which a temporary file of ours is a leftover: a write takes well under one."""


def _sweep(target: Path) -> None:
    # A write killed between creating its temporary file and renaming it (SIGKILL, power loss)
    # leaves ``.NAME.xxxx.tmp`` behind; the next write of NAME removes old ones.
    now = time.time()
    for leftover in target.parent.glob(f".{glob.escape(target.name)}.*.tmp"):
        try:
            old = now - leftover.stat().st_mtime > STALE_AFTER
            if old and leftover.is_file() and not leftover.is_symlink():
                leftover.unlink()
        except OSError:
            continue  # someone else's, or gone already: never a reason to fail the write


def write_text(path: Path, text: str) -> None:
    """Replace ``path``'s real target with ``text`` (UTF-8, line endings as given), atomically."""
    target, info = check_target(path)
    _sweep(target)
    try:
        handle, temporary = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
        )
    except OSError as error:
        raise UnsafeWriteError(str(path), f"cannot write: {error.strerror}") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(text.encode("utf-8"))
            stream.flush()
            if info is None:
                os.fchmod(stream.fileno(), _new_file_mode())
            else:
                os.fchmod(stream.fileno(), stat.S_IMODE(info.st_mode))
                if (info.st_uid, info.st_gid) != (os.getuid(), os.getgid()):
                    try:
                        os.fchown(stream.fileno(), info.st_uid, info.st_gid)
                    except PermissionError:
                        raise UnsafeWriteError(
                            str(path), "owned by another user; cannot keep its owner"
                        ) from None
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except OSError as error:
        # A full disk or a read-only mount: the target is untouched; say so in one line.
        Path(temporary).unlink(missing_ok=True)
        raise UnsafeWriteError(str(path), f"cannot write: {error.strerror}; unchanged") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _holds(target: Path, data: bytes) -> bool:
    """Whether the regular file ``target`` (not followed if it became a link) holds ``data``."""
    try:
        descriptor = os.open(target, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return False
    with os.fdopen(descriptor, "rb") as stream:
        return stream.read(len(data) + 1) == data


class OutputFolder:
    """A folder a command fills with generated files (``pages --out``), written safely.

    The folder is resolved once. Every write stays inside it: a path with ``..``, a symbolic
    link anywhere on the way (a planted ``out/claims -> /etc`` or ``out/index.md -> ~/.bashrc``)
    or a non-file at the target is refused with an `UnsafeWriteError`, never followed. Each file
    is written to a temporary name beside it and renamed into place, and every ``OSError``
    (a full disk, a read-only mount) becomes one `UnsafeWriteError` line.
    """

    def __init__(self, root: Path, *, sources: Iterable[Path] = ()) -> None:
        if root.is_symlink():
            raise UnsafeWriteError(str(root), "is a symbolic link; name the real folder")
        resolved = Path(os.path.realpath(root))
        for source in sources:
            real = Path(os.path.realpath(source))
            if resolved == real or resolved.is_relative_to(real) or real.is_relative_to(resolved):
                raise UnsafeWriteError(
                    str(root),
                    f"overlaps {str(source)!r}, which is read to build it; write elsewhere",
                )
        try:
            resolved.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise UnsafeWriteError(str(root), f"cannot create: {error.strerror}") from None
        self.root = resolved

    def _folder(self, parts: tuple[str, ...], display: str) -> Path:
        folder = self.root
        for part in parts:
            folder = folder / part
            try:
                info = os.lstat(folder)
            except FileNotFoundError:
                try:
                    folder.mkdir()
                except OSError as error:
                    raise UnsafeWriteError(display, f"cannot create: {error.strerror}") from None
                continue
            except OSError as error:
                raise UnsafeWriteError(display, f"cannot write: {error.strerror}") from None
            if not stat.S_ISDIR(info.st_mode):
                raise UnsafeWriteError(
                    display, f"{str(folder)!r} is a symbolic link or a file; not writing through it"
                )
        return folder

    def write(self, relative: str, content: str | bytes) -> Path:
        """Write ``content`` (text as UTF-8) to ``relative``, a POSIX path inside the folder."""
        parts = tuple(relative.split("/"))
        display = str(self.root / relative)
        if relative.startswith("/") or any(part in ("", ".", "..") for part in parts):
            raise UnsafeWriteError(display, "not a plain path inside the output folder")
        folder = self._folder(parts[:-1], display)
        target = folder / parts[-1]
        try:
            info: os.stat_result | None = os.lstat(target)
        except FileNotFoundError:
            info = None
        except OSError as error:
            raise UnsafeWriteError(display, f"cannot write: {error.strerror}") from None
        if info is not None and not stat.S_ISREG(info.st_mode):
            raise UnsafeWriteError(
                display, "is a symbolic link or not a regular file; not replacing it"
            )
        data = content.encode("utf-8") if isinstance(content, str) else content
        if info is not None and info.st_size == len(data) and _holds(target, data):
            # Already this content: left alone, so a rebuild of 5,000 data files writes only
            # what changed, and a watching engine sees only those change.
            return target
        temporary: str | None = None
        try:
            handle, temporary = tempfile.mkstemp(
                prefix=f".{target.name}.", suffix=".tmp", dir=folder
            )
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                os.fchmod(stream.fileno(), _new_file_mode())
            os.replace(temporary, target)
        except OSError as error:
            if temporary is not None:
                Path(temporary).unlink(missing_ok=True)
            raise UnsafeWriteError(display, f"cannot write: {error.strerror}") from None
        return target
