"""One linear pass over a BibTeX file that makes bibtexparser read it the way BibTeX does.

bibtexparser v2 differs from BibTeX (and biber) in ways that lose text when ``fmt`` rewrites a
file, so before it parses, this pass *masks* the text, character for character (line and
column numbers do not move):

- ``%`` comments between fields of an entry are blanked (bibtexparser would glue them onto
  the next field name) and kept aside, so that ``fmt`` can write them back verbatim;
- ``@`` in a ``%`` line outside entries is replaced, so a commented-out entry stays a comment;
- a ``"`` inside braces within a quoted value (``"Simon {"}the {saint"} Templar"``) and a
  backslash before a brace (``{...\\{}}``; BibTeX counts every brace) are replaced, so the
  value ends where BibTeX ends it.

`restore` puts the replaced characters back into what the parser returns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["BibScan", "closing", "restore", "scan", "split_concatenation"]

# Control characters no BibTeX file has: they keep an ASCII text one byte per character
# (a private-use character would double the memory of a 50 MB file).
AT = "\x01"
QUOTE = "\x02"
BACKSLASH = "\x03"
_RESTORE = str.maketrans({AT: "@", QUOTE: '"', BACKSLASH: "\\"})
_MASKED = re.compile("[\x01-\x03]")

_TOP = re.compile(r"[@%]")
_HEAD = re.compile(r"@[ \t]*(\w*)[ \t]*([{(])")
_INNER = re.compile(r'[{}"%\\)@]')
_BLOCK_AT_LINE_START = re.compile(r"\n[ \t]*@\w*[ \t]*[{(]")


@dataclass(slots=True)
class BibScan:
    """The masked text and the comments taken out of blocks."""

    masked: str
    comments: dict[int, list[tuple[int, str]]] = field(default_factory=dict)
    """Block start line (0-based) -> ``(line, comment)`` for each ``%`` comment inside it."""
    changed: bool = False
    """Whether any character was replaced (then parsed strings need `restore`)."""


class _Lines:
    """0-based line of a position, counted incrementally (positions only move forward)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line = 0

    def at(self, pos: int) -> int:
        self.line += self.text.count("\n", self.pos, pos)
        self.pos = pos
        return self.line


def scan(text: str) -> BibScan:
    """Mask ``text`` (see the module docstring); linear in its length."""
    if "%" not in text and '"' not in text and "\\{" not in text and "\\}" not in text:
        return BibScan(text)
    if _MASKED.search(text):
        return BibScan(text)  # the file uses our placeholders itself: read it unmasked
    pieces: list[str] = []
    done = 0  # text[:done] is in pieces
    comments: dict[int, list[tuple[int, str]]] = {}
    lines = _Lines(text)
    pos = 0
    n = len(text)

    def replace(start: int, end: int, new: str) -> None:
        nonlocal done
        pieces.append(text[done:start])
        pieces.append(new)
        done = end

    while (mark := _TOP.search(text, pos)) is not None:
        start = mark.start()
        if mark.group() == "%":
            end = text.find("\n", start)
            end = n if end < 0 else end
            if "@" in text[start:end]:
                replace(start, end, text[start:end].replace("@", AT))
            pos = end
            continue
        head = _HEAD.match(text, start)
        if head is None:
            pos = start + 1
            continue
        kind = head.group(1).lower()
        block_line = lines.at(start)
        pos = _block(text, head.end(), head.group(2), kind == "comment", block_line, lines,
                     replace, comments)  # fmt: skip
    if not pieces:
        return BibScan(text, comments)
    pieces.append(text[done:])
    return BibScan("".join(pieces), comments, changed=True)


def _block(
    text: str,
    pos: int,
    opener: str,
    is_comment: bool,
    block_line: int,
    lines: _Lines,
    replace: object,
    comments: dict[int, list[tuple[int, str]]],
) -> int:
    """Scan one block from just after its opening delimiter; returns the position after it."""
    assert callable(replace)
    n = len(text)
    depth = 0  # braces open inside the block (not counting its own delimiter)
    quoted = False  # inside a "..." value (depth then counts braces inside the quotes)
    search = _INNER.search  # this loop visits every brace of the file: keep it lean
    while (mark := search(text, pos)) is not None:
        at = mark.start()
        char = text[at]
        pos = at + 1
        if char == "{":
            depth += 1
        elif char == "}":
            if depth > 0:
                depth -= 1
            elif not quoted and opener == "{":
                return pos
        elif char == ")":
            if depth == 0 and not quoted and opener == "(":
                return pos
        elif is_comment:
            continue  # @comment{...}: only the braces matter
        elif char == '"':
            if depth == 0:
                quoted = not quoted
            elif quoted:
                replace(at, at + 1, QUOTE)
        elif char == "\\":
            if (depth > 0 or quoted) and text[at + 1 : at + 2] in ("{", "}"):
                replace(at, at + 1, BACKSLASH)
        elif char == "%":
            if depth == 0 and not quoted:
                end = text.find("\n", at)
                end = n if end < 0 else end
                comments.setdefault(block_line, []).append((lines.at(at), text[at:end]))
                replace(at, end, " " * (end - at))
                pos = end
        elif char == "@" and depth == 0 and not quoted:
            # An unclosed block: bibtexparser starts a new block at an @ opening a line.
            line_start = text.rfind("\n", 0, at)
            if line_start >= 0 and _BLOCK_AT_LINE_START.match(text, line_start):
                return line_start
    return n


def restore(value: str) -> str:
    """Undo the masking in a string the parser returned."""
    return value.translate(_RESTORE) if _MASKED.search(value) else value


def closing(value: str, start: int, opening: str) -> int:
    """Index of the delimiter closing the ``{`` or ``"`` at ``start``, or -1.

    As in BibTeX, every brace counts and a quote closes only outside braces.
    """
    depth = 0
    for index in range(start, len(value)):
        char = value[index]
        if opening == '"' and index > start and char == '"' and depth == 0:
            return index
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if opening == "{" and depth == 0:
                return index
    return -1


_BARE = re.compile(r"[^\s#{}\"]+")


def split_concatenation(value: str) -> list[str] | None:
    """The parts of ``{a} # macro # "b" # 2020``, each as written; None if malformed."""
    parts: list[str] = []
    pos, n = 0, len(value)
    while True:
        while pos < n and value[pos].isspace():
            pos += 1
        if pos >= n:
            return None
        if value[pos] in '{"':
            end = closing(value, pos, value[pos])
            if end < 0:
                return None
            parts.append(value[pos : end + 1])
            pos = end + 1
        else:
            bare = _BARE.match(value, pos)
            if bare is None:
                return None
            parts.append(bare.group())
            pos = bare.end()
        while pos < n and value[pos].isspace():
            pos += 1
        if pos >= n:
            return parts
        if value[pos] != "#":
            return None
        pos += 1
