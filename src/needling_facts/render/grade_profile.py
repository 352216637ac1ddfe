"""GRADE evidence profiles per outcome row: every domain with its rating and reason.

A summary-of-findings table footnotes only the domains that moved certainty; a profile shows
all five (and any upgrade), so a reader sees what was judged "no concern" and why. One table
per outcome row, each under its comparison and outcome.
"""

from __future__ import annotations

from needling_facts.evidence.bodies import Comparison, OutcomeRow
from needling_facts.evidence.claim import Claim
from needling_facts.evidence.grade import UPGRADE_DOMAINS, GradeProfile, Upgrade, domain_label
from needling_facts.render.citations import inert, key_slug
from needling_facts.render.markup import esc
from needling_facts.render.sof import certainty_symbols, comparison_title

__all__ = ["grade_profiles", "row_profile"]


def _profile_rows(profile: GradeProfile) -> list[tuple[str, str, str, int]]:
    rows = [
        (domain_label(name), rating.concern.label, rating.reason, -rating.concern.levels)
        for name, rating in profile.domains()
    ]
    for name in UPGRADE_DOMAINS:
        upgrade: Upgrade | None = getattr(profile, name)
        if upgrade is not None:
            rows.append((domain_label(name), "upgrade", upgrade.reason, upgrade.levels))
    return rows


def row_profile(claim: Claim, comparison: Comparison, row: OutcomeRow) -> str:
    """One row's GRADE profile as an HTML table with a heading line."""
    result = row.grade.compute()
    lines = []
    for name, rating, reason, change in _profile_rows(row.grade):
        levels = f"{abs(change)} level{'s' if abs(change) > 1 else ''}"
        moved = "" if change == 0 else f" ({'down' if change < 0 else 'up'} {levels})"
        lines.append(
            f'<tr><th scope="row">{esc(name.capitalize())}</th>'
            f'<td data-label="Judgement">{esc(rating)}{moved}</td>'
            f'<td data-label="Reason">{inert(esc(reason))}</td></tr>'
        )
    certainty = row.grade.certainty
    anchor = f"grade-{key_slug(claim.id)}-{comparison.id}-{row.id}"
    return "\n".join(
        [
            f'<div class="nf-grade-profile" id="{anchor}">',
            f'<p class="nf-grade-profile-title"><strong>{inert(esc(row.outcome))}</strong> '
            f"({esc(row.importance.value)}): "
            f'<span class="nf-grade-symbols" aria-hidden="true">{certainty_symbols(certainty)}'
            f"</span> {esc(certainty.label)}</p>",
            '<table class="nf-grade-table">',
            '<thead><tr><th scope="col">Domain</th><th scope="col">Judgement</th>'
            '<th scope="col">Reason</th></tr></thead>',
            "<tbody>",
            *lines,
            "</tbody>",
            "</table>",
            f'<p class="nf-grade-profile-note">Judged from the '
            f"{esc(row.grade.judged_from.label)}; {esc(result.explanation)}.</p>",
            "</div>",
        ]
    )


def grade_profiles(claim: Claim) -> str:
    """The profiles of every outcome row, grouped by comparison (Markdown headings and HTML);
    "" for a claim without comparisons (its one profile is in the summary's footnotes)."""
    if not claim.comparisons:
        return ""
    blocks: list[str] = []
    ordered = sorted(claim.comparisons, key=lambda comparison: not comparison.main)
    for comparison in ordered:
        blocks.append(f"### {inert(esc(comparison_title(comparison)))}")
        blocks.extend(row_profile(claim, comparison, row) for row in comparison.outcomes)
    return "\n\n".join(blocks)
