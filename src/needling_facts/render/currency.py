"""How current the evidence is: a claim's search and screening, and the handbook's in one line.

Pure renderers over `SearchRecord`: "Searched up to <date>" (or that the saved search has not
been run yet), the PRISMA-style counts of the screening log, "N new studies awaiting review",
the excluded studies with their reasons and the saved queries. The HTML is one block without
blank lines (a blank line would end a raw HTML block in Markdown), every text escaped, and only
tags and attributes the sanitiser allows.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from urllib.parse import quote_plus

from needling_facts.evidence.claim import Claim
from needling_facts.evidence.search import Decision, PrismaCounts, SearchRecord
from needling_facts.render.markup import esc

__all__ = ["claim_currency", "handbook_currency"]


"""Styles of the search and screening block (appended to the handbook's stylesheet)."""

_PUBMED_SEARCH = "https://pubmed.ncbi.nlm.nih.gov/?term="
_SERVICES = (
    ("pubmed", "PubMed"),
    ("europepmc", "Europe PMC"),
    ("clinicaltrials", "ClinicalTrials.gov"),
)


def _text(value: object) -> str:
    """Escaped text that the citation syntax cannot pick up (``@key`` is a citation).

    Quotes are left as they are (they are text, not attribute values), as the sanitiser writes
    them; only an ``@`` becomes a character reference, which the sanitiser writes back as ``@``
    after the citations have been resolved. Brackets become character references too: a
    saved PubMed query is full of ``[tiab]``, which Zensical's ``unresolved_references``
    check would take for link references even inside raw HTML.
    """
    text = html.escape(str(value), quote=False)
    return text.replace("@", "&#64;").replace("[", "&#91;").replace("]", "&#93;")


def _studies(count: int, new: str = "") -> str:
    return f"{count} {new}{'study' if count == 1 else 'studies'}"


def _claims(count: int) -> str:
    return "the one claim" if count == 1 else f"the {count} claims"


def _searched(search: SearchRecord) -> str:
    if search.last_searched is None:
        return (
            '<p class="nf-searched"><strong>The saved search has not been run yet.</strong> '
            "The studies here were found by hand; the screening log below records each study "
            "found and why it was included or left out.</p>"
        )
    return (
        f'<p class="nf-searched"><strong>Searched up to '
        f"{search.last_searched.isoformat()}</strong> (the saved PubMed search below, rerun "
        "by <code>needling-facts watch</code>).</p>"
    )


def _counts(counts: PrismaCounts) -> str:
    reasons = "; ".join(
        f"{_text(reason.label)} {count}" for reason, count in counts.excluded_by_reason.items()
    )
    rows = [
        ("Identified", str(counts.identified)),
        ("Duplicates removed", str(counts.duplicates)),
        ("Screened", str(counts.screened)),
        ("Excluded, with reasons", f"{counts.excluded}" + (f" ({reasons})" if reasons else "")),
        ("Included (cited on this page)", str(counts.included)),
        ("Awaiting review", str(counts.pending)),
    ]
    body = "".join(
        f'<tr><th scope="row">{label}</th><td>{value}</td></tr>' for label, value in rows
    )
    return (
        '<table class="nf-prisma"><caption>Screening log, PRISMA-style counts</caption>'
        f"<tbody>{body}</tbody></table>"
    )


def _excluded(search: SearchRecord) -> str:
    items = []
    for candidate in search.screening:
        if candidate.decision is not Decision.EXCLUDED or candidate.reason is None:
            continue
        note = f" {_text(candidate.note)}" if candidate.note else ""
        items.append(
            f"<li><code>{_text(candidate.id)}</code>: {_text(candidate.reason.label)}.{note}</li>"
        )
    if not items:
        return ""
    return (
        '<details class="nf-excluded"><summary>Studies left out, with reasons</summary>'
        f"<ul>{''.join(items)}</ul></details>"
    )


def _pending(search: SearchRecord) -> str:
    waiting = search.pending
    if not waiting:
        return ""
    items = "".join(
        f"<li><code>{_text(c.id)}</code>"
        + (f": {_text(c.title)}" if c.title else "")
        + (f" ({_text(c.note)})" if c.note else "")
        + "</li>"
        for c in waiting
    )
    return (
        f'<details class="nf-pending"><summary><strong>'
        f"{_studies(len(waiting), 'new ')} awaiting review</strong></summary>"
        f"<ul>{items}</ul></details>"
    )


def _query(text: str) -> str:
    # Blank lines would end the HTML block; PubMed reads line breaks as spaces.
    return "\n".join(line for line in text.splitlines() if line.strip())


def _saved_searches(search: SearchRecord) -> str:
    parts = []
    for field, label in _SERVICES:
        query = getattr(search.searches, field)
        if query is None:
            continue
        run = ""
        if field == "pubmed":
            link = _PUBMED_SEARCH + quote_plus(" ".join(query.split()))
            run = f' (<a href="{esc(link)}" rel="noopener">run it on PubMed</a>)'
        parts.append(f"<p>{label}{run}</p><pre><code>{_text(_query(query))}</code></pre>")
    return (
        '<details class="nf-saved-search"><summary>Saved searches</summary>'
        f"{''.join(parts)}</details>"
    )


def claim_currency(search: SearchRecord | None) -> str:
    """HTML: how current the claim's evidence is, with its screening log's counts.

    ``search`` is the claim's `SearchRecord`; without one the block says that no saved search
    is recorded.
    """
    if search is None:
        return (
            '<div class="nf-currency"><p class="nf-searched">No saved search is recorded for '
            "this claim yet, so there is no record of what was searched or when.</p></div>"
        )
    pieces = [
        _searched(search),
        _pending(search),
        _counts(search.prisma),
        _excluded(search),
        _saved_searches(search),
    ]
    return '<div class="nf-currency">' + "\n".join(p for p in pieces if p) + "</div>"


def handbook_currency(searches: Mapping[str, SearchRecord], claims: Iterable[Claim]) -> str:
    """One HTML paragraph: how current the handbook is, over the active ``claims``; ``""``
    when none of them has a saved search (content without a searches folder)."""
    active = [c for c in claims if not c.is_withdrawn]
    records = [searches[c.id] for c in active if c.id in searches]
    if not records:
        return ""
    dates = sorted(r.last_searched for r in records if r.last_searched is not None)
    never = len(records) - len(dates)
    missing = len(active) - len(records)
    waiting = sum(len(r.pending) for r in records)
    if not dates:
        sentence = (
            f"How current this is: the saved searches of {_claims(len(records))} have not been "
            "run yet; their evidence was found by hand"
        )
        if active:
            reviewed = sorted(c.last_reviewed for c in active)
            first, last = reviewed[0], reviewed[-1]
            sentence += (
                f" and last reviewed on {first}"
                if first == last
                else f" and last reviewed between {first} and {last}"
            )
        sentence += "."
    else:
        sentence = (
            f"How current this is: saved searches run up to {dates[-1]} for {len(dates)} of "
            f"{len(active)} claims, the oldest up to {dates[0]}"
        )
        sentence += f"; {never} not run yet." if never else "."
    if missing:
        sentence += f" {missing} {'claim has' if missing == 1 else 'claims have'} no saved search."
    if waiting:
        sentence += f" {_studies(waiting, 'new ')} awaiting review."
    return f'<p class="nf-currency">{sentence}</p>'
