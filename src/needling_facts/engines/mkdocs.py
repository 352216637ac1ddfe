"""The MkDocs plugin (entry point ``needling-facts``): wires the site builder and the citations
extension into MkDocs events. The only module that imports mkdocs."""

from __future__ import annotations

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

from needling_facts.diagnostics import Severity
from needling_facts.engines.markdown import CitationsExtension
from needling_facts.evidence.claim import Claim
from needling_facts.library import Library
from needling_facts.loading import load_from
from needling_facts.render.citation_meta import claim_meta_tags
from needling_facts.render.csl import DEFAULT_STYLE, EntryFormatter, style_exists
from needling_facts.render.paths import claim_path
from needling_facts.site.handbook import BIBLIOGRAPHY, STYLESHEET_PATH, build_site, expand_markers

__all__ = ["NeedlingFactsConfig", "NeedlingFactsPlugin"]

log = logging.getLogger("mkdocs.plugins.needling_facts")


class NeedlingFactsConfig(base.Config):  # type: ignore[no-untyped-call]
    enabled = c.Type(bool, default=True)
    bib = c.Type(str, default="references.bib")
    claims_dir = c.Type(str, default="src/needling_facts/data/claims")
    style = c.Type(str, default=DEFAULT_STYLE)
    all_references = c.Type(bool, default=False)
    cache = c.Type(bool, default=True)
    cache_dir = c.Type(str, default=".cache/needling-facts")


class NeedlingFactsPlugin(BasePlugin[NeedlingFactsConfig]):  # type: ignore[no-untyped-call]
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        self.library: Library | None = None
        self.claims_by_page: dict[str, Claim] = {}
        if not self.config.enabled:
            return config
        if not style_exists(style := self.config.style):
            raise PluginError(f"needling-facts: unknown CSL style {style!r} (e.g. 'apa')")
        root = Path(config.config_file_path).parent
        self.paths = (root / self.config.bib, root / self.config.claims_dir)
        cache = root / self.config.cache_dir if self.config.cache else None
        self.library = library = load_from(*self.paths, cache_dir=cache)
        for problem in library.problems:  # errors as warnings: `--strict` fails on them
            level = logging.WARNING if problem.severity is Severity.ERROR else logging.INFO
            log.log(level, "needling-facts: %s", problem)
        self.formatted = EntryFormatter(library.references, style, cache)
        self.extension = CitationsExtension(style=style, bibliography=BIBLIOGRAPHY)
        self.extension.use(library.references, self.formatted)
        config.markdown_extensions.append(self.extension)  # type: ignore[arg-type]
        config.extra_css.append(STYLESHEET_PATH)
        return config

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files | None:
        if self.library is None:
            return files
        hand_written = {f.src_uri: f.content_string for f in files.documentation_pages()}
        site = build_site(  # URLs known: the bibliography can be plain HTML
            self.library, hand_written, self.formatted, all_references=self.config.all_references,
            url_scheme="directory" if config.use_directory_urls else "html",
            site_name=config.site_name, site_url=config.site_url)  # fmt: skip
        self.claims_by_page = {claim_path(c.id): c for c in self.library.claims.values()}
        if config.nav is not None:
            config.nav = [*config.nav[:1], *site.nav, *config.nav[1:]]
        for src_uri, content in site.pages.items():
            if files.get_file_from_path(src_uri) is not None:
                raise PluginError(f"needling-facts: docs/{src_uri} would hide a generated page")
            files.append(File.generated(config, src_uri, content=content))
        return files

    @event_priority(50)  # before other plugins see the Markdown
    def on_page_markdown(
        self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        if self.library is None:
            return markdown

        def url_of(src_uri: str) -> str:
            target = files.get_file_from_path(src_uri)
            return get_relative_url(target.url, page.url) if target else src_uri

        self.extension.page_source = page.file.src_uri  # the extension renders this page next
        self.extension.bibliography_url = url_of(BIBLIOGRAPHY)
        return expand_markers(self.library, page.file.src_uri, markdown, url_of)

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
        for path in self.paths if self.library is not None else ():
            server.watch(str(path))
        return server
