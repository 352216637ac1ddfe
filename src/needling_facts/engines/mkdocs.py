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

from needling_facts._cache import cache_directory
from needling_facts.diagnostics import Severity
from needling_facts.engines.markdown import CitationsExtension, markdown_to_html
from needling_facts.errors import UnreadableFileError
from needling_facts.library import Library
from needling_facts.loading import load_from
from needling_facts.render.csl import DEFAULT_STYLE, EntryFormatter, style_exists
from needling_facts.site.data_api import build_api
from needling_facts.site.handbook import BIBLIOGRAPHY, STYLESHEET_PATH, build_site, expand_markers
from needling_facts.sources.safe_read import read_regular_file

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
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        self.library: Library | None = None
        if not self.config.enabled:
            return config
        if not style_exists(style := self.config.style):
            raise PluginError(f"needling-facts: unknown CSL style {style!r} (e.g. 'apa')")
        root = Path(config.config_file_path).parent
        self.paths = (root / self.config.bib, root / self.config.claims_dir)
        cache = cache_directory(self.config.cache_dir, root) if self.config.cache else None
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
            url_scheme="directory" if config.use_directory_urls else "html")  # fmt: skip
        if config.nav is not None:
            config.nav = [*config.nav[:1], *site.nav, *config.nav[1:]]
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
            text = read_regular_file(changelog).decode("utf-8") if changelog.exists() else ""
        except (UnreadableFileError, UnicodeDecodeError) as error:
            raise PluginError(f"needling-facts: {changelog}: cannot be read ({error})") from None
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

        def url_of(src_uri: str) -> str:
            target = files.get_file_from_path(src_uri)
            return get_relative_url(target.url, page.url) if target else src_uri

        self.extension.page_source = page.file.src_uri  # the extension renders this page next
        self.extension.bibliography_url = url_of(BIBLIOGRAPHY)
        return expand_markers(self.library, page.file.src_uri, markdown, url_of)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.library is not None:
            self.formatted.save()

    def on_serve(self, server: Any, /, *, config: MkDocsConfig, builder: Any) -> Any:
        for path in self.paths if self.library is not None else ():
            server.watch(str(path))
        return server
