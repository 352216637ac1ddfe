"""Paths named on the command line, checked the same way by every command."""

from __future__ import annotations

from pathlib import Path

from needling_facts.errors import UnreadableFileError, UsageError
from needling_facts.sources.safe_read import check_readable

__all__ = ["path_option", "readable_file_option"]


def path_option(value: str | None, option: str) -> Path | None:
    """``--bib ''`` is a mistake, not a request for the default (the bundled data)."""
    if value is None:
        return None
    if not value.strip():
        raise UsageError(f"{option}: empty path")
    return Path(value)


def readable_file_option(value: str | None, option: str) -> Path | None:
    """A named file that cannot be read is an error before anything is read.

    The cause then comes first, and is not followed by one "unknown citation" per cited key.
    """
    path = path_option(value, option)
    if path is not None:
        try:
            check_readable(path)
        except UnreadableFileError as error:
            raise UnreadableFileError(f"{option} {path}", error.reason) from None
    return path
