"""Parse Crossref and PubMed responses into frozen records. Pure: text in, records out.

Crossref: a ``/works/{doi}`` JSON message (title, container titles, dates, ``updated-by`` for
retractions, corrections and expressions of concern, ``update-to`` when the work is itself a
notice). PubMed: an E-utilities ``efetch`` XML ``PubmedArticleSet`` (NLM journal abbreviation,
PMCID in the article ids, "Retracted Publication" and ``CommentsCorrections`` notices).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from needling_facts.errors import NeedlingFactsError
from needling_facts.evidence.reference import Update, UpdateType
from needling_facts.sources.records import FieldsSeen, SourceRecord

__all__ = [
    "CROSSREF_WORKS",
    "Work",
    "crossref_record",
    "pubmed_record",
    "pubmed_url",
]

CROSSREF_WORKS = "https://api.crossref.org/works/"


def pubmed_url(pmid: str) -> str:
    return f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"


@dataclass(slots=True)
class Work:
    """A record as parsed, with what a new bib entry needs beyond the frozen fields."""

    record: SourceRecord
    people: list[tuple[str, str]] = field(default_factory=list)
    """Authors as (family, given), for writing a bib entry."""


class ResponseFormatError(NeedlingFactsError, ValueError):
    """The service answered, but not in the documented format (or, ``empty``, with nothing)."""

    def __init__(self, message: str, *, empty: bool = False) -> None:
        self.empty = empty
        super().__init__(message)


# Crossref's update types, folded into the ones check knows.
_CROSSREF_UPDATES = {
    "retraction": UpdateType.RETRACTION,
    "partial_retraction": UpdateType.RETRACTION,
    "withdrawal": UpdateType.RETRACTION,
    "removal": UpdateType.RETRACTION,
    "correction": UpdateType.CORRECTION,
    "erratum": UpdateType.CORRECTION,
    "corrigendum": UpdateType.CORRECTION,
    "expression_of_concern": UpdateType.EXPRESSION_OF_CONCERN,
}


def _first(value: Any) -> str | None:
    if isinstance(value, list) and value and isinstance(value[0], str):
        return value[0].strip() or None
    return None


def _date(part: Any) -> str | None:
    """Crossref ``{"date-parts": [[2014, 8, 1]]}`` -> ``2014-08-01`` (or ``2014-08``)."""
    try:
        numbers = [int(n) for n in part["date-parts"][0] if n is not None]
    except (KeyError, IndexError, TypeError, ValueError):
        return None
    if not numbers:
        return None
    limits = ((1, 9999), (1, 12), (1, 31))
    if any(not low <= n <= high for n, (low, high) in zip(numbers, limits, strict=False)):
        raise ResponseFormatError(f"date-parts {numbers[:3]!r} is not a date")
    return "-".join([f"{numbers[0]:04d}", *(f"{n:02d}" for n in numbers[1:3])])


def _crossref_updates(items: Any) -> tuple[Update, ...]:
    updates = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        raw = str(item.get("type", "")).lower()
        updates.append(
            Update(
                type=_CROSSREF_UPDATES.get(raw, UpdateType.OTHER),
                doi=item.get("DOI"),
                date=_date(item.get("updated", {})),
                label=item.get("label") or raw or None,
            )
        )
    return tuple(updates)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_MALFORMED = (TypeError, KeyError, ValueError, OverflowError, AttributeError, IndexError)


def _checked(parse: Callable[[Any, dt.date], Work]) -> Callable[[Any, dt.date], Work]:
    """Any answer a parser cannot read is one `ResponseFormatError` (one line for that
    reference, the others go on), never a traceback; control characters are refused before
    they reach references.bib or a terminal."""

    @functools.wraps(parse)
    def checked(answer: Any, seen: dt.date) -> Work:
        try:
            work = parse(answer, seen)
        except ResponseFormatError:
            raise
        except _MALFORMED as error:
            raise ResponseFormatError(
                f"the answer is not in the documented form ({type(error).__name__}: "
                f"{str(error)[:80]})"
            ) from None
        for name, value in work.record.fields.model_dump().items():
            for text in value if isinstance(value, list | tuple) else [value]:
                if isinstance(text, str) and _CONTROL.search(text):
                    raise ResponseFormatError(f"the answer's {name} holds a control character")
        return work

    return checked


@_checked
def crossref_record(payload: Any, seen: dt.date) -> Work:
    """A Crossref ``/works/{doi}`` response (the whole JSON object) as a record."""
    if not isinstance(payload, dict) or not isinstance(payload.get("message"), dict):
        raise ResponseFormatError("Crossref answer has no 'message' object")
    message: dict[str, Any] = payload["message"]
    doi = message.get("DOI")
    if not isinstance(doi, str):
        raise ResponseFormatError("Crossref message has no DOI")
    people = [
        (str(a.get("family", "")).strip(), str(a.get("given", "")).strip())
        for a in message.get("author", [])
        if isinstance(a, dict) and a.get("family")
    ]
    issued = _date(message.get("issued", {}))
    fields = FieldsSeen(
        title=_first(message.get("title")),
        authors=tuple(f"{family}, {given}".rstrip(", ") for family, given in people) or None,
        journal=_first(message.get("short-container-title")),
        journal_full=_first(message.get("container-title")),
        year=int(issued[:4]) if issued else None,
        volume=message.get("volume"),
        issue=message.get("issue"),
        pages=message.get("page") or message.get("article-number"),
        doi=doi,
        published_print=_date(message.get("published-print", {})),
        published_online=_date(message.get("published-online", {})),
        updates=_crossref_updates(message.get("updated-by")),
        update_to=_crossref_updates(message.get("update-to")),
    )
    record = SourceRecord(
        source="crossref",
        url=CROSSREF_WORKS + doi,
        seen=seen,
        how="verify (Crossref REST API)",
        fields=fields,
    )
    return Work(record, people)


# PubMed's CommentsCorrections types that are notices about the cited work.
_PUBMED_NOTICES = {
    "RetractionIn": UpdateType.RETRACTION,
    "ErratumIn": UpdateType.CORRECTION,
    "ExpressionOfConcernIn": UpdateType.EXPRESSION_OF_CONCERN,
}


def _text(element: ET.Element | None) -> str | None:
    if element is None:
        return None
    text = " ".join("".join(element.itertext()).split())
    return text or None


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _pubmed_date(element: ET.Element | None) -> str | None:
    if element is None:
        return None
    year = _text(element.find("Year"))
    if year is None:
        medline = _text(element.find("MedlineDate"))
        return medline[:4] if medline and medline[:4].isdigit() else None
    months = {name: number for number, name in enumerate(_MONTHS, 1)}
    month = _text(element.find("Month"))
    if month is None:
        return year
    number = months.get(month[:3], int(month) if month.isdigit() else 0)
    day = _text(element.find("Day"))
    parts = [year, f"{number:02d}"] if number else [year]
    if number and day and day.isdigit():
        parts.append(f"{int(day):02d}")
    return "-".join(parts)


@_checked
def pubmed_record(xml_text: str, seen: dt.date) -> Work:
    """An efetch ``PubmedArticleSet`` with one article, as a record."""
    try:
        root = ET.fromstring(xml_text)
    except ET.ParseError as error:
        raise ResponseFormatError(f"PubMed answer is not XML: {error}") from None
    article = root.find("PubmedArticle")
    if article is None:
        raise ResponseFormatError("PubMed answer has no PubmedArticle", empty=True)
    citation = article.find("MedlineCitation")
    pmid = _text(citation.find("PMID")) if citation is not None else None
    if citation is None or pmid is None:
        raise ResponseFormatError("PubMed article has no PMID")
    body = citation.find("Article")
    journal = body.find("Journal") if body is not None else None
    issue = journal.find("JournalIssue") if journal is not None else None
    ids = {
        (node.get("IdType") or ""): _text(node)
        for node in article.findall("PubmedData/ArticleIdList/ArticleId")
    }
    people = [
        (
            _text(a.find("LastName")) or "",
            _text(a.find("ForeName")) or _text(a.find("Initials")) or "",
        )
        for a in (body.findall("AuthorList/Author") if body is not None else [])
        if a.find("LastName") is not None
    ]
    initials = [
        f"{_text(a.find('LastName'))} {_text(a.find('Initials')) or ''}".strip()
        for a in (body.findall("AuthorList/Author") if body is not None else [])
        if a.find("LastName") is not None
    ]
    pub_date = _pubmed_date(issue.find("PubDate") if issue is not None else None)
    types = {_text(t) for t in citation.findall("Article/PublicationTypeList/PublicationType")}
    updates = [
        Update(
            type=_PUBMED_NOTICES[node.get("RefType", "")],
            pmid=_text(node.find("PMID")),
            label=_text(node.find("RefSource")),
        )
        for node in citation.findall("CommentsCorrectionsList/CommentsCorrections")
        if node.get("RefType") in _PUBMED_NOTICES
    ]
    if "Retracted Publication" in types and not any(
        u.type is UpdateType.RETRACTION for u in updates
    ):
        updates.append(Update(type=UpdateType.RETRACTION, label="Retracted Publication"))
    electronic = body.find("ArticleDate[@DateType='Electronic']") if body is not None else None
    fields = FieldsSeen(
        title=_text(body.find("ArticleTitle")) if body is not None else None,
        authors=tuple(initials) or None,
        journal=_text(citation.find("MedlineJournalInfo/MedlineTA")),
        journal_full=_text(journal.find("Title")) if journal is not None else None,
        year=int(pub_date[:4]) if pub_date else None,
        volume=_text(issue.find("Volume")) if issue is not None else None,
        issue=_text(issue.find("Issue")) if issue is not None else None,
        pages=_text(body.find("Pagination/MedlinePgn")) if body is not None else None,
        doi=ids.get("doi"),
        pmid=pmid,
        pmcid=ids.get("pmc"),
        published_online=_pubmed_date(electronic),
        updates=tuple(updates),
    )
    record = SourceRecord(
        source="pubmed",
        url=pubmed_url(pmid),
        seen=seen,
        how="verify (NCBI E-utilities efetch)",
        fields=fields,
    )
    return Work(record, people)
