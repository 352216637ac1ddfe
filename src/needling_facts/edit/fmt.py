"""``needling-facts fmt``: lay a ``.bib`` file out in the house style, losslessly."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from needling_facts.diagnostics import Problem
from needling_facts.sources.bibtex.diff import entry_diff
from needling_facts.sources.bibtex.layout import FormatRefusedError, format_bibliography
from needling_facts.sources.bibtex.read import BIB_NOT_UTF8
from needling_facts.sources.safe_read import read_regular_file
from needling_facts.sources.safe_write import locked, write_text

__all__ = ["FormatResult", "format_file"]


@dataclass(slots=True)
class FormatResult:
    path: Path
    changed: bool = False
    diff: str = ""
    refused: list[Problem] = field(default_factory=list)


def format_file(path: Path, *, check: bool) -> FormatResult:
    """Format one file in place (or, with ``check``, only say how it would change).

    The read and the write happen under the file's edit lock, so an ``add`` running at the
    same time is either in the text we format or waits and adds to what we wrote.
    """
    if check:
        return _format(path, check=True)
    with locked(path):
        return _format(path, check=False)


def _format(path: Path, *, check: bool) -> FormatResult:
    result = FormatResult(path)
    data = read_regular_file(path)
    try:
        original = data.decode("utf-8")
    except UnicodeDecodeError:
        result.refused = [BIB_NOT_UTF8.at(str(path), 1, 1, "not valid UTF-8")]
        return result
    del data  # a big file is held once, as text
    try:
        formatted = format_bibliography(original, str(path))
    except FormatRefusedError as refused:
        formatted = None
        result.refused = refused.problems
    if formatted is None or formatted == original:
        return result
    result.changed = True
    result.diff = entry_diff(original, formatted, f"{path} (current)", f"{path} (formatted)")
    if not check:
        write_text(path, formatted)
    return result
