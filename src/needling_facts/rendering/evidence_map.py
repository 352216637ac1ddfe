"""The evidence map: an SVG of every claim against its certainty, drawn at build time."""

from __future__ import annotations

import math
from collections.abc import Callable

from ..library import Library
from ..models import Certainty, Verdict
from .markup import esc

__all__ = ["evidence_map_svg"]

VERDICT_COLOURS = {
    Verdict.SUPPORTED: "#1b7f3b",
    Verdict.PARTLY_SUPPORTED: "#b7791f",
    Verdict.NOT_SUPPORTED: "#6b7280",
    Verdict.CONTRADICTED: "#b91c1c",
    Verdict.NOT_IN_ARTICLE: "#1d4ed8",
}

_ROW = 28
_LABEL = 330
_COLUMN = 110
_TOP = 48


def evidence_map_svg(library: Library, claim_url: Callable[[str], str]) -> str:
    """One row per claim; the marker sits in its certainty column, sized by its number of
    studies and coloured by the verdict on the article's wording. Needs no JavaScript."""
    claims = sorted(library.filter(), key=lambda c: (-c.certainty.rank, c.title))
    columns = list(reversed(Certainty))  # very low ... high, left to right
    width = _LABEL + _COLUMN * len(columns) + 20
    height = _TOP + _ROW * max(len(claims), 1) + 56
    parts = [
        f'<svg class="nf-evidence-map" xmlns="http://www.w3.org/2000/svg" role="img" '
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
        studies = len(claim.cited_keys)
        radius = 4 + 3 * math.sqrt(studies)
        label = claim.title if len(claim.title) <= 48 else claim.title[:47] + "\u2026"
        tip = (
            f"{claim.title}: {claim.certainty.label} certainty, {claim.verdict.label}, "
            f"{studies} studies, {claim.participants} participants reported"
        )
        parts.append(
            f'<a href="{esc(claim_url(claim.id))}"><title>{esc(tip)}</title>'
            f'<text x="{_LABEL - 10}" y="{y + 4}" text-anchor="end" class="nf-map-label">'
            f"{esc(label)}</text>"
            f'<circle cx="{x}" cy="{y}" r="{radius:.1f}" '
            f'fill="{VERDICT_COLOURS[claim.verdict]}" fill-opacity="0.85"/></a>'
        )
    legend_y = _TOP + _ROW * len(claims) + 30
    x = 10
    for verdict, colour in VERDICT_COLOURS.items():
        parts.append(f'<circle cx="{x + 6}" cy="{legend_y - 4}" r="6" fill="{colour}"/>')
        parts.append(
            f'<text x="{x + 18}" y="{legend_y}" class="nf-map-legend">{esc(verdict.label)}</text>'
        )
        x += 150
    parts.append("</svg>")
    return "".join(parts)
