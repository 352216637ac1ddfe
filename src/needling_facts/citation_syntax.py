"""Pandoc-style bracketed citations in Markdown: ``[@key]``, ``[@key, p. 12]``, ``[@a; @b]``.

Citations inside code spans, fenced code blocks and HTML ``<code>``/``<pre>`` elements,
escaped ones (``\\[@x]``), e-mail addresses, URLs and Markdown links are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["Citation", "CitationItem", "find_citations", "replace_citations"]

# Keys: letters, digits and _ - : . / ; internal punctuation only (a trailing "." ends a sentence).
KEY = r"[A-Za-z0-9_](?:[A-Za-z0-9_\-:./]*[A-Za-z0-9_])?"
_BRACKET = re.compile(r"(?<!\\)(?<!!)\[([^\[\]\n]*@[^\[\]]*)\](?![(\[:])")
_ITEM = re.compile(
    rf"^\s*(?P<prefix>(?:[^@;]*?\s)?)-?@(?P<key>{KEY})"
    r"(?P<rest>(?:\s*,\s*[^;]*)?)[.:]?\s*$",
    re.DOTALL,
)
_FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})[^\n]*$", re.MULTILINE)
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.DOTALL)
_HTML_CODE = re.compile(r"<(code|pre|kbd|samp)\b[^>]*>.*?</\1>", re.DOTALL | re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class CitationItem:
    key: str
    locator: str = ""
    prefix: str = ""


@dataclass(frozen=True, slots=True)
class Citation:
    """One bracketed citation; ``start``/``end`` index the Markdown it was found in."""

    items: tuple[CitationItem, ...]
    start: int
    end: int
    line: int

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(item.key for item in self.items)


def _protected_spans(markdown: str) -> list[tuple[int, int]]:
    """Character ranges of fenced code blocks and inline code spans."""
    spans: list[tuple[int, int]] = []
    position = 0
    while True:
        opening = _FENCE.search(markdown, position)
        if opening is None:
            break
        marker = opening.group("fence")
        closing = re.compile(
            rf"^ {{0,3}}{re.escape(marker[0])}{{{len(marker)},}}[ \t]*$", re.MULTILINE
        ).search(markdown, opening.end())
        end = closing.end() if closing else len(markdown)
        spans.append((opening.start(), end))
        position = end
    fenced = list(spans)
    for pattern in (_CODE_SPAN, _HTML_CODE):
        for match in pattern.finditer(markdown):
            if not any(start <= match.start() < end for start, end in fenced):
                spans.append((match.start(), match.end()))
    return sorted(spans)


def _parse_items(inner: str) -> tuple[CitationItem, ...] | None:
    items: list[CitationItem] = []
    for part in inner.split(";"):
        match = _ITEM.match(part)
        if match is None:
            return None
        locator = match.group("rest").strip().lstrip(",").strip()
        items.append(CitationItem(match.group("key"), locator, match.group("prefix").strip()))
    return tuple(items)


def find_citations(markdown: str) -> list[Citation]:
    protected = _protected_spans(markdown)
    found: list[Citation] = []
    for match in _BRACKET.finditer(markdown):
        if any(start <= match.start() < end for start, end in protected):
            continue
        items = _parse_items(match.group(1))
        if items is None:
            continue
        line = markdown.count("\n", 0, match.start()) + 1
        found.append(Citation(items, match.start(), match.end(), line))
    return found


def replace_citations(markdown: str, render: Callable[[Citation], str]) -> str:
    """Replace every citation with ``render(citation)``; everything else is kept verbatim."""
    pieces: list[str] = []
    position = 0
    for citation in find_citations(markdown):
        pieces.append(markdown[position : citation.start])
        pieces.append(render(citation))
        position = citation.end
    pieces.append(markdown[position:])
    return "".join(pieces)
