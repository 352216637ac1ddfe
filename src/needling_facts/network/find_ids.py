"""``verify --find-ids``: look for the DOI and PMID of a reference that has neither.

A reference cited without an identifier (``bib.no-identifier``) is searched by its title at
Crossref (``query.bibliographic``) and PubMed (``esearch`` on the title field). A found work is
proposed only when its title agrees with the entry's, its year is one of the work's dates and,
where both name a journal, the journals agree; two agreeing works with different identifiers
propose neither. Nothing is written: the contributor adds the identifier, and ``verify
--write`` then freezes the records it leads to.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from needling_facts.checks.matching import journals_agree, titles_agree
from needling_facts.evidence.reference import Reference
from needling_facts.network.client import FetchError, OfflineError, Services
from needling_facts.network.responses import (
    ResponseFormatError,
    Work,
    crossref_record,
    pubmed_record,
)

__all__ = ["IdSearch", "agrees", "find_identifiers"]

PUBMED_CANDIDATES = 3
"""PubMed records fetched per search: a title search that finds more is not specific enough."""


@dataclass(slots=True)
class IdSearch:
    """What the searches for one reference found."""

    key: str
    doi: str | None = None
    pmid: str | None = None
    candidates: int = 0
    """Works the services returned, agreeing or not."""
    ambiguous: list[str] = field(default_factory=list)
    """Identifiers of several agreeing works, when no single one could be chosen."""
    errors: list[str] = field(default_factory=list)


def _years(work: Work) -> set[int]:
    fields = work.record.fields
    years = {int(d[:4]) for d in (fields.published_print, fields.published_online) if d}
    return years | {fields.year} if fields.year is not None else years


def agrees(reference: Reference, work: Work) -> bool:
    """Whether a found work is the reference: same title and year, and same journal if named."""
    fields = work.record.fields
    if not (reference.title and fields.title and titles_agree(reference.title, fields.title)):
        return False
    if reference.year is not None and reference.year not in _years(work):
        return False
    journals = [name for name in (fields.journal, fields.journal_full) if name]
    if reference.journal and journals:
        return any(journals_agree(reference.journal, name) for name in journals)
    return True


def _one(found: list[str], search: IdSearch, label: str) -> str | None:
    unique = list(dict.fromkeys(found))
    if len(unique) > 1:
        search.ambiguous += [f"{label} {value}" for value in unique]
        return None
    return unique[0] if unique else None


def _guarded(search: IdSearch, service: str, call: Callable[..., Any], *args: Any) -> Any:
    try:
        return call(*args)
    except OfflineError:
        raise
    except (FetchError, ResponseFormatError) as error:
        search.errors.append(f"{service}: {error}")
        return None


def find_identifiers(services: Services, reference: Reference, seen: dt.date) -> IdSearch:
    """Search both services by title; `OfflineError` propagates."""
    search = IdSearch(reference.key)
    if not reference.title:
        search.errors.append("no title to search by")
        return search
    parts = (reference.title, reference.journal, reference.year)
    query = " ".join(str(part) for part in parts if part)
    items = _guarded(search, "Crossref", services.crossref_search, query) or []
    dois = []
    for item in items:
        work = _guarded(search, "Crossref", crossref_record, {"message": item}, seen)
        if work is not None:
            search.candidates += 1
            if agrees(reference, work):
                dois.append(work.record.fields.doi)
    search.doi = _one(dois, search, "DOI")

    term = f'"{reference.title}"[Title]'
    pmids = _guarded(search, "PubMed", services.pubmed_search, term) or []
    if len(pmids) > PUBMED_CANDIDATES:
        search.errors.append(f"PubMed: the title search found {len(pmids)} records; none chosen")
        pmids = []
    agreeing = []
    for pmid in pmids:
        xml = _guarded(search, "PubMed", services.pubmed_article, pmid)
        work = _guarded(search, "PubMed", pubmed_record, xml, seen) if xml is not None else None
        if work is not None:
            search.candidates += 1
            if agrees(reference, work):
                agreeing.append(work.record.fields.pmid or pmid)
    search.pmid = _one(agreeing, search, "PMID")
    return search
