"""Turn citations in a page's Markdown into AMA-numbered links plus a reference list.

Numbers follow first appearance on the page; a citation of several works prints its numbers
sorted and ranged (``[1-3, 6]``). In-text ``@key`` prints the authors, then the number
("Alam et al. [1]"). A bracket that is not a citation is printed inert (no ``[@`` in the HTML)
and returned in `CitedPage.unparsed`, so callers report it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from needling_facts.evidence.reference import Reference
from needling_facts.render.csl import FormattedReference
from needling_facts.render.markup import esc, reference_links
from needling_facts.sources.citation_syntax import (
    CONTAINERS,
    Citation,
    CitationItem,
    Unparsed,
    item_parts,
    scan,
)

__all__ = ["CitedPage", "inert", "key_slug", "number_list", "render_citations"]

BIBLIOGRAPHY_LINK_TITLE = "In the bibliography, with every page that cites it"


@dataclass(slots=True)
class CitedPage:
    """A page's Markdown with citations resolved, and what it cited."""

    markdown: str
    cited: list[str] = field(default_factory=list)
    """Keys in order of first citation (their numbers are their positions + 1)."""
    unknown: list[tuple[str, int]] = field(default_factory=list)
    """Unknown keys with the line they appear on."""
    unparsed: list[Unparsed] = field(default_factory=list)
    """Brackets holding ``@key`` that are not citations."""


def key_slug(key: str) -> str:
    """A key as an HTML id fragment; a page's list uses ``cite-``, the bibliography ``ref-``."""
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in key)


_TAG_OR_SPECIAL = re.compile(r"(<[^>]*>)|([\\`*_\[\]{}|@])")


def inert(fragment: str) -> str:
    """HTML whose text Markdown leaves as it is: the characters Markdown acts on become
    character references, so a BibTeX title like ``[x](javascript:...)`` stays text."""
    return _TAG_OR_SPECIAL.sub(lambda m: m.group(1) or f"&#{ord(m.group(2))};", fragment)


def _shown(text: str) -> str:
    """Text from inside a citation, escaped, with any ``[@`` split so none reaches a page."""
    text = text.replace("[@", "[ @").replace("[-@", "[ -@")
    return inert(esc(" " + text if text.startswith(("@", "-@")) else text))


def _attribute(text: str) -> str:
    return esc(text).replace("|", "&#124;")


def number_list(parts: list[tuple[int, str, str]]) -> list[tuple[int, int, str, str]]:
    """Sorted, de-duplicated ``(first, last, prefix, locator)`` runs of citation numbers.

    Numbers with no prefix and no locator that follow each other form one run (``1-3``);
    a number with a prefix or locator stands alone.
    """
    runs: list[tuple[int, int, str, str]] = []
    for number, prefix, locator in sorted(set(parts)):
        plain = not prefix and not locator
        if plain and runs and not runs[-1][2] and not runs[-1][3] and runs[-1][1] + 1 == number:
            runs[-1] = (runs[-1][0], number, "", "")
        elif not (plain and runs and runs[-1][:2] == (number, number) and not runs[-1][3]):
            runs.append((number, number, prefix, locator))
    return runs


def _authors(reference: Reference) -> str:
    return reference.short_authors or reference.key


def render_citations(
    markdown: str,
    references: Mapping[str, Reference],
    formatted: Mapping[str, FormattedReference],
    bibliography_link: str | None = "bibliography.md",
    heading: str = "References",
    *,
    bibliography_url: str | None = None,
    stash: Callable[[str], str] | None = None,
    containers: frozenset[str] = CONTAINERS,
) -> CitedPage:
    """Number citations in order of first appearance; append the page's reference list.

    ``bibliography_link`` is the bibliography page as a Markdown link target relative to this
    page's source (``../bibliography.md``), so every engine resolves it; ``None`` leaves the
    link out. An engine that knows the bibliography's URL relative to this page passes
    ``bibliography_url`` instead: the list is then plain HTML, which is faster to build.
    ``stash`` (Python-Markdown's ``htmlStash.store``) hides the HTML we produce from the
    Markdown parser, which then has nothing of ours to parse again. ``containers`` are the
    indented block extensions the engine runs (`CONTAINERS`), whose bodies hold citations too.
    A citation nested in another's prefix or locator (``[@a, see also @b]``, as pandoc reads
    it) is numbered and linked inside it.
    """
    keep = stash or (lambda html: html)
    found = scan(markdown, containers)
    page = CitedPage(markdown, unparsed=found.unparsed)
    numbers: dict[str, int] = {}

    def number(key: str) -> int:
        if key not in numbers:
            numbers[key] = len(numbers) + 1
            page.cited.append(key)
        return numbers[key]

    def link(key: str, shown: str) -> str:
        return _link(key, shown, formatted)

    def part(item: CitationItem, which: str) -> str:
        return "".join(
            _shown(piece) if isinstance(piece, str) else render(piece, nested=True)
            for piece in item_parts(markdown, item, which)
        )

    def render(citation: Citation, *, nested: bool = False) -> str:
        known: list[tuple[int, str, str]] = []
        unknown: list[str] = []
        by_number: dict[int, str] = {}
        for item in citation.items:
            if item.key not in references:
                page.unknown.append((item.key, citation.line))
                unknown.append(f'<span class="nf-cite-unknown">?{_shown(item.key)}</span>')
                continue
            prefix = part(item, "prefix")  # numbered in the order they are read
            value = number(item.key)
            by_number[value] = item.key
            known.append((value, prefix, part(item, "locator")))
        shown: list[str] = []
        for first, last, prefix, locator in number_list(known):
            text = f"{prefix} " if prefix else ""
            text += link(by_number[first], str(first))
            if last > first:
                text += "-" + link(by_number[last], str(last))
            if locator:
                text += f" ({locator})"
            shown.append(text)
        numbers_html = f"&#91;{', '.join(shown + unknown)}&#93;"
        if not nested:
            # Inside another citation's superscript, a nested one is not raised again.
            numbers_html = f'<sup class="nf-cite">{numbers_html}</sup>'
        if citation.in_text and not citation.items[0].suppress_author:
            return _in_text_names(citation.items[0], references) + numbers_html
        return numbers_html

    pieces: list[str] = []
    position = 0
    events: list[Citation | Unparsed] = [*found.citations, *found.unparsed]
    for event in sorted(events, key=lambda e: e.start):
        pieces.append(markdown[position : event.start])
        if isinstance(event, Citation):
            pieces.append(keep(render(event)))
        else:
            pieces.append(keep(_unparsed_html(event)))
        position = event.end
    pieces.append(markdown[position:])
    body = "".join(pieces)
    if page.cited:
        listing = (
            f"## {heading}\n\n"
            + keep(_reference_list_html(page.cited, references, formatted, bibliography_url))
            if bibliography_url is not None
            else _reference_list(page.cited, references, formatted, bibliography_link, heading)
        )
        body = body.rstrip() + "\n\n" + listing + "\n"
    page.markdown = body
    return page


def _link(key: str, shown: str, formatted: Mapping[str, FormattedReference]) -> str:
    tip = formatted[key].text if key in formatted else key
    return f'<a href="#cite-{key_slug(key)}" title="{_attribute(tip)}">{shown}</a>'


def _unparsed_html(event: Unparsed) -> str:
    """A bracket that is no citation, shown without its brackets and marked, so no raw ``[@``
    reaches the page even after a sanitiser has turned character references back into text."""
    shown = event.text.removeprefix("[").removesuffix("]")
    return (
        f'<span class="nf-cite-unparsed" title="not a citation: '
        f'{_attribute(event.reason)}">{_shown(shown)}</span>'
    )


def _in_text_names(item: CitationItem, references: Mapping[str, Reference]) -> str:
    reference = references.get(item.key)
    return inert(esc(_authors(reference))) + " " if reference is not None else ""


def _reference_list_html(
    cited: list[str],
    references: Mapping[str, Reference],
    formatted: Mapping[str, FormattedReference],
    bibliography_url: str,
) -> str:
    items = []
    for key in cited:
        shown = formatted[key].html if key in formatted else esc(key)
        links = reference_links(references[key])
        target = esc(f"{bibliography_url}#ref-{key_slug(key)}")
        items.append(
            f'<li><span class="nf-anchor" id="cite-{key_slug(key)}">{shown}</span> {links} '
            f'<a class="nf-to-bibliography" href="{target}" title="{BIBLIOGRAPHY_LINK_TITLE}">'
            "&#8599; bibliography</a></li>"
        )
    return '<div class="nf-references"><ol>' + "".join(items) + "</ol></div>"


def _reference_list(
    cited: list[str],
    references: Mapping[str, Reference],
    formatted: Mapping[str, FormattedReference],
    bibliography_link: str | None,
    heading: str,
) -> str:
    """The page's numbered list, as Markdown so that the bibliography link is resolved by the
    engine (MkDocs or Zensical) whatever its URL scheme."""
    lines = [f"## {heading}", "", '<div class="nf-references" markdown>', ""]
    for position, key in enumerate(cited, 1):
        shown = formatted[key].html if key in formatted else esc(key)
        entry = f'<span class="nf-anchor" id="cite-{key_slug(key)}">{inert(shown)}</span>'
        links = reference_links(references[key])
        if links:
            entry += " " + inert(links)
        if bibliography_link is not None:
            entry += (
                f" [&#8599; bibliography]({bibliography_link}#ref-{key_slug(key)} "
                f'"{BIBLIOGRAPHY_LINK_TITLE}"){{ .nf-to-bibliography }}'
            )
        lines.append(f"{position}. {entry}")
    lines += ["", "</div>", ""]
    return "\n".join(lines)
