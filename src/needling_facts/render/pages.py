"""Generated handbook pages as Markdown strings: claims, outcomes, overview, bibliography.

Pure functions of the library: no MkDocs here. Links between generated pages are relative
``.md`` links, so any Markdown site generator can resolve them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

from needling_facts.evidence.claim import Claim
from needling_facts.evidence.grade import Certainty
from needling_facts.evidence.reference import Reference
from needling_facts.evidence.search import SearchRecord
from needling_facts.evidence.vocabulary import Outcome, Verdict
from needling_facts.library import Library
from needling_facts.render.citation_meta import HANDBOOK_NAME, coins_span
from needling_facts.render.citations import inert, key_slug
from needling_facts.render.claim_sections import CLAIM_SECTIONS, PageContext
from needling_facts.render.csl import FormattedReference
from needling_facts.render.currency import handbook_currency
from needling_facts.render.markers import RAW_END, RAW_START
from needling_facts.render.markup import badge, cell, esc, reference_links
from needling_facts.render.paths import claim_path, outcome_path
from needling_facts.render.retraction import reference_notices
from needling_facts.render.rob import reference_risk_of_bias

__all__ = [
    "bibliography_page",
    "bottom_line",
    "claim_page",
    "claim_path",
    "claims_index_page",
    "diagnostics_table",
    "outcome_page",
    "outcome_path",
    "overview_table",
]


def _studies(claim: Claim) -> int:
    # The one count every page uses (claim page, overview, evidence map, ``show``).
    return claim.totals.studies


def bottom_line(claims: Sequence[Claim]) -> str:
    """The bottom line across ``claims``: how many have each verdict (rows) at each certainty
    (columns), with totals, as a small Markdown table that fits a phone; "" when there is no
    claim."""
    if not claims:
        return ""
    certainties = list(Certainty)
    header = " | ".join(esc(c.label.capitalize()) for c in certainties)
    count = len(claims)
    rows = [
        f"**The bottom line across {count} {'claim' if count == 1 else 'claims'}:** what we "
        "make of the article's wording (rows) and how certain the evidence is (columns).",
        "",
        f"| Verdict | {header} | All |",
        "|---|" + "---:|" * (len(certainties) + 1),
    ]
    for verdict in Verdict:
        counts = [
            sum(1 for c in claims if c.certainty is certainty and c.verdict is verdict)
            for certainty in certainties
        ]
        cells = " | ".join(str(n) if n else "&ndash;" for n in counts)
        rows.append(f"| {badge(verdict)} | {cells} | {sum(counts)} |")
    totals = " | ".join(str(sum(1 for c in claims if c.certainty is k)) for k in certainties)
    rows.append(f"| All | {totals} | {count} |")
    return '<div class="nf-bottom-line" markdown>\n\n' + "\n".join(rows) + "\n\n</div>\n"


def overview_table(library: Library, prefix: str = "") -> str:
    """Every claim with outcome, certainty, verdict and number of studies (counted as on its
    page, by `Claim.totals`)."""
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
    currency = handbook_currency(library.searches, library.claims.values())  # living evidence
    return "\n".join(rows) + "\n" + (f"\n{currency}\n" if currency else "")


def claim_page(
    claim: Claim,
    references: Mapping[str, Reference],
    search: SearchRecord | None = None,
    *,
    site_name: str = HANDBOOK_NAME,
    page_url: str | None = None,
    bibliography_url: str = "../../bibliography/",
) -> str:
    """The page for one claim: the blocks of `CLAIM_SECTIONS`, top to bottom, each section
    left out when it has nothing to show. Citations stay as ``[@key]`` for the citation
    renderer. ``site_name`` and ``page_url`` (absolute, when known) are how the page is
    cited; ``bibliography_url`` is how its raw HTML links to the bibliography."""
    context = PageContext(
        references, search, site_name=site_name, page_url=page_url,
        bibliography_url=bibliography_url,
    )  # fmt: skip
    blocks = (section(claim, context).strip("\n") for section in CLAIM_SECTIONS)
    return "\n\n".join(block for block in blocks if block) + "\n"


def diagnostics_table() -> str:
    """Every diagnostic code with its severity, meaning and an input that triggers it."""
    from needling_facts.diagnostics import CODES

    rows = ["| Code | Severity | Meaning | Example |", "|---|---|---|---|"]
    for info in CODES.values():
        # Shown as typed: Markdown would make `[x](javascript:...)` a link inside the <code>.
        example = inert(cell(info.example))
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
            f'<code class="nf-key">{esc(key)}</code>{coins_span(reference)}</p>'
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
