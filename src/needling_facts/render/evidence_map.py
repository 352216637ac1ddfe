"""The evidence map: an SVG of every claim against its certainty, drawn at build time."""

from __future__ import annotations

import math
from collections.abc import Callable

from needling_facts.evidence.grade import Certainty
from needling_facts.evidence.vocabulary import Verdict
from needling_facts.library import Library
from needling_facts.render.markup import esc

__all__ = ["evidence_map_svg"]

VERDICT_COLOURS = {
    # The verdict badges' colours: each at least 7:1 against white, 3:1 against the page.
    Verdict.SUPPORTED: "#166534",
    Verdict.PARTLY_SUPPORTED: "#92400e",
    Verdict.NOT_SUPPORTED: "#4b5563",
    Verdict.CONTRADICTED: "#991b1b",
    Verdict.NOT_IN_ARTICLE: "#111827",
}
SIZE_LEGEND = (1, 5, 10)
"""Numbers of studies drawn in the marker-size legend."""

_ROW = 36
_LABEL = 360
_LINE = 46  # characters per label line; longer titles wrap onto a second line, never cut
_COLUMN = 110
_TOP = 48


def evidence_map_svg(library: Library, claim_url: Callable[[str], str]) -> str:
    """One row per claim; the marker sits in its certainty column, sized by its number of
    studies and coloured by the verdict on the article's wording. Needs no JavaScript."""
    claims = sorted(library.filter(), key=lambda c: (-c.certainty.rank, c.title))
    columns = list(reversed(Certainty))  # very low ... high, left to right
    width = _LABEL + _COLUMN * len(columns) + 20
    height = _TOP + _ROW * max(len(claims), 1) + 96
    # role="group", not "img": the map holds links, and an image may not contain controls.
    parts = [
        f'<svg class="nf-evidence-map" xmlns="http://www.w3.org/2000/svg" role="group" '
        f'viewBox="0 0 {width} {height}" width="100%" '
        f'aria-labelledby="nf-map-title nf-map-desc">',
        '<title id="nf-map-title">Evidence map</title>',
        '<desc id="nf-map-desc">Each claim is placed at the certainty of its evidence; the '
        "marker grows with the number of studies and its colour shows the verdict.</desc>",
    ]
    for index, certainty in enumerate(columns):
        x = _LABEL + _COLUMN * index + _COLUMN // 2
        parts.append(
            f'<text x="{x}" y="{_TOP - 18}" text-anchor="middle" class="nf-map-axis">'
            f"{esc(certainty.label)}</text>"
        )
        parts.append(
            f'<line x1="{x}" y1="{_TOP - 8}" x2="{x}" y2="{_TOP + _ROW * len(claims)}" '
            'stroke="currentColor" stroke-opacity="0.15"/>'
        )
    for row, claim in enumerate(claims):
        y = _TOP + _ROW * row + _ROW // 2
        x = _LABEL + _COLUMN * columns.index(claim.certainty) + _COLUMN // 2
        totals = claim.totals  # the count the claim page and the overview print
        studies = totals.studies
        radius = _radius(studies)
        lines = _wrap(claim.title)
        first_y = y + 4 - 7 * (len(lines) - 1)
        label = "".join(
            f'<tspan x="{_LABEL - 10}" y="{first_y + 14 * n}">{esc(text)}</tspan>'
            for n, text in enumerate(lines)
        )
        tip = (
            f"{claim.title}: {claim.certainty.label} certainty, {claim.verdict.label}, "
            f"{totals.describe()}"
        )
        parts.append(
            f'<a href="{esc(claim_url(claim.id))}"><title>{esc(tip)}</title>'
            f'<text text-anchor="end" class="nf-map-label">{label}</text>'
            f'<circle cx="{x}" cy="{y}" r="{radius:.1f}" '
            f'fill="{VERDICT_COLOURS[claim.verdict]}"/></a>'
        )
    legend_y = _TOP + _ROW * len(claims) + 30
    x = 10
    for verdict, colour in VERDICT_COLOURS.items():
        parts.append(f'<circle cx="{x + 6}" cy="{legend_y - 4}" r="6" fill="{colour}"/>')
        parts.append(
            f'<text x="{x + 18}" y="{legend_y}" class="nf-map-legend">{esc(verdict.label)}</text>'
        )
        x += 150
    size_y = legend_y + 36
    parts.append(f'<text x="10" y="{size_y}" class="nf-map-legend">Marker size:</text>')
    x = 110
    for studies in SIZE_LEGEND:
        radius = _radius(studies)
        parts.append(
            f'<circle cx="{x + radius:.1f}" cy="{size_y - 4}" r="{radius:.1f}" fill="none" '
            'stroke="currentColor"/>'
        )
        text = f"{studies} {'study' if studies == 1 else 'studies'}"
        parts.append(
            f'<text x="{x + 2 * radius + 6:.1f}" y="{size_y}" class="nf-map-legend">{text}</text>'
        )
        x += int(2 * radius) + 90
    parts.append("</svg>")
    return "".join(parts)


def _radius(studies: int) -> float:
    return 4 + 3 * math.sqrt(studies)


def _wrap(title: str) -> list[str]:
    """A claim title on at most two lines of about ``_LINE`` characters, split between words."""
    if len(title) <= _LINE:
        return [title]
    cut = title.rfind(" ", 0, _LINE + 1)
    cut = cut if cut > 0 else _LINE
    return [title[:cut], title[cut:].strip()]
