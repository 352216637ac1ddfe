"""Citation syntax: our scanner against hand-picked cases, against pandoc, and in linear time."""

from __future__ import annotations

import time

import pytest

from needling_facts.sources.citation_syntax import (
    CitationItem,
    find_citations,
    replace_citations,
    scan,
)


def test_single_locator_and_multiple_citations() -> None:
    found = find_citations("A [@Key2020]. B [@Key2020, p. 12]. C [@a; @b:c/d.e_f-g].")
    assert [c.keys for c in found] == [("Key2020",), ("Key2020",), ("a", "b:c/d.e_f-g")]
    assert found[1].items[0].locator == "p. 12"
    assert found[1].items[0].suffix == ", p. 12"


def test_prefix_and_line_numbers() -> None:
    found = find_citations("one\ntwo [see @x, fig. 2]")
    assert found[0].items == (CitationItem("x", "fig. 2", "see", suffix=", fig. 2"),)
    assert (found[0].line, found[0].col) == (2, 5)


@pytest.mark.parametrize(
    ("text", "keys", "locators"),
    [
        ("[see @a p. 34-35]", ("a",), ("p. 34-35",)),  # no comma before the locator
        ("[see\n@a p. 34-35]", ("a",), ("p. 34-35",)),  # prefix and key on two lines
        ("[@a, p. 3\\; table 2]", ("a",), ("p. 3; table 2",)),  # escaped ;
        ("[@a, p. \\[3\\]]", ("a",), ("p. [3]",)),  # escaped brackets
        ("[@a, p. 3 `]`]", ("a",), ("p. 3 `]`",)),  # a ] inside a code span
        ("x [@Alster2018]: that is", ("Alster2018",), ("",)),  # followed by a colon
        ("[@Alster2018]: word", ("Alster2018",), ("",)),  # not a link definition
        ("[@Müller2020]", ("Müller2020",), ("",)),  # non-ASCII key
        ("[@{https://x.org/a?b=1}]", ("https://x.org/a?b=1",), ("",)),  # braced key
        ("[-@a, p. 2]", ("a",), ("p. 2",)),
        ("[@a.]", ("a",), (".",)),
        (
            "[see https://example.org/@user]",
            ("user",),
            ("",),
        ),  # pandoc: a citation  # trailing punctuation is not part of a key
        ("[@a; see @b, p. 2; -@c]", ("a", "b", "c"), ("", "p. 2", "")),
    ],
)
def test_pandoc_forms(text: str, keys: tuple[str, ...], locators: tuple[str, ...]) -> None:
    (citation,) = find_citations(text)
    assert citation.keys == keys
    assert tuple(item.locator for item in citation.items) == locators
    assert not citation.in_text


def test_in_text_citations() -> None:
    found = find_citations("As @doe99 [p. 33] and -@roe20 say; mail me@example.org.")
    assert [(c.keys, c.in_text, c.items[0].locator) for c in found] == [
        (("doe99",), True, "p. 33"),
        (("roe20",), True, ""),
    ]
    assert found[1].items[0].suppress_author


@pytest.mark.parametrize(
    "text",
    [
        "`[@code]`",
        "``a [@code] b``",
        "```\n[@fenced]\n```",
        "~~~~python\n[@tilde]\n~~~~",
        "para\n\n    [@indented]\n",
        "<!-- [@comment] -->",
        "<!--\n\n[@multi-paragraph comment]\n\n-->",
        "<http://example.org/[@autolink]>",
        "<code>[@raw]</code>",
        '<span title="[@attribute]">x</span>',
        "[mail me at someone@example.org]",
        "[see a.@user]",
        "![an image](x@2x.png)",
        "[^note]",
    ],
)
def test_things_that_are_not_citations_are_left_alone(text: str) -> None:
    result = scan(text)
    assert result.citations == []
    assert result.unparsed == []
    assert replace_citations(text, lambda c: "X") == text


def test_list_continuation_is_not_code() -> None:
    text = "- item\n\n    continued [@a]\n"
    assert [c.keys for c in find_citations(text)] == [("a",)]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("[@Tan2019, Abstract; keloid volume table]", "after the first ';'"),
        ("[@a, {pp. 3; 4}]", "after the first ';'"),  # braces do not protect ; in pandoc
        ("[@]", "no @key"),
        ("[@{a b}]", "no @key"),
        ("[see;@a]", "no @key"),
        ("[@a, p. 12", "no closing ]"),
        ("[@user](https://example.org)", "link text"),
        ("[@user][ref]", "link text"),
        ("![@image](x.png)", "link text"),
    ],
)
def test_brackets_that_do_not_parse_are_reported(text: str, reason: str) -> None:
    result = scan(text)
    assert result.citations == []
    (unparsed,) = result.unparsed
    assert reason in unparsed.reason
    assert unparsed.line == 1
    assert unparsed.col == text.index("[") + 1


def test_replace_keeps_everything_else_verbatim() -> None:
    text = "Before [@a] middle `[@b]` after [@c; @d]."
    assert replace_citations(text, lambda c: "<" + ",".join(c.keys) + ">") == (
        "Before <a> middle `[@b]` after <c,d>."
    )


@pytest.mark.parametrize(
    "hostile",
    [
        "[" * 40_000,
        "[@" * 30_000,
        "[@a, " * 20_000,
        "`" * 20_000 + "x" + "``" * 10_000,
        "<code>" * 20_000,
        "<" * 40_000,
        "<!--" * 20_000,
        "@a " * 30_000,
        ("[x " + "@" * 3) * 10_000,
        "[see [" * 10_000 + "@a" + "]" * 20_000,  # brackets nested in a citation
        ("[@a, see [@b; [@c, cf. @d]] ") * 5_000,
        "!!! note\n\n    " * 10_000,  # containers opened inside containers
    ],
)
def test_scan_is_linear_on_hostile_input(hostile: str) -> None:
    def best_of_three(text: str) -> float:
        times = []
        for _ in range(3):
            start = time.perf_counter()
            scan(text)
            times.append(time.perf_counter() - start)
        return min(times)  # the least disturbed run: one slow sample cannot decide

    small, large = best_of_three(hostile[: len(hostile) // 4]), best_of_three(hostile * 2)
    # Eight times the input: about eight times the time; quadratic would be sixty-four.
    assert large < max(small * 24, 0.05), (small, large)


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        # The body after a blank line, and a second paragraph: Markdown, not indented code.
        ('!!! note "Why"\n\n    Body [@a].\n\n    Second [@b].\n', [("a",), ("b",)]),
        ("!!! warning\n    First [@a].\n\n    Second [@b].\n", [("a",), ("b",)]),
        ('!!! note "Title [@t]"\n    x\n', [("t",)]),
        ("??? tip\n\n    Folded [@a].\n", [("a",)]),  # pymdownx.details
        ("???+ tip\n\n    Open [@a].\n", [("a",)]),
        ('=== "Tab one"\n\n    In a tab [@a].\n', [("a",)]),  # pymdownx.tabbed
        ("- item\n\n    !!! note\n\n        In a list [@a].\n", [("a",)]),
        ("!!! note\n\n    !!! tip\n\n        Nested [@a].\n", [("a",)]),
        ("!!! note\n\n    Body [@a].\n\nAfter [@b].\n", [("a",), ("b",)]),
    ],
)
def test_admonition_bodies_are_markdown(text: str, keys: list[tuple[str, ...]]) -> None:
    result = scan(text)
    assert [c.keys for c in result.citations] == keys
    assert result.unparsed == []


@pytest.mark.parametrize(
    "text",
    [
        "!!! note\n\n    Body.\n\n        code [@inside]\n",  # code inside the admonition
        "!!! note\n\n    Body.\n\nText.\n\n    code [@after]\n",  # code after it ended
        "!!! note\n    ```\n    [@fenced]\n    ```\n",
        "Text.\n\n    !!! note\n\n        [@code]\n",  # an indented "!!!" is code itself
    ],
)
def test_code_in_and_around_admonitions_is_left_alone(text: str) -> None:
    result = scan(text)
    assert result.citations == []
    assert result.unparsed == []


def test_without_the_container_extensions_the_body_is_code() -> None:
    text = "!!! note\n\n    Body [@a].\n"
    assert scan(text, containers=frozenset()).citations == []
    assert [c.keys for c in scan(text, containers=frozenset({"admonition"})).citations] == [("a",)]
    assert scan("??? tip\n\n    [@a]\n", containers=frozenset({"admonition"})).citations == []


def test_nested_brackets_as_pandoc_reads_them() -> None:
    # [see [@a]]: the outer bracket holds no key of its own, so it is text around a citation.
    text = "X [see [@a]] y"
    result = scan(text)
    (citation,) = result.citations
    assert (citation.keys, text[citation.start : citation.end]) == (("a",), "[@a]")
    assert result.unparsed == []
    assert replace_citations(text, lambda c: "(1)") == "X [see (1)] y"
    # A citation in a prefix: pandoc cites both, the nested one inside the prefix.
    (outer,) = find_citations("[see [@a] and @b, p. 2]")
    assert outer.keys == ("a", "b")
    (item,) = outer.items
    assert (item.key, item.prefix, item.locator) == ("b", "see [@a] and", "p. 2")
    assert [n.keys for n in item.nested] == [("a",)]
    # A key deep inside brackets of a prefix is still found.
    assert find_citations("[see [x [y [@q]]] @b]")[0].keys == ("q", "b")


def test_keys_inside_a_locator_are_nested_citations() -> None:
    (citation,) = find_citations("[@a, see also @b; -@c, cf. [@d, p. 3]]")
    assert citation.keys == ("a", "b", "c", "d")
    first, second = citation.items
    assert first.suffix == ", see also @b"
    (b,) = first.nested
    assert (b.keys, b.in_text) == (("b",), True)
    (d,) = second.nested
    assert (d.keys, d.in_text, d.items[0].locator) == (("d",), False, "p. 3")


def test_brackets_nested_too_deep_are_reported_not_recursed() -> None:
    text = "[@a, " + "[x " * 40 + "@b" + "]" * 40 + "]"
    result = scan(text)
    assert result.citations == []
    (unparsed,) = result.unparsed
    assert "nested more than" in unparsed.reason
