"""Generated handbook pages as Markdown strings: claims, outcomes, overview, bibliography.

Pure functions of the library: no MkDocs here. Links between generated pages are relative
``.md`` links, so any Markdown site generator can resolve them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence

from needling_facts.evidence.claim import Claim, ScarClaim
from needling_facts.evidence.reference import Reference
from needling_facts.evidence.vocabulary import Outcome
from needling_facts.export.jsonld import claim_jsonld, script_tag
from needling_facts.library import Library
from needling_facts.render.citations import inert, key_slug
from needling_facts.render.csl import FormattedReference
from needling_facts.render.evidence_sections import (  # issue 9
    claim_detail_sections,
    claim_summary_section,
)
from needling_facts.render.labels import study_label
from needling_facts.render.markers import RAW_END, RAW_START
from needling_facts.render.markup import badge, cell, esc, reference_links
from needling_facts.render.retraction import claim_retraction_notice, reference_notices
from needling_facts.render.rob import reference_risk_of_bias  # issue 9
from needling_facts.sources.citation_syntax import parse_key

__all__ = [
    "bibliography_page",
    "claim_page",
    "claim_path",
    "claims_index_page",
    "diagnostics_table",
    "outcome_page",
    "outcome_path",
    "overview_table",
]


def claim_path(claim_id: str) -> str:
    return f"claims/{claim_id}.md"


def outcome_path(outcome: Outcome) -> str:
    return f"outcomes/{outcome.value}.md"


def citation(key: str, locator: str | None = None) -> str:
    """``[@key, locator]`` in pandoc syntax, with the locator escaped so that any text (a ``;``,
    brackets, an ``@``) stays part of it, and a key outside the simple syntax braced."""
    shown = key if parse_key(key, 0, len(key)) == (key, len(key)) else "{" + key + "}"
    text = ""
    if locator:
        words = " ".join(locator.split())
        text = ", " + re.sub(r"([\\\[\];@`])", r"\\\1", words)
    return f"[@{shown}{text}]"


def _studies(claim: Claim) -> int:
    return len(claim.cited_keys)


def overview_table(library: Library, prefix: str = "") -> str:
    """Every claim with outcome, certainty, verdict and number of studies."""
    rows = [
        "| Claim | Outcome | Certainty | Verdict on the article's wording | Studies |",
        "|---|---|---|---|---:|",
    ]
    for claim in sorted(library.filter(), key=lambda c: (c.outcome.label, c.title)):
        rows.append(
            f"| [{cell(claim.title)}]({prefix}{claim_path(claim.id)}) "
            f"| [{cell(claim.outcome.label)}]({prefix}{outcome_path(claim.outcome)}) "
            f"| {badge(claim.certainty)} | {badge(claim.verdict)} | {_studies(claim)} |"
        )
    return "\n".join(rows) + "\n"


def _range_rows(claim: Claim) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for label, value in (
        ("Population", claim.population),
        ("Intervention", claim.intervention),
        ("Comparator", claim.comparator),
    ):
        if value:
            rows.append((label, esc(value)))
    if isinstance(claim, ScarClaim):
        rows.append(("Scar types", ", ".join(esc(t.value) for t in claim.scar_types)))
    if claim.skin_types:
        rows.append(("Fitzpatrick skin types", ", ".join(t.value for t in claim.skin_types)))
    protocol = claim.protocol
    for label, number, unit in (
        ("Sessions", protocol.sessions, ""),
        ("Interval", protocol.interval_weeks, " weeks"),
        ("Needle depth", protocol.needle_depth_mm, " mm"),
    ):
        if number is not None:
            rows.append((label, f"{number}{unit}"))
    return rows


def _short(reference: Reference | None, key: str) -> str:
    """``Alam 2014`` for a table cell; the key itself when the reference is unknown."""
    return cell(study_label(reference, key))


def claim_page(claim: Claim, references: Mapping[str, Reference]) -> str:
    """The page for one claim; citations stay as ``[@key]`` for the citation renderer."""
    lines = [
        "---",
        f"title: {_yaml_string(esc(claim.title))}",
        f"description: {_yaml_string(esc(claim.statement))}",
        "---",
        "",
        f"# {esc(claim.title)}",
        "",
    ]
    if claim.is_withdrawn:
        reason = f" {esc(claim.withdrawn_reason)}" if claim.withdrawn_reason else ""
        lines += [f'!!! warning "Withdrawn"\n    This claim is withdrawn.{reason}', ""]
    if notice := claim_retraction_notice(claim, references):
        lines += [notice]
    lines += [
        # A Markdown link to the outcome's source file: the engine turns it into the right URL
        # whatever its URL scheme (use_directory_urls or not).
        f"{badge(claim.certainty)} {badge(claim.verdict)} "
        f"[{inert(esc(claim.outcome.label))}](../{outcome_path(claim.outcome)})"
        "{ .nf-badge .nf-outcome }",
        "{ .nf-badges }",
        "",
        f'<p class="nf-statement">{esc(claim.statement)}</p>',
        "",
        '<div class="nf-compare" markdown>',
        '<div class="nf-compare-side" markdown>',
        "**The article says**",
        "",
        (
            f"<blockquote>{esc(claim.article_wording)}</blockquote>"
            if claim.article_wording
            else "<p>Nothing: the article does not make this claim. It is here because "
            "readers ask about it.</p>"
        ),
        "</div>",
        '<div class="nf-compare-side" markdown>',
        "**What the evidence says**",
        "",
        (
            f"Verdict on the article's wording: **{esc(claim.verdict.label)}**. "
            if claim.in_article
            else ""
        )
        + f"Certainty of the evidence: **{esc(claim.certainty.label)}**, from "
        f"{claim.totals.describe_counts()} that support or contradict it "
        f"({claim.totals.overlap_note or 'each study counted once'}; "
        f"{len(claim.cited_keys)} cited in all).",
        "</div>",
        "</div>",
        "",
        *claim_summary_section(claim, references),  # issue 9: summary of findings
        "## Evidence",
        "",
    ]
    if claim.evidence:
        # In a <div> so the stylesheet can stack the rows on a phone (no sideways scrolling).
        lines += ['<div class="nf-evidence" markdown>', ""]
        lines += ["| Study | Design | n | What it found | Stance |", "|---|---|---:|---|---|"]
        for item in claim.evidence:
            study = _short(references.get(item.ref), item.ref)
            lines.append(
                f"| {study} {citation(item.ref, item.locator)} "
                f"| {cell(item.design.label)} "
                f"| {item.participants or '&ndash;'} | {cell(item.finding)} "
                f'| <span class="nf-stance nf-stance-{item.stance.value}">'
                f"{item.stance.value}</span> |"
            )
        lines += ["", "</div>"]
    else:
        lines.append("No clinical study was found for this claim.")
    lines += claim_detail_sections(claim, references)  # issue 9: forest plot, risk of bias
    lines += ["", "## What the studies show", "", _escape_prose(claim.body).strip(), ""]
    for heading, items in (
        ("Caveats", claim.caveats),
        ("Contraindications", claim.contraindications),
    ):
        if items:
            lines += [f"## {heading}", ""] + [f"- {esc(item)}" for item in items] + [""]
    details = _range_rows(claim)
    if details:
        lines += ["## Population and protocol", "", "| Aspect | As reported |", "|---|---|"]
        lines += [f"| {label} | {value} |" for label, value in details] + [""]
    lines += [
        f'<p class="nf-reviewed">Last reviewed {claim.last_reviewed.isoformat()} · '
        f"claim id <code>{esc(claim.id)}</code></p>",
        "",
        script_tag(claim_jsonld(claim, references)),
        "",
    ]
    return "\n".join(lines)


def _escape_prose(body: str) -> str:
    """Prose is Markdown, but raw HTML from a claim file is shown as text, never run."""
    return body.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _yaml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def diagnostics_table() -> str:
    """Every diagnostic code with its severity, meaning and an input that triggers it."""
    from needling_facts.diagnostics import CODES

    rows = ["| Code | Severity | Meaning | Example |", "|---|---|---|---|"]
    for info in CODES.values():
        example = cell(info.example).replace("\n", " ")
        rows.append(
            f'| <code id="{esc(info.code)}">{esc(info.code)}</code> | {info.severity.value} '
            f"| {cell(info.summary)} | <code>{example}</code> |"
        )
    return "\n".join(rows) + "\n"


def outcome_page(library: Library, outcome: Outcome) -> str:
    claims = library.filter(outcome=outcome, include_withdrawn=True)
    lines = [f"# {esc(outcome.label)}", ""]
    if not claims:
        lines.append("No claim about this outcome yet.")
    for claim in claims:
        lines += [
            f"## [{esc(claim.title)}](../{claim_path(claim.id)})",
            "",
            f"{badge(claim.certainty)} {badge(claim.verdict)}"
            + (' <span class="nf-badge">withdrawn</span>' if claim.is_withdrawn else ""),
            "",
            esc(claim.statement),
            "",
        ]
    return "\n".join(lines) + "\n"


def claims_index_page(library: Library) -> str:
    return "# All claims\n\n" + overview_table(library, prefix="../") + "\n"


def bibliography_page(
    library: Library,
    formatted: Mapping[str, FormattedReference],
    cited_by: Mapping[str, Sequence[tuple[str, str]]] | None = None,
    *,
    keys: Iterable[str] | None = None,
    url: Callable[[str], str] | None = None,
) -> str:
    """References in the configured style, with links and the pages that cite each.

    ``cited_by`` maps a key to ``(page source path, page title)`` pairs. By default the links
    to those pages are Markdown links from ``bibliography.md``, so any engine resolves them;
    an engine adapter that knows its URLs passes ``url`` (a page's source path to its URL
    relative to the bibliography) and gets the list as plain HTML, which is much faster to
    build for thousands of entries. ``keys`` limits the page to those references (e.g. only
    the cited ones); by default every reference is shown.
    """
    shown_keys = set(library.references) if keys is None else set(keys)
    references = {k: r for k, r in library.references.items() if k in shown_keys}
    lines = [
        # Out of Material's search index: every entry is already found through the reference
        # list of each page that cites it, and indexing thousands of entries dominates a build.
        "---",
        "search:",
        "  exclude: true",
        "---",
        "",
        "# Bibliography",
        "",
        f"{len(references)} works, each with the pages that cite it.",
        "",
    ]
    if url is not None:
        lines.append(RAW_START)
    claim_href = None if url is None else (lambda cid: url(claim_path(cid)))
    for key, reference in sorted(
        references.items(),
        key=lambda kv: ((kv[1].authors[0].family if kv[1].authors else kv[0]).lower(), kv[0]),
    ):
        shown = formatted[key].html if key in formatted else esc(key)
        rob = reference_risk_of_bias(library, key, claim_href)  # shown once, here
        notices = (reference_notices(reference) + " ").lstrip()
        citers = (cited_by or {}).get(key, ())
        entry = (
            f'<p class="nf-ref" id="ref-{key_slug(key)}">{shown} {notices}'
            f"{reference_links(reference)} "
            f'<code class="nf-key">{esc(key)}</code></p>'
        )
        if url is not None:
            links = ", ".join(
                f'<a href="{esc(url(path))}#cite-{key_slug(key)}">{esc(title)}</a>'
                for path, title in citers
            )
            cited = f"Cited by: {links}" if citers else "Not cited on any page."
            lines.append(f'{entry}\n<p class="nf-cited-by">{cited}</p>{rob}')
            continue
        backlinks = (
            "Cited by: "
            + ", ".join(
                f"[{inert(esc(title))}]({path}#cite-{key_slug(key)})" for path, title in citers
            )
            if citers
            else "Not cited on any page."
        )
        # The entry is a raw HTML block (Markdown leaves it alone); only the back-links are
        # Markdown, so that the engine resolves them.
        lines += [entry, "", backlinks, "{ .nf-cited-by }", ""]
        if rob:
            lines += [rob, ""]
    if url is not None:
        lines.append(RAW_END)
    return "\n".join(lines) + "\n"
