"""The citations extension on its own, in plain Python-Markdown (as Zensical runs it)."""

from __future__ import annotations

import logging
import re

import markdown
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from needling_facts.engines.markdown import CitationError, CitationsExtension
from needling_facts.errors import NeedlingFactsError
from tests.conftest import FIXTURES

BIB = FIXTURES / "good" / "references.bib"


def convert(text: str, *extensions: str, **config: str) -> str:
    extension = CitationsExtension(bib=str(BIB), **config)
    return markdown.Markdown(extensions=[extension, "tables", *extensions]).convert(text)


def test_loads_its_own_bibliography_and_numbers_citations() -> None:
    html = convert("Text [@Muller2020; @Fabbrocini2014].\n")
    assert '<a href="#cite-Muller2020"' in html
    assert '<h2 id="references">References</h2>' in html or "<h2>References</h2>" in html
    assert 'id="cite-Fabbrocini2014"' in html


def test_citation_followed_by_colon_at_line_start_is_not_a_link_definition() -> None:
    html = convert("[@Muller2020]: word\n")
    assert "#cite-Muller2020" in html
    assert "[@" not in html


def test_unparsed_and_unknown_are_logged_as_warnings(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.needling_facts"):
        convert("A [@Muller2020, x; y].\n\nB [@Nope2020].\n", on_error="warn")
    messages = [r.getMessage() for r in caplog.records]
    assert any(":1:3: cite.unparsed [@Muller2020, x; y]" in m for m in messages)
    assert any(":3: cite.unknown-key unknown citation key 'Nope2020'" in m for m in messages)


def test_outside_mkdocs_an_unknown_key_or_unparsed_bracket_fails_the_page(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Plain Python-Markdown, like Zensical, counts no warnings: the page fails instead, with
    one exception that names every problem of the page, and nothing is logged."""
    with (
        caplog.at_level(logging.WARNING, logger="mkdocs.plugins.needling_facts"),
        pytest.raises(CitationError) as raised,
    ):
        convert("A [@Muller2020, x; y].\n\nB [@Nope2020].\n")
    assert isinstance(raised.value, NeedlingFactsError)
    unparsed, unknown = raised.value.reasons
    assert unparsed.startswith("<page>:1:3: cite.unparsed [@Muller2020, x; y]: no @key after")
    assert unknown == "<page>:3: cite.unknown-key unknown citation key 'Nope2020'"
    assert not caplog.records
    assert "Muller2020" in convert("Fine [@Muller2020].\n")  # a clean page still renders


_PIECE = st.one_of(
    st.sampled_from(
        [
            "[@Muller2020]",
            "[@Muller2020, p. 3]",
            "[see @Fabbrocini2014 p. 2]",
            "[@Muller2020; @Fabbrocini2014]",
            "[@Muller2020]:",
            "[@",
            "[@]",
            "[@Muller2020, a; b]",
            "[@Nope]",
            "[-@Muller2020]",
            "[@Muller2020](x)",
            "[see [@Muller2020]]",
            "[@Muller2020, see also @Fabbrocini2014]",
            "!!! note\n",
            "??? tip\n",
            "    ",
            "\\;",
            "]",
            "[",
            "@",
            ";",
            "\n",
            "\n\n",
            "- ",
            "> ",
            "| a | b |\n|---|---|\n| ",
            "<div>",
            "</div>",
        ]
    ),
    st.text(alphabet="abc ,.;:-@[]{}()!#", min_size=1, max_size=8),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECE, max_size=25))
@example(["[", "</div>", "@"])  # the sanitiser removed the tag and joined "[@"
def test_no_citation_markup_ever_reaches_the_html(pieces: list[str]) -> None:
    """Whatever the Markdown, ``[@`` is either a rendered citation or an inert, reported span."""
    html = convert("".join(pieces), "admonition", "pymdownx.details", on_error="warn")
    # Code blocks show their text as written; everywhere else is what a reader reads.
    html = re.sub(r"<pre>.*?</pre>", "", html, flags=re.DOTALL)
    assert "[@" not in html
    assert "[-@" not in html


def test_bibliography_errors_warn_and_its_warnings_only_inform(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """As the MkDocs plugin logs them: an error of the bibliography is a warning (MkDocs'
    --strict fails on it), a warning (an entry without an identifier) is information, so a
    Zensical build of a sound handbook prints nothing of ours."""
    bib = FIXTURES / "bib-errors" / "references.bib"
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.needling_facts"):
        markdown.Markdown(extensions=[CitationsExtension(bib=str(bib), cache=False)]).convert("x")
    levels = {r.getMessage().split()[2]: r.levelno for r in caplog.records}
    assert levels["bib.duplicate-key"] == logging.WARNING
    assert levels["bib.no-identifier"] == logging.INFO


ADMONITION = (
    '!!! note "Why it matters"\n\n'
    "    After a blank line [@Muller2020].\n\n"
    "    A second paragraph [@Fabbrocini2014, p. 3].\n\n"
    "        code [@Muller2020]\n"
)


def test_citations_in_admonition_bodies_are_resolved() -> None:
    html = convert(ADMONITION, "admonition")
    assert '<div class="admonition note">' in html
    body = html.split("<pre>")[0]
    assert body.count('<sup class="nf-cite">') == 2
    assert "[@" not in body
    assert 'id="cite-Fabbrocini2014"' in html
    # Code inside the admonition stays as written.
    assert "<pre><code>code [@Muller2020]" in html


def test_without_the_admonition_extension_the_body_stays_code() -> None:
    html = convert(ADMONITION)
    assert '<sup class="nf-cite">' not in html
    assert "After a blank line [@Muller2020]." in html.split("<pre><code>")[1]


def test_nested_brackets_and_keys_in_locators_are_rendered() -> None:
    html = convert("X [see [@Muller2020]] and [@Fabbrocini2014, see also @Muller2020].\n")
    assert "[@" not in html
    assert "@Muller2020" not in html
    # [see [1]]: pandoc's reading, the outer brackets are text.
    assert '[see <sup class="nf-cite">[<a href="#cite-Muller2020"' in html
    # The nested in-text citation: names and number inside the locator, numbered in order.
    assert '">2</a> (see also Müller and Álvarez [<a href="#cite-Muller2020"' in html
    assert html.count("<li>") == 2
