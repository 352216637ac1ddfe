"""Lossless canonical layout for BibTeX files (``needling-facts fmt`` and ``add``).

Every entry, field and value, every comment, ``@string`` and ``@preamble`` survives: values are
written back as the raw text the parser saw (macros stay macros), only re-enclosed in braces
where that means the same. Entries are sorted by key; the layout is fixed, so formatting twice
changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bibtexparser import model as bib

from needling_facts.diagnostics import Problem
from needling_facts.errors import RefusedError
from needling_facts.sources.bibtex.read import (
    BIB_DUPLICATE_FIELD,
    BIB_DUPLICATE_KEY,
    BIB_NOT_UTF8,
    BIB_PARSE_ERROR,
    BIB_UNPARSED_TEXT,
    parse_split,
    split_bibliography,
)
from needling_facts.sources.bibtex.scan import closing

__all__ = [
    "BLOCKING_CODES",
    "FIELD_ORDER",
    "FormatRefusedError",
    "RawBibliography",
    "format_bibliography",
    "parse_raw",
]

FIELD_ORDER = (
    "author",
    "editor",
    "title",
    "booktitle",
    "journal",
    "shortjournal",
    "year",
    "month",
    "volume",
    "number",
    "pages",
    "publisher",
    "address",
    "edition",
    "doi",
    "pmid",
    "pmcid",
    "url",
    "note",
)
_RANK = {name: index for index, name in enumerate(FIELD_ORDER)}

BLOCKING_CODES = frozenset(
    info.code
    for info in (
        BIB_NOT_UTF8,
        BIB_PARSE_ERROR,
        BIB_DUPLICATE_KEY,
        BIB_DUPLICATE_FIELD,
        BIB_UNPARSED_TEXT,
    )
)
"""Problems that make a file unsafe to rewrite: the parser may have misread part of it."""


class FormatRefusedError(RefusedError):
    """The file has problems that a rewrite could turn into lost text (its ``problems``)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("not rewritten: part of it may be misread", [str(p) for p in problems])


@dataclass(slots=True)
class _Block:
    text: str
    """The block written canonically (no comments)."""
    comments: list[tuple[str, bool]] = field(default_factory=list)
    """Comments that stood before it in the file, each with whether a blank line followed it;
    they move with it."""
    sort_key: tuple[str, str] = ("", "")


@dataclass(slots=True)
class RawBibliography:
    """A BibTeX file as blocks, ready to be written in canonical order."""

    header: list[str] = field(default_factory=list)
    macros: list[_Block] = field(default_factory=list)
    """``@string`` and ``@preamble`` blocks, in file order (later ones may use earlier ones)."""
    entries: dict[str, _Block] = field(default_factory=dict)
    trailer: list[str] = field(default_factory=list)
    newline: str = "\n"
    """The file's line ending (a CRLF file stays CRLF)."""

    def render(self) -> str:
        text = self._render()
        return text.replace("\n", "\r\n") if self.newline == "\r\n" else text

    def _render(self) -> str:
        chunks: list[str] = []
        if self.header:
            chunks.append("\n\n".join(self.header))
        for block in [*self.macros, *sorted(self.entries.values(), key=lambda b: b.sort_key)]:
            lead = "".join(text + ("\n\n" if gap else "\n") for text, gap in block.comments)
            chunks.append(lead + block.text)
        if self.trailer:
            chunks.append("\n\n".join(self.trailer))
        return "\n\n".join(chunks) + "\n" if chunks else ""


def canonical_value(raw: str) -> str:
    """``"x"`` and ``2020`` become ``{x}`` and ``{2020}``; macros and concatenations stay."""
    value = raw.strip()
    if value.isdigit():
        return "{" + value + "}"
    if value[:1] == "{" and value[-1:] == "}" and "#" not in value:
        return value  # one braced value as the parser split it (the common case): no scan
    if value[:1] in {'"', "{"} and closing(value, 0, value[0]) == len(value) - 1:
        return "{" + value[1:-1] + "}"
    return value


def _field_sort_key(name: str) -> tuple[int, str]:
    return (_RANK.get(name, len(_RANK)), name)


def _entry_text(entry: bib.Entry, comments: list[tuple[int, str]]) -> str:
    """The entry in canonical layout; its ``%`` comments move with the field they stand
    before (or after, on the same line), verbatim."""
    leading: dict[int, list[str]] = {}
    trailing: dict[int, list[str]] = {}
    before_end: list[str] = []
    by_line = {f.start_line: index for index, f in enumerate(entry.fields)}
    starts = [f.start_line for f in entry.fields]
    for line, comment in comments:
        if line in by_line:
            trailing.setdefault(by_line[line], []).append(comment)
            continue
        following = next((i for i, start in enumerate(starts) if start > line), None)
        if following is None:
            before_end.append(comment)
        else:
            leading.setdefault(following, []).append(comment)
    order = sorted(
        range(len(entry.fields)), key=lambda i: _field_sort_key(entry.fields[i].key.lower())
    )
    lines = [f"@{entry.entry_type.lower()}{{{entry.key},"]
    for index in order:
        item = entry.fields[index]
        lines += [f"  {comment}" for comment in leading.get(index, [])]
        text = f"  {item.key.lower()} = {canonical_value(str(item.value))},"
        lines.append(" ".join([text, *trailing.get(index, [])]))
    lines += [f"  {comment}" for comment in before_end]
    lines.append("}")
    return "\n".join(lines)


def _is_crlf(text: str) -> bool:
    return text.count("\r\n") * 2 > text.count("\n")


def _split_free(comment: str) -> tuple[str, str]:
    """Split a comment at its last blank line: (free text, text that belongs to what follows)."""
    head, sep, tail = comment.rpartition("\n\n")
    return (head.strip(), tail.strip()) if sep else ("", comment.strip())


def parse_raw(text: str, path: str = "<string>") -> RawBibliography:
    """Read ``text`` for rewriting; raise `FormatRefusedError` if any of it may be misread."""
    newline = "\r\n" if _is_crlf(text) else "\n"
    text = text.replace("\r\n", "\n") if "\r" in text else text
    split = split_bibliography(text)
    checked = parse_split(split, path, build=False)
    blocking = [p for p in checked.problems if p.code in BLOCKING_CODES]
    if blocking:
        raise FormatRefusedError(blocking)
    comments = split.scanned.comments
    blocks = split.library.blocks
    out = RawBibliography(newline=newline)
    pending: list[tuple[str, bool]] = []
    seen_block = False

    def keep(comment: str, gap: bool) -> None:
        if not comment:
            return
        if gap and not seen_block:
            out.header.append(comment)
        else:
            pending.append((comment, gap))

    for index, block in enumerate(blocks):
        if isinstance(block, bib.ImplicitComment | bib.ExplicitComment):
            raw = block.raw.strip() if block.raw else ""
            following = blocks[index + 1] if index + 1 < len(blocks) else None
            # bibtexparser strips a comment's trailing blank lines: any line between its end
            # and the next block is blank (no per-line copy of a 50 MB file needed).
            end = (block.start_line or 0) + (block.raw or "").count("\n") + 1
            gap = following is not None and (following.start_line or 0) > end
            if isinstance(block, bib.ImplicitComment) and not gap:
                free, raw = _split_free(raw)
                keep(free, gap=True)
            keep(raw, gap)
            continue
        seen_block = True
        inside = comments.get(block.start_line or 0, [])
        if isinstance(block, bib.Entry):
            out.entries[block.key] = _Block(
                _entry_text(block, inside), pending, (block.key.lower(), block.key)
            )
            pending = []
            continue
        # A comment inside @string or @preamble goes just before it.
        pending += [(comment, False) for _, comment in inside]
        if isinstance(block, bib.String):
            out.macros.append(
                _Block(f"@string{{{block.key} = {canonical_value(block.value)}}}", pending)
            )
        elif isinstance(block, bib.Preamble):
            out.macros.append(_Block(f"@preamble{{{block.value.strip()}}}", pending))
        pending = []
    out.trailer = [comment for comment, _ in pending]
    return out


def format_bibliography(text: str, path: str = "<string>") -> str:
    return parse_raw(text, path).render()
