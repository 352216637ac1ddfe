"""The sanitiser is the identity on every page our renderers produce.

Each page of each fixture library (and of the bundled one) is rendered as the MkDocs plugin
renders it: front matter taken off, then Python-Markdown with the handbook's extensions and
our citations extension, sanitiser off. `clean_html` of that HTML must give the same HTML
back, so a renderer can never emit something the allow-list silently drops (an inline
style, an attribute, a tag) and a reader never sees a page other than the one we wrote.

"The same" is compared after parsing both sides into tokens (`_tokens`), because nh3
re-serialises the HTML it keeps (through html5ever) and spells some things its own way:
character references come out as the characters (``&#91;`` and ``&ndash;`` as ``[`` and
an en dash; ``&quot;`` and ``&#x27;`` in text as ``"`` and ``'``), void elements lose their
slash (``<hr />`` as ``<hr>``) and self-closed SVG elements are closed explicitly
(``<line/>`` as ``<line></line>``). Nothing else is normalised: a dropped or changed tag,
attribute, value, text or comment is a difference.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import markdown
import pytest
import yaml
from mkdocs.utils.meta import get_data

import needling_facts as nf
from needling_facts.engines.markdown import CitationsExtension
from needling_facts.loading import load_from
from needling_facts.render.csl import FormattedReference, format_references
from needling_facts.render.pages import bibliography_page
from needling_facts.render.sanitize import SAFE_SCHEMES, clean_html
from needling_facts.render.stylesheet import STYLESHEET
from needling_facts.site.handbook import MARKERS, build_site, expand_markers
from tests.conftest import FIXTURES, REPO

HOSTILE = "hostile-links"
"""Holds javascript: links on purpose (``check`` reports each): the one fixture where the
sanitiser must change the page, tested on its own below."""

LIBRARIES = [
    "bundled",
    *sorted(
        case.name
        for case in FIXTURES.iterdir()
        if (case / "claims").is_dir() and case.name != HOSTILE
    ),
]

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
         "track", "wbr"}  # fmt: skip

Token = tuple[Any, ...]


class _Tokens(HTMLParser):
    """Tags with their attributes, text with its references decoded, and comments."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tokens: list[Token] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tokens.append(("start", tag, tuple(sorted((k, v or "") for k, v in attrs))))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:  # <line/> is <line></line>; <hr /> is just <hr>
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        self.tokens.append(("end", tag))

    def handle_data(self, data: str) -> None:
        if self.tokens and self.tokens[-1][0] == "text":
            self.tokens[-1] = ("text", self.tokens[-1][1] + data)
        else:
            self.tokens.append(("text", data))

    def handle_comment(self, data: str) -> None:
        self.tokens.append(("comment", data))


def _tokens(html: str) -> list[Token]:
    parser = _Tokens()
    parser.feed(html)
    parser.close()
    return parser.tokens


def _first_difference(html: str, cleaned: str) -> str:
    ours, theirs = _tokens(html), _tokens(cleaned)
    for index, (mine, kept) in enumerate(zip(ours, theirs, strict=False)):
        if mine != kept:
            return f"token {index}: rendered {mine!r}, sanitised {kept!r}"
    return f"rendered {len(ours)} tokens, sanitised {len(theirs)}"


@functools.cache
def _extensions() -> tuple[Any, ...]:
    """The handbook's own Markdown extensions, read from its mkdocs.yml."""
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    return tuple(config["markdown_extensions"])


def _markdown(
    library: nf.Library, formatted: dict[str, FormattedReference], path: str
) -> markdown.Markdown:
    names: list[str] = []
    configs: dict[str, Any] = {}
    for entry in _extensions():
        name, options = next(iter(entry.items())) if isinstance(entry, dict) else (entry, {})
        names.append(name)
        configs[name] = options
    citations = CitationsExtension(sanitize=False)
    citations.use(library.references, formatted)
    citations.page_source = path  # links to the bibliography are relative to the page
    return markdown.Markdown(extensions=[*names, citations], extension_configs=configs)


@functools.cache
def _library(name: str) -> nf.Library:
    if name == "bundled":
        return nf.load()
    return load_from(FIXTURES / name / "references.bib", FIXTURES / name / "claims")


def _rendered_pages(name: str) -> Iterator[tuple[str, str]]:
    """(path, HTML) of every page the site builder writes for library ``name``, rendered as
    the MkDocs plugin renders it, sanitiser off."""
    library = _library(name)
    formatted = format_references(library.references.values())
    home = "# Home\n\n" + "\n\n".join(MARKERS.values()) + "\n"
    site = build_site(library, {"index.md": home}, formatted, url_scheme="directory")
    pages = {path: text for path, text in site.pages.items() if path.endswith(".md")}
    pages["index.md"] = expand_markers(library, "index.md", home)
    # Without a known URL scheme the bibliography is Markdown, not raw HTML: render both.
    pages["bibliography.md (markdown links)"] = bibliography_page(library, formatted, site.cited_by)
    for path, text in sorted(pages.items()):
        body, _meta = get_data(text)
        yield path, _markdown(library, formatted, path.split(" ")[0]).convert(body)


@functools.cache
def _pages(name: str) -> tuple[tuple[str, str], ...]:
    return tuple(_rendered_pages(name))


@pytest.mark.parametrize("name", LIBRARIES)
def test_the_sanitiser_changes_nothing_we_render(name: str) -> None:
    pages = _pages(name)
    assert len(pages) >= 5  # index, claims index, a claim, an outcome, the bibliography twice
    changed = {
        path: _first_difference(html, cleaned)
        for path, html in pages
        if _tokens(cleaned := clean_html(html)) != _tokens(html)
    }
    assert changed == {}


def test_the_comparison_sees_what_the_sanitiser_drops() -> None:
    # The normalisation forgives spelling only: a dropped style or attribute still shows.
    badge = '<span class="nf-badge" style="background:#7f1d1d" title="t">x</span>'
    assert _tokens(clean_html(badge)) != _tokens(badge)
    spelled = '<p>&#91;1&#93; &ndash; &quot;a&quot;</p><hr /><svg><line x1="1"/></svg>'
    assert clean_html(spelled) != spelled
    assert _tokens(clean_html(spelled)) == _tokens(spelled)


def test_on_hostile_links_the_sanitiser_removes_only_the_unsafe_urls() -> None:
    (_, html), *_ = [(p, h) for p, h in _rendered_pages(HOSTILE) if p.startswith("claims/evil")]
    cleaned = _tokens(clean_html(html))
    assert cleaned != _tokens(html)

    def unsafe(name: str, value: str) -> bool:
        # A URL attribute with a scheme off the list (as a browser parses it: a value such as
        # "java&#x09;script:" is a relative URL, kept), or an event handler.
        scheme = urlsplit(value).scheme if name in {"href", "src"} else ""
        return (bool(scheme) and scheme not in SAFE_SCHEMES) or name.startswith("on")

    def without_unsafe(tokens: list[Token]) -> list[Token]:
        return [
            (token[0], token[1], tuple(a for a in token[2] if not unsafe(*a)))
            if token[0] == "start"
            else token
            for token in tokens
        ]

    assert without_unsafe(_tokens(html)) == cleaned


def _classes(html: str) -> set[str]:
    return {
        name
        for kind, _tag, *rest in _tokens(html)
        if kind == "start"
        for key, value in rest[0]
        if key == "class"
        for name in value.split()
        if name.startswith("nf-")
    }


STRUCTURAL = {
    # Hooks that name a part (for tests, scripts and a site's own CSS) and need no rule here.
    "nf-anchor",  # the target span of a reference-list entry (its list has the :target rule)
    "nf-badges",  # the paragraph holding the badges: each badge is styled, the row is not
    "nf-certainty",  # the kind of a badge: each level (nf-certainty-high ...) has a colour
    "nf-verdict",
    "nf-stance",
    "nf-forest-label",  # SVG text: `.nf-forest text` sizes every label
    "nf-forest-value",
    "nf-forest-null",  # an SVG line drawn by its own stroke attributes
    "nf-map-label",  # SVG text: `.nf-evidence-map text` sizes every label
    "nf-map-legend",
    "nf-rob-not-assessed",  # plain paragraph and block in the risk-of-bias sections
    "nf-rob-ref",
}


def _styled(name: str) -> bool:
    """Whether some rule of the stylesheet selects class ``name`` (not merely a longer one)."""
    return re.search(rf"\.{re.escape(name)}(?![\w-])", STYLESHEET) is not None


def test_every_class_we_emit_is_styled_or_a_known_hook() -> None:
    emitted = set().union(*(_classes(html) for name in LIBRARIES for _, html in _pages(name)))
    assert {name for name in emitted if not _styled(name)} - STRUCTURAL == set()
    assert emitted >= STRUCTURAL  # no stale entry
    assert not any(_styled(name) for name in STRUCTURAL)  # a hook that gained a rule leaves


def test_the_pages_are_rendered_as_the_plugin_renders_them() -> None:
    good = _pages("good")
    paths = [path for path, _ in good]
    assert "claims/acne-scars.md" in paths
    html = dict(good)["claims/acne-scars.md"]
    assert 'class="nf-compare"' in html  # md_in_html ran
    assert '<sup class="nf-cite">' in html  # citations resolved
    assert "title:" not in html.split("<h1", 1)[0]  # front matter taken off
