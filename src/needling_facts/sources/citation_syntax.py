"""Pandoc's citation syntax in Markdown, found in one pass over the text.

Bracketed citations: ``[@key]``, ``[@key, p. 12]``, ``[see @a p. 34-35]``, ``[@a; @b]``,
``[-@a]``, ``[@{braced key}]``, with ``\\;``, ``\\[`` and ``\\]`` escaped inside a prefix or
suffix. In-text citations: ``@key`` and ``@key [p. 12]``. The rules follow pandoc's Markdown
reader (``citeKey``, ``normalCite``, ``textualCite``); the tests compare with pandoc itself.

Like Markdown, the scanner leaves alone fenced and indented code, code spans, HTML comments,
HTML tags and raw ``<code>``/``<pre>``/``<script>``/``<style>`` elements, and autolinks. A
bracket that holds a citation key but is not a citation (pandoc would print it as text) is
reported as `Unparsed`, so that nothing like ``[@key`` reaches a page unnoticed.

Every step looks ahead a bounded distance, so the scan is linear in the length of the text.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from needling_facts.diagnostics import Severity, declare_code

__all__ = [
    "Citation",
    "CitationItem",
    "Scan",
    "Unparsed",
    "find_citations",
    "replace_citations",
    "scan",
]

CITE_UNPARSED = declare_code(
    "cite.unparsed",
    Severity.ERROR,
    "A bracket holds `@key` but is not a citation in pandoc's syntax, so it would be printed "
    "as raw text; escape a `;` inside a locator as `\\;`, or an `@` that is no citation as "
    "`\\@`.",
    "[@Tan2019, Abstract; keloid volume table]",
)

MAX_CITATION = 2000
"""Longest bracket content looked at, in characters: keeps the scan linear on hostile input."""

_KEY_PUNCT = frozenset(":.#$%&-+?<>~/")
_FENCE = re.compile(r"(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})")
_LIST_ITEM = re.compile(r" {0,3}(?:[*+-]|\d{1,9}[.)])(?:[ \t]|$)")
_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)(?:\s[^<>]*)?/?>")
_AUTOLINK = re.compile(r"<(?:[A-Za-z][A-Za-z0-9+.-]{1,31}:[^<>\s]*|[^<>\s@]+@[^<>\s]+)>")
_INTERESTING = re.compile(r"[\\`<\[@]|-@")
_BRACKETS = re.compile(r"[\\`\[\]]")
_RAW_ELEMENTS = frozenset({"code", "pre", "script", "style", "kbd", "samp", "textarea"})


@dataclass(frozen=True, slots=True)
class CitationItem:
    """One cited work: ``[see @key, p. 12]`` has prefix ``see``, locator ``p. 12``."""

    key: str
    locator: str = ""
    """The suffix without its leading comma: usually a page, table or figure."""
    prefix: str = ""
    suppress_author: bool = False
    """``-@key``: the author's name is not to be printed (AMA prints numbers only anyway)."""
    suffix: str = ""
    """The text after the key as pandoc keeps it (``", p. 12"``, ``" p. 34-35"``)."""


@dataclass(frozen=True, slots=True)
class Citation:
    """One citation; ``start``/``end`` index the Markdown it was found in."""

    items: tuple[CitationItem, ...]
    start: int
    end: int
    line: int
    col: int = 1
    in_text: bool = False
    """``@key`` in running text ("Alam et al. [1]"), not in brackets."""

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(item.key for item in self.items)


@dataclass(frozen=True, slots=True)
class Unparsed:
    """A bracket holding ``@key`` that is not a citation, with why."""

    start: int
    end: int
    line: int
    col: int
    text: str
    reason: str


@dataclass(slots=True)
class Scan:
    """Everything found in one text, in order of position."""

    citations: list[Citation] = field(default_factory=list)
    unparsed: list[Unparsed] = field(default_factory=list)


def _is_word(char: str) -> bool:
    return char.isalnum()


def parse_key(text: str, start: int, end: int) -> tuple[str, int] | None:
    """A citation key beginning at ``start`` (just after ``@``): the key and where it ends."""
    if start >= end:
        return None
    first = text[start]
    if first == "{":
        # @{...}: anything but whitespace, braces balanced; the braces are not part of the key.
        depth = 0
        stop = min(end, start + MAX_CITATION)
        for index in range(start, stop):
            char = text[index]
            if char.isspace():
                return None
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
                if depth == 0:
                    key = text[start + 1 : index]
                    return (key, index + 1) if key else None
        return None
    if not (_is_word(first) or first == "_"):
        return None
    index = start + 1
    while index < end:
        char = text[index]
        following = text[index + 1] if index + 1 < end else ""
        if _is_word(char) or char == "_":
            index += 1
        elif char in _KEY_PUNCT and (_is_word(following) or following == "_"):
            index += 1  # internal punctuation: kept only when a key character follows
        elif char in ":/" and following == "/":
            index += 1  # as in a URL-like key: a://b
        else:
            break
    return text[start:index], index


def _key_start(text: str, index: int, lower: int) -> bool:
    """Whether a key may start at ``index`` (``@`` or ``-@``): not glued to a preceding word."""
    if index == lower:
        return True
    before = text[index - 1]
    # Pandoc's words include an internal "." (a.@b is one word), not other punctuation.
    return not (
        _is_word(before) or (before == "." and index - 2 >= lower and _is_word(text[index - 2]))
    )


def _unescape(text: str) -> str:
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)


def _normalise(text: str) -> str:
    return " ".join(_unescape(text).split())


class _Scanner:
    """Inline scanning of one block of Markdown (code already excluded)."""

    def __init__(self, text: str, out: Scan, line_starts: list[int]) -> None:
        self.text = text
        self.lowered = text.lower()
        self.out = out
        self.line_starts = line_starts
        self.closers: dict[str, tuple[int, int]] = {}
        self.pairs: dict[int, int] = {}
        self.keys: list[int] = []

    def position(self, index: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.line_starts, index)
        return line, index - self.line_starts[line - 1] + 1

    def code_span_end(self, index: int, end: int, runs: dict[int, list[int]]) -> int:
        """End of the code span opening at ``index``, or -1 when the backticks are literal."""
        length = 0
        while index + length < end and self.text[index + length] == "`":
            length += 1
        positions = runs.get(length, [])
        after = bisect.bisect_right(positions, index)
        if after < len(positions):
            return positions[after] + length
        return -1

    def raw_element_end(self, name: str, index: int) -> int:
        """End of the closing tag of a raw element such as ``<code>``, or -1 if unclosed."""
        searched_from, found = self.closers.get(name, (-1, -2))
        if found == -1 and searched_from <= index:
            return -1  # already known: no closer after an earlier point, so none after this
        if found >= index:
            position = found
        else:
            position = self.lowered.find(f"</{name}", index)
            self.closers[name] = (index, position)
        if position == -1:
            return -1
        close = self.text.find(">", position)
        return len(self.text) if close == -1 else close + 1

    def block(self, start: int, end: int) -> int:
        """Scan ``text[start:end]``; returns where scanning should resume (past a comment)."""
        text = self.text
        runs = self._backtick_runs(start, end)
        self.pairs = self._bracket_pairs(start, end, runs)
        self.keys = self._key_positions(start, end)
        index = start
        while index < end:
            # Jump over plain text: only these characters can start something (C speed).
            found = _INTERESTING.search(text, index, end)
            if found is None:
                return end
            index = found.start()
            char = text[index]
            if char == "\\":
                index += 2
            elif char == "`":
                close = self.code_span_end(index, end, runs)
                if close == -1:
                    while index < end and text[index] == "`":
                        index += 1
                else:
                    index = close
            elif char == "<":
                index = self._angle(index, end)
            elif char == "[":
                index = self._bracket(index, end, runs)
            elif char in "@-" and _key_start(text, index, start):
                index = self._in_text(index, end)
            else:
                index += 1
        return index

    def _backtick_runs(self, start: int, end: int) -> dict[int, list[int]]:
        runs: dict[int, list[int]] = {}
        index = start
        text = self.text
        while index < end:
            found = text.find("`", index, end)
            if found == -1:
                break
            length = 1
            while found + length < end and text[found + length] == "`":
                length += 1
            escaped = found > start and text[found - 1] == "\\"
            if not escaped:
                runs.setdefault(length, []).append(found)
            index = found + length
        return runs

    def _angle(self, index: int, end: int) -> int:
        text = self.text
        if text.startswith("<!--", index):
            close = text.find("-->", index + 4)
            return len(text) if close == -1 else close + 3
        link = _AUTOLINK.match(text, index, end)
        if link is not None:
            return link.end()
        tag = _TAG.match(text, index, end)
        if tag is None:
            return index + 1
        name = tag.group(1).lower()
        if name in _RAW_ELEMENTS and not tag.group(0).startswith("</"):
            close = self.raw_element_end(name, tag.end())
            if close != -1:
                return close
        return tag.end()

    def _bracket_pairs(self, start: int, end: int, runs: dict[int, list[int]]) -> dict[int, int]:
        """Every ``[`` of the block mapped to its ``]`` (nested pairs allowed), in one pass."""
        text = self.text
        pairs: dict[int, int] = {}
        stack: list[int] = []
        position = start
        while position < end:
            found = _BRACKETS.search(text, position, end)
            if found is None:
                break
            position = found.start()
            char = text[position]
            if char == "\\":
                position += 2
                continue
            if char == "`":
                close = self.code_span_end(position, end, runs)
                if close != -1:
                    position = close
                    continue
            if char == "[":
                stack.append(position)
            elif char == "]" and stack:
                pairs[stack.pop()] = position
            position += 1
        return pairs

    def _close(self, index: int) -> int:
        """Index of the ``]`` closing the bracket at ``index``, or -1."""
        close = self.pairs.get(index, -1)
        return close if close - index <= MAX_CITATION else -1

    def _key_positions(self, start: int, end: int) -> list[int]:
        """Positions of every ``@`` of the block that starts a citation key."""
        text = self.text
        found: list[int] = []
        position = text.find("@", start, end)
        while position != -1:
            at = position - 1 if position > start and text[position - 1] == "-" else position
            if _key_start(text, at, start) and parse_key(text, position + 1, end) is not None:
                found.append(position)
            position = text.find("@", position + 1, end)
        return found

    def _has_key(self, start: int, end: int) -> bool:
        after = bisect.bisect_left(self.keys, start)
        return after < len(self.keys) and self.keys[after] < end

    def _looks_cited(self, start: int, end: int) -> bool:
        """A key somewhere, or ``[@`` / ``[-@`` at the start even if no key follows."""
        head = self.text[start : min(end, start + 3)].lstrip()
        return head.startswith(("@", "-@")) or self._has_key(start, end)

    def _report(self, start: int, end: int, reason: str) -> None:
        line, col = self.position(start)
        snippet = self.text[start:end]
        if len(snippet) > 80:
            snippet = snippet[:77] + "..."
        self.out.unparsed.append(Unparsed(start, end, line, col, snippet, reason))

    def _bracket(self, index: int, end: int, runs: dict[int, list[int]]) -> int:
        text = self.text
        close = self._close(index)
        after = text[close + 1] if close != -1 and close + 1 < len(text) else ""
        if close == -1:
            if text.startswith(("[@", "[-@"), index):
                line_end = text.find("\n", index, end)
                stop = end if line_end == -1 else line_end
                self._report(index, stop, "no closing ] for this citation")
                return stop
            return index + 1
        inner_start, inner_end = index + 1, close
        if text.startswith("^", inner_start):
            return index + 1  # a footnote reference
        if not self._looks_cited(inner_start, inner_end):
            return index + 1
        if after and after in "([":
            self._report(index, close + 1, "a citation cannot be link text (escape @ as \\@)")
            return close + 1
        items = _parse_items(text, inner_start, inner_end)
        if isinstance(items, str):
            self._report(index, close + 1, items)
            return close + 1
        line, col = self.position(index)
        self.out.citations.append(Citation(items, index, close + 1, line, col))
        return close + 1

    def _in_text(self, index: int, end: int) -> int:
        text = self.text
        suppress = text[index] == "-"
        at = index + 1 if suppress else index
        if at >= end or text[at] != "@":
            return index + 1
        parsed = parse_key(text, at + 1, end)
        if parsed is None:
            return index + 1
        key, after = parsed
        stop, suffix = after, ""
        # "@key [p. 33]": a bracket right after (spaces or one line break apart) is its suffix.
        gap = after
        while gap < end and text[gap] in " \t":
            gap += 1
        if gap < end and text[gap] == "\n":
            gap += 1
            while gap < end and text[gap] in " \t":
                gap += 1
        if gap < end and text[gap] == "[" and not text.startswith("[^", gap):
            close = self._close(gap)
            if (
                close != -1
                and not self._has_key(gap + 1, close)
                and (close + 1 >= len(text) or text[close + 1] not in "[(")
                and ";" not in text[gap + 1 : close].replace("\\;", "")
            ):
                suffix = _normalise(text[gap + 1 : close])
                stop = close + 1
        item = CitationItem(key, suffix.strip(), "", suppress, suffix)
        line, col = self.position(index)
        self.out.citations.append(Citation((item,), index, stop, line, col, in_text=True))
        return stop


def _split_items(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Segments of a bracket's content between unescaped ``;`` (code spans kept whole)."""
    segments: list[tuple[int, int]] = []
    segment_start = start
    position = start
    while position < end:
        char = text[position]
        if char == "\\":
            position += 2
            continue
        if char == "`":
            length = 1
            while position + length < end and text[position + length] == "`":
                length += 1
            close = text.find("`" * length, position + length, end)
            position = close + length if close != -1 else position + length
            continue
        if char == ";":
            segments.append((segment_start, position))
            segment_start = position + 1
        position += 1
    segments.append((segment_start, end))
    return segments


def _parse_items(text: str, start: int, end: int) -> tuple[CitationItem, ...] | str:
    """The items of ``[...]`` content, or why it is not a citation."""
    items: list[CitationItem] = []
    for number, (seg_start, seg_end) in enumerate(_split_items(text, start, end), 1):
        item = _parse_item(text, seg_start, seg_end)
        if item is None:
            where = "" if number == 1 else f" after the {_ordinal(number - 1)} ';'"
            return (
                f"no @key{where}: every part between ';' needs one "
                "(escape a ';' inside a locator as '\\;')"
            )
        items.append(item)
    return tuple(items)


def _ordinal(number: int) -> str:
    return {1: "first", 2: "second", 3: "third"}.get(number, f"{number}th")


def _parse_item(text: str, start: int, end: int) -> CitationItem | None:
    position = text.find("@", start, end)
    while position != -1:
        suppress = position > start and text[position - 1] == "-"
        at = position - 1 if suppress else position
        if _key_start(text, at, start):
            parsed = parse_key(text, position + 1, end)
            if parsed is not None and not _escaped(text, position, start):
                key, after = parsed
                prefix = _normalise(text[start:at])
                raw_suffix = text[after:end]
                rest = _normalise(raw_suffix)
                spaced = bool(raw_suffix[:1].isspace()) and bool(rest)
                suffix = f" {rest}" if spaced else rest
                locator = rest.removeprefix(",").strip()
                return CitationItem(key, locator, prefix, suppress, suffix)
        position = text.find("@", position + 1, end)
    return None


def _escaped(text: str, index: int, lower: int) -> bool:
    slashes = 0
    while index - slashes - 1 >= lower and text[index - slashes - 1] == "\\":
        slashes += 1
    return slashes % 2 == 1


def _blocks(text: str) -> list[tuple[int, int]]:
    """Character ranges of the text outside fenced and indented code, split at blank lines."""
    blocks: list[tuple[int, int]] = []
    fence: tuple[str, int] | None = None
    block_start = -1
    previous_blank = True
    previous_code = False
    in_list = False
    position = 0
    for line in text.splitlines(keepends=True):
        line_start = position
        position += len(line)
        content = line.rstrip("\r\n")
        if fence is not None:
            match = _FENCE.match(content)
            if (
                match
                and match.group("fence")[0] == fence[0]
                and len(match.group("fence")) >= fence[1]
                and not content[match.end() :].strip()
            ):
                fence = None
            continue
        stripped = content.lstrip(" \t")
        if not stripped:
            if block_start != -1:
                blocks.append((block_start, line_start))
                block_start = -1
            previous_blank = True
            continue
        indent = len(content[: len(content) - len(stripped)].expandtabs(4))
        match = _FENCE.match(content)
        if match:
            if block_start != -1:
                blocks.append((block_start, line_start))
                block_start = -1
            fence = (match.group("fence")[0], len(match.group("fence")))
            previous_blank, previous_code = False, False
            continue
        code_indent = 8 if in_list else 4
        if indent >= code_indent and (previous_blank or previous_code) and block_start == -1:
            previous_code, previous_blank = True, False
            continue  # indented code
        if _LIST_ITEM.match(content):
            in_list = True
        elif indent == 0 and previous_blank:
            in_list = False
        previous_code, previous_blank = False, False
        if block_start == -1:
            block_start = line_start
    if block_start != -1:
        blocks.append((block_start, len(text)))
    return blocks


def scan(markdown: str) -> Scan:
    """Every citation and every unparsed citation-like bracket in ``markdown``."""
    out = Scan()
    line_starts = [0]
    for match in re.finditer("\n", markdown):
        line_starts.append(match.end())
    scanner = _Scanner(markdown, out, line_starts)
    resume = 0
    for start, end in _blocks(markdown):
        if end <= resume:
            continue
        resume = scanner.block(max(start, resume), end)
    return out


def find_citations(markdown: str) -> list[Citation]:
    """Every citation (bracketed and in-text) in ``markdown``, in order."""
    return scan(markdown).citations


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
