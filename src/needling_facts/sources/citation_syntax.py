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
    "CONTAINERS",
    "Citation",
    "CitationItem",
    "Scan",
    "Unparsed",
    "find_citations",
    "item_parts",
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
_LIST_STARTS = frozenset("*+-0123456789")
_LIST_ITEM = re.compile(r" {0,3}(?:[*+-]|\d{1,9}[.)])(?:[ \t]|$)")
_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)(?:\s[^<>]*)?/?>")
_AUTOLINK = re.compile(r"<(?:[A-Za-z][A-Za-z0-9+.-]{1,31}:[^<>\s]*|[^<>\s@]+@[^<>\s]+)>")
_INTERESTING = re.compile(r"[\\`<\[@]|-@")
_BRACKETS = re.compile(r"[\\`\[\]@]")
_TOP_LEVEL = re.compile(r"[\\`\[;@]")
MAX_NESTING = 16
"""Deepest brackets inside a citation looked into; deeper is reported, not recursed into."""
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
    nested: tuple[Citation, ...] = ()
    """Citations inside the prefix or suffix, as pandoc reads them: ``[@a, see also @b]``
    cites ``b`` in ``a``'s suffix."""
    prefix_span: tuple[int, int] = field(default=(0, 0), compare=False)
    """Where the prefix is in the scanned text (to place the nested citations)."""
    suffix_span: tuple[int, int] = field(default=(0, 0), compare=False)
    """Where the suffix is in the scanned text."""


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

    def every(self) -> list[Citation]:
        """This citation and those nested in it, at any depth, in order of position."""
        found = [self]
        for item in self.items:
            for nested in item.nested:
                found += nested.every()
        return sorted(found, key=lambda citation: citation.start)

    @property
    def keys(self) -> tuple[str, ...]:
        """Every key cited, those nested in a prefix or suffix too, in order of position."""
        found: list[tuple[int, str]] = []
        for item in self.items:
            found += [(n.start, key) for n in item.nested for key in n.keys]
            found.append((item.prefix_span[1], item.key))
        return tuple(key for _, key in sorted(found, key=lambda pair: pair[0]))


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
    # "\ " is pandoc's non-breaking space: a space, as far as a prefix or locator goes.
    return re.sub(r"\\([ !-/:-@\[-`{-~])", r"\1", text)


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
        self.owners: set[int] = set()
        """Every ``[`` that directly holds a key (not only inside a bracket nested in it)."""
        self.openers: dict[int, int] = {}
        """Every ``]`` mapped to its ``[``."""
        self.runs: dict[int, list[int]] = {}
        self.lower = 0

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
        self.runs, self.lower = runs, start
        self.keys = self._key_positions(start, end)
        self.owners = set()
        self.openers = {}
        self.pairs = self._bracket_pairs(start, end, runs)
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
        """Every ``[`` of the block mapped to its ``]`` (nested pairs allowed), in one pass;
        on the way, which ``[`` each key stands in (`owners`)."""
        text = self.text
        pairs: dict[int, int] = {}
        stack: list[int] = []
        keys = set(self.keys)
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
                opener = stack.pop()
                pairs[opener] = position
                self.openers[position] = opener
            elif char == "@" and stack and position in keys:
                self.owners.add(stack[-1])
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
            if (
                _key_start(text, at, start)
                and not _escaped(text, position, start)
                and parse_key(text, position + 1, end) is not None
            ):
                found.append(position)
            position = text.find("@", position + 1, end)
        return found

    def _looks_cited(self, index: int, end: int) -> bool:
        """A key in the bracket at ``index`` itself (not only in a bracket nested in it, as in
        pandoc: ``[see [@a]]`` is text around a citation), or ``[@`` / ``[-@`` at its start
        even if no key follows."""
        head = self.text[index + 1 : min(end, index + 4)].lstrip()
        return head.startswith(("@", "-@")) or index in self.owners

    def _report(self, start: int, end: int, reason: str) -> None:
        line, col = self.position(start)
        snippet = self.text[start:end]
        if len(snippet) > 80:
            snippet = snippet[:77] + "..."
        self.out.unparsed.append(Unparsed(start, end, line, col, snippet, reason))

    def _bracket(self, index: int, end: int, runs: dict[int, list[int]]) -> int:
        text = self.text
        close = self._close(index)
        if close == -1:
            if text.startswith(("[@", "[-@"), index):
                line_end = text.find("\n", index, end)
                stop = end if line_end == -1 else line_end
                self._report(index, stop, "no closing ] for this citation")
                return stop
            return index + 1
        if text.startswith("^", index + 1):
            return close + 1  # a footnote reference: its label is not text
        found = self._citation(index, close, 0)
        if found is None:
            return index + 1
        if isinstance(found, str):
            self._report(index, close + 1, found)
        else:
            self.out.citations.append(found)
        return close + 1

    def _citation(self, index: int, close: int, depth: int) -> Citation | str | None:
        """The citation ``text[index : close + 1]`` is, why it is none though it looks like
        one, or None for a bracket that is text."""
        text = self.text
        if text.startswith("^", index + 1):
            return None  # a footnote reference
        if not self._looks_cited(index, close):
            return None
        after = text[close + 1] if close + 1 < len(text) else ""
        if after and after in "([":
            return "a citation cannot be link text (escape @ as \\@)"
        if after == "{":
            return "a citation cannot take attributes: pandoc reads [...]{...} as a span"
        if index > 0 and text[index - 1] == "^":
            return "^[...] is an inline footnote in pandoc, which Markdown here does not have"
        items: list[CitationItem] = []
        segments = self._top_level(index + 1, close)
        head = text[index + 1 : index + 4].lstrip()
        if all(key == -1 for _, _, key in segments) and not head.startswith(("@", "-@")):
            return None  # its keys are in code spans or glued to a bracket: text
        for number, (seg_start, seg_end, at) in enumerate(segments, 1):
            if at == -1:
                where = "" if number == 1 else f" after the {_ordinal(number - 1)} ';'"
                return (
                    f"no @key{where}: every part between ';' needs one "
                    "(escape a ';' inside a locator as '\\;')"
                )
            item = self._item(seg_start, seg_end, at, depth)
            if isinstance(item, str):
                return item
            items.append(item)
        line, col = self.position(index)
        return Citation(tuple(items), index, close + 1, line, col)

    def _top_level(self, start: int, end: int) -> list[tuple[int, int, int]]:
        """The parts of a bracket's content between unescaped ``;`` outside nested brackets
        and code spans, each with the position of its first key (``@`` or ``-@``), or -1."""
        text = self.text
        parts: list[tuple[int, int, int]] = []
        part_start, key = start, -1
        position = start
        while position < end:
            found = _TOP_LEVEL.search(text, position, end)
            if found is None:
                break
            position = found.start()
            char = text[position]
            if char == "\\":
                position += 2
                continue
            if char == "`":
                close = self.code_span_end(position, end, self.runs)
                position = close if close != -1 and close <= end else position + 1
                continue
            if char == "[":
                close = self.pairs.get(position, -1)
                position = close + 1 if position < close < end else position + 1
                continue
            if char == ";":
                parts.append((part_start, position, key))
                part_start, key = position + 1, -1
            elif key == -1:
                at = position - 1 if position > start and text[position - 1] == "-" else position
                # Glued to a nested bracket of text ("[x]@a") a key starts no item, as in
                # pandoc (which allows it after a nested citation: "[see [@a]@b]").
                opener = self.openers.get(at - 1, -1)
                glued = opener != -1 and not self._looks_cited(opener, at - 1)
                if (
                    not glued
                    and _key_start(text, at, self.lower)
                    and parse_key(text, position + 1, end)
                ):
                    key = at
            position += 1
        parts.append((part_start, end, key))
        return parts

    def _item(self, start: int, end: int, at: int, depth: int) -> CitationItem | str:
        """One part of a bracketed citation: prefix, the key at ``at``, suffix; with the
        citations nested in its prefix and suffix (``[see [@b] and @a, cf. @c]``)."""
        text = self.text
        suppress = text[at] == "-"
        parsed = parse_key(text, at + (2 if suppress else 1), end)
        assert parsed is not None  # _top_level found a key here
        key, after = parsed
        prefix = _normalise(text[start:at])
        raw_suffix = text[after:end]
        rest = _normalise(raw_suffix)
        spaced = bool(raw_suffix[:1].isspace()) and bool(rest)
        suffix = f" {rest}" if spaced else rest
        locator = rest.removeprefix(",").strip()
        nested: list[Citation] = []
        for span in ((start, at), (after, end)):
            problem = self._nested(span[0], span[1], depth + 1, nested)
            if problem is not None:
                return problem
        return CitationItem(
            key,
            locator,
            prefix,
            suppress,
            suffix,
            nested=tuple(nested),
            prefix_span=(start, at),
            suffix_span=(after, end),
        )

    def _nested(self, start: int, end: int, depth: int, into: list[Citation]) -> str | None:
        """Collect into ``into`` the citations inside a prefix or suffix, as pandoc reads
        them: a bracketed citation, or an in-text ``@key`` (``[@a, see also @b]``); None,
        or why the text cannot be read."""
        if depth > MAX_NESTING:
            return f"brackets nested more than {MAX_NESTING} deep"
        text = self.text
        position = start
        while position < end:
            found = _INTERESTING.search(text, position, end)
            if found is None:
                return None
            position = found.start()
            char = text[position]
            if char == "\\":
                position += 2
            elif char == "`":
                close = self.code_span_end(position, end, self.runs)
                position = close if close != -1 and close <= end else position + 1
            elif char == "[":
                close = self.pairs.get(position, -1)
                if not position < close < end:
                    position += 1
                    continue
                found_citation = self._citation(position, close, depth)
                if isinstance(found_citation, str):
                    return found_citation
                if found_citation is None:
                    problem = self._nested(position + 1, close, depth + 1, into)
                    if problem is not None:
                        return problem
                else:
                    into.append(found_citation)
                position = close + 1
            elif char in "@-" and _key_start(text, position, self.lower):
                citation, stop = self._in_text_citation(position, end, depth)
                if citation is not None:
                    into.append(citation)
                position = max(stop, position + 1)
            else:
                position += 1
        return None

    def _in_text(self, index: int, end: int) -> int:
        citation, stop = self._in_text_citation(index, end)
        if citation is not None:
            self.out.citations.append(citation)
        return stop

    def _in_text_citation(
        self, index: int, end: int, depth: int = 0
    ) -> tuple[Citation | None, int]:
        """The in-text citation at ``index`` (``@key``, ``-@key``, ``@key [p. 3]``) and
        where it ends; None and the next position where there is none."""
        text = self.text
        suppress = text[index] == "-"
        at = index + 1 if suppress else index
        if at >= end or text[at] != "@":
            return None, index + 1
        parsed = parse_key(text, at + 1, end)
        if parsed is None:
            return None, index + 1
        key, after = parsed
        items = [CitationItem(key, "", "", suppress, "", suffix_span=(after, after))]
        stop = after
        # A bracket right after (spaces or one line break apart) belongs to it, as in pandoc:
        # "@a [@b; @c]" cites them together, "@a [p. 33]" is a's locator.
        gap = after
        while gap < end and text[gap] in " \t":
            gap += 1
        if gap < end and text[gap] == "\n":
            gap += 1
            while gap < end and text[gap] in " \t":
                gap += 1
        close = self._close(gap) if gap < end and text[gap] == "[" else -1
        if close != -1 and close < end and not text.startswith("[^", gap):
            following = self._following(items[0], gap, close, depth)
            if following is not None:
                items, stop = following, close + 1
        line, col = self.position(index)
        return Citation(tuple(items), index, stop, line, col, in_text=True), stop

    def _following(
        self, item: CitationItem, gap: int, close: int, depth: int
    ) -> list[CitationItem] | None:
        """The items of an in-text citation with the bracket ``text[gap : close + 1]`` that
        follows it: citations (``@a [@b]``), or a locator and then citations
        (``@a [p. 3; @b]``); None when the bracket is not part of it."""
        text = self.text
        found = self._citation(gap, close, depth + 1)
        if isinstance(found, Citation):
            return [item, *found.items]
        if close + 1 < len(text) and text[close + 1] in "[(":
            return None  # a link
        (first_start, first_end, first_key), *rest = self._top_level(gap + 1, close)
        if first_key != -1 or any(key == -1 for _, _, key in rest):
            return None
        nested: list[Citation] = []
        if self._nested(first_start, first_end, depth + 1, nested) is not None:
            return None
        more = [self._item(start, end, key, depth + 1) for start, end, key in rest]
        if any(isinstance(other, str) for other in more):
            return None
        suffix = _normalise(text[first_start:first_end])
        first = CitationItem(
            item.key,
            suffix,
            "",
            item.suppress_author,
            suffix,
            nested=tuple(nested),
            suffix_span=(first_start, first_end),
        )
        return [first, *(other for other in more if not isinstance(other, str))]


def _ordinal(number: int) -> str:
    return {1: "first", 2: "second", 3: "third"}.get(number, f"{number}th")


def _escaped(text: str, index: int, lower: int) -> bool:
    slashes = 0
    while index - slashes - 1 >= lower and text[index - slashes - 1] == "\\":
        slashes += 1
    return slashes % 2 == 1


_CONTAINER_OPENERS: dict[str, re.Pattern[str]] = {
    # Python-Markdown's admonition: !!! type "optional title"
    "admonition": re.compile(r'!!! ?[\w-]+(?: +[\w-]+)*(?: +"[^"\n]*")? *$'),
    # pymdownx.details: ??? type "title" (??? + for one shown open)
    "details": re.compile(r'\?{3}\+? *[\w-]+(?: +[\w-]+)*(?: +"[^"\n]*")? *$'),
    # pymdownx.tabbed: === "Tab title" (===+ for the selected tab, ===! to start a new set)
    "tabbed": re.compile(r'===[+!]{0,2} +"[^"\n]*" *$'),
}
CONTAINERS: frozenset[str] = frozenset(_CONTAINER_OPENERS)
"""Block extensions whose body is Markdown indented under an opening line (``!!! note``,
``??? note``, ``=== "Tab"``): the admonition, details and tabbed extensions."""


class _Blocks:
    """Character ranges of a text outside fenced and indented code, split at blank lines.

    A line opening one of ``containers`` (``!!! note``) makes the lines indented under it
    that container's body: Markdown again, where indented code starts four columns further
    in. Without that, a body after a blank line would look like indented code, and its
    citations would reach the page raw.
    """

    def __init__(self, containers: frozenset[str]) -> None:
        patterns = [_CONTAINER_OPENERS[name].pattern for name in sorted(containers)]
        self.opener = re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None
        self.blocks: list[tuple[int, int]] = []
        self.fence: tuple[str, int] | None = None
        self.block_start = -1
        self.previous_blank = True
        self.previous_code = False
        self.in_list = False
        # Open containers, innermost last: (body indent, whether a list was open outside it).
        self.bodies: list[tuple[int, bool]] = []

    def split(self, text: str) -> list[tuple[int, int]]:
        position = 0
        for line in text.splitlines(keepends=True):
            self.line(line.rstrip("\r\n"), position, position + len(line))
            position += len(line)
        if self.block_start != -1:
            self.blocks.append((self.block_start, len(text)))
        return self.blocks

    def close_block(self, at: int) -> None:
        if self.block_start != -1:
            self.blocks.append((self.block_start, at))
            self.block_start = -1

    def line(self, content: str, line_start: int, line_end: int) -> None:
        if self.fence is not None:
            self.in_fence(content)
            return
        stripped = content.lstrip(" \t")
        if not stripped:
            self.close_block(line_start)
            self.previous_blank = True
            return
        indent = len(content[: len(content) - len(stripped)].expandtabs(4))
        while self.bodies and indent < self.bodies[-1][0]:
            # A line less indented than a container's body ends it (no lazy continuation).
            self.in_list = self.bodies.pop()[1]
            self.close_block(line_start)
            self.previous_blank, self.previous_code = True, False
        base = self.bodies[-1][0] if self.bodies else 0
        first = stripped[0]
        match = _FENCE.match(content) if first in "`~" else None
        if match:
            self.close_block(line_start)
            self.fence = (match.group("fence")[0], len(match.group("fence")))
            self.previous_blank, self.previous_code = False, False
            return
        code_indent = base + (8 if self.in_list else 4)
        if (
            indent >= code_indent
            and (self.previous_blank or self.previous_code)
            and self.block_start == -1
        ):
            self.previous_code, self.previous_blank = True, False
            return  # indented code
        if self.opener is not None and first in "!?=" and self.opener.match(stripped):
            # The opening line is a block of its own (its title may hold a citation).
            self.close_block(line_start)
            self.blocks.append((line_start, line_end))
            self.bodies.append((indent + 4, self.in_list))
            self.in_list = False
            self.previous_blank, self.previous_code = True, False
            return
        if first in _LIST_STARTS and _LIST_ITEM.match(
            content[base:] if indent >= base else content
        ):
            self.in_list = True
        elif indent == base and self.previous_blank:
            self.in_list = False
        self.previous_code, self.previous_blank = False, False
        if self.block_start == -1:
            self.block_start = line_start

    def in_fence(self, content: str) -> None:
        match = _FENCE.match(content)
        fence = self.fence
        if (
            match
            and fence is not None
            and match.group("fence")[0] == fence[0]
            and len(match.group("fence")) >= fence[1]
            and not content[match.end() :].strip()
        ):
            self.fence = None


def _blocks(text: str, containers: frozenset[str] = CONTAINERS) -> list[tuple[int, int]]:
    """Character ranges of the text outside fenced and indented code, split at blank lines."""
    return _Blocks(containers).split(text)


def _spaced(piece: str) -> str:
    """Unescaped, spaces collapsed, one space kept at either end where there was any."""
    words = " ".join(_unescape(piece).split())
    if not words:
        return " " if piece else ""
    left = " " if piece[:1].isspace() else ""
    right = " " if piece[-1:].isspace() else ""
    return f"{left}{words}{right}"


def item_parts(text: str, item: CitationItem, part: str = "locator") -> list[str | Citation]:
    """An item's prefix or locator as pieces of text (unescaped, spaces collapsed) and the
    citations nested in it, in order; ``text`` is the text that was scanned. Without nested
    citations this is just ``[item.prefix]`` or ``[item.locator]``."""
    whole = item.prefix if part == "prefix" else item.locator
    if not item.nested:
        return [whole] if whole else []
    start, end = item.prefix_span if part == "prefix" else item.suffix_span
    pieces: list[str | Citation] = []
    position = start
    for nested in item.nested:
        if start <= nested.start and nested.end <= end:
            pieces += [text[position : nested.start], nested]
            position = nested.end
    pieces.append(text[position:end])
    out = [_spaced(piece) if isinstance(piece, str) else piece for piece in pieces]
    if out and isinstance(out[0], str):
        first = out[0].lstrip()
        out[0] = first.removeprefix(",").lstrip() if part == "locator" else first
    if out and isinstance(out[-1], str):
        out[-1] = out[-1].rstrip()
    return [piece for piece in out if piece != ""]


def scan(markdown: str, containers: frozenset[str] = CONTAINERS) -> Scan:
    """Every citation and every unparsed citation-like bracket in ``markdown``.

    ``containers`` names the indented block extensions the page's engine runs (see
    `CONTAINERS`); by default all of them, so that a check errs on the loud side: a citation
    in what would be a code block without them is still checked.
    """
    out = Scan()
    line_starts = [0]
    for match in re.finditer("\n", markdown):
        line_starts.append(match.end())
    scanner = _Scanner(markdown, out, line_starts)
    resume = 0
    for start, end in _blocks(markdown, containers):
        if end <= resume:
            continue
        resume = scanner.block(max(start, resume), end)
    return out


def find_citations(markdown: str, containers: frozenset[str] = CONTAINERS) -> list[Citation]:
    """Every citation (bracketed and in-text) in ``markdown``, in order."""
    return scan(markdown, containers).citations


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
