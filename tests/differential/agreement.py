"""Agreement with pandoc: what pandoc's Markdown reader cites in a text, what we cite, and
whether we agree, refuse (report a located ``cite.unparsed``), or differ silently.

pypandoc-binary (in the test extra) ships a pandoc executable; the ``Cite`` elements of its
JSON AST are the oracle: keys, modes, prefixes and suffixes, and the citations pandoc nests
inside a prefix or suffix (``[@a, see also @b]``) listed after the one holding them.

Pandoc reads Markdown here without its ``example_lists`` extension: there ``(@a)`` and
``@a.`` at the start of a line number an example (and every later ``@a`` refers to it),
which no MkDocs or Zensical page has; a reader of ours sees a citation.

A refused bracket is loud but is still a disagreement: the rate counts only agreements.
Run ``python -m tests.differential.agreement [cases.json ...]`` for the rates of the cases
here and of any other list of cases (a JSON list of strings, e.g. paragraphs taken from
pandoc's own tests).
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pypandoc

from needling_facts.sources import citation_syntax
from needling_facts.sources.citation_syntax import Citation, CitationItem, scan

Cite = tuple[str, str, str, str]  # key, mode, prefix, suffix

SEPARATOR = "<!-- needling-facts differential case -->"
PANDOC_FORMAT = "markdown-smart-example_lists"
_OPENER = re.compile(r"(?P<indent> *)(?:!!!|\?\?\?\+?|===[+!]{0,2}) *(?P<rest>.*)$")


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
        elif kind == "Strong":
            out.append("**" + _text(inline["c"]) + "**")
        elif kind == "Code":
            out.append("`" + inline["c"][1] + "`")
        elif kind == "Math":
            out.append("$" + inline["c"][1] + "$")
        elif kind == "RawInline":
            out.append(inline["c"][1])
        elif kind == "Span" and inline["c"][0] == ["", [], []]:
            out.append("<span>" + _text(inline["c"][1]) + "</span>")
        elif kind == "Cite":
            out.append("<Cite>")
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


def as_pandoc_reads_it(text: str) -> str:
    """The text with each indented container (``!!! note``, ``??? tip``, ``=== "Tab"``)
    written as pandoc's fenced div, its title as the div's first paragraph."""
    lines = text.split("\n")
    out: list[str] = []
    index = 0
    while index < len(lines):
        match = _OPENER.fullmatch(lines[index])
        if match is None:
            out.append(lines[index])
            index += 1
            continue
        indent = match.group("indent")
        body_indent = len(indent) + 4
        body: list[str] = []
        index += 1
        while index < len(lines) and (
            not lines[index].strip()
            or len(lines[index]) - len(lines[index].lstrip()) >= body_indent
        ):
            body.append(lines[index][body_indent:] if lines[index].strip() else "")
            index += 1
        while body and not body[-1]:
            body.pop()
            index -= 1
        title = re.findall(r'"([^"]*)"', match.group("rest"))
        out.append(f"{indent}::: container")
        if title and title[0]:
            out += [indent + title[0], ""]
        out += [
            indent + line if line else ""
            for line in as_pandoc_reads_it("\n".join(body)).split("\n")
        ]
        out.append(f"{indent}:::")
    return "\n".join(out)


def pandoc_cites(texts: list[str]) -> list[list[list[Cite]]]:
    """The citations pandoc reads in each text, the nested ones after the one holding them."""
    if not texts:
        return []
    document = f"\n\n{SEPARATOR}\n\n".join(as_pandoc_reads_it(t) for t in texts)
    ast = json.loads(pypandoc.convert_text(document, "json", format=PANDOC_FORMAT))
    cases: list[list[list[Cite]]] = [[]]
    for block in ast["blocks"]:
        if block["t"] == "RawBlock" and block["c"][1].strip() == SEPARATOR:
            cases.append([])
        else:
            _walk(block, cases[-1])
    if len(cases) != len(texts):  # a case left something open: read each on its own
        return [pandoc_cites([text])[0] for text in texts] if len(texts) > 1 else [cases[0]]
    return cases


def _unescape(text: str) -> str:
    return re.sub(r"\\([ !-/:-@\[-`{-~])", r"\1", text)


def _part(text: str, item: CitationItem, span: tuple[int, int], plain: str) -> str:
    """A prefix or suffix as pandoc's text: the nested citations as ``<Cite>``."""
    nested = getattr(item, "nested", ())
    if not nested:
        return " ".join(plain.split())
    start, end = span
    pieces, position = [], start
    for citation in nested:
        if start <= citation.start and citation.end <= end:
            pieces += [_unescape(text[position : citation.start]), "<Cite>"]
            position = citation.end
    pieces.append(_unescape(text[position:end]))
    return " ".join("".join(pieces).split())


def _flatten(text: str, citation: Citation, out: list[list[Cite]]) -> None:
    out.append(
        [
            (
                item.key,
                "SuppressAuthor"
                if item.suppress_author
                else ("AuthorInText" if citation.in_text and number == 0 else "NormalCitation"),
                _part(text, item, getattr(item, "prefix_span", (0, 0)), item.prefix),
                _part(text, item, getattr(item, "suffix_span", (0, 0)), item.suffix),
            )
            for number, item in enumerate(citation.items)
        ]
    )
    for item in citation.items:
        for nested in getattr(item, "nested", ()):
            _flatten(text, nested, out)


def ours(text: str) -> tuple[list[list[Cite]], bool]:
    """What we cite in ``text`` (nested citations after the one holding them), and whether
    we reported a bracket as no citation."""
    result = scan(text)
    cites: list[list[Cite]] = []
    for citation in result.citations:
        _flatten(text, citation, cites)
    return cites, bool(result.unparsed)


def verdict(text: str, theirs: list[list[Cite]]) -> str:
    """``agree``, ``refused`` (we report a located problem: loud, still a disagreement), or
    ``silent`` (we read something else and say nothing: a defect)."""
    mine, reported = ours(text)
    if reported:
        return "refused"
    return "agree" if mine == theirs else "silent"


def verdicts(texts: list[str], chunk: int = 60) -> list[str]:
    out: list[str] = []
    for start in range(0, len(texts), chunk):
        part = texts[start : start + chunk]
        out += [verdict(t, theirs) for t, theirs in zip(part, pandoc_cites(part), strict=True)]
    return out


def rates(groups: dict[str, list[str]]) -> dict[str, Counter[str]]:
    return {name: Counter(verdicts(texts)) for name, texts in groups.items()}


def report(counts: dict[str, Counter[str]]) -> str:
    lines = []
    total: Counter[str] = Counter()
    for name, count in counts.items():
        total.update(count)
        lines.append(_line(name, count))
    lines.append(_line("all", total))
    return "\n".join(lines)


def _line(name: str, count: Counter[str]) -> str:
    cases = sum(count.values())
    agree = count["agree"]
    return (
        f"{name:>22}: {agree}/{cases} agree ({100 * agree / max(cases, 1):.1f}%), "
        f"{count['refused']} refused, {count['silent']} silent"
    )


def _groups(paths: Iterable[str]) -> dict[str, list[str]]:
    from tests.differential.cases import CATEGORIES

    groups = dict(CATEGORIES)
    for path in paths:
        groups[Path(path).stem] = json.loads(Path(path).read_text(encoding="utf-8"))
    return groups


if __name__ == "__main__":
    show = "--show" in sys.argv
    args = [a for a in sys.argv[1:] if a != "--show"]
    groups = _groups(args)
    print(f"scanner: {citation_syntax.__file__}")
    counts = {}
    for name, texts in groups.items():
        found = verdicts(texts)
        counts[name] = Counter(found)
        if show:
            for text, word in zip(texts, found, strict=True):
                if word != "agree":
                    print(f"  [{name}] {word}: {text!r}")
    print(report(counts))
