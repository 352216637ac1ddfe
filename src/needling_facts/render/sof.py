"""GRADE summary-of-findings tables, as HTML strings.

For a claim with bodies of evidence (`needling_facts.evidence.bodies`): one table per
comparison, titled "<intervention> compared with <comparator>", one row per outcome with the
seven elements of a Cochrane table: the outcome (and its importance), the best estimate with its
CI and where it comes from, the absolute effect per 1,000 where a baseline risk is known, the
participants (studies) counted once by `row_totals`, the certainty with a footnote for every
reason it was rated down or up, the row's plain-language statement and comments. The claim's
lead statement is not repeated. Estimates that belong to no row are context, listed apart under
"Context (not in the summary)", never in a table.

A claim without comparisons (content written before bodies of evidence) keeps a short
one-row table of its effects and its claim-level GRADE profile.
"""

from __future__ import annotations

from collections.abc import Mapping

from needling_facts.evidence.best_estimate import BestEstimate, EstimateKind, best_estimate
from needling_facts.evidence.bodies import Comparison, OutcomeRow
from needling_facts.evidence.claim import Claim
from needling_facts.evidence.effects import EffectEstimate, PValue
from needling_facts.evidence.grade import Certainty, GradeResult, domain_label
from needling_facts.evidence.item import Evidence
from needling_facts.evidence.reference import Reference
from needling_facts.evidence.totals import EvidenceTotals, row_totals
from needling_facts.render.citations import inert, key_slug
from needling_facts.render.labels import number, p_text, study_label
from needling_facts.render.markup import esc

__all__ = [
    "certainty_symbols",
    "comparison_title",
    "context_estimates",
    "effect_text",
    "estimate_source",
    "estimate_text",
    "overall_certainty_reason",
    "overall_certainty_text",
    "summary_of_findings",
    "totals_text",
]

_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def certainty_symbols(certainty: Certainty) -> str:
    """GRADE's ⊕⊕◯◯ notation: one filled circle per level."""
    return "\u2295" * certainty.rank + "\u25ef" * (4 - certainty.rank)


def comparison_title(comparison: Comparison) -> str:
    """``microneedling compared with fractional CO2 laser``, as a Cochrane table is titled."""
    title = f"{comparison.intervention} compared with {comparison.comparator}"
    return title[:1].upper() + title[1:]


def _interval(value: float, ci: tuple[float, float] | None, level: float, label: str) -> str:
    text = f"{label} {number(value)}"
    if ci is not None:
        text += f" ({level * 100:g}% CI {number(ci[0])} to {number(ci[1])})"
    return text


def effect_text(effect: EffectEstimate) -> str:
    """``mean difference 1.2 (95% CI 0.5 to 1.9); p < 0.001`` as plain text."""
    parts: list[str] = []
    if effect.value is not None:
        parts.append(_interval(effect.value, effect.ci, effect.level, effect.measure.label))
    if effect.p is not None:
        parts.append(p_text(effect.p))
    return "; ".join(parts)


def _rounded(value: float) -> float:
    return float(f"{value:.3g}")


def estimate_text(estimate: BestEstimate) -> str:
    """A row's best estimate as plain text (three significant digits, p as a decimal)."""
    if estimate.kind is EstimateKind.NONE or estimate.measure is None or estimate.value is None:
        return "No estimate"
    ci = None if estimate.ci is None else (_rounded(estimate.ci[0]), _rounded(estimate.ci[1]))
    text = _interval(_rounded(estimate.value), ci, estimate.level, estimate.measure.label)
    text = text[:1].upper() + text[1:]
    if estimate.p is not None:
        pooled = estimate.kind is EstimateKind.POOLED
        text += f"; {_computed_p(estimate.p) if pooled else p_text(estimate.p)}"
    return text


def _computed_p(p: PValue) -> str:
    """A p-value the library computed, as a table prints one (``p < 0.001``)."""
    for threshold in (0.00001, 0.0001, 0.001):
        if p.value < threshold:
            return f"p < {threshold:.5f}".rstrip("0")
    return f"p = {p.value:.2g}"


def estimate_source(estimate: BestEstimate, references: Mapping[str, Reference]) -> str:
    """Where a best estimate comes from, as a reader is told it (plain text)."""
    names = [study_label(references.get(key), key) for key in estimate.studies]
    if estimate.kind is EstimateKind.META_ANALYSIS:
        return f"pooled by the cited meta-analysis {names[0]}"
    if estimate.kind is EstimateKind.POOLED:
        i2 = "" if estimate.i2 is None else f", I\u00b2 = {estimate.i2 * 100:.0f}%"
        return f"pooled here: random effects{i2}, {len(names)} studies ({', '.join(names)})"
    if estimate.kind is EstimateKind.SINGLE_STUDY:
        return f"one study ({names[0]})"
    return f"no estimate: {estimate.reason}"


def totals_text(totals: EvidenceTotals, references: Mapping[str, Reference]) -> str:
    """``98 (2 studies)``, with ``at least`` for a missing count and "overlap unresolved" when
    a review in the row does not list what it includes (never "each study counted once" then).
    """
    studies = f"{totals.studies} {'study' if totals.studies == 1 else 'studies'}"
    if not totals.participants:
        text = f"Not reported ({studies})"
    else:
        bound = "at least " if totals.unreported else ""
        text = f"{bound}{totals.participants} ({studies})"
    if not totals.counted_once:
        names = ", ".join(study_label(references.get(key), key) for key in totals.unlisted)
        lists = (
            "does not list the studies it includes"
            if len(totals.unlisted) == 1
            else "do not list the studies they include"
        )
        text += f"; overlap unresolved: {names} {lists}, so some participants may be counted twice"
    elif totals.nested:
        names = ", ".join(study_label(references.get(key), key) for key in totals.nested)
        text += f"; {names} counted once, within the review that includes them"
    return text


def _study_link(key: str, references: Mapping[str, Reference]) -> str:
    label = esc(study_label(references.get(key), key))
    return f'<a href="#cite-{key_slug(key)}">{label}</a>'


def _footnotes(result: GradeResult, prefix: str, start: int) -> tuple[str, list[str]]:
    """Footnote markers for a certainty cell and the footnotes themselves, numbered from
    ``start`` (letters run on through a table, as in a Cochrane table)."""
    marks: list[str] = []
    notes: list[str] = []
    for offset, step in enumerate(result.steps):
        index = start + offset
        letter = _LETTERS[index % len(_LETTERS)] * (1 + index // len(_LETTERS))
        anchor = f"{prefix}-{letter}"
        direction = "rated down" if step.change < 0 else "rated up"
        levels = abs(step.change)
        marks.append(f'<a href="#{anchor}">{letter}</a>')
        name = esc(domain_label(step.domain)).capitalize()
        notes.append(
            f'<li id="{anchor}" value="{index + 1}"><strong>{name}</strong> '
            f"({esc(step.rating)}; {direction} {levels} "
            f"level{'s' if levels > 1 else ''}): {inert(esc(step.reason))}</li>"
        )
    return ("<sup>" + ", ".join(marks) + "</sup>" if marks else ""), notes


def _totals_cell(text: str) -> str:
    """The count first, any note on how it was counted in small type beneath it."""
    count, _, note = text.partition("; ")
    small = f'<br><span class="nf-sof-context">{inert(esc(note))}</span>' if note else ""
    return inert(esc(count)) + small


def _certainty_cell(certainty: Certainty, marks: str) -> str:
    return (
        f'<span class="nf-grade-symbols" aria-hidden="true">{certainty_symbols(certainty)}'
        f"</span> {esc(certainty.label.capitalize())}{marks}"
    )


def _absolute_cell(comparison: Comparison, row: OutcomeRow, estimate: BestEstimate) -> str:
    absolute = estimate.absolute
    if absolute is not None:
        with_comparator = f"{absolute.comparator:.0f} per 1,000 with {comparison.comparator}"
        with_intervention = f"{absolute.intervention:.0f} per 1,000"
        if absolute.intervention_ci is not None:
            low, high = absolute.intervention_ci
            with_intervention += f" ({low:.0f} to {high:.0f})"
        difference = round(absolute.difference)
        change = f"{abs(difference)} {'more' if difference >= 0 else 'fewer'} per 1,000"
        return esc(
            f"{with_comparator}; {with_intervention} with {comparison.intervention}: {change}"
        )
    if estimate.measure is not None and estimate.measure.is_ratio and row.baseline_risk is None:
        return "Not known: no comparator risk recorded"
    return "&ndash;"


def _effect_cell(
    comparison: Comparison,
    row: OutcomeRow,
    estimate: BestEstimate,
    items: tuple[Evidence, ...],
    references: Mapping[str, Reference],
) -> str:
    source = inert(esc(estimate_source(estimate, references)))
    if estimate.kind is not EstimateKind.NONE:
        return (
            f'{inert(esc(estimate_text(estimate)))}<br><span class="nf-sof-context">{source}</span>'
        )
    # No single number: say why, and show what each study reported.
    path = f"{comparison.id}/{row.id}"
    reported = [
        f"<li>{_study_link(item.ref, references)}: {inert(esc(effect_text(effect)))}</li>"
        for item in items
        if item.ref in row.studies
        for effect in item.effects
        if effect.row == path and effect_text(effect)
    ]
    listed = f'<ul class="nf-sof-effects">{"".join(reported)}</ul>' if reported else ""
    # The cell already says "No estimate": the note under it gives only the reason.
    reason = inert(esc(estimate.reason or ""))
    return f'No estimate{listed}<br><span class="nf-sof-context">{reason}</span>'


def _comparison_table(
    claim: Claim, comparison: Comparison, references: Mapping[str, Reference]
) -> str:
    prefix = f"sof-{key_slug(claim.id)}-{comparison.id}"
    items = claim.evidence
    notes: list[str] = []
    body: list[str] = []
    labels = (
        "Outcome",
        "Effect estimate (CI)",
        "Absolute effect",
        "Participants (studies)",
        "Certainty (GRADE)",
        "What happens",
        "Comments",
    )
    for row in comparison.outcomes:
        estimate = best_estimate(comparison, row, items)
        result = row.grade.compute()
        marks, row_notes = _footnotes(result, prefix, len(notes))
        notes += row_notes
        importance = f'<br><span class="nf-sof-context">{esc(row.importance.value)}</span>'
        cells = (
            f'<span id="{prefix}-{row.id}">{inert(esc(row.outcome))}</span>{importance}',
            _effect_cell(comparison, row, estimate, items, references),
            _absolute_cell(comparison, row, estimate),
            _totals_cell(totals_text(row_totals(comparison, row, items), references)),
            _certainty_cell(row.certainty, marks),
            inert(esc(row.statement)),
            inert(esc(row.comments)) if row.comments else "&ndash;",
        )
        body.append(
            "<tr>"
            + "".join(
                f'<td data-label="{esc(label)}">{value}</td>'
                for label, value in zip(labels, cells, strict=True)
            )
            + "</tr>"
        )
    head = "".join(f'<th scope="col">{esc(label)}</th>' for label in labels)
    title = inert(esc(comparison_title(comparison)))
    main = " (the comparison the claim is about)" if comparison.main else ""
    parts = [
        f'<div class="nf-sof" id="{esc(prefix)}">',
        f'<p class="nf-sof-title"><strong>{title}</strong>{esc(main)}</p>',
        '<div class="nf-sof-scroll">',
        '<table class="nf-sof-table">',
        f'<caption class="nf-visually-hidden">Summary of findings: {title}</caption>',
        f"<thead><tr>{head}</tr></thead>",
        f"<tbody>{''.join(body)}</tbody>",
        "</table>",
        "</div>",
    ]
    if notes:
        parts.append('<ol class="nf-sof-footnotes" type="a">' + "".join(notes) + "</ol>")
    parts.append("</div>")
    return "\n".join(parts)


def context_estimates(claim: Claim, references: Mapping[str, Reference]) -> str:
    """The estimates that belong to no outcome row, as a list (HTML); "" when there are none
    or the claim has no comparisons."""
    if not claim.comparisons:
        return ""
    items: list[str] = []
    for item in claim.evidence:
        for effect in item.effects:
            if effect.row is not None and claim.row(effect.row) is not None:
                continue
            where = effect.outcome + (f", {effect.timepoint}" if effect.timepoint else "")
            items.append(
                f"<li>{_study_link(item.ref, references)}: {inert(esc(effect_text(effect)))} "
                f'<span class="nf-sof-context">({inert(esc(where))}; '
                f"{inert(esc(effect.comparison))})</span></li>"
            )
    if not items:
        return ""
    return '<ul class="nf-sof-context-list">' + "".join(items) + "</ul>\n"


def summary_of_findings(claim: Claim, references: Mapping[str, Reference]) -> str:
    """The summary-of-findings tables of ``claim`` (HTML, readable without CSS): one per
    comparison, the main one first; the short one-row table for a claim without comparisons."""
    if not claim.comparisons:
        return _fallback(claim, references)
    ordered = sorted(claim.comparisons, key=lambda comparison: not comparison.main)
    return "\n".join(_comparison_table(claim, c, references) for c in ordered) + "\n"


# A claim without comparisons: its effects in one cell, its claim-level profile's footnotes.


def _effects_cell(claim: Claim, references: Mapping[str, Reference]) -> str:
    items: list[str] = []
    for item in claim.evidence:
        for effect in item.effects:
            context = effect.outcome + (f", {effect.timepoint}" if effect.timepoint else "")
            analysed = f", n = {effect.participants}" if effect.participants else ""
            items.append(
                f"<li>{_study_link(item.ref, references)}: "
                f'{inert(esc(effect_text(effect)))} <span class="nf-sof-context">'
                f"({inert(esc(context))}; {inert(esc(effect.comparison))}{analysed})</span></li>"
            )
    if not items:
        return "No effect estimate recorded; see the findings below."
    return '<ul class="nf-sof-effects">' + "".join(items) + "</ul>"


def _fallback(claim: Claim, references: Mapping[str, Reference]) -> str:
    prefix = f"sof-{key_slug(claim.id)}"
    marks, notes = "", list[str]()
    if claim.grade is not None:
        result = claim.grade.compute()
        marks, notes = _footnotes(result, prefix, 0)
        source = (
            f"GRADE judged from the {esc(claim.grade.judged_from.label)}; "
            f"start {esc(result.start.value)}"
            + ("" if result.steps else ", no reason to rate down")
            + "."
        )
    else:
        source = "No GRADE profile recorded for this claim."
    totals = claim.totals
    outcome = inert(esc(claim.title)) + (
        f'<br><span class="nf-sof-context">vs {inert(esc(claim.comparator))}</span>'
        if claim.comparator
        else ""
    )
    rows = [
        ("Outcome", outcome),
        ("Effect (with confidence interval)", _effects_cell(claim, references)),
        (
            "Participants (studies)",
            inert(esc(totals_text(totals, references))) if totals.studies else "No study weighs in",
        ),
        ("Certainty (GRADE)", _certainty_cell(claim.certainty, marks)),
    ]
    head = "".join(f'<th scope="col">{esc(label)}</th>' for label, _ in rows)
    body = "".join(f'<td data-label="{esc(label)}">{value}</td>' for label, value in rows)
    parts = [
        f'<div class="nf-sof" id="{esc(prefix)}">',
        '<div class="nf-sof-scroll">',
        '<table class="nf-sof-table">',
        f'<caption class="nf-visually-hidden">Summary of findings: {inert(esc(claim.title))}'
        "</caption>",
        f"<thead><tr>{head}</tr></thead>",
        f"<tbody><tr>{body}</tr></tbody>",
        "</table>",
        "</div>",
        f'<p class="nf-sof-notes">{source}</p>',
    ]
    if notes:
        parts.append('<ol class="nf-sof-footnotes" type="a">' + "".join(notes) + "</ol>")
    parts.append("</div>")
    return "\n".join(parts) + "\n"


def overall_certainty_reason(claim: Claim) -> str:
    """Which outcomes decided the claim's certainty (plain text): "the lowest of the critical
    outcomes of ...: <outcome>, <certainty>."; "" for a claim without comparisons."""
    main = claim.main_comparison
    if main is None:
        return ""
    title = comparison_title(main)
    critical = [f"{row.outcome}, {row.grade.certainty.label}" for row in main.critical]
    if not critical:
        return f"{title} has no critical outcome, so no overall certainty can be computed."
    return (
        f"the lowest of the critical outcomes of {title[:1].lower()}{title[1:]}: "
        + "; ".join(critical)
        + "."
    )


def overall_certainty_text(claim: Claim) -> str:
    """Why the claim has its certainty, in a sentence (plain text): the lowest of the main
    comparison's critical outcomes; "" for a claim without comparisons."""
    reason = overall_certainty_reason(claim)
    if not reason:
        return ""
    return f"Certainty of the evidence: {claim.certainty.label}, {reason}"
