"""An independent judge for ``fmt``: pybtex (not bibtexparser) reads a file before and after.

pybtex, like BibTeX, has no ``%`` comments inside entries and no brace-less ``@comment`` lines;
biber removes such lines before parsing, and so does the judge (the same way for both files),
so a commented-out entry that ``fmt`` revived would show up as an extra entry.
"""

from __future__ import annotations

import re
from collections import Counter

from pybtex.database import parse_string

__all__ = ["comment_lines", "pybtex_view"]

_COMMENT_LINE = re.compile(r"^[ \t]*%.*$", re.MULTILINE)
_TRAILING_COMMENT = re.compile(r",[ \t]*%.*$", re.MULTILINE)
_BARE_COMMENT = re.compile(r"^[ \t]*@comment\b[^{(\n]*$", re.MULTILINE | re.IGNORECASE)

Entry = tuple[str, tuple[tuple[str, str], ...], tuple[tuple[str, tuple[str, ...]], ...]]


def pybtex_view(text: str) -> dict[str, Entry]:
    """Every entry as pybtex reads it: type, fields (names folded) and people."""
    text = text.replace("\r\n", "\n")
    stripped = _BARE_COMMENT.sub("", _TRAILING_COMMENT.sub(",", _COMMENT_LINE.sub("", text)))
    data = parse_string(stripped, "bibtex")
    view: dict[str, Entry] = {}
    for key, entry in data.entries.items():
        fields = tuple(sorted((name.lower(), str(value)) for name, value in entry.fields.items()))
        people = tuple(
            sorted(
                (role.lower(), tuple(str(p) for p in persons))
                for role, persons in entry.persons.items()
            )
        )
        view[key] = (entry.type.lower(), fields, people)
    return view


def comment_lines(text: str) -> Counter[str]:
    """The ``%`` comments of a file (full-line or trailing), as text, counted."""
    found: Counter[str] = Counter()
    for line in text.replace("\r\n", "\n").split("\n"):
        stripped = line.strip()
        if stripped.startswith("%"):
            found[stripped] += 1
        elif re.search(r",[ \t]*%", line):
            found[line[line.index("%", line.rindex(",")) :].strip()] += 1
    return found
