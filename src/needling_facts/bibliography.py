"""Read ``references.bib`` with bibtexparser v2 into `Reference` records and located problems.

Every block is looked at: an entry that fails never hides the entries around it, and every
failure becomes a `Problem` with the file's 1-based line.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import bibtexparser
from bibtexparser import model as bib

from .models import Location, Person, Reference
from .problems import Problem
from .sanitize import unsafe_links, unsafe_url
from .text import decode_text, read_text

__all__ = ["ParsedBibliography", "normalise_doi", "parse_bibliography", "read_bibliography"]

# A library must not print through logging's last-resort handler; failures we report ourselves.
logging.getLogger("bibtexparser").addHandler(logging.NullHandler())

REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
    "article": ("author", "title", "journal", "year"),
    "book": ("title", "publisher", "year"),
    "incollection": ("author", "title", "booktitle", "year"),
    "inproceedings": ("author", "title", "booktitle", "year"),
}
DEFAULT_REQUIRED = ("title",)

_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_PMID = re.compile(r"^\d{1,9}$")
_PMCID = re.compile(r"^PMC\d+$")
_YEAR = re.compile(r"^\d{4}$")
_STRAY_ENTRY = re.compile(r"^[ \t]*@[A-Za-z]+", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class ParsedBibliography:
    path: str
    references: dict[str, Reference] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def normalise_doi(raw: str) -> str:
    """Strip resolver prefixes and whitespace: ``https://doi.org/10.1/X`` -> ``10.1/X``."""
    return _DOI_PREFIX.sub("", raw.strip()).strip()


def read_bibliography(path: Path, data: bytes | None = None) -> ParsedBibliography:
    """Read a bibliography (``data``: its bytes, when the caller has read them already)."""
    display = str(path)
    try:
        data = path.read_bytes() if data is None else data
    except FileNotFoundError:
        return ParsedBibliography(
            display, problems=[Problem(display, 1, 1, "bib.file-not-found", "no such file")]
        )
    except OSError as error:
        reason = error.strerror or type(error).__name__
        return ParsedBibliography(
            display,
            problems=[Problem(display, 1, 1, "bib.file-not-found", f"cannot read: {reason}")],
        )
    text, problem = read_text(data, display, "bib.not-utf8")
    parsed = parse_bibliography(text, display)
    if problem is not None:
        parsed.problems.insert(0, problem)
    return parsed


class _LogCollector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


_PARSE_LOCK = threading.Lock()
_LOGGED_LINE = re.compile(r"\(line (\d+)\)")


def _split(text: str) -> tuple[Any, list[str]]:
    """Parse, also collecting what bibtexparser only logs (it logs, then keeps going)."""
    logger = logging.getLogger("bibtexparser")
    collector = _LogCollector()
    with _PARSE_LOCK:
        logger.addHandler(collector)
        try:
            # The parse stack's middlewares are replaced by one pass of our own (`_as_parsed`)
            # that resolves @string macros and strips enclosing braces: same result, less time.
            library = bibtexparser.parse_string(text, parse_stack=[])
        finally:
            logger.removeHandler(collector)
    return library, collector.messages


def parse_bibliography(text: str, path: str) -> ParsedBibliography:
    library, logged = _split(text)
    out = ParsedBibliography(path)
    builder = _Builder(path, out)
    strings = {key.lower(): _unenclosed(s.value) for key, s in library.strings_dict.items()}
    reported_lines: set[int] = set()
    for block in library.blocks:
        line = (block.start_line or 0) + 1
        if isinstance(block, bib.DuplicateFieldKeyBlock):
            entry = block.ignore_error_block
            assert isinstance(entry, bib.Entry)
            builder.duplicate_fields(entry, block.duplicate_keys)
            builder.add(_as_parsed(entry, strings))
        elif isinstance(block, bib.DuplicateBlockKeyBlock):
            duplicate = block.ignore_error_block
            if isinstance(duplicate, bib.Entry):
                builder.add(_as_parsed(duplicate, strings))
        elif isinstance(block, bib.ParsingFailedBlock):
            reported_lines.add(line)
            reason = getattr(block.error, "abort_reason", None) or str(block.error)
            head = (block.raw or "").strip().splitlines()[:1]
            what = f" in {head[0][:60]!r}" if head else ""
            out.problems.append(
                Problem(path, line, 1, "bib.parse-error", f"cannot parse block{what}: {reason}")
            )
        elif isinstance(block, bib.Entry):
            builder.add(_as_parsed(block, strings))
        elif isinstance(block, bib.ImplicitComment):
            for offset, stray in _stray_entries(block.raw or block.comment):
                out.problems.append(
                    Problem(
                        path,
                        line + offset,
                        1,
                        "bib.unparsed-text",
                        f"text outside any entry looks like an entry that was skipped: {stray!r}",
                    )
                )
    for message in logged:
        match = _LOGGED_LINE.search(message)
        logged_line = int(match.group(1)) + 1 if match else 1
        if logged_line not in reported_lines:
            first = message.strip().splitlines()[0]
            out.problems.append(Problem(path, logged_line, 1, "bib.parse-error", first))
    builder.check_identifiers()
    out.problems.sort()
    return out


def _unenclosed(raw: str) -> str:
    value = raw.strip()
    if len(value) >= 2 and (value[0], value[-1]) in {("{", "}"), ('"', '"')}:
        return value[1:-1]
    return value


def _as_parsed(entry: bib.Entry, strings: dict[str, str]) -> bib.Entry:
    """What bibtexparser's default parse stack does: resolve ``@string`` macros and remove
    the enclosing braces or quotes (also for entries it set aside as failed blocks)."""
    for item in entry.fields:
        if not isinstance(item.value, str):
            continue
        value = item.value.strip()
        if len(value) >= 2 and (value[0], value[-1]) in {("{", "}"), ('"', '"')}:
            item.value = value[1:-1]
        else:
            item.value = strings.get(value.lower(), value)
    return entry


def _stray_entries(comment: str) -> Iterator[tuple[int, str]]:
    for match in _STRAY_ENTRY.finditer(comment):
        offset = comment.count("\n", 0, match.start())
        line_text = comment[match.start() :].split("\n", 1)[0].strip()
        yield offset, line_text[:60]


class _Builder:
    """Turns entries into references, remembering what must be unique across entries."""

    def __init__(self, path: str, out: ParsedBibliography) -> None:
        self.path = path
        self.out = out
        self.first_line_of_key: dict[str, tuple[str, int]] = {}
        self.dois: dict[str, list[tuple[str, int]]] = {}
        self.pmids: dict[str, list[tuple[str, int]]] = {}

    def problem(self, line: int, code: str, message: str) -> None:
        self.out.problems.append(Problem(self.path, line, 1, code, message))

    def duplicate_fields(self, entry: bib.Entry, keys: set[str]) -> None:
        seen: set[str] = set()
        for item in entry.fields:
            name = item.key.lower()
            if name in seen and item.key in keys:
                self.problem(
                    item.start_line + 1,
                    "bib.duplicate-field",
                    f"entry {entry.key!r} sets {item.key!r} again; the first value is kept",
                )
            seen.add(name)

    def add(self, entry: bib.Entry) -> None:
        line = (entry.start_line or 0) + 1
        folded = entry.key.lower()
        if folded in self.first_line_of_key:
            first_key, first_line = self.first_line_of_key[folded]
            self.problem(
                line,
                "bib.duplicate-key",
                f"key {entry.key!r} is already used by the entry at line {first_line}"
                + ("" if first_key == entry.key else f" ({first_key!r})")
                + "; this entry is ignored",
            )
            return
        self.first_line_of_key[folded] = (entry.key, line)
        fields: dict[str, tuple[str, int]] = {}
        for item in entry.fields:
            fields.setdefault(item.key.lower(), (_as_text(item.value), item.start_line + 1))
        self.out.references[entry.key] = self._reference(entry, line, fields)

    def _reference(
        self, entry: bib.Entry, line: int, fields: dict[str, tuple[str, int]]
    ) -> Reference:
        entry_type = entry.entry_type.lower()
        key = entry.key
        for required in REQUIRED_FIELDS.get(entry_type, DEFAULT_REQUIRED):
            if not fields.get(required, ("", 0))[0].strip():
                self.problem(
                    line,
                    "bib.missing-field",
                    f"@{entry_type} entry {key!r} has no {required!r} field",
                )

        def text(name: str) -> str | None:
            value = fields.get(name, ("", 0))[0]
            return decode_text(value) or None

        year: int | None = None
        if "year" in fields:
            raw_year, year_line = fields["year"]
            if _YEAR.match(raw_year.strip()):
                year = int(raw_year)
            else:
                self.problem(
                    year_line, "bib.invalid-year", f"year {raw_year!r} of {key!r} is not a year"
                )
        doi = self._identifier(fields, "doi", key, _DOI, normalise_doi, "bib.invalid-doi")
        pmid = self._identifier(fields, "pmid", key, _PMID, str.strip, "bib.invalid-pmid")
        pmcid = self._identifier(
            fields, "pmcid", key, _PMCID, lambda v: v.strip().upper(), "bib.invalid-pmcid"
        )
        self._unsafe_links(key, fields)
        if doi:
            self.dois.setdefault(doi.lower(), []).append((key, fields["doi"][1]))
        if pmid:
            self.pmids.setdefault(pmid, []).append((key, fields["pmid"][1]))
        return Reference(
            key=key,
            entry_type=entry_type,
            authors=parse_authors(fields.get("author", ("", 0))[0]),
            title=text("title"),
            journal=text("journal") or text("journaltitle") or text("booktitle"),
            year=year,
            volume=text("volume"),
            issue=text("number") or text("issue"),
            pages=_pages(text("pages")),
            doi=doi,
            pmid=pmid,
            pmcid=pmcid,
            url=(fields.get("url", ("", 0))[0].strip() or None),
            source=Location(path=self.path, line=line),
        )

    def _unsafe_links(self, key: str, fields: dict[str, tuple[str, int]]) -> None:
        """A url with a script scheme, or Markdown/HTML links inside any field (a title that
        would become a link in a page or break out of a tooltip)."""
        url, url_line = fields.get("url", ("", 0))
        scheme = unsafe_url(url.strip()) if url.strip() else None
        if scheme is not None:
            self.problem(
                url_line,
                "content.unsafe-link",
                f"url of {key!r} uses the {scheme}: scheme (only http, https and mailto)",
            )
        for name, (value, value_line) in fields.items():
            for found in unsafe_links(value):
                self.problem(
                    value_line, "content.unsafe-link", f"{name} of {key!r}: {found.message}"
                )

    def _identifier(
        self,
        fields: dict[str, tuple[str, int]],
        name: str,
        key: str,
        pattern: re.Pattern[str],
        normalise: Any,
        code: str,
    ) -> str | None:
        if name not in fields:
            return None
        raw, line = fields[name]
        value: str = normalise(raw)
        if not pattern.match(value):
            self.problem(line, code, f"{name} {raw!r} of {key!r} is malformed")
            return None
        return value

    def check_identifiers(self) -> None:
        for label, table, code in (
            ("DOI", self.dois, "bib.duplicate-doi"),
            ("PMID", self.pmids, "bib.duplicate-pmid"),
        ):
            for value, places in table.items():
                first_key, first_line = places[0]
                for key, line in places[1:]:
                    self.problem(
                        line,
                        code,
                        f"{label} {value} of {key!r} is already used by {first_key!r} "
                        f"(line {first_line})",
                    )


def _as_text(value: object) -> str:
    return value if isinstance(value, str) else str(value)


def _pages(pages: str | None) -> str | None:
    """BibTeX writes page ranges with ``--``; readers expect an en dash."""
    if pages is None:
        return None
    return re.sub(r"\s*-{1,2}\s*", "\u2013", pages)


def parse_authors(raw: str) -> tuple[Person, ...]:
    if not raw.strip():
        return ()
    return tuple(_person(name) for name in _split_names(raw))


@cache
def _name_tools() -> tuple[Any, Any]:
    from bibtexparser.middlewares.names import (
        parse_single_name_into_parts,
        split_multiple_persons_names,
    )

    return split_multiple_persons_names, parse_single_name_into_parts


_AND = re.compile(r"\s+and\s+", re.IGNORECASE)
_SIMPLE_NAME = re.compile(r"^(?P<family>[^,]+?),\s*(?P<given>[^,]*)$")


def _balanced(text: str) -> bool:
    return text.count("{") == text.count("}")


def _split_names(raw: str) -> list[str]:
    folded = " ".join(raw.split())
    names = [name for name in _AND.split(folded) if name]
    if "{" not in folded or all(_balanced(name) for name in names):
        return names
    split, _ = _name_tools()
    parsed: list[str] = split(folded)
    return parsed


def _person(name: str) -> Person:
    # Most names are "Family, Given" with capitalised family words: no parser needed. A
    # lowercase word ("van der Berg"), a word opening with a brace or a "Jr" part goes to
    # bibtexparser's parser.
    simple = _SIMPLE_NAME.match(name)
    if (
        simple
        and simple.group("given").strip()
        and _balanced(simple.group("family"))
        and all(word[:1].isupper() for word in simple.group("family").split())
    ):
        return Person(
            family=decode_text(simple.group("family")), given=decode_text(simple.group("given"))
        )
    return _parsed_person(name)


def _parsed_person(name: str) -> Person:
    _, parse = _name_tools()
    try:
        parts = parse(name, strict=False)
    except ValueError:
        return Person(family=decode_text(name))
    family = " ".join([*parts.von, *parts.last])
    if parts.jr:
        family = f"{family}, {' '.join(parts.jr)}"
    return Person(family=decode_text(family), given=decode_text(" ".join(parts.first)))
