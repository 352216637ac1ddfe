"""Read a file that a stranger may have put there: only regular files, never blocking, bounded.

``Path.read_bytes`` on a FIFO waits forever, on a folder or a broken link it raises; a claims
folder from a pull request may hold any of these. Here each becomes an `UnreadableFileError`
with a reason a contributor can act on.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from needling_facts.errors import UnreadableFileError

__all__ = ["DEFAULT_LIMIT", "check_readable", "read_regular_file"]

DEFAULT_LIMIT = 1 << 30
"""1 GiB: far above any real bibliography, low enough to fail fast on a runaway file."""


def _stat(path: Path) -> os.stat_result:
    try:
        return os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            raise UnreadableFileError(
                str(path), f"broken symbolic link (to {os.readlink(path)!r})"
            ) from None
        raise UnreadableFileError(str(path), "no such file") from None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise UnreadableFileError(str(path), "symbolic link loop") from None
        raise UnreadableFileError(str(path), f"cannot read: {error.strerror}") from None


def _check_kind(path: Path, info: os.stat_result, limit: int) -> None:
    if stat.S_ISDIR(info.st_mode):
        raise UnreadableFileError(str(path), "is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise UnreadableFileError(
            str(path), "not a regular file (a FIFO, socket or device); skipped"
        )
    if info.st_size > limit:
        raise UnreadableFileError(
            str(path), f"is {info.st_size} bytes, more than the limit of {limit}"
        )


def check_readable(path: Path) -> None:
    """`UnreadableFileError` unless ``path`` is (a link to) a regular file."""
    _check_kind(path, _stat(path), DEFAULT_LIMIT)


def read_regular_file(path: Path, limit: int = DEFAULT_LIMIT) -> bytes:
    """The bytes of ``path`` (following symbolic links) if it is a regular file of at most
    ``limit`` bytes; otherwise `UnreadableFileError`."""
    _check_kind(path, _stat(path), limit)
    try:
        # O_NONBLOCK: if the file was swapped for a FIFO since the stat, open must not wait.
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise UnreadableFileError(str(path), f"cannot read: {error.strerror}") from None
    try:
        _check_kind(path, os.fstat(handle), limit)
        chunks: list[bytes] = []
        size = 0
        while chunk := os.read(handle, 1 << 20):
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                raise UnreadableFileError(str(path), f"grew past the limit of {limit} bytes")
        return b"".join(chunks)
    except OSError as error:
        raise UnreadableFileError(str(path), f"cannot read: {error.strerror}") from None
    finally:
        os.close(handle)
