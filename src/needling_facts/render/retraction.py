"""Retraction badges and notices: a retracted study must be visible wherever it is cited.

Pure renderers over `Reference.updates` (filled from the frozen records): a red badge on the
bibliography entry of a retracted work, an amber note for a correction or an expression of
concern, and a warning at the top of every claim page whose evidence cites a retracted work.
The colours are CSS rules (``.nf-retracted``, ``.nf-notice`` in ``handbook.css``): the
sanitiser removes inline styles.
"""

from __future__ import annotations

from collections.abc import Mapping

from needling_facts.evidence.claim import Claim
from needling_facts.evidence.reference import Reference, Update, UpdateType
from needling_facts.render.markup import esc

__all__ = ["claim_retraction_notice", "reference_notices"]

_NOTE_LABELS = {
    UpdateType.CORRECTION: "Correction",
    UpdateType.EXPRESSION_OF_CONCERN: "Expression of concern",
}


def _where(update: Update) -> str:
    """`` on 2019-03-01 (doi:10.x/y)`` from what the notice record gives."""
    parts = [f" on {update.date}" if update.date else ""]
    if update.doi:
        parts.append(f" (doi:{update.doi})")
    elif update.pmid:
        parts.append(f" (PMID {update.pmid})")
    return "".join(parts)


def _badge(label: str, update: Update, kind: str) -> str:
    title = esc(f"{label}{_where(update)}")
    text = f'<span class="nf-badge nf-{kind}" title="{title}">{esc(label)}</span>'
    if update.doi:
        return f'<a href="https://doi.org/{esc(update.doi)}" rel="noopener">{text}</a>'
    return text


def reference_notices(reference: Reference) -> str:
    """Badges for a bibliography entry: "Retracted", "Correction", "Expression of concern"."""
    badges = []
    for update in reference.updates:
        if update.type is UpdateType.RETRACTION:
            badges.append(_badge("Retracted", update, "retracted"))
        elif update.type in _NOTE_LABELS:
            badges.append(_badge(_NOTE_LABELS[update.type], update, "notice"))
    return " ".join(dict.fromkeys(badges))


def claim_retraction_notice(claim: Claim, references: Mapping[str, Reference]) -> str:
    """A Markdown admonition naming each retracted work the claim's evidence cites, or ``""``."""
    retracted = [
        references[key]
        for key in claim.cited_keys
        if key in references and references[key].retraction is not None
    ]
    if not retracted:
        return ""
    lines = ['!!! danger "This claim cites a retracted study"']
    for reference in retracted:
        update = reference.retraction
        assert update is not None
        lines.append(
            f"    - {esc(reference.title or reference.key)} [@{reference.key}] was retracted"
            f"{esc(_where(update))}. Its findings should not be relied on."
        )
    return "\n".join(lines) + "\n"
