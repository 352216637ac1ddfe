"""The MkDocs plugin (entry point ``needling-facts``): wires the site builder and the citations
extension into MkDocs events. The only module that imports mkdocs.

Under ``mkdocs serve`` an input with errors does not fail the build: the server would then
keep answering nothing until the input is fixed (MkDocs waits for a build that never lands).
Every page shows the located problems instead, and every input is watched so that saving a
fix rebuilds the site. ``mkdocs build`` (``--strict``) fails on the same errors as before."""

from __future__ import annotations

import dataclasses
import logging
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

from needling_facts._cache import cache_directory
from needling_facts.diagnostics import Problem, Severity
from needling_facts.engines.markdown import CitationsExtension, markdown_to_html
from needling_facts.errors import UnreadableFileError
from needling_facts.evidence.claim import Claim
from needling_facts.library import Library
from needling_facts.loading import load_from
from needling_facts.render.build_problems import build_problems_document, build_problems_html
from needling_facts.render.citation_meta import claim_meta_tags
from needling_facts.render.csl import DEFAULT_STYLE, EntryFormatter, style_exists
from needling_facts.render.paths import claim_path
from needling_facts.site.data_api import build_api
from needling_facts.site.files import read_changelog
from needling_facts.site.handbook import (
    BIBLIOGRAPHY,
    STYLESHEET_PATH,
    build_site,
    check_page,
    expand_markers,
    merge_nav,
)
from needling_facts.sources.records import records_dir_for
from needling_facts.sources.searches import searches_dir_for

__all__ = ["NeedlingFactsConfig", "NeedlingFactsPlugin"]

log = logging.getLogger("mkdocs.plugins.needling_facts")


class NeedlingFactsConfig(base.Config):  # type: ignore[no-untyped-call]
    enabled = c.Type(bool, default=True)
    bib = c.Type(str, default="references.bib")
    claims_dir = c.Type(str, default="src/needling_facts/data/claims")
    style = c.Type(str, default=DEFAULT_STYLE)
    all_references = c.Type(bool, default=False)
    cache = c.Type(bool, default=True)
    cache_dir = c.Type(str, default="")
    """Relative to mkdocs.yml; by default the user's cache folder, outside the repository."""
    changelog = c.Type(str, default="CHANGELOG.md")
    """Its Content section becomes the data API's changes.json; none if the file is absent."""


class NeedlingFactsPlugin(BasePlugin[NeedlingFactsConfig]):  # type: ignore[no-untyped-call]
    serving = False
    """Whether MkDocs runs as a development server (`on_startup`, `on_serve`)."""
    errors: tuple[Problem, ...] = ()
    """Under a server, the errors every page shows instead of the handbook (none: as usual)."""

    # Defining on_startup also keeps this one plugin object across the server's rebuilds.
    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        self.library: Library | None = None
        self.errors = ()
        self.claims_by_page: dict[str, Claim] = {}
        if not self.config.enabled:
            return config
        if not style_exists(style := self.config.style):
            raise PluginError(f"needling-facts: unknown CSL style {style!r} (e.g. 'apa')")
        self.root = root = Path(config.config_file_path).parent
        self.paths = (root / self.config.bib, root / self.config.claims_dir)
        cache = cache_directory(self.config.cache_dir, root) if self.config.cache else None
        self.library = library = load_from(*self.paths, cache_dir=cache)
        for problem in library.problems:
            # Errors as warnings: `--strict` fails on them. A server shows them on every page
            # instead; a warning there would abort a strict build and leave the server mute.
            error = problem.severity is Severity.ERROR
            level = logging.WARNING if error and not self.serving else logging.INFO
            log.log(level, "needling-facts: %s", problem)
        self.formatted = EntryFormatter(library.references, style, cache)
        # Warnings, not an exception: `--strict` fails on them, and a lax build goes on.
        self.extension = CitationsExtension(style=style, bibliography=BIBLIOGRAPHY, on_error="warn")
        self.extension.use(library.references, self.formatted)
        config.markdown_extensions.append(self.extension)  # type: ignore[arg-type]
        config.extra_css.append(STYLESHEET_PATH)
        return config

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files | None:
        if self.library is None:
            return files
        hand_written = {f.src_uri: f.content_string for f in files.documentation_pages()}
        if self.serving:
            self.errors = self._errors(config, hand_written)
        site = build_site(  # URLs known: the bibliography can be plain HTML
            self.library, hand_written, self.formatted, all_references=self.config.all_references,
            url_scheme="directory" if config.use_directory_urls else "html",
            site_name=config.site_name, site_url=config.site_url)  # fmt: skip
        self.claims_by_page = {claim_path(c.id): c for c in self.library.claims.values()}
        if config.nav is not None:
            config.nav = merge_nav(config.nav, site.nav)
        generated: dict[str, str | bytes] = {**site.pages, **self._data_api(config)}
        for src_uri, content in generated.items():
            if files.get_file_from_path(src_uri) is not None:
                raise PluginError(f"needling-facts: docs/{src_uri} would hide a generated file")
            files.append(File.generated(config, src_uri, content=content))
        return files

    def _data_api(self, config: MkDocsConfig) -> dict[str, bytes]:
        """The ``api/v1/`` files; none without a ``site_url`` (schema ids must be absolute)."""
        assert self.library is not None
        if not config.site_url:
            log.info("needling-facts: no site_url in mkdocs.yml, so no data API (api/v1/)")
            return {}
        changelog = Path(config.config_file_path).parent / self.config.changelog
        try:
            text = read_changelog(changelog)
        except UnreadableFileError as error:
            raise PluginError(f"needling-facts: {error}") from None
        return build_api(
            self.library, self.formatted, markdown_to_html, config.site_url,
            changelog=text, directory_urls=config.use_directory_urls,
        )  # fmt: skip

    @event_priority(50)  # before other plugins see the Markdown
    def on_page_markdown(
        self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        if self.library is None:
            return markdown
        if self.errors:
            return ""  # nothing to convert (and so nothing to warn about): see on_page_content

        def url_of(src_uri: str) -> str:
            target = files.get_file_from_path(src_uri)
            return get_relative_url(target.url, page.url) if target else src_uri

        self.extension.page_source = page.file.src_uri  # the extension renders this page next
        self.extension.bibliography_url = url_of(BIBLIOGRAPHY)
        return expand_markers(self.library, page.file.src_uri, markdown, url_of)

    def on_page_content(
        self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        return build_problems_html(self.errors) if self.errors else html

    def on_post_template(
        self, output_content: str, /, *, template_name: str, config: MkDocsConfig
    ) -> str | None:
        # The server answers a URL the build did not write (the page of a claim that no
        # longer loads) with 404.html: that answer names the problems too.
        if self.errors and template_name == "404.html":
            stylesheet = (config.site_url or "").rstrip("/") + "/" + STYLESHEET_PATH
            return build_problems_document(self.errors, stylesheet)
        return output_content

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str | None:
        """Put the claim's Highwire ``citation_*`` tags in ``<head>``, where Zotero looks."""
        claim = self.claims_by_page.get(page.file.src_uri)
        head_end = output.find("</head>")  # the first one closes the real head
        # A theme override (engines/overrides/main.html) may have written them already.
        if claim is None or head_end < 0 or 'name="citation_title"' in output[:head_end]:
            return output
        authors = [config.site_author] if config.site_author else []
        tags = claim_meta_tags(
            claim, site_name=config.site_name, url=page.canonical_url, authors=authors
        )
        return f"{output[:head_end]}{tags}\n{output[head_end:]}"

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.library is not None:
            self.formatted.save()

    def on_serve(self, server: Any, /, *, config: MkDocsConfig, builder: Any) -> Any:
        self.serving = True  # `mkdocs serve --clean` starts up as "build"; its rebuilds serve
        for path in self.watched_paths():
            server.watch(str(path))
        return server

    def watched_paths(self) -> list[Path]:
        """Every input the library is read from that exists: the bibliography, the claims,
        and the frozen records and search files beside the claims (docs MkDocs watches)."""
        if self.library is None:
            return []
        bib, claims = self.paths
        candidates = (bib, claims, records_dir_for(claims), searches_dir_for(claims))
        return [path for path in candidates if path.exists()]

    def _errors(self, config: MkDocsConfig, hand_written: dict[str, str]) -> tuple[Problem, ...]:
        """The library's errors and the hand-written pages' citation errors, with paths
        relative to the folder of mkdocs.yml where they lie inside it."""
        assert self.library is not None
        docs = Path(config.docs_dir)
        found = [p for p in self.library.problems if p.severity is Severity.ERROR]
        for src_uri, markdown in sorted(hand_written.items()):
            found += check_page(str(docs / src_uri), markdown, self.library.references)
        return tuple(dataclasses.replace(p, path=self._shown_path(p.path)) for p in found)

    def _shown_path(self, path: str) -> str:
        try:
            return str(Path(path).relative_to(self.root))
        except ValueError:
            return path
