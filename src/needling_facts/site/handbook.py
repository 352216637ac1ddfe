"""The handbook as data, for any engine: checks of hand-written pages (and, below, the site).

No engine is imported here; the MkDocs plugin and the Zensical setup only wire this in.
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from needling_facts.diagnostics import Problem, Severity, declare_code
from needling_facts.evidence.reference import Reference
from needling_facts.evidence.vocabulary import Outcome
from needling_facts.library import Library
from needling_facts.render import (
    bibliography_page,
    bottom_line,
    claim_page,
    claim_path,
    claims_index_page,
    diagnostics_table,
    evidence_map_svg,
    outcome_page,
    outcome_path,
    overview_table,
)
from needling_facts.render.citation_meta import HANDBOOK_NAME
from needling_facts.render.citations import render_citations
from needling_facts.render.csl import EntryFormatter, FormattedReference
from needling_facts.render.export_formats import export_formats_table
from needling_facts.render.markers import RAW_END, RAW_START, has_markers, marker
from needling_facts.render.stylesheet import STYLESHEET
from needling_facts.site.files import read_docs
from needling_facts.site.urls import UrlScheme, absolute_url, href, page_url, relative_url
from needling_facts.sources.citation_syntax import CITE_UNPARSED, scan

__all__ = [
    "BIBLIOGRAPHY",
    "CLAIMS_INDEX",
    "MARKERS",
    "NAV_FILE",
    "STYLESHEET_PATH",
    "Site",
    "build_site",
    "check_docs",
    "check_page",
    "citation_index",
    "directory_url",
    "expand_markers",
    "merge_nav",
    "nav_markdown",
    "page_title",
    "page_url",
    "relative_url",
    "render_written_pages",
]

CITE_UNKNOWN_KEY = declare_code(
    "cite.unknown-key",
    Severity.ERROR,
    "A hand-written page (`check --docs`) cites a key that is not in the bibliography.",
    "[@NoSuchKey2020]",
)

BIBLIOGRAPHY = "bibliography.md"
CLAIMS_INDEX = "claims/index.md"
NAV_FILE = "SUMMARY.md"
"""The nav that ``pages --nav-from`` writes, in literate-nav form (Zensical reads it natively)."""
STYLESHEET_PATH = "assets/stylesheets/needling-facts.css"
_TITLE = re.compile(r"^title:\s*\"?(?P<title>.+?)\"?\s*$|^#\s+(?P<heading>.+?)\s*#*\s*$", re.M)


@dataclass(slots=True)
class Site:
    """What an engine needs to publish the handbook, as data."""

    pages: dict[str, str] = field(default_factory=dict)
    """Generated pages (and the stylesheet): path inside docs -> content."""
    nav: list[Any] = field(default_factory=list)
    """Nav entries for the generated pages, in MkDocs/Zensical ``nav`` form."""
    citations: dict[str, list[str]] = field(default_factory=dict)
    """Page path -> keys it cites, in order of first citation (its reference numbers)."""
    cited_by: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    """Key -> (page path, page title) of every page that cites it, sorted by path."""


def page_title(path: str, markdown: str) -> str:
    """A page's title: front-matter ``title``, else its first ``#`` heading, else its name."""
    match = _TITLE.search(markdown[:5000])
    if match is not None:
        return (match.group("title") or match.group("heading")).replace('\\"', '"')
    return Path(path).stem.replace("-", " ").capitalize()


def citation_index(pages: Mapping[str, str]) -> dict[str, list[str]]:
    """Page path -> cited keys in order of first appearance."""
    index: dict[str, list[str]] = {}
    for path, markdown in pages.items():
        keys: dict[str, None] = {}
        for citation in scan(markdown).citations:
            keys.update(dict.fromkeys(citation.keys))
        if keys:
            index[path] = list(keys)
    return index


def _nav(library: Library) -> list[Any]:
    outcomes: list[Any] = []
    for outcome in Outcome:
        claims = library.filter(outcome=outcome, include_withdrawn=True)
        if claims:
            outcomes.append(
                {outcome.label: [outcome_path(outcome), *(claim_path(x.id) for x in claims)]}
            )
    return [{"Claims": [{"All claims": CLAIMS_INDEX}, *outcomes]}, {"Bibliography": BIBLIOGRAPHY}]


def merge_nav(configured: list[Any] | None, generated: list[Any]) -> list[Any]:
    """The site's nav: the generated entries after the configured nav's first entry (the
    home page), as the MkDocs plugin and ``pages --nav-from`` both place them."""
    configured = list(configured or [])
    return [*configured[:1], *generated, *configured[1:]]


_NAV_SPECIAL = re.compile(r"([\\`*_\[\]<>])")


def nav_markdown(nav: list[Any], titles: Mapping[str, str]) -> str:
    """``nav`` (MkDocs' form) as a literate-nav file (``SUMMARY.md``), which Zensical reads
    natively: a nested list of ``[title](page.md)`` links. A bare page takes its title from
    ``titles`` (source path -> title), else from its name."""

    def label(text: str) -> str:
        return _NAV_SPECIAL.sub(r"\\\1", " ".join(text.split()))

    def item(entry: Any, depth: int) -> list[str]:
        indent = "    " * depth
        if isinstance(entry, str):
            shown = titles.get(entry) or Path(entry).stem.replace("-", " ").capitalize()
            return [f"{indent}- [{label(shown)}]({entry})"]
        lines: list[str] = []
        for title, value in dict(entry).items():
            if isinstance(value, list):
                lines.append(f"{indent}- {label(str(title))}")
                for child in value:
                    lines += item(child, depth + 1)
            else:
                lines.append(f"{indent}- [{label(str(title))}]({value})")
        return lines

    return "\n".join(line for entry in nav for line in item(entry, 0)) + "\n"


MARKERS = {
    name: marker(name)
    for name in ("bottom-line", "overview", "evidence-map", "diagnostics", "export-formats")
}
"""The markers a hand-written page may hold, by name: each is replaced by what it names."""


def directory_url(page: str, target: str) -> str:
    """`relative_url` with directory URLs (MkDocs' and Zensical's default)."""
    return relative_url(page, target)


def expand_markers(
    library: Library, page: str, markdown: str, url_of: Callable[[str], str] | None = None
) -> str:
    """Replace the hand-written pages' markers with the bottom line across claims, the
    overview table, evidence map, diagnostics table or export formats table. ``url_of``
    gives a page's URL relative to ``page`` (the map is SVG, so its links are URLs, not
    ``.md`` links); by default directory URLs are assumed."""
    if not has_markers(markdown):
        return markdown
    if MARKERS["overview"] in markdown:  # .md links resolve from the page's source folder
        table = overview_table(library, "../" * page.count("/"))
        markdown = markdown.replace(MARKERS["overview"], table)
    if MARKERS["bottom-line"] in markdown:
        markdown = markdown.replace(MARKERS["bottom-line"], bottom_line(library.filter()))
    if MARKERS["evidence-map"] in markdown:
        url = url_of or (lambda target: directory_url(page, target))
        svg = evidence_map_svg(library, lambda claim_id: url(claim_path(claim_id)))
        markdown = markdown.replace(MARKERS["evidence-map"], f'\n<div class="nf-map">{svg}</div>\n')
    if MARKERS["export-formats"] in markdown:
        markdown = markdown.replace(MARKERS["export-formats"], export_formats_table())
    return markdown.replace(MARKERS["diagnostics"], diagnostics_table())


def build_site(
    library: Library,
    hand_written: Mapping[str, str],
    formatted: Mapping[str, FormattedReference],
    *,
    all_references: bool = False,
    url_scheme: UrlScheme | None = None,
    site_name: str = HANDBOOK_NAME,
    site_url: str | None = None,
) -> Site:
    """The generated pages, nav, citation index and back-links for ``library``.

    ``hand_written`` maps each hand-written page's path inside docs to its Markdown. The
    bibliography lists the cited references only, unless ``all_references``. When the engine's
    URL scheme is known (`UrlScheme`), the bibliography is plain HTML with its links written
    in that scheme (see `bibliography_page`); otherwise its links are Markdown ``.md`` links.
    ``site_name`` and ``site_url`` (the engine's settings) are how a claim page is cited; with
    no ``site_url`` its citation has no address.
    """
    site = Site(nav=_nav(library))
    pages = site.pages
    pages[CLAIMS_INDEX] = claims_index_page(library)
    for claim in library.claims.values():
        path = claim_path(claim.id)
        address = absolute_url(site_url, path, url_scheme != "html") if site_url else None
        pages[path] = claim_page(
            claim,
            library.references,
            library.searches.get(claim.id),
            site_name=site_name,
            page_url=address,
            bibliography_url=href(path, BIBLIOGRAPHY, url_scheme or "directory"),
        )
    for outcome in {claim.outcome for claim in library.claims.values()}:
        pages[outcome_path(outcome)] = outcome_page(library, outcome)
    every_page = {**hand_written, **pages}
    site.citations = citation_index(every_page)
    for path in sorted(site.citations):
        title = page_title(path, every_page[path])
        for key in site.citations[path]:
            if key in library.references:
                site.cited_by.setdefault(key, []).append((path, title))
    keys = None if all_references else list(site.cited_by)
    if isinstance(formatted, EntryFormatter):  # every entry the pages show, in one batch
        formatted.prepare(library.references if keys is None else keys)
    url: Callable[[str], str] | None = None
    if url_scheme is not None:
        url = functools.partial(href, BIBLIOGRAPHY, scheme=url_scheme)
    pages[BIBLIOGRAPHY] = bibliography_page(library, formatted, site.cited_by, keys=keys, url=url)
    pages[STYLESHEET_PATH] = STYLESHEET
    return site


def check_page(path: str, markdown: str, references: Mapping[str, Reference]) -> list[Problem]:
    """Citation problems of one hand-written page: unparsed brackets and unknown keys."""
    found = scan(markdown)
    problems = [
        CITE_UNPARSED.at(path, u.line, u.col, f"{u.text!r} is not a citation: {u.reason}")
        for u in found.unparsed
    ]
    for citation in (each for outer in found.citations for each in outer.every()):
        for item in citation.items:  # a nested citation reports where it is itself
            if item.key not in references:
                problems.append(
                    CITE_UNKNOWN_KEY.at(
                        path, citation.line, citation.col, f"unknown citation key {item.key!r}"
                    )
                )
    return sorted(problems, key=lambda p: (p.line, p.col))


def check_docs(docs_dir: Path, references: Mapping[str, Reference]) -> list[Problem]:
    """`check_page` for every ``.md`` file under ``docs_dir``, and its links that leave it."""
    docs = read_docs(docs_dir)
    problems = list(docs.problems)
    for relative, text in docs.pages.items():
        problems.extend(check_page(str(docs_dir / relative), text, references))
    return problems


def _split_front_matter(markdown: str) -> tuple[str, str]:
    """(front matter with its fences and final newline, or "", the rest)."""
    if not markdown.startswith("---\n"):
        return "", markdown
    end = markdown.find("\n---\n", 3)
    if end == -1:
        return "", markdown
    return markdown[: end + 5], markdown[end + 5 :]


def render_written_pages(
    pages: Mapping[str, str],
    references: Mapping[str, Reference],
    formatted: Mapping[str, FormattedReference],
    url_scheme: UrlScheme | None,
) -> tuple[dict[str, str], list[Problem]]:
    """The pages as any Markdown engine can build them without our plugin or extension:
    citations numbered, each page's reference list written out, the raw-HTML markers gone.

    Links to the bibliography are written in ``url_scheme`` (as Markdown ``.md`` links when
    it is None). Returns the pages and the citation problems found on them (unknown keys,
    unparsed brackets), located at their lines in ``pages``; a page with problems is still
    rendered (unknown keys shown as ``?key``), so the caller decides whether to write it.
    Non-Markdown files (the stylesheet) pass through unchanged.
    """
    rendered: dict[str, str] = {}
    problems: list[Problem] = []
    for path, text in pages.items():
        if not path.endswith(".md"):
            rendered[path] = text
            continue
        if path != BIBLIOGRAPHY:  # the bibliography cites nothing; it is raw HTML already
            front, body = _split_front_matter(text)
            url = href(path, BIBLIOGRAPHY, url_scheme) if url_scheme else None
            link = posixpath.relpath(BIBLIOGRAPHY, posixpath.dirname(path) or ".")
            page = render_citations(body, references, formatted, link, bibliography_url=url)
            offset = front.count("\n")
            problems += [
                CITE_UNPARSED.at(
                    path, u.line + offset, u.col, f"{u.text!r} is not a citation: {u.reason}"
                )
                for u in page.unparsed
            ]
            problems += [
                CITE_UNKNOWN_KEY.at(path, line + offset, 1, f"unknown citation key {key!r}")
                for key, line in page.unknown
            ]
            text = front + page.markdown  # noqa: PLW2901 (the page, now rendered)
        # The markers only told our extension to leave the HTML alone: a blank line keeps
        # the HTML a block of its own for engines that never heard of them.
        rendered[path] = text.replace(RAW_START, "").replace(RAW_END, "")
    return rendered, sorted(problems, key=lambda p: (p.path, p.line, p.col))
