"""A GRADE summary-of-findings table for one claim, as an HTML string.

One row per claim (a claim is one outcome): the effects the studies report with their
confidence intervals, the distinct studies and participants, the certainty with a footnote for
every reason it was rated down or up, and the plain-language statement.
"""

from __future__ import annotations

from collections.abc import Mapping

from needling_facts.evidence.claim import Claim
from needling_facts.evidence.effects import EffectEstimate
from needling_facts.evidence.grade import Certainty, GradeResult, domain_label
from needling_facts.evidence.reference import Reference
from needling_facts.render.citations import key_slug
from needling_facts.render.labels import number, study_label
from needling_facts.render.markup import esc

__all__ = ["certainty_symbols", "effect_text", "summary_of_findings"]

_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def certainty_symbols(certainty: Certainty) -> str:
    """GRADE's ⊕⊕◯◯ notation: one filled circle per level."""
    return "\u2295" * certainty.rank + "\u25ef" * (4 - certainty.rank)


def effect_text(effect: EffectEstimate) -> str:
    """``mean difference 1.2 (95% CI 0.5 to 1.9); p < 0.001`` as plain text."""
    parts: list[str] = []
    if effect.value is not None:
        text = f"{effect.measure.label} {number(effect.value)}"
        if effect.ci is not None:
            low, high = effect.ci
            text += f" ({effect.level * 100:g}% CI {number(low)} to {number(high)})"
        parts.append(text)
    if effect.p is not None:
        parts.append(str(effect.p))
    return "; ".join(parts)


def _effects_cell(claim: Claim, references: Mapping[str, Reference]) -> str:
    items: list[str] = []
    for item in claim.evidence:
        label = study_label(references.get(item.ref), item.ref)
        for effect in item.effects:
            context = effect.outcome + (f", {effect.timepoint}" if effect.timepoint else "")
            analysed = f", n = {effect.participants}" if effect.participants else ""
            items.append(
                f'<li><a href="#cite-{key_slug(item.ref)}">{esc(label)}</a>: '
                f'{esc(effect_text(effect))} <span class="nf-sof-context">'
                f"({esc(context)}; {esc(effect.comparison)}{analysed})</span></li>"
            )
    if not items:
        return "No effect estimate recorded; see the findings below."
    return '<ul class="nf-sof-effects">' + "".join(items) + "</ul>"


def _studies_cell(claim: Claim, references: Mapping[str, Reference]) -> str:
    totals = claim.totals
    text = esc(totals.describe()) if totals.studies else "No study weighs in"
    if totals.nested:
        names = ", ".join(study_label(references.get(k), k) for k in totals.nested)
        text += (
            f'<br><span class="nf-sof-context">{esc(names)} counted once, within the review '
            "that includes them</span>"
        )
    return text


def _footnotes(result: GradeResult, prefix: str) -> tuple[str, list[str]]:
    """Footnote markers for the certainty cell and the footnotes themselves."""
    marks: list[str] = []
    notes: list[str] = []
    for index, step in enumerate(result.steps):
        letter = _LETTERS[index % len(_LETTERS)]
        anchor = f"{prefix}-{letter}"
        direction = "rated down" if step.change < 0 else "rated up"
        levels = abs(step.change)
        marks.append(f'<a href="#{anchor}">{letter}</a>')
        name = esc(domain_label(step.domain)).capitalize()
        notes.append(
            f'<li id="{anchor}" value="{index + 1}"><strong>{name}</strong> '
            f"({esc(step.rating)}; {direction} {levels} "
            f"level{'s' if levels > 1 else ''}): {esc(step.reason)}</li>"
        )
    return ("<sup>" + ", ".join(marks) + "</sup>" if marks else ""), notes


def summary_of_findings(claim: Claim, references: Mapping[str, Reference]) -> str:
    """The summary-of-findings table for ``claim`` (HTML, readable without CSS)."""
    prefix = f"sof-{claim.id}"
    certainty = claim.certainty
    marks, notes = "", list[str]()
    source = ""
    if claim.grade is not None:
        result = claim.grade.compute()
        marks, notes = _footnotes(result, prefix)
        source = (
            f"GRADE judged from the {esc(claim.grade.judged_from.label)}; "
            f"start {esc(result.start.value)}"
            + ("" if result.steps else ", no reason to rate down")
            + "."
        )
    else:
        source = "No GRADE profile recorded for this claim."
    certainty_cell = (
        f'<span class="nf-grade-symbols" aria-hidden="true">{certainty_symbols(certainty)}'
        f"</span> {esc(certainty.label.capitalize())}{marks}"
    )
    outcome = (
        f'{esc(claim.title)}<br><span class="nf-sof-context">{esc(claim.outcome.label)}</span>'
    )
    if claim.comparator:
        outcome += f'<br><span class="nf-sof-context">vs {esc(claim.comparator)}</span>'
    rows = [
        ("Outcome", outcome),
        ("Effect (with confidence interval)", _effects_cell(claim, references)),
        ("Studies and distinct participants", _studies_cell(claim, references)),
        ("Certainty of the evidence (GRADE)", certainty_cell),
        ("What this means", esc(claim.statement)),
    ]
    head = "".join(f'<th scope="col">{esc(label)}</th>' for label, _ in rows)
    body = "".join(f'<td data-label="{esc(label)}">{value}</td>' for label, value in rows)
    parts = [
        f'<div class="nf-sof" id="{esc(prefix)}">',
        '<table class="nf-sof-table">',
        f'<caption class="nf-visually-hidden">Summary of findings: {esc(claim.title)}</caption>',
        f"<thead><tr>{head}</tr></thead>",
        f"<tbody><tr>{body}</tr></tbody>",
        "</table>",
        f'<p class="nf-sof-notes">{source}</p>',
    ]
    if notes:
        parts.append('<ol class="nf-sof-footnotes" type="a">' + "".join(notes) + "</ol>")
    parts.append("</div>")
    return "\n".join(parts) + "\n"
