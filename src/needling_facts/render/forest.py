"""Forest plots as inline SVG: each estimate with its confidence interval on one axis.

For a claim with bodies of evidence: one plot per outcome row and measure (a row whose studies
report on two measures gets one plot for each, never one axis for both), the row's best
estimate as a diamond when it is pooled (here, or by a cited meta-analysis), and under the axis
"favours <intervention>" and "favours <comparator>" on the sides the estimates' ``favours``
convention puts them (`needling_facts.evidence.pooling`: higher values favour the intervention
in some outcomes, lower in others). A claim without comparisons keeps one panel per measure.

Drawn in a 360-unit-wide viewBox, the text column of a 390 px phone, so at 100% width the text
is 12 px there and grows (up to a cap) on wider screens. Ratios are drawn on a log scale.
Text labels, no JavaScript.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass

from needling_facts.evidence.best_estimate import EstimateKind, best_estimate, row_estimates
from needling_facts.evidence.bodies import Comparison, OutcomeRow
from needling_facts.evidence.claim import Claim
from needling_facts.evidence.effects import EffectEstimate, Measure
from needling_facts.evidence.item import Evidence
from needling_facts.evidence.pooling import direction_convention as convention
from needling_facts.evidence.reference import Reference
from needling_facts.render.citations import key_slug
from needling_facts.render.labels import number, study_label
from needling_facts.render.markup import esc

__all__ = ["ForestRow", "favours_sides", "forest_plot", "forest_svg", "row_forest_plots"]

WIDTH = 360
_SIDE = 8
_PLOT_RIGHT = 222
_ROW = 46
_LINE = 15
_TOP = 6
_AXIS = 44
_LABEL_CHARS = 53
_FAVOURS_CHARS = 36
"""Characters of an 11-unit favours label per line: about the plot's width."""


@dataclass(frozen=True, slots=True)
class ForestRow:
    """One line of a forest plot: a label, a value and its confidence interval."""

    label: str
    value: float
    low: float
    high: float
    note: str = ""


def _rows(claim: Claim, references: Mapping[str, Reference]) -> dict[Measure, list[ForestRow]]:
    panels: dict[Measure, list[ForestRow]] = {}
    for item in claim.evidence:
        study = study_label(references.get(item.ref), item.ref)
        for effect in item.effects:
            if effect.ci is None or effect.value is None:
                continue
            panels.setdefault(effect.measure, []).append(_row(study, effect))
    return panels


def _row(study: str, effect: EffectEstimate, *, with_outcome: bool = True) -> ForestRow:
    # The caller keeps only effects with a value and a CI.
    assert effect.ci is not None
    assert effect.value is not None
    context = effect.outcome if with_outcome else ""
    if effect.timepoint:
        context += (", " if context else "") + effect.timepoint
    if not context:
        return ForestRow(study, effect.value, *effect.ci, note=_level_note(effect))
    return ForestRow(
        f"{study} \u00b7 {context}", effect.value, *effect.ci, note=_level_note(effect)
    )


def _level_note(effect: EffectEstimate) -> str:
    return "" if effect.level == 0.95 else f"{effect.level * 100:g}% CI"


class _Scale:
    """Maps values to x; logarithmic for ratios."""

    def __init__(self, values: list[float], log: bool) -> None:
        self.log = log
        points = [self._t(v) for v in values]
        low, high = min(points), max(points)
        pad = (high - low) * 0.06 or 0.5
        self.low, self.high = low - pad, high + pad

    def _t(self, value: float) -> float:
        return math.log10(value) if self.log else value

    def x(self, value: float) -> float:
        share = (self._t(value) - self.low) / (self.high - self.low)
        return _SIDE + share * (_PLOT_RIGHT - _SIDE)

    def ticks(self) -> list[float]:
        if self.log:
            candidates = [m * 10.0**e for e in range(-3, 4) for m in (1, 2, 5)]
            inside = [t for t in candidates if self.low <= math.log10(t) <= self.high]
            while len(inside) > 6:
                inside = inside[::2]
            return inside
        span = self.high - self.low
        raw = span / 4
        magnitude = 10 ** math.floor(math.log10(raw))
        step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
        first = math.ceil(self.low / step) * step
        count = int((self.high - first) // step) + 1
        return [round(first + i * step, 10) for i in range(count)]


def _label_lines(text: str) -> list[str]:
    """The label on at most two lines (phones show no tooltips), the second cut if need be."""
    lines = textwrap.wrap(text, _LABEL_CHARS) or [""]
    if len(lines) > 2:
        rest = " ".join(lines[1:])
        lines = [lines[0], rest[: _LABEL_CHARS - 1].rstrip() + "\u2026"]
    return lines


def _row_height(row: ForestRow) -> int:
    return _ROW + _LINE * (len(_label_lines(row.label)) - 1)


def _favours_lines(favours: tuple[str, str] | None) -> list[tuple[str, str]]:
    """The favours labels as (anchor, text) lines: side by side when both fit, else the left
    one (start-anchored, arrow first) above the right one (end-anchored, arrow last)."""
    if favours is None:
        return []
    left, right = favours
    if len(left) + len(right) + 8 <= _FAVOURS_CHARS:
        return [("both", f"\u2190 {left}\u0000{right} \u2192")]
    lefts = textwrap.wrap(left, _FAVOURS_CHARS)
    rights = textwrap.wrap(right, _FAVOURS_CHARS)
    lefts[0] = f"\u2190 {lefts[0]}"
    rights[-1] = f"{rights[-1]} \u2192"
    return [("start", line) for line in lefts] + [("end", line) for line in rights]


def forest_svg(
    measure: Measure,
    rows: list[ForestRow],
    title: str,
    svg_id: str,
    *,
    pooled: ForestRow | None = None,
    favours: tuple[str, str] | None = None,
) -> str:
    """One forest panel for effects that share ``measure``; ``svg_id`` is unique on the page.

    ``pooled`` is drawn as a diamond below the studies; ``favours`` are the phrases printed
    under the left and the right half of the axis (e.g. ``favours laser``, ``favours
    microneedling``), on either side of no effect.
    """
    no_effect = measure.no_effect
    every = [*rows, *([pooled] if pooled is not None else [])]
    values = [v for row in every for v in (row.low, row.high, row.value)]
    if no_effect is not None:
        values.append(no_effect)
    scale = _Scale(values, log=measure.is_ratio)
    bottom = _TOP + sum(_row_height(row) for row in every)
    favour_lines = _favours_lines(favours if no_effect is not None else None)
    height = bottom + _AXIS + 14 * len(favour_lines)
    axis = measure.label + (" (log scale)" if measure.is_ratio else "")
    title_id = f"{svg_id}-title"
    parts = [
        f'<svg class="nf-forest" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" aria-labelledby="{title_id}">',
        f'<title id="{title_id}">{esc(title)}: {esc(axis)}</title>',
    ]
    top = _TOP
    for row in every:
        labels = _label_lines(row.label)
        y = top + 31 + _LINE * (len(labels) - 1)
        if no_effect is not None:
            # Below each label, so the dashed line never crosses text.
            x = scale.x(no_effect)
            parts.append(
                f'<line class="nf-forest-null" x1="{x:.1f}" y1="{y - 11}" x2="{x:.1f}" '
                f'y2="{top + _row_height(row)}" stroke="currentColor" stroke-dasharray="3 3" '
                'stroke-opacity="0.6"/>'
            )
        x_low, x_high, x_value = scale.x(row.low), scale.x(row.high), scale.x(row.value)
        interval = f"{number(row.value)} [{number(row.low)}, {number(row.high)}]"
        parts += [
            "<g>",
            f"<title>{esc(row.label)}: {esc(interval)} {esc(row.note)}</title>",
            *(
                f'<text x="{_SIDE}" y="{top + 14 + _LINE * n}" class="nf-forest-label">'
                f"{esc(line)}</text>"
                for n, line in enumerate(labels)
            ),
            *(
                [
                    f'<path class="nf-forest-diamond" d="M{x_low:.1f} {y} L{x_value:.1f} '
                    f'{y - 6} L{x_high:.1f} {y} L{x_value:.1f} {y + 6} Z" '
                    'fill="currentColor"/>'
                ]
                if row is pooled
                else [
                    f'<line x1="{x_low:.1f}" y1="{y}" x2="{x_high:.1f}" y2="{y}" '
                    'stroke="currentColor" stroke-width="2"/>',
                    f'<rect x="{x_value - 4:.1f}" y="{y - 4}" width="8" height="8" '
                    'fill="currentColor"/>',
                ]
            ),
            f'<text x="{WIDTH - _SIDE}" y="{y + 4}" text-anchor="end" class="nf-forest-value">'
            f"{esc(interval)}{(' ' + esc(row.note)) if row.note else ''}</text>",
            "</g>",
        ]
        top += _row_height(row)
    parts.append(
        f'<line x1="{_SIDE}" y1="{bottom + 2}" x2="{_PLOT_RIGHT}" y2="{bottom + 2}" '
        'stroke="currentColor"/>'
    )
    for tick in scale.ticks():
        x = scale.x(tick)
        parts += [
            f'<line x1="{x:.1f}" y1="{bottom + 2}" x2="{x:.1f}" y2="{bottom + 7}" '
            'stroke="currentColor"/>',
            f'<text x="{x:.1f}" y="{bottom + 19}" text-anchor="middle" class="nf-forest-tick">'
            f"{esc(number(tick))}</text>",
        ]
    line_y = bottom + 34
    for anchor, text in favour_lines:
        if anchor == "both":
            left, right = text.split("\u0000")
            parts += [
                f'<text x="{_SIDE}" y="{line_y}" class="nf-forest-favours">{esc(left)}</text>',
                f'<text x="{_PLOT_RIGHT}" y="{line_y}" text-anchor="end" '
                f'class="nf-forest-favours">{esc(right)}</text>',
            ]
        else:
            x = _SIDE if anchor == "start" else _PLOT_RIGHT
            parts.append(
                f'<text x="{x}" y="{line_y}" text-anchor="{anchor}" class="nf-forest-favours">'
                f"{esc(text)}</text>"
            )
        line_y += 14
    parts += [
        f'<text x="{_SIDE}" y="{line_y + 3}" class="nf-forest-axis">{esc(axis)}</text>',
        f'<text x="{WIDTH - _SIDE}" y="{bottom + 19}" text-anchor="end" '
        'class="nf-forest-tick">value [95% CI]</text>',
        "</svg>",
    ]
    return "\n".join(parts)


def forest_plot(claim: Claim, references: Mapping[str, Reference]) -> str:
    """The claim's forest plots (one per measure), or "" when no effect has a CI."""
    panels = _rows(claim, references)
    if not panels:
        return ""
    figures: list[str] = []
    for measure, rows in panels.items():
        caption = f"{measure.label.capitalize()}: {len(rows)} "
        caption += "estimate" if len(rows) == 1 else "estimates"
        caption += " with confidence intervals"
        if measure.no_effect is not None:
            caption += f"; the dashed line is no difference ({number(measure.no_effect)})"
        svg_id = f"nf-forest-{key_slug(claim.id)}-{measure.value}"
        svg = forest_svg(measure, rows, claim.title, svg_id)
        figures.append(
            f'<figure class="nf-forest-figure">\n{svg}\n'
            f"<figcaption>{esc(caption)}.</figcaption>\n</figure>"
        )
    return "\n".join(figures) + "\n"


def favours_sides(
    comparison: Comparison, effects: list[EffectEstimate]
) -> tuple[tuple[str, str] | None, str]:
    """The (left, right) favours labels for ``effects`` of one measure, and a note when they
    cannot be given: the estimates' ``favours`` say whether higher values favour the
    intervention (then it is on the right) or lower ones do (on the left)."""
    conventions = {c for c in map(convention, effects) if c is not None}
    intervention = f"favours {comparison.intervention}"
    comparator = f"favours {comparison.comparator}"
    if len(conventions) == 1:
        higher_is_better = conventions == {1}
        return ((comparator, intervention) if higher_is_better else (intervention, comparator)), ""
    if conventions:
        return None, "no favours labels: the estimates read the scale in opposite directions"
    return None, "no favours labels: no estimate records which arm it favours"


def _diamond(
    comparison: Comparison,
    row: OutcomeRow,
    items: tuple[Evidence, ...],
    measure: Measure,
    references: Mapping[str, Reference],
) -> tuple[ForestRow | None, str | None]:
    """The row's best estimate as a diamond on the ``measure`` plot, and the study whose own
    line it replaces (a cited meta-analysis is drawn once, as the diamond)."""
    estimate = best_estimate(comparison, row, items)
    if (
        estimate.kind not in {EstimateKind.META_ANALYSIS, EstimateKind.POOLED}
        or estimate.measure is not measure
        or estimate.value is None
        or estimate.ci is None
    ):
        return None, None
    if estimate.kind is EstimateKind.META_ANALYSIS:
        key = estimate.studies[0]
        label = f"{study_label(references.get(key), key)} (cited meta-analysis)"
        return ForestRow(label, estimate.value, *estimate.ci), key
    i2 = "" if estimate.i2 is None else f", I\u00b2 = {estimate.i2 * 100:.0f}%"
    label = f"Pooled here: random effects, {len(estimate.studies)} studies{i2}"
    value = float(f"{estimate.value:.3g}")
    low, high = (float(f"{bound:.3g}") for bound in estimate.ci)
    return ForestRow(label, value, low, high), None


def row_forest_plots(claim: Claim, references: Mapping[str, Reference]) -> str:
    """One figure per outcome row and measure (HTML with inline SVG), "" when no estimate of
    any row has a CI. Context estimates (no row) are never drawn."""
    figures: list[str] = []
    ordered = sorted(claim.comparisons, key=lambda comparison: not comparison.main)
    for comparison in ordered:
        for row in comparison.outcomes:
            figures += _row_figures(claim, comparison, row, references)
    return "\n".join(figures) + "\n" if figures else ""


def _row_figures(
    claim: Claim, comparison: Comparison, row: OutcomeRow, references: Mapping[str, Reference]
) -> list[str]:
    by_measure: dict[Measure, list[tuple[str, EffectEstimate]]] = {}
    for key, effect in row_estimates(comparison, row, claim.evidence):
        if effect.value is not None and effect.ci is not None:
            by_measure.setdefault(effect.measure, []).append((key, effect))
    figures: list[str] = []
    for measure, estimates in by_measure.items():
        pooled, drawn_as_diamond = _diamond(comparison, row, claim.evidence, measure, references)
        lines = [
            _row(study_label(references.get(key), key), effect, with_outcome=False)
            for key, effect in estimates
            if key != drawn_as_diamond
        ]
        favours, note = favours_sides(comparison, [effect for _, effect in estimates])
        title = f"{row.outcome}: {comparison.intervention} vs {comparison.comparator}"
        svg_id = f"nf-forest-{key_slug(claim.id)}-{comparison.id}-{row.id}-{measure.value}"
        svg = forest_svg(measure, lines, title, svg_id, pooled=pooled, favours=favours)
        count = len(estimates)
        caption = (
            f"{row.outcome} ({comparison.intervention} vs {comparison.comparator}): "
            f"{measure.label}, {count} {'estimate' if count == 1 else 'estimates'}"
        )
        if pooled is not None:
            caption += "; the diamond is the best estimate"
        if measure.no_effect is not None:
            caption += f"; the dashed line is no difference ({number(measure.no_effect)})"
        others = [other.label for other in by_measure if other is not measure]
        if others:
            caption += (
                "; this outcome also has estimates on another measure ("
                + ", ".join(others)
                + "), plotted separately: they cannot share an axis"
            )
        if note and measure.no_effect is not None:
            caption += f"; {note}"
        figures.append(
            f'<figure class="nf-forest-figure">\n{svg}\n'
            f"<figcaption>{esc(caption)}.</figcaption>\n</figure>"
        )
    return figures
