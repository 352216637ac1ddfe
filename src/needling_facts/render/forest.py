"""Forest plots as inline SVG: one panel per measure, each effect with its confidence interval.

Drawn in a 360-unit-wide viewBox, the text column of a 390 px phone, so at 100% width the text
is 12 px there and grows (up to a cap) on wider screens. Ratios are drawn on a log scale.
Text labels, no JavaScript.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass

from needling_facts.evidence.claim import Claim
from needling_facts.evidence.effects import EffectEstimate, Measure
from needling_facts.evidence.reference import Reference
from needling_facts.render.citations import key_slug
from needling_facts.render.labels import number, study_label
from needling_facts.render.markup import esc

__all__ = ["ForestRow", "forest_plot", "forest_svg"]

WIDTH = 360
_SIDE = 8
_PLOT_RIGHT = 222
_ROW = 46
_LINE = 15
_TOP = 6
_AXIS = 44
_LABEL_CHARS = 53


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


def _row(study: str, effect: EffectEstimate) -> ForestRow:
    # The caller keeps only effects with a value and a CI.
    assert effect.ci is not None
    assert effect.value is not None
    context = effect.outcome + (f", {effect.timepoint}" if effect.timepoint else "")
    level = "" if effect.level == 0.95 else f"{effect.level * 100:g}% CI"
    return ForestRow(f"{study} \u00b7 {context}", effect.value, *effect.ci, note=level)


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


def forest_svg(measure: Measure, rows: list[ForestRow], title: str, svg_id: str) -> str:
    """One forest panel for effects that share ``measure``; ``svg_id`` is unique on the page."""
    no_effect = measure.no_effect
    values = [v for row in rows for v in (row.low, row.high, row.value)]
    if no_effect is not None:
        values.append(no_effect)
    scale = _Scale(values, log=measure.is_ratio)
    bottom = _TOP + sum(_row_height(row) for row in rows)
    height = bottom + _AXIS
    axis = measure.label + (" (log scale)" if measure.is_ratio else "")
    title_id = f"{svg_id}-title"
    parts = [
        f'<svg class="nf-forest" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" aria-labelledby="{title_id}">',
        f'<title id="{title_id}">{esc(title)}: {esc(axis)}</title>',
    ]
    top = _TOP
    for row in rows:
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
            f'<line x1="{x_low:.1f}" y1="{y}" x2="{x_high:.1f}" y2="{y}" '
            'stroke="currentColor" stroke-width="2"/>',
            f'<rect x="{x_value - 4:.1f}" y="{y - 4}" width="8" height="8" fill="currentColor"/>',
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
    parts += [
        f'<text x="{_SIDE}" y="{bottom + 37}" class="nf-forest-axis">{esc(axis)}</text>',
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
