"""Read ``references.bib`` with bibtexparser v2 into `Reference` records and located problems.

Every block is looked at: an entry that fails never hides the entries around it, and every
failure becomes a `Problem` with the file's 1-based line.
"""

from __future__ import annotations

import functools
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

from needling_facts.diagnostics import CodeInfo, Problem, Severity, declare_code
from needling_facts.errors import UnreadableFileError
from needling_facts.evidence.reference import Location, Person, Reference
from needling_facts.sources.bibtex.scan import BibScan, closing, restore, scan, split_concatenation
from needling_facts.sources.links import CONTENT_UNSAFE_LINK, unsafe_links, unsafe_url
from needling_facts.sources.safe_read import read_regular_file
from needling_facts.sources.text import decode_text, read_text

__all__ = ["ParsedBibliography", "normalise_doi", "parse_bibliography", "read_bibliography"]

BIB_FILE_NOT_FOUND = declare_code(
    "bib.file-not-found",
    Severity.ERROR,
    "The bibliography file does not exist or cannot be read.",
    "--bib missing.bib",
)

BIB_NOT_UTF8 = declare_code(
    "bib.not-utf8",
    Severity.ERROR,
    "The bibliography file is not valid UTF-8.",
    "a Latin-1 byte \\xe9",
)

BIB_PARSE_ERROR = declare_code(
    "bib.parse-error",
    Severity.ERROR,
    "bibtexparser could not parse a block; the entries around it are still read.",
    "@article{Key2020,\n  title = {Unclosed\n  year = 2020,\n}",
)

BIB_UNPARSED_TEXT = declare_code(
    "bib.unparsed-text",
    Severity.ERROR,
    "Text outside any entry looks like an entry that the parser skipped (e.g. `@article` "
    "without a brace).",
    "@article Key2020, title = {x}}",
)

BIB_DUPLICATE_KEY = declare_code(
    "bib.duplicate-key",
    Severity.ERROR,
    "Two entries share a citation key; only the first is used.",
    "@article{Key2020, ...}\n@article{Key2020, ...}",
)

BIB_DUPLICATE_FIELD = declare_code(
    "bib.duplicate-field",
    Severity.ERROR,
    "An entry sets the same field twice; the first value is used.",
    "@article{Key2020, year = {2020}, year = {2021}}",
)

BIB_DUPLICATE_DOI = declare_code(
    "bib.duplicate-doi",
    Severity.ERROR,
    "Two entries have the same DOI (compared case-insensitively).",
    "doi = {10.1111/ABC} in one entry, doi = {10.1111/abc} in another",
)

BIB_DUPLICATE_PMID = declare_code(
    "bib.duplicate-pmid",
    Severity.ERROR,
    "Two entries have the same PubMed id.",
    "pmid = {23216209} in two entries",
)

BIB_MISSING_FIELD = declare_code(
    "bib.missing-field",
    Severity.ERROR,
    "A field required for the entry type is absent (article: title, journal), also after "
    "biblatex inheritance (`crossref`, `xdata`) and aliases (`journaltitle` for `journal`, "
    "`date` for `year`).",
    "@article{Key2020, title = {x}}",
)

BIB_NO_YEAR = declare_code(
    "bib.no-year",
    Severity.WARNING,
    "An article has no year (nor date): no public record seen shows it. The study is cited "
    "and weighed all the same; the citation prints without a year until a record shows one.",
    "@article{Trial, title = {x}, journal = {J}, doi = {10.1/x}}",
)

BIB_NO_AUTHOR = declare_code(
    "bib.no-author",
    Severity.WARNING,
    "An article has no author field. Allowed, because a byline no public record shows is left "
    "out rather than guessed; the citation then starts with the title.",
    "@article{IntWoundJ2021, title = {...}, journal = {Int Wound J}, year = {2021}}",
)

BIB_NO_IDENTIFIER = declare_code(
    "bib.no-identifier",
    Severity.WARNING,
    "An article has no DOI, PubMed id or PubMed Central id. Allowed, because an identifier no "
    "public record shows is left out rather than guessed; the entry stays on the to-do list "
    "until one is seen.",
    "@article{Bonati2017, title = {...}, journal = {J Drugs Dermatol}, year = {2017}}",
)

BIB_DUPLICATE_PMCID = declare_code(
    "bib.duplicate-pmcid",
    Severity.ERROR,
    "Two entries have the same PubMed Central id.",
    "pmcid = {PMC3531004} in two entries",
)

BIB_UNDEFINED_MACRO = declare_code(
    "bib.undefined-macro",
    Severity.ERROR,
    "A field uses a name that no `@string` defines (BibTeX would print it as nothing).",
    "journal = jdt without @string{jdt = ...}",
)

BIB_UNKNOWN_CROSSREF = declare_code(
    "bib.unknown-crossref",
    Severity.ERROR,
    "A `crossref` or `xdata` field names no entry of the file, or loops back to the entry.",
    "crossref = {NoSuchProceedings}",
)

BIB_INVALID_YEAR = declare_code(
    "bib.invalid-year",
    Severity.ERROR,
    "The year is not a year, or the date not a date biber reads (YYYY, YYYY-MM, YYYY-MM-DD, "
    "a range such as 1996/.., a negative year such as -0379, unspecified digits such as 199X).",
    "year = {in press}; date = {2020-13-45}",
)
BIB_CONFLICTING_FIELDS = declare_code(
    "bib.conflicting-fields",
    Severity.ERROR,
    "Two names of one field disagree (`journal` and `journaltitle`, `year` and `date`): "
    "which one did the record show?",
    "journal = {J A}, journaltitle = {J B}",
)

BIB_INVALID_DOI = declare_code(
    "bib.invalid-doi",
    Severity.ERROR,
    "The DOI does not look like a DOI (10.NNNN/suffix).",
    "doi = {doi:10.1111}",
)

BIB_INVALID_PMID = declare_code(
    "bib.invalid-pmid",
    Severity.ERROR,
    "The PMID is not a number without a leading zero.",
    "pmid = {PMC123}, pmid = {023216209}",
)

BIB_INVALID_PMCID = declare_code(
    "bib.invalid-pmcid",
    Severity.ERROR,
    "The PMCID is not PMC followed by digits.",
    "pmcid = {123}",
)

# A library must not print through logging's last-resort handler; failures we report ourselves.
logging.getLogger("bibtexparser").addHandler(logging.NullHandler())

REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
    # No "author": where no public record shows the byline, the entry leaves it out rather than
    # guess it, and `bib.no-author` says so (the citation then starts with the title).
    # No "year" either: a trial whose identity a record confirms is cited without the one field
    # nobody has seen (`bib.no-year`), never left out of the evidence for it.
    "article": ("title", "journal"),
    "book": ("title", "publisher", "year"),
    "incollection": ("author", "title", "booktitle", "year"),
    "inproceedings": ("author", "title", "booktitle", "year"),
}
DEFAULT_REQUIRED = ("title",)
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "journal": ("journal", "journaltitle"),
    "year": ("year", "date"),
    "address": ("address", "location"),
}
"""biblatex names that stand for a required BibTeX field."""
_NOT_INHERITED = frozenset(
    {"crossref", "xdata", "xref", "ids", "entryset", "label", "options", "shorthand", "sortkey"}
)
_TITLE_AS = {
    "proceedings": "booktitle",
    "mvproceedings": "booktitle",
    "book": "booktitle",
    "mvbook": "booktitle",
    "collection": "booktitle",
    "mvcollection": "booktitle",
    "reference": "booktitle",
    "periodical": "journaltitle",
}
"""What a crossref parent's title becomes in the child (biblatex's default inheritance)."""

_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_PMID = re.compile(r"^[1-9]\d{0,8}$")  # PubMed ids have no leading zero
_PMCID = re.compile(r"^PMC\d+$")
_YEAR = re.compile(r"^-?\d{4}$")
# One end of a biblatex (EDTF level 0/1) date: a year (negative allowed, X for unspecified
# digits), then month (or season 21-24) and day, then ~ ? % qualifiers.
_DATE_END = re.compile(
    r"^(?P<year>-?[\dX]{4})(?:-(?P<month>[\dX]{2})(?:-(?P<day>[\dX]{2}))?)?[~?%]?$"
)
# `@comment` without braces is a comment line (JabRef writes them), not a skipped entry.
_STRAY_ENTRY = re.compile(r"^[ \t]*@(?!comment\b)[A-Za-z]+", re.MULTILINE | re.IGNORECASE)


def unwrap(value: str) -> str:
    """``{{2018}}`` -> ``2018``: Web of Science exports wrap values in an extra brace pair."""
    value = value.strip()
    while value.startswith("{") and value.endswith("}") and _one_group(value):
        value = value[1:-1].strip()
    return value


def _one_group(value: str) -> bool:
    depth = 0
    for index, char in enumerate(value):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0 and index < len(value) - 1:
            return False  # "{a} {b}": two groups, not one wrapped value
    return depth == 0


_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def date_year_of(text: str) -> tuple[bool, int | None]:
    """Whether ``text`` is a biblatex date (or range), and the year it starts in (None when
    that is open, ``..``, or has unspecified digits)."""
    ends = text.split("/")
    if len(ends) > 2 or not text:
        return False, None
    years: list[int | None] = []
    for end in ends:
        if end in ("", "..") and len(ends) == 2:
            years.append(None)
            continue
        found = _DATE_END.match(end)
        if found is None or not _real_month_and_day(found.group("month"), found.group("day")):
            return False, None
        digits = found.group("year")
        years.append(None if "X" in digits else int(digits))
    return True, years[0]


def _real_month_and_day(month: str | None, day: str | None) -> bool:
    if month is None or "X" in month:
        return day is None or "X" in day or 1 <= int(day) <= 31
    number = int(month)
    if 21 <= number <= 24:  # seasons (EDTF level 1)
        return day is None
    if not 1 <= number <= 12:
        return False
    return day is None or "X" in day or 1 <= int(day) <= _DAYS[number - 1]


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
        data = read_regular_file(path) if data is None else data
    except UnreadableFileError as error:
        return ParsedBibliography(
            display, problems=[BIB_FILE_NOT_FOUND.at(display, 1, 1, error.reason)]
        )
    text, problem = read_text(data, display, BIB_NOT_UTF8)
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
            # No middlewares: `resolve_value` resolves @string macros, `#` concatenation and
            # enclosing braces in one pass of our own, without changing the parsed blocks.
            library = bibtexparser.parse_string(text, parse_stack=[])
        finally:
            logger.removeHandler(collector)
    return library, collector.messages


@dataclass(slots=True)
class SplitBibliography:
    """bibtexparser's blocks of a file (masked by `bibscan`, then restored), for the reader and
    for ``fmt``, which share one parse."""

    library: Any
    logged: list[str]
    scanned: BibScan


def split_bibliography(text: str) -> SplitBibliography:
    """Parse ``text`` into raw blocks the way BibTeX reads it (see `bibscan`)."""
    scanned = scan(text)
    library, logged = _split(scanned.masked)
    scanned.masked = ""  # not needed after the parse; a big file's copy is freed now
    if scanned.changed:
        _restore_blocks(library.blocks)
    for block in library.blocks:
        if isinstance(block, bib.Entry):
            block._raw = None
    return SplitBibliography(library, logged, scanned)


def _restore_blocks(blocks: list[Any]) -> None:
    for block in blocks:
        inner = getattr(block, "ignore_error_block", None)
        if inner is not None:
            _restore_blocks([inner])
        if isinstance(block, bib.Entry):
            for item in block.fields:
                if isinstance(item.value, str):
                    item.value = restore(item.value)
        elif isinstance(block, bib.String | bib.Preamble):
            block.value = restore(block.value)
        elif isinstance(block, bib.ImplicitComment | bib.ExplicitComment | bib.ParsingFailedBlock):
            # Only `raw` is read back: comments are written from it, failures quote it.
            block._raw = restore(block.raw or "")


def parse_bibliography(text: str, path: str) -> ParsedBibliography:
    """Read ``text`` into references and located problems (never raises for bad content)."""
    return parse_split(split_bibliography(text), path)


def parse_split(split: SplitBibliography, path: str, *, build: bool = True) -> ParsedBibliography:
    """`parse_bibliography` on blocks already split (``fmt`` reuses them).

    ``build=False`` only checks the file's syntax (what ``fmt`` needs to know it reads the
    whole file): no `Reference` is built, so no field-level problem is reported.
    """
    library, logged = split.library, split.logged
    out = ParsedBibliography(path)
    builder = _Builder(path, out)
    builder.define_strings(library.blocks)
    reported_lines: set[int] = set()
    for block in library.blocks:
        line = (block.start_line or 0) + 1
        if isinstance(block, bib.DuplicateFieldKeyBlock | bib.DuplicateBlockKeyBlock):
            entry = block.ignore_error_block
            if isinstance(entry, bib.Entry):
                builder.add(entry)
        elif isinstance(block, bib.ParsingFailedBlock):
            reported_lines.add(line)
            reason = getattr(block.error, "abort_reason", None) or str(block.error)
            head = (block.raw or "").strip().splitlines()[:1]
            what = f" in {head[0][:60]!r}" if head else ""
            out.problems.append(
                BIB_PARSE_ERROR.at(path, line, 1, f"cannot parse block{what}: {reason}")
            )
        elif isinstance(block, bib.Entry):
            builder.add(block)
        elif isinstance(block, bib.ImplicitComment):
            for offset, stray in _stray_entries(block.raw or block.comment):
                out.problems.append(
                    BIB_UNPARSED_TEXT.at(
                        path,
                        line + offset,
                        1,
                        f"text outside any entry looks like an entry that was skipped: {stray!r}",
                    )
                )
    for message in logged:
        match = _LOGGED_LINE.search(message)
        logged_line = int(match.group(1)) + 1 if match else 1
        if logged_line not in reported_lines:
            first = message.strip().splitlines()[0]
            out.problems.append(BIB_PARSE_ERROR.at(path, logged_line, 1, first))
    if build:
        builder.finish()
    out.problems.sort()
    return out


MONTHS = {
    name[:3].lower(): name
    for name in [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ]
}
"""BibTeX's standard styles predefine the month macros ``jan`` ... ``dec``."""


def resolve_value(raw: str, strings: dict[str, str]) -> tuple[str, list[str]]:
    """A field's text as BibTeX reads it: delimiters removed, ``#`` pieces joined and macros
    expanded. Returns the text and the names of undefined macros (kept as written)."""
    value = raw.strip()
    if "#" not in value and value[:1] in ("{", '"') and value[-1:] == value[:1].replace("{", "}"):
        return value[1:-1], []  # one delimited value, as the parser split it: no scan needed
    if value[:1] in ("{", '"') and closing(value, 0, value[0]) == len(value) - 1:
        return value[1:-1], []
    if value.isdigit():
        return value, []
    parts = split_concatenation(value)
    if parts is None:
        return value, []
    text: list[str] = []
    undefined: list[str] = []
    for part in parts:
        if part[:1] in ("{", '"'):
            text.append(part[1:-1])
        elif part.isdigit():
            text.append(part)
        elif part.lower() in strings:
            text.append(strings[part.lower()])
        else:
            undefined.append(part)
            text.append(part)
    return "".join(text), undefined


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
        self.pmcids: dict[str, list[tuple[str, int]]] = {}
        self.strings: dict[str, str] = dict(MONTHS)
        self.entries: dict[str, tuple[bib.Entry, int, dict[str, tuple[str, int]]]] = {}
        self._alias_map: dict[str, str] | None = None

    def problem(self, line: int, code: CodeInfo, message: str) -> None:
        self.out.problems.append(code.at(self.path, line, 1, message))

    def define_strings(self, blocks: list[Any]) -> None:
        """Read the ``@string`` macros in file order (a macro may use the ones before it)."""
        for block in blocks:
            if isinstance(block, bib.String):
                text, undefined = resolve_value(block.value, self.strings)
                self._undefined((block.start_line or 0) + 1, f"@string {block.key!r}", undefined)
                self.strings[block.key.lower()] = text

    def _undefined(self, line: int, where: str, names: list[str]) -> None:
        for name in names:
            self.problem(
                line,
                BIB_UNDEFINED_MACRO,
                f"{where} uses {name!r}, which no @string defines; write it in braces if it is "
                "text",
            )

    def add(self, entry: bib.Entry) -> None:
        line = (entry.start_line or 0) + 1
        folded = entry.key.lower()
        if folded in self.first_line_of_key:
            first_key, first_line = self.first_line_of_key[folded]
            self.problem(
                line,
                BIB_DUPLICATE_KEY,
                f"key {entry.key!r} is already used by the entry at line {first_line}"
                + ("" if first_key == entry.key else f" ({first_key!r})")
                + "; this entry is ignored",
            )
            return
        self.first_line_of_key[folded] = (entry.key, line)
        fields: dict[str, tuple[str, int]] = {}
        for item in entry.fields:
            name = item.key.lower()
            field_line = item.start_line + 1
            if name in fields:
                # Also `title` and `Title`: BibTeX field names ignore case.
                self.problem(
                    field_line,
                    BIB_DUPLICATE_FIELD,
                    f"entry {entry.key!r} sets {item.key!r} again; the first value is kept",
                )
                continue
            text, undefined = resolve_value(_as_text(item.value), self.strings)
            self._undefined(field_line, f"field {item.key!r} of {entry.key!r}", undefined)
            fields[name] = (text, field_line)
        self.entries[folded] = (entry, line, fields)

    def _aliases(self) -> dict[str, str]:
        """Other keys of an entry (biblatex ``ids``), folded, to the entry's own folded key."""
        if self._alias_map is None:
            self._alias_map = {
                alias.strip().lower(): folded
                for folded, (_, _, fields) in self.entries.items()
                for alias in fields.get("ids", ("", 0))[0].split(",")
                if alias.strip() and alias.strip().lower() not in self.entries
            }
        return self._alias_map

    def _inherited(
        self, folded: str, seen: frozenset[str] = frozenset()
    ) -> dict[str, tuple[str, int]]:
        """The entry's fields with those it inherits through biblatex ``xdata`` and ``crossref``
        (and BibTeX ``crossref``): its own win, then each parent's, mapped as biblatex maps
        them (a proceedings' ``title`` is the paper's ``booktitle``)."""
        entry, _, fields = self.entries[folded]
        result = dict(fields)
        for link in ("xdata", "crossref"):
            if link not in fields:
                continue
            raw, link_line = fields[link]
            for parent_key in raw.split(",") if link == "xdata" else [raw]:
                parent = parent_key.strip().lower()
                parent = self._aliases().get(parent, parent)  # biblatex: ids = {OldKey}
                if parent in seen or parent == folded:
                    self.problem(
                        link_line,
                        BIB_UNKNOWN_CROSSREF,
                        f"{link} of {entry.key!r} loops back to {parent_key.strip()!r}",
                    )
                    continue
                if parent not in self.entries:
                    self.problem(
                        link_line,
                        BIB_UNKNOWN_CROSSREF,
                        f"{link} of {entry.key!r} names {parent_key.strip()!r}, which is not an "
                        "entry of this file",
                    )
                    continue
                parent_type = self.entries[parent][0].entry_type.lower()
                for name, value in self._inherited(parent, seen | {folded}).items():
                    if name in _NOT_INHERITED:
                        continue
                    mapped = _TITLE_AS.get(parent_type, name) if name == "title" else name
                    result.setdefault(mapped if link == "crossref" else name, value)
        return result

    def _build(self) -> None:
        for folded, (entry, line, own) in self.entries.items():
            if entry.entry_type.lower() == "xdata":
                continue  # a biblatex data container, not a work that can be cited
            linked = "xdata" in own or "crossref" in own
            fields = self._inherited(folded) if linked else own
            self.out.references[entry.key] = self._reference(entry, line, fields)

    def _reference(
        self, entry: bib.Entry, line: int, fields: dict[str, tuple[str, int]]
    ) -> Reference:
        entry_type = entry.entry_type.lower()
        key = entry.key
        for required in REQUIRED_FIELDS.get(entry_type, DEFAULT_REQUIRED):
            names = FIELD_ALIASES.get(required, (required,))
            if not any(fields.get(name, ("", 0))[0].strip() for name in names):
                self.problem(
                    line,
                    BIB_MISSING_FIELD,
                    f"@{entry_type} entry {key!r} has no {required!r} field"
                    + (f" (nor {' or '.join(map(repr, names[1:]))})" if len(names) > 1 else ""),
                )

        if entry_type == "article" and not any(
            fields.get(name, ("", 0))[0].strip() for name in FIELD_ALIASES["year"]
        ):
            self.problem(
                line,
                BIB_NO_YEAR,
                f"@article entry {key!r} has no year: cited without one (add it once a public "
                "record shows it)",
            )

        if entry_type == "article" and not fields.get("author", ("", 0))[0].strip():
            self.problem(
                line,
                BIB_NO_AUTHOR,
                f"@article entry {key!r} has no author: cited by title (add the authors once a "
                "public record shows them)",
            )

        if entry_type == "article" and not any(
            fields.get(name, ("", 0))[0].strip() for name in ("doi", "pmid", "pmcid")
        ):
            # Most articles have one; a missing one is usually one nobody has seen yet.
            self.problem(
                line,
                BIB_NO_IDENTIFIER,
                f"@article entry {key!r} has no doi, pmid or pmcid: readers cannot look it up "
                "by identifier (add one once a public record shows it)",
            )

        def text(name: str) -> str | None:
            value = fields.get(name, ("", 0))[0]
            return decode_text(value) or None

        year = self._year(fields, key)
        self._agree(fields, key, "journal", "journaltitle")
        doi = self._identifier(fields, "doi", key, _DOI, normalise_doi, BIB_INVALID_DOI)
        pmid = self._identifier(fields, "pmid", key, _PMID, str.strip, BIB_INVALID_PMID)
        pmcid = self._identifier(
            fields, "pmcid", key, _PMCID, lambda v: v.strip().upper(), BIB_INVALID_PMCID
        )
        self._unsafe_links(key, fields)
        if doi:
            self.dois.setdefault(doi.lower(), []).append((key, fields["doi"][1]))
        if pmid:
            self.pmids.setdefault(pmid, []).append((key, fields["pmid"][1]))
        if pmcid:
            self.pmcids.setdefault(pmcid, []).append((key, fields["pmcid"][1]))
        return Reference(
            key=key,
            entry_type=entry_type,
            authors=parse_authors(fields.get("author", ("", 0))[0]),
            more_authors=_ends_with_others(fields.get("author", ("", 0))[0]),
            title=text("title"),
            journal=text("journal") or text("journaltitle") or text("booktitle"),
            # biblatex's name for the abbreviated title; Zotero and Better BibTeX write it too.
            journal_abbrev=text("shortjournal"),
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

    def _year(self, fields: dict[str, tuple[str, int]], key: str) -> int | None:
        year: int | None = None
        if "year" in fields:
            raw_year, year_line = fields["year"]
            if _YEAR.match(unwrap(raw_year)):
                year = int(unwrap(raw_year))
            else:
                self.problem(
                    year_line, BIB_INVALID_YEAR, f"year {raw_year!r} of {key!r} is not a year"
                )
        if "date" in fields:  # biblatex: date = {2021-03-15}, a range 2020/2021, 199X...
            raw_date, date_line = fields["date"]
            valid, date_year = date_year_of(unwrap(raw_date))
            if not valid:
                self.problem(
                    date_line,
                    BIB_INVALID_YEAR,
                    f"date {raw_date!r} of {key!r} is not a date biber reads (e.g. 2021, "
                    "2021-03, 2021-03-15, 1996/.., 199X)",
                )
            elif year is not None and date_year is not None and date_year != year:
                self.problem(
                    date_line,
                    BIB_CONFLICTING_FIELDS,
                    f"date {raw_date!r} of {key!r} is in {date_year}, its year field says {year}",
                )
            elif year is None:
                year = date_year
        return year

    def _agree(self, fields: dict[str, tuple[str, int]], key: str, *names: str) -> None:
        given = [(name, *fields[name]) for name in names if fields.get(name, ("", 0))[0].strip()]
        if len({decode_text(value).casefold() for _, value, _ in given}) > 1:
            (first, first_value, _), (second, second_value, line) = given[:2]
            self.problem(
                line,
                BIB_CONFLICTING_FIELDS,
                f"{second} {second_value!r} of {key!r} differs from its {first} {first_value!r}",
            )

    def _unsafe_links(self, key: str, fields: dict[str, tuple[str, int]]) -> None:
        """A url with a script scheme, or Markdown/HTML links inside any field (a title that
        would become a link in a page or break out of a tooltip)."""
        url, url_line = fields.get("url", ("", 0))
        scheme = unsafe_url(url.strip()) if url.strip() else None
        if scheme is not None:
            self.problem(
                url_line,
                CONTENT_UNSAFE_LINK,
                f"url of {key!r} uses the {scheme}: scheme (only http, https and mailto)",
            )
        for name, (value, value_line) in fields.items():
            for found in unsafe_links(value):
                self.problem(value_line, CONTENT_UNSAFE_LINK, f"{name} of {key!r}: {found.message}")

    def _identifier(
        self,
        fields: dict[str, tuple[str, int]],
        name: str,
        key: str,
        pattern: re.Pattern[str],
        normalise: Any,
        code: CodeInfo,
    ) -> str | None:
        if name not in fields:
            return None
        raw, line = fields[name]
        value: str = normalise(unwrap(raw))
        if not pattern.match(value):
            self.problem(line, code, f"{name} {raw!r} of {key!r} is malformed")
            return None
        return value

    def finish(self) -> None:
        """Build the references (all entries are known now) and report shared identifiers."""
        self._build()
        for label, table, code in (
            ("DOI", self.dois, BIB_DUPLICATE_DOI),
            ("PMID", self.pmids, BIB_DUPLICATE_PMID),
            ("PMCID", self.pmcids, BIB_DUPLICATE_PMCID),
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


def _ends_with_others(raw: str) -> bool:
    """Whether an author list ends with ``and others`` (BibTeX's "et al.")."""
    names = _AND.split(" ".join(raw.split()))
    return len(names) > 1 and names[-1].strip().lower() == "others"


def _balanced(text: str) -> bool:
    return text.count("{") == text.count("}")


def _split_names(raw: str) -> list[str]:
    folded = " ".join(raw.split())
    names = [name for name in _AND.split(folded) if name]
    if "{" in folded and not all(_balanced(name) for name in names):
        split, _ = _name_tools()
        names = split(folded)
    # `and others` is BibTeX for "et al.", not an author called Others.
    return [name for name in names if name.strip().lower() != "others"]


@functools.lru_cache(maxsize=1 << 16)  # names repeat across entries; Person is immutable
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
