"""What reference managers read to cite a page: Highwire tags, COinS spans, a claim's citation.

Zotero's connector runs its "Embedded Metadata" translator on every page: it reads the
Highwire Press ``<meta name="citation_...">`` tags in ``<head>`` (title, author, date,
publisher, public URL) and, on a page listing works, the COinS spans (``<span
class="Z3988" title="ctx_ver=Z39.88-2004&...">``, one OpenURL ContextObject each). A claim
page gets the first; each bibliography entry the second. "Cite this claim" gives the same
facts as text in AMA style and as CSL-JSON, for readers who paste rather than click.

Everything here is pure: the engine adapter decides where the tags go and what the URL is.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote, urlencode

from needling_facts._version import DATA_VERSION
from needling_facts.evidence.claim import Claim
from needling_facts.evidence.reference import Reference
from needling_facts.render.markup import esc

__all__ = [
    "HANDBOOK_NAME",
    "ama_citation",
    "claim_csl_json",
    "claim_meta",
    "claim_meta_tags",
    "coins_span",
    "csl_json_text",
]

HANDBOOK_NAME = "needling-facts"
"""The handbook's name in a citation when the engine gives none (``site_name`` in mkdocs.yml)."""

_DASHES = "-\u2013\u2014"  # hyphen, en dash, em dash: BibTeX page ranges use any
_PAGE_RANGE = re.compile(rf"^\s*(?P<start>[^{_DASHES}\s]+)\s*(?:[{_DASHES}]+\s*(?P<end>\S+))?\s*$")


def claim_meta(
    claim: Claim, *, site_name: str, url: str | None = None, authors: Sequence[str] = ()
) -> list[tuple[str, str]]:
    """Highwire Press ``citation_*`` (name, content) pairs for a claim page.

    The claim's last review is its date (a reader cites the version they saw); the handbook
    is its publisher. ``url`` is the page's absolute address, left out when the site has no
    ``site_url`` (a relative one would be wrong once saved).
    """
    pairs = [("citation_title", claim.title)]
    pairs += [("citation_author", author) for author in authors if author.strip()]
    # Google Scholar's inclusion guidelines ask for YYYY/MM/DD; Zotero reads either name.
    date = claim.last_reviewed.strftime("%Y/%m/%d")
    pairs += [("citation_publication_date", date), ("citation_date", date)]
    pairs.append(("citation_publisher", site_name))
    if url:
        pairs.append(("citation_public_url", url))
    return pairs


def claim_meta_tags(
    claim: Claim, *, site_name: str, url: str | None = None, authors: Sequence[str] = ()
) -> str:
    """`claim_meta` as ``<meta>`` tags for the page's ``<head>``, one per line."""
    pairs = claim_meta(claim, site_name=site_name, url=url, authors=authors)
    return "\n".join(f'<meta name="{name}" content="{esc(content)}">' for name, content in pairs)


def _page_range(pages: str | None) -> tuple[str | None, str | None]:
    match = _PAGE_RANGE.match(pages or "")
    return (match["start"], match["end"]) if match else (None, None)


def _context_object(reference: Reference) -> list[tuple[str, str]]:
    """The OpenURL 1.0 key/value pairs (Z39.88-2004) describing ``reference``."""
    pairs = [("ctx_ver", "Z39.88-2004")]
    is_book = reference.entry_type.lower() == "book"
    if is_book:
        pairs += [("rft_val_fmt", "info:ofi/fmt:kev:mtx:book"), ("rft.genre", "book")]
        pairs += [("rft.btitle", reference.title)] if reference.title else []
    else:
        pairs += [("rft_val_fmt", "info:ofi/fmt:kev:mtx:journal"), ("rft.genre", "article")]
        pairs += [("rft.atitle", reference.title)] if reference.title else []
        journal = reference.journal_full or reference.journal
        pairs += [("rft.jtitle", journal)] if journal else []
        pairs += [("rft.stitle", reference.journal_abbrev)] if reference.journal_abbrev else []
    if reference.authors:
        first = reference.authors[0]
        pairs.append(("rft.aulast", first.family))
        pairs += [("rft.aufirst", first.given)] if first.given else []
    for person in reference.authors:
        pairs.append(("rft.au", f"{person.family}, {person.given}".rstrip(", ")))
    optional = [("rft.date", str(reference.year) if reference.year else None)]
    if not is_book:
        start, end = _page_range(reference.pages)
        optional += [("rft.volume", reference.volume), ("rft.issue", reference.issue)]
        optional += [("rft.spage", start), ("rft.epage", end)]
    pairs += [(key, value) for key, value in optional if value]
    pairs += [("rft_id", f"info:doi/{reference.doi}")] if reference.doi else []
    pairs += [("rft_id", f"info:pmid/{reference.pmid}")] if reference.pmid else []
    pairs += [("rft_id", reference.url)] if reference.url else []
    return pairs


def coins_span(reference: Reference) -> str:
    """An empty COinS span for ``reference`` (Zotero offers to save every one on a page)."""
    # Percent-encoding leaves no quote or angle bracket; esc() turns the separators into &amp;.
    kev = urlencode(_context_object(reference), quote_via=quote)
    return f'<span class="Z3988" title="{esc(kev)}"></span>'


def _ama_date(day: dt.date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def ama_citation(claim: Claim, *, site_name: str, url: str | None = None) -> str:
    """The claim page cited in AMA style (a web page with no named author), as plain text."""
    parts = [
        f"{claim.title.rstrip('.')}.",
        f"{site_name}.",
        f"Updated {_ama_date(claim.last_reviewed)}.",
        f"Claim {claim.id}, data version {DATA_VERSION}.",
    ]
    if url:
        parts.append(url)
    return " ".join(parts)


def claim_csl_json(claim: Claim, *, site_name: str, url: str | None = None) -> dict[str, Any]:
    """The claim page as one CSL-JSON item (``type: webpage``), for any citation manager."""
    reviewed = claim.last_reviewed
    item: dict[str, Any] = {
        "id": claim.id,
        "type": "webpage",
        "title": claim.title,
        "container-title": site_name,
        "issued": {"date-parts": [[reviewed.year, reviewed.month, reviewed.day]]},
        "version": DATA_VERSION,
        "note": f"Claim {claim.id}",
    }
    if url:
        item["URL"] = url
    return item


def csl_json_text(item: dict[str, Any]) -> str:
    """``item`` as indented JSON, the way a reader copies it."""
    return json.dumps([item], indent=2, ensure_ascii=False)
