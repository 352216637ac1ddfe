from __future__ import annotations

import pytest

from needling_facts.citation_syntax import CitationItem, find_citations, replace_citations


def test_single_locator_and_multiple_citations() -> None:
    found = find_citations("A [@Key2020]. B [@Key2020, p. 12]. C [@a; @b:c/d.e_f-g].")
    assert [c.items for c in found] == [
        (CitationItem("Key2020"),),
        (CitationItem("Key2020", "p. 12"),),
        (CitationItem("a"), CitationItem("b:c/d.e_f-g")),
    ]


def test_prefix_and_line_numbers() -> None:
    found = find_citations("one\ntwo [see @x, fig. 2]")
    assert found[0].items == (CitationItem("x", "fig. 2", "see"),)
    assert found[0].line == 2


@pytest.mark.parametrize(
    "text",
    [
        "`[@code]`",
        "```\n[@fenced]\n```",
        "~~~~python\n[@tilde]\n~~~~",
        r"\[@escaped]",
        "[mail me at someone@example.org]",
        "[see https://example.org/@user]",
        "[@link](https://example.org)",
        "![@image](x.png)",
        "[@ref]: https://example.org",
    ],
)
def test_things_that_are_not_citations_are_left_alone(text: str) -> None:
    assert find_citations(text) == []
    assert replace_citations(text, lambda c: "X") == text


def test_replace_keeps_everything_else_verbatim() -> None:
    text = "Before [@a] middle `[@b]` after [@c; @d]."
    assert replace_citations(text, lambda c: "<" + ",".join(c.keys) + ">") == (
        "Before <a> middle `[@b]` after <c,d>."
    )


def test_trailing_sentence_punctuation_is_not_part_of_a_key() -> None:
    (citation,) = find_citations("[@Key2020.]")
    assert citation.keys == ("Key2020",)
