"""Risk-of-bias tables: per claim (one row per study) and per reference (its judgements once).

Every judgement is printed as a word; the colour (``.nf-rob-<level>`` in ``handbook.css``)
only repeats it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from needling_facts.evidence.claim import Claim
from needling_facts.evidence.item import Evidence
from needling_facts.evidence.reference import Reference
from needling_facts.evidence.risk_of_bias import (
    ROB2_DOMAINS,
    ROBINS_I_DOMAINS,
    Judgement,
    RiskOfBias,
    RobTool,
    judgement_label,
)
from needling_facts.library import Library
from needling_facts.render.citations import key_slug
from needling_facts.render.labels import study_label
from needling_facts.render.markup import esc

__all__ = [
    "judgements_of",
    "reference_risk_of_bias",
    "risk_of_bias_table",
]

_COLUMNS: dict[RobTool, tuple[str, ...]] = {
    RobTool.ROB2: ROB2_DOMAINS,
    RobTool.ROBINS_I: ROBINS_I_DOMAINS,
    RobTool.AMSTAR2: (),  # 16 free-named items: shown per reference, not as columns
}


def _chip(rob: RiskOfBias, judgement: Judgement | None = None, reason: str = "") -> str:
    """A judgement as a word in a coloured chip: a domain's, or the overall one by default."""
    if judgement is None:
        if rob.overall is None:
            return '<span class="nf-rob nf-rob-unclear">not judged</span>'
        level, words = rob.level(), rob.overall_label()
    else:
        level, words = rob.domain_level(judgement), judgement_label(rob.tool, judgement)
    title = f' title="{esc(reason)}"' if reason else ""
    return f'<span class="nf-rob nf-rob-{level.value}"{title}>{esc(words)}</span>'


def _domain_label(name: str) -> str:
    """``missing-data`` -> ``Missing data``."""
    text = name.replace("-", " ")
    return text[:1].upper() + text[1:]


def risk_of_bias_table(
    claim: Claim,
    references: Mapping[str, Reference],
    bibliography_url: str = "../../bibliography/",
) -> str:
    """Risk of bias of the claim's studies, one table per tool; "" when none is recorded."""
    by_tool: dict[RobTool, list[Evidence]] = {}
    seen: set[str] = set()
    for item in claim.evidence:
        if item.risk_of_bias is not None and item.ref not in seen:
            seen.add(item.ref)
            by_tool.setdefault(item.risk_of_bias.tool, []).append(item)
    if not by_tool:
        return ""
    parts = ['<div class="nf-rob-tables">']
    for tool in (RobTool.ROB2, RobTool.ROBINS_I, RobTool.AMSTAR2):
        items = by_tool.get(tool)
        if items:
            parts.append(_tool_table(tool, items, references, bibliography_url))
    missing = by_tool.get(RobTool.NOT_ASSESSED, [])
    if missing:
        parts.append('<p class="nf-rob-not-assessed"><strong>Not assessed:</strong></p><ul>')
        for item in missing:
            label = study_label(references.get(item.ref), item.ref)
            reason = item.risk_of_bias.reason if item.risk_of_bias else ""
            parts.append(f"<li>{esc(label)}: {esc(reason)}</li>")
        parts.append("</ul>")
    parts.append("</div>")
    return "\n".join(parts) + "\n"


def _tool_table(
    tool: RobTool,
    items: list[Evidence],
    references: Mapping[str, Reference],
    bibliography_url: str,
) -> str:
    columns = _COLUMNS[tool]
    head = ['<th scope="col">Study</th>']
    head += [f'<th scope="col">{esc(_domain_label(name))}</th>' for name in columns]
    head += ['<th scope="col">Overall</th>', '<th scope="col">Judged from</th>']
    rows: list[str] = []
    for item in items:
        rob = item.risk_of_bias
        assert rob is not None  # grouped by tool above
        label = study_label(references.get(item.ref), item.ref)
        link = f"{bibliography_url}#rob-{key_slug(item.ref)}"
        cells = [f'<th scope="row"><a href="{esc(link)}">{esc(label)}</a></th>']
        judged = {d.domain: d for d in rob.domains}
        for name in columns:
            found = judged.get(name)
            cells.append(
                f'<td data-label="{esc(_domain_label(name))}">'
                + (_chip(rob, found.judgement, found.reason) if found else "&ndash;")
                + "</td>"
            )
        cells.append(f'<td data-label="Overall">{_chip(rob)}</td>')
        source = rob.judged_from.label if rob.judged_from else ""
        cells.append(f'<td data-label="Judged from">{esc(source)}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f'<div class="nf-scroll"><table class="nf-rob-table">'
        f"<caption>Risk of bias ({esc(tool.label)})</caption>"
        f"<thead><tr>{''.join(head)}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def judgements_of(library: Library, key: str) -> list[tuple[RiskOfBias, tuple[str, ...]]]:
    """Each distinct risk-of-bias record of reference ``key``, with the claims that hold it."""
    found: dict[RiskOfBias, list[str]] = {}
    for claim in library.citing_claims(key):
        for item in claim.evidence:
            if item.ref == key and item.risk_of_bias is not None:
                claims = found.setdefault(item.risk_of_bias, [])
                if claim.id not in claims:
                    claims.append(claim.id)
    return [(rob, tuple(claims)) for rob, claims in found.items()]


def reference_risk_of_bias(
    library: Library, key: str, claim_href: Callable[[str], str] | None = None
) -> str:
    """The reference's risk-of-bias judgements with their reasons, shown once (for its entry
    in the bibliography, anchored ``rob-<key>``); "" when it has none. ``claim_href`` turns a
    claim id into its URL from the bibliography (default: directory URLs)."""
    href = claim_href or (lambda cid: f"../claims/{cid}/")
    records = judgements_of(library, key)
    if not records:
        return ""
    parts = [f'<div class="nf-rob-ref" id="rob-{key_slug(key)}">']
    for rob, claim_ids in records:
        cited = ", ".join(
            f'<a href="{esc(href(cid))}">{esc(library.claim(cid).title)}</a>' for cid in claim_ids
        )
        if not rob.is_assessed:
            parts.append(
                f"<p><strong>Risk of bias:</strong> not assessed ({esc(rob.reason or '')}); "
                f"as cited in {cited}.</p>"
            )
            continue
        source = rob.judged_from.label if rob.judged_from else "unstated source"
        parts.append(
            f"<p><strong>Risk of bias</strong> ({esc(rob.tool.label)}, judged from the "
            f"{esc(source)}; as cited in {cited}): {_chip(rob)} overall.</p>"
        )
        if rob.domains:
            parts.append('<ul class="nf-rob-domains">')
            for domain in rob.domains:
                parts.append(
                    f"<li>{esc(_domain_label(domain.domain))}: "
                    f"{_chip(rob, domain.judgement)} &ndash; {esc(domain.reason)}</li>"
                )
            parts.append("</ul>")
    parts.append("</div>")
    return "\n".join(parts)
