"""The pure site builder: pages, nav, citation index and back-links without any engine."""

from __future__ import annotations

import re
import subprocess
import sys

from needling_facts.loading import load_from
from needling_facts.render.csl import EntryFormatter
from needling_facts.render.markers import MARKER_PREFIX
from needling_facts.site.handbook import (
    BIBLIOGRAPHY,
    build_site,
    check_page,
    merge_nav,
    nav_markdown,
    page_title,
    render_written_pages,
)
from needling_facts.site.urls import UrlScheme
from tests.conftest import FIXTURES

GOOD = load_from(FIXTURES / "good" / "references.bib", FIXTURES / "good" / "claims")


def test_builds_pages_nav_index_and_backlinks_without_an_engine() -> None:
    hand = {
        "index.md": "# Home\n\nSee [@Muller2020].\n",
        "about/x.md": "# X\n\n`[@Fabbrocini2014]`",
    }
    site = build_site(GOOD, hand, EntryFormatter(GOOD.references))
    assert {"claims/acne-scars.md", "claims/index.md", BIBLIOGRAPHY} <= set(site.pages)
    assert site.nav[-1] == {"Bibliography": BIBLIOGRAPHY}
    assert site.citations["index.md"] == ["Muller2020"]
    assert "about/x.md" not in site.citations  # a code span cites nothing
    assert ("index.md", "Home") in site.cited_by["Muller2020"]
    assert "[Home](index.md#cite-Muller2020)" in site.pages[BIBLIOGRAPHY]


def test_bibliography_lists_only_cited_references_unless_asked() -> None:
    site = build_site(GOOD, {}, EntryFormatter(GOOD.references))
    cited = set(site.cited_by)
    for key in GOOD.references:
        assert (f'id="ref-{key}"' in site.pages[BIBLIOGRAPHY]) == (key in cited)
    everything = build_site(GOOD, {}, EntryFormatter(GOOD.references), all_references=True)
    for key in GOOD.references:
        assert f'id="ref-{key}"' in everything.pages[BIBLIOGRAPHY]


def test_page_titles_and_page_checks() -> None:
    assert page_title("a/b-c.md", '---\ntitle: "T"\n---\n# H') == "T"
    assert page_title("a/b-c.md", "text\n# Heading\n") == "Heading"
    assert page_title("a/b-c.md", "text") == "B c"
    problems = check_page("p.md", "x\n[@Muller2020, a; b] [@Nope]", GOOD.references)
    assert [(p.line, p.col, p.code) for p in problems] == [
        (2, 1, "cite.unparsed"),
        (2, 21, "cite.unknown-key"),
    ]


def test_page_checks_see_citations_in_admonitions_and_nested_ones() -> None:
    page = (
        "# P\n\n"
        '!!! note "Why"\n\n'
        "    After a blank line [@Muller2020].\n\n"
        "    A second paragraph [@Nope1].\n\n"
        "        code [@NotChecked]\n\n"
        "[@Muller2020, see also\n@Nope2]\n"
    )
    problems = check_page("p.md", page, GOOD.references)
    assert [(p.line, p.col, p.code, p.message) for p in problems] == [
        (7, 24, "cite.unknown-key", "unknown citation key 'Nope1'"),
        (12, 1, "cite.unknown-key", "unknown citation key 'Nope2'"),  # where it is
    ]


def test_site_builder_imports_no_engine() -> None:
    code = "import sys, needling_facts.site.handbook; print('mkdocs' in sys.modules, 'zensical' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False"


def test_with_known_urls_the_bibliography_is_plain_html_with_resolved_links() -> None:
    hand = {"index.md": "# Home\n\nSee [@Muller2020].\n"}
    schemes: list[tuple[UrlScheme, str]] = [
        ("directory", "../#cite-Muller2020"),
        ("html", "index.html#cite-Muller2020"),
        ("source", "index.md#cite-Muller2020"),
    ]
    for scheme, href in schemes:
        site = build_site(GOOD, hand, EntryFormatter(GOOD.references), url_scheme=scheme)
        page = site.pages[BIBLIOGRAPHY]
        assert f'<a href="{href}">Home</a>' in page
        assert "](index.md" not in page


def test_relative_urls_match_mkdocs() -> None:
    from mkdocs.structure.files import File
    from mkdocs.utils import get_relative_url

    from needling_facts.site.urls import relative_url

    paths = ["index.md", "claims/x.md", "claims/index.md", "bibliography.md", "a/b/c.md"]
    for directory_urls in (True, False):
        for page in paths:
            for target in paths:
                theirs = get_relative_url(
                    File(target, None, "", directory_urls).url,
                    File(page, None, "", directory_urls).url,
                )
                assert relative_url(page, target, directory_urls) == theirs, (page, target)


def test_written_pages_hold_no_citation_syntax_and_no_markers() -> None:
    """What `pages` writes needs no extension: citations rendered, the markers gone."""
    hand = {"index.md": "---\ntitle: Home\n---\n\n# Home\n\nSee [@Muller2020] and\n[@Nope2020].\n"}
    formatted = EntryFormatter(GOOD.references)
    site = build_site(GOOD, hand, formatted, url_scheme="directory")
    written, problems = render_written_pages(
        {**hand, **site.pages}, GOOD.references, formatted, "directory"
    )
    for path, text in written.items():
        assert "[@" not in re.sub(r"`[^`]*`", "", text), path  # a code span shows it as code
        assert MARKER_PREFIX not in text, path
    assert written["index.md"].startswith("---\ntitle: Home\n---\n")  # front matter kept
    # Directory URLs: from the home page the bibliography is one level down.
    assert 'class="nf-to-bibliography" href="bibliography/#ref-Muller2020"' in written["index.md"]
    assert 'href="../../bibliography/#ref-' in written["claims/acne-scars.md"]
    # Located in the file as given, front matter included.
    assert [(p.path, p.line, p.code, p.message) for p in problems] == [
        ("index.md", 8, "cite.unknown-key", "unknown citation key 'Nope2020'")
    ]
    markdown_links, _ = render_written_pages(hand, GOOD.references, formatted, None)
    assert "(bibliography.md#ref-Muller2020 " in markdown_links["index.md"]


def test_nav_markdown_is_a_literate_nav_with_the_generated_entries_after_home() -> None:
    site = build_site(GOOD, {}, EntryFormatter(GOOD.references))
    nav = merge_nav([{"Home": "index.md"}, {"About": [{"A [b]": "a.md"}]}], site.nav)
    text = nav_markdown(nav, {"claims/acne-scars.md": "Acne *scars*"})
    lines = text.splitlines()
    assert lines[:3] == ["- [Home](index.md)", "- Claims", "    - [All claims](claims/index.md)"]
    assert "        - [Acne \\*scars\\*](claims/acne-scars.md)" in lines
    assert lines[-3:] == ["- [Bibliography](bibliography.md)", "- About", "    - [A \\[b\\]](a.md)"]
    assert merge_nav(None, site.nav) == site.nav
