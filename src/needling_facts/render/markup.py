"""Escaping and small HTML pieces shared by the page renderers."""

from __future__ import annotations

import html

from needling_facts.evidence.grade import Certainty
from needling_facts.evidence.reference import Reference
from needling_facts.evidence.vocabulary import Verdict

__all__ = ["badge", "cell", "esc", "reference_links"]


def esc(value: object) -> str:
    """HTML-escape text from a claim file or the bibliography (a ``<script>`` shows as text)."""
    return html.escape(str(value), quote=True)


def cell(value: object) -> str:
    """Escape for a Markdown table cell: one line, no bare pipes."""
    return esc(" ".join(str(value).split())).replace("|", "&#124;")


def badge(value: Certainty | Verdict) -> str:
    kind = "certainty" if isinstance(value, Certainty) else "verdict"
    suffix = " certainty" if kind == "certainty" else ""
    return (
        f'<span class="nf-badge nf-{kind} nf-{kind}-{value.value}" '
        f'title="{kind}: {esc(value.label)}">{esc(value.label)}{suffix}</span>'
    )


def reference_links(reference: Reference) -> str:
    links = [
        (label, url)
        for label, url in (
            ("DOI", reference.doi_url),
            ("PubMed", reference.pubmed_url),
            ("PMC", reference.pmc_url),
        )
        if url
    ]
    if reference.url and not links:
        links.append(("Link", reference.url))
    return " ".join(
        f'<a class="nf-link" href="{esc(url)}" rel="noopener">{label}</a>' for label, url in links
    )
