"""The sections of a claim page, in the order a reader meets them.

Each section is a pure function ``(claim, context) -> str`` that returns one Markdown block,
or ``""`` when it has nothing to show; `CLAIM_SECTIONS` orders them and
`needling_facts.render.pages.claim_page` joins their blocks. A new piece of the page is one
function here, its place in `CLAIM_SECTIONS`, and its rules in ``handbook.css``.

Citations stay as ``[@key]``: the citations renderer numbers them and adds the page's
reference list after the last section, since numbering needs the whole page.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from needling_facts.evidence.claim import Claim
from needling_facts.evidence.fields import shown_values
from needling_facts.evidence.reference import Reference
from needling_facts.evidence.search import SearchRecord
from needling_facts.export.jsonld import claim_jsonld, script_tag
from needling_facts.render.citation_meta import (
    HANDBOOK_NAME,
    ama_citation,
    claim_csl_json,
    claim_meta,
    csl_json_text,
)
from needling_facts.render.citations import inert
from needling_facts.render.currency import claim_currency
from needling_facts.render.evidence_table import evidence_table as evidence_table_html
from needling_facts.render.forest import forest_plot, row_forest_plots
from needling_facts.render.grade_profile import grade_profiles as grade_profiles_html
from needling_facts.render.markup import badge, cell, esc
from needling_facts.render.paths import outcome_path
from needling_facts.render.retraction import claim_retraction_notice
from needling_facts.render.rob import risk_of_bias_table
from needling_facts.render.sof import (
    context_estimates,
    overall_certainty_reason,
    overall_certainty_text,
    summary_of_findings,
    totals_text,
)

__all__ = ["CLAIM_SECTIONS", "PageContext", "Section"]


@dataclass(frozen=True, slots=True)
class PageContext:
    """What a section may need besides its claim: the same for every section of a page."""

    references: Mapping[str, Reference]
    """Every reference the library knows, by key (a section looks up the ones it cites)."""
    search: SearchRecord | None = None
    """The claim's saved searches and screening log, when it has a search file."""
    site_name: str = HANDBOOK_NAME
    """The handbook's name, as a citation of one of its pages gives it."""
    page_url: str | None = None
    """The page's absolute URL, when the site's address is known (``site_url``)."""
    bibliography_url: str = "../../bibliography/"
    """The bibliography's URL from this page, as raw HTML links it (by default MkDocs'
    directory URLs; ``../bibliography.md`` on engines that resolve source paths)."""


Section = Callable[[Claim, PageContext], str]
"""A claim-page section: the claim and its page context in, a Markdown block (or "") out."""


def _yaml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _yaml_data(value: str) -> str:
    """``value`` as a YAML double-quoted string (JSON's escapes are YAML's) holding no markup
    character, so that no engine can take front matter it does not read for HTML."""
    quoted = json.dumps(value)
    return quoted.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _escape_prose(body: str) -> str:
    """Prose is Markdown, but raw HTML from a claim file is shown as text, never run."""
    return body.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def front_matter(claim: Claim, context: PageContext) -> str:
    """The title and description the engine gives the page's ``<title>`` and search results,
    and the page's Highwire ``citation`` tags as (name, content) pairs (raw text) for a theme
    override to put in ``<head>`` on engines without our plugin (``engines/overrides``).

    Each pair is a YAML block sequence, not ``[name, content]``: Zensical's
    ``unresolved_references`` check reads front matter as Markdown and would take every
    bracket for a link reference."""
    citation = claim_meta(claim, site_name=context.site_name, url=context.page_url)
    pairs = [f"  - - {name}\n    - {_yaml_data(content)}" for name, content in citation]
    return "\n".join(
        [
            "---",
            f"title: {_yaml_string(esc(claim.title))}",
            f"description: {_yaml_string(esc(claim.statement))}",
            "citation:",
            *pairs,
            "---",
        ]
    )


def title(claim: Claim, context: PageContext) -> str:
    """The claim's title as the page's heading."""
    return f"# {esc(claim.title)}"


def withdrawn_notice(claim: Claim, context: PageContext) -> str:
    """A warning that the claim is withdrawn, with the reason given."""
    if not claim.is_withdrawn:
        return ""
    reason = f" {esc(claim.withdrawn_reason)}" if claim.withdrawn_reason else ""
    return f'!!! warning "Withdrawn"\n    This claim is withdrawn.{reason}'


def retraction_notice(claim: Claim, context: PageContext) -> str:
    """A danger notice naming each retracted study the evidence cites."""
    return claim_retraction_notice(claim, context.references)


def badges(claim: Claim, context: PageContext) -> str:
    """Certainty, verdict and outcome as a row of badges; the outcome badge links its page."""
    # A Markdown link to the outcome's source file: the engine turns it into the right URL
    # whatever its URL scheme (use_directory_urls or not).
    return (
        f"{badge(claim.certainty)} {badge(claim.verdict)} "
        f"[{inert(esc(claim.outcome.label))}](../{outcome_path(claim.outcome)})"
        "{ .nf-badge .nf-outcome }\n"
        "{ .nf-badges }"
    )


def statement(claim: Claim, context: PageContext) -> str:
    """The claim in one plain-language sentence."""
    return f'<p class="nf-statement">{esc(claim.statement)}</p>'


def article_and_evidence(claim: Claim, context: PageContext) -> str:
    """Side by side: what the article says, and the verdict and certainty of the evidence."""
    article = (
        f"<blockquote>{esc(claim.article_wording)}</blockquote>"
        if claim.article_wording
        else "<p>Nothing: the article does not make this claim. It is here because "
        "readers ask about it.</p>"
    )
    verdict = (
        f"Verdict on the article's wording: **{esc(claim.verdict.label)}**. "
        if claim.in_article
        else ""
    )
    totals = claim.totals
    if claim.comparisons:
        # Bodies of evidence: the certainty follows from the critical rows, the totals count
        # the rows' studies (one function, `Claim.totals`, as on the overview and the map).
        evidence = (
            f"{verdict}Certainty of the evidence: **{esc(claim.certainty.label)}**, "
            f"{inert(esc(overall_certainty_reason(claim)))} Participants (studies) in "
            f"its outcome rows: {inert(esc(totals_text(totals, context.references)))}; "
            f"{len(claim.cited_keys)} cited in all."
        )
    else:
        evidence = (
            f"{verdict}Certainty of the evidence: **{esc(claim.certainty.label)}**, from "
            f"{totals.describe_counts()} that support or contradict it "
            f"({totals.overlap_note or 'each study counted once'}; "
            f"{len(claim.cited_keys)} cited in all)."
        )
    return "\n".join(
        [
            '<div class="nf-compare" markdown>',
            '<div class="nf-compare-side" markdown>',
            "**The article says**",
            "",
            article,
            "</div>",
            '<div class="nf-compare-side" markdown>',
            "**What the evidence says**",
            "",
            evidence,
            "</div>",
            "</div>",
        ]
    )


def summary_of_findings_table(claim: Claim, context: PageContext) -> str:
    """The GRADE summary-of-findings tables, one per comparison; then the estimates that
    belong to no outcome row, under their own heading (never in a table)."""
    blocks = ["## Summary of findings", summary_of_findings(claim, context.references).rstrip()]
    listed = context_estimates(claim, context.references)
    if listed:
        blocks += [
            "### Context (not in the summary)",
            '<p class="nf-sof-notes">Estimates the studies report that belong to none of the '
            "comparisons and outcomes above: shown for context, not counted or graded.</p>",
            listed.rstrip(),
        ]
    return "\n\n".join(blocks)


def grade_profiles(claim: Claim, context: PageContext) -> str:
    """The GRADE profile of every outcome row: each domain with its rating and reason (a
    claim without comparisons has its one profile in the summary's footnotes)."""
    profiles = grade_profiles_html(claim)
    if not profiles:
        return ""
    lead = inert(esc(overall_certainty_text(claim)))
    return f'## GRADE profiles\n\n<p class="nf-grade-overall">{lead}</p>\n\n{profiles}'


def evidence_table(claim: Claim, context: PageContext) -> str:
    """One row per study, one column per field `Evidence` declares for display."""
    if not claim.evidence:
        return "## Evidence\n\nNo clinical study was found for this claim."
    # In a <div> so the stylesheet can stack the rows on a phone (no sideways scrolling).
    table = evidence_table_html(claim, context.references)
    return f'## Evidence\n\n<div class="nf-evidence">\n\n{table}\n\n</div>'


def forest_plots(claim: Claim, context: PageContext) -> str:
    """One forest plot per outcome row and measure (per measure for a claim without
    comparisons), when any estimate has a confidence interval."""
    if claim.comparisons:
        plots = row_forest_plots(claim, context.references)
    else:
        plots = forest_plot(claim, context.references)
    return f"## Effect estimates\n\n{plots.rstrip()}" if plots else ""


def risk_of_bias(claim: Claim, context: PageContext) -> str:
    """The risk-of-bias judgements of the studies, one table per tool, when any is recorded."""
    table = risk_of_bias_table(claim, context.references, context.bibliography_url)
    return f"## Risk of bias\n\n{table.rstrip()}" if table else ""


def what_the_studies_show(claim: Claim, context: PageContext) -> str:
    """The claim file's prose (Markdown; any HTML in it is shown as text)."""
    return "## What the studies show\n\n" + _escape_prose(claim.body).strip()


def _bullets(heading: str, items: tuple[str, ...]) -> str:
    if not items:
        return ""
    return f"## {heading}\n\n" + "\n".join(f"- {esc(item)}" for item in items)


def caveats(claim: Claim, context: PageContext) -> str:
    """What limits the evidence or its reading, as a list."""
    return _bullets("Caveats", claim.caveats)


def contraindications(claim: Claim, context: PageContext) -> str:
    """Who should not have the treatment, as a list."""
    return _bullets("Contraindications", claim.contraindications)


def population_and_protocol(claim: Claim, context: PageContext) -> str:
    """Who was studied and how they were treated, as reported (a table)."""
    # Every field the claim declares for display that has a value, in declaration order.
    rows = [(label, cell(text)) for label, text in shown_values(claim)]
    if not rows:
        return ""
    lines = ["## Population and protocol", "", "| Aspect | As reported |", "|---|---|"]
    return "\n".join(lines + [f"| {label} | {value} |" for label, value in rows])


def last_reviewed(claim: Claim, context: PageContext) -> str:
    """When the claim was last reviewed, and its stable id."""
    return (
        f'<p class="nf-reviewed">Last reviewed {claim.last_reviewed.isoformat()} · '
        f"claim id <code>{esc(claim.id)}</code></p>"
    )


def cite_this_claim(claim: Claim, context: PageContext) -> str:
    """The page cited in AMA style, and as CSL-JSON to paste into a reference manager."""
    site, url = context.site_name, context.page_url
    ama = ama_citation(claim, site_name=site, url=url)
    csl = csl_json_text(claim_csl_json(claim, site_name=site, url=url))
    # inert(): a title holding "[@key]" or Markdown stays text, inside <pre> as everywhere.
    return (
        "## Cite this claim\n\n"
        f'<p class="nf-cite-this">{inert(esc(ama))}</p>\n\n'
        '<details class="nf-cite-csl"><summary>CSL-JSON</summary>'
        f'<pre><code class="language-json">{inert(esc(csl))}</code></pre></details>'
    )


def json_ld(claim: Claim, context: PageContext) -> str:
    """The claim as a schema.org ClaimReview, for search engines (a JSON-LD script)."""
    return script_tag(claim_jsonld(claim, context.references))


def search_and_screening(claim: Claim, context: PageContext) -> str:
    """How current the evidence is: what was searched, when, and what screening found."""
    return "## Search and screening\n\n" + claim_currency(context.search)


CLAIM_SECTIONS: tuple[Section, ...] = (
    front_matter,
    title,
    withdrawn_notice,
    retraction_notice,
    badges,
    statement,
    article_and_evidence,
    summary_of_findings_table,
    forest_plots,
    grade_profiles,
    evidence_table,
    risk_of_bias,
    what_the_studies_show,
    caveats,
    contraindications,
    population_and_protocol,
    search_and_screening,
    last_reviewed,
    cite_this_claim,
    json_ld,
)
"""The claim page, top to bottom."""
