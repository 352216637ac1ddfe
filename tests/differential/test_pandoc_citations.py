"""Differential test: our citation scanner against pandoc's own Markdown reader.

pypandoc-binary (in the test extra) ships a pandoc executable; its JSON AST's ``Cite``
elements are the oracle. Agreement means: the same bracketed citations with the same keys,
modes, prefixes and suffixes; where pandoc finds no bracketed citation in a bracket that holds
``@key``, we report it (``cite.unparsed``) instead of guessing.
"""

from __future__ import annotations

import json
from typing import Any

import pypandoc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from needling_facts.sources.citation_syntax import scan

Cite = tuple[str, str, str, str]  # key, mode, prefix, suffix


def _text(inlines: list[dict[str, Any]]) -> str:
    out = []
    for inline in inlines:
        kind = inline["t"]
        if kind == "Str":
            out.append(inline["c"])
        elif kind in ("Space", "SoftBreak"):
            out.append(" ")
        elif kind == "Emph":
            out.append("*" + _text(inline["c"]) + "*")
        elif kind == "Code":
            out.append("`" + inline["c"][1] + "`")
        else:
            out.append(f"<{kind}>")
    return " ".join("".join(out).replace("\xa0", " ").split())


def _walk(node: Any, found: list[list[Cite]]) -> None:
    if isinstance(node, dict):
        if node.get("t") == "Cite":
            found.append(
                [
                    (
                        c["citationId"],
                        c["citationMode"]["t"],
                        _text(c["citationPrefix"]),
                        _text(c["citationSuffix"]),
                    )
                    for c in node["c"][0]
                ]
            )
        for value in node.values():
            _walk(value, found)
    elif isinstance(node, list):
        for value in node:
            _walk(value, found)


def pandoc_paragraphs(texts: list[str]) -> list[list[list[Cite]]]:
    """Citations pandoc finds in each text (each given as its own paragraph)."""
    document = "\n\n".join(texts)
    ast = json.loads(pypandoc.convert_text(document, "json", format="markdown-smart"))
    blocks = ast["blocks"]
    assert len(blocks) == len(texts), "every case must be one paragraph"
    out = []
    for block in blocks:
        found: list[list[Cite]] = []
        _walk(block, found)
        out.append(found)
    return out


def ours(text: str) -> tuple[list[list[Cite]], bool]:
    result = scan(text)
    cites = [
        [
            (
                item.key,
                "SuppressAuthor"
                if item.suppress_author
                else ("AuthorInText" if citation.in_text else "NormalCitation"),
                " ".join(item.prefix.split()),
                " ".join(item.suffix.split()),
            )
            for item in citation.items
        ]
        for citation in result.citations
    ]
    return cites, bool(result.unparsed)


def _bracketed(cites: list[list[Cite]]) -> list[list[Cite]]:
    return [c for c in cites if all(mode != "AuthorInText" for _, mode, _, _ in c)]


def assert_agrees(text: str, theirs: list[list[Cite]]) -> None:
    mine, reported = ours(text)
    if reported:
        # We refused a bracket: pandoc must not have read it as a bracketed citation either.
        assert len(_bracketed(theirs)) == len(_bracketed(mine)), (text, theirs, mine)
    else:
        assert mine == theirs, (text, theirs, mine)


MANUAL = [
    # The citation forms of pandoc's manual ("Citation syntax").
    "Blah blah [see @doe99, pp. 33-35; also @smith04, chap. 1].",
    "Blah blah [@doe99, pp. 33-35, 38-39 and *passim*].",
    "Blah blah [@smith04; @doe99].",
    "[@smith{ii, A, D-Z}, with a suffix]",
    "[@smith, {pp. iv, vi-xi, (xv)-(xvii)} with suffix here]",
    "[@smith{}, 99 years later]",
    "Smith says blah [-@smith04].",
    "@smith04 says blah.",
    "@smith04 [p. 33] says blah.",
    "[@{https://example.com/bib?name=foobar&date=2000}, p. 33]",
    # Forms from the issue and from pandoc's citation tests.
    "[see @a p. 34-35]",
    "[see\n@a p. 34-35]",
    "[@a, p. 3\\; table 2]",
    "[@a, p. \\[3\\]]",
    "[@a, 1 \\] 2]",
    "procedure [@Alster2018]: that is expert opinion",
    "[@Müller2020]",
    "[@Ærø2020, s. 4]",
    "[@a.]",
    "[@a:]",
    "[@a://b]",
    "[@a-]",
    "[@_a]",
    "[@1a]",
    "[@a/b]",
    "[@a; see @b, p. 2; -@c]",
    "[@a b; @c]",
    "[@a,p.2]",
    "[(@a)]",
    "[see,@a]",
    "[see a/@user]",
    "[see https://example.org/@user]",
    "see [@a\n; @b]",
    "[@a, p. 3 `]`]",
    "[see [x] @a]",
    "[@a] [@b] and [-@c]",
    "mail me@example.org and @doe99 said",
    "@a; @b",
    "[@Tan2019, Abstract; keloid volume table]",
    "[@a, {pp. 3; 4}]",
    "[see;@a]",
    "[@{a b}]",
    "[@]",
    "[@a, p. 12",
    "\\[@a]",
    "[see a.@user]",
]


def test_agrees_with_pandoc_on_the_manual_and_the_issue() -> None:
    for text, theirs in zip(MANUAL, pandoc_paragraphs(MANUAL), strict=True):
        assert_agrees(text, theirs)


_WORD = st.text(alphabet=st.sampled_from("abcXYZ019éü.,:-()/"), min_size=1, max_size=6).filter(
    lambda w: not w.startswith(("-", "(")) and "--" not in w
)
_KEY = st.one_of(
    st.from_regex(
        r"[A-Za-zÄéß_0-9][A-Za-z0-9éß_]{0,5}(?:[:./+-][A-Za-z0-9]{1,4}){0,2}", fullmatch=True
    ),
    st.from_regex(r"\{[A-Za-z0-9:/?=&.-]{1,10}\}", fullmatch=True),
)
_LOCATOR_WORD = st.one_of(
    _WORD, st.sampled_from(["p.", "pp.", "33-35", "\\;", "\\[2\\]", "table", "fig.", "chap."])
)


@st.composite
def _item(draw: st.DrawFn) -> str:
    prefix = " ".join(draw(st.lists(_WORD, max_size=2)))
    dash = draw(st.sampled_from(["", "-"]))
    key = draw(_KEY)
    words = draw(st.lists(_LOCATOR_WORD, max_size=3))
    comma = draw(st.sampled_from([", ", " ", ","])) if words else ""
    space = draw(st.sampled_from([" ", "\n"]))
    head = f"{prefix}{space}" if prefix else ""
    return f"{head}{dash}@{key}{comma}{' '.join(words)}"


@st.composite
def _citation(draw: st.DrawFn) -> str:
    items = draw(st.lists(_item(), min_size=1, max_size=3))
    before = draw(st.sampled_from(["", "Text ", "As shown "]))
    after = draw(st.sampled_from(["", ".", ": more", " and more"]))
    return f"{before}[{'; '.join(items)}]{after}"


@pytest.mark.slow  # about 90 s: pandoc runs once per generated example
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_citation(), min_size=20, max_size=20))
def test_agrees_with_pandoc_on_generated_citations(texts: list[str]) -> None:
    for text, theirs in zip(texts, pandoc_paragraphs(texts), strict=True):
        assert_agrees(text, theirs)
