"""Turn ``[@key]`` citations in a page's Markdown into numbered links plus a reference list."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..citation_syntax import Citation, replace_citations
from ..csl import FormattedReference
from ..models import Reference
from .markup import esc, reference_links

__all__ = ["CitedPage", "key_slug", "render_citations"]


@dataclass(slots=True)
class CitedPage:
    """A page's Markdown with citations resolved, and what it cited."""

    markdown: str
    cited: list[str] = field(default_factory=list)
    """Keys in order of first citation (their numbers are their positions + 1)."""
    unknown: list[tuple[str, int]] = field(default_factory=list)
    """Unknown keys with the line they appear on."""


def key_slug(key: str) -> str:
    """A key as an HTML id fragment; a page's list uses ``cite-``, the bibliography ``ref-``."""
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in key)


def render_citations(
    markdown: str,
    references: Mapping[str, Reference],
    formatted: Mapping[str, FormattedReference],
    bibliography_url: str = "bibliography/",
    heading: str = "References",
) -> CitedPage:
    """Number citations in order of first appearance; append the page's reference list.

    ``bibliography_url`` is the bibliography page relative to this page; each list entry links
    to its entry there.
    """
    page = CitedPage(markdown)
    numbers: dict[str, int] = {}

    def render(citation: Citation) -> str:
        parts: list[str] = []
        for item in citation.items:
            if item.key not in references:
                page.unknown.append((item.key, citation.line))
                parts.append(f'<span class="nf-cite-unknown">?{esc(item.key)}</span>')
                continue
            if item.key not in numbers:
                numbers[item.key] = len(numbers) + 1
                page.cited.append(item.key)
            number = numbers[item.key]
            tip = formatted[item.key].text if item.key in formatted else item.key
            locator = f", {esc(item.locator)}" if item.locator else ""
            prefix = f"{esc(item.prefix)} " if item.prefix else ""
            link = f'<a href="#cite-{key_slug(item.key)}" title="{esc(tip)}">{number}</a>'
            parts.append(f"{prefix}{link}{locator}")
        return f'<sup class="nf-cite">[{", ".join(parts)}]</sup>'

    body = replace_citations(markdown, render)
    if page.cited:
        items = []
        for key in page.cited:
            shown = formatted[key].html if key in formatted else esc(key)
            links = reference_links(references[key])
            items.append(
                f'<li id="cite-{key_slug(key)}">{shown} {links} '
                f'<a class="nf-to-bibliography" href="{esc(bibliography_url)}#ref-{key_slug(key)}" '
                'title="In the bibliography, with every page that cites it">'
                "&#8599; bibliography</a></li>"
            )
        body = (
            body.rstrip()
            + f'\n\n## {heading}\n\n<ol class="nf-references">\n'
            + "\n".join(items)
            + "\n</ol>\n"
        )
    page.markdown = body
    return page
