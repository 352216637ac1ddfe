"""``watch``: rerun each claim's saved search for what is new, and look for notices on cited works.

For each claim, the saved PubMed query goes to E-utilities ``esearch`` limited to records
entered (``datetype=edat``) from ``last_searched`` to the run date (the whole database when the
search has never run), then ``esummary`` (JSON) gives each record's title, journal, year and
publication types. Records that the bibliography or the claim's screening log already holds
are dropped; what is left are the new candidates. Each cited work is checked once for notices:
Crossref's ``updated-by`` relations (by DOI) and PubMed's comment and correction links (by
PMID); a retraction, correction or expression of concern that its frozen record does not know
yet is reported as new.

Requests go through `Services` (rate limits, ``Retry-After``); each failure is one line in the
report and never stops the other claims. With ``write``, a claim whose search answered gets its
new candidates appended as ``pending`` and ``last_searched`` moved to the run date, in one
atomic write of its search file; a claim whose search failed is left untouched.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from needling_facts.errors import NeedlingFactsError
from needling_facts.evidence.reference import Reference, Update
from needling_facts.evidence.search import Candidate, Decision, SearchRecord
from needling_facts.network.client import FetchError, OfflineError, Services
from needling_facts.network.responses import ResponseFormatError, crossref_record, pubmed_record
from needling_facts.sources.safe_read import read_regular_file
from needling_facts.sources.safe_write import locked, write_text
from needling_facts.sources.searches import SEARCH_UNREADABLE, parse_search_file, search_file_text
from needling_facts.sources.text import read_text

__all__ = [
    "MAX_RECORDS",
    "ClaimWatch",
    "NewStudy",
    "Notice",
    "WatchReport",
    "parse_esearch",
    "parse_esummary",
    "watch",
    "write_new_candidates",
]

MAX_RECORDS = 1000
"""Records one search may bring back in one run; more means the saved query is too broad."""
_SUMMARY_BATCH = 200


@dataclass(frozen=True, slots=True)
class NewStudy:
    """A record the saved search found that neither the bibliography nor the log holds."""

    pmid: str
    title: str | None = None
    journal: str | None = None
    year: int | None = None
    types: tuple[str, ...] = ()
    """PubMed publication types (``Randomized Controlled Trial``, ``Meta-Analysis``, ...)."""
    doi: str | None = None

    @property
    def described(self) -> str:
        """``Journal, 2026; Randomized Controlled Trial`` from what the record gives."""
        where = ", ".join(p for p in (self.journal, str(self.year) if self.year else None) if p)
        return "; ".join(p for p in (where, ", ".join(self.types)) if p)


@dataclass(frozen=True, slots=True)
class Notice:
    """A retraction, correction or expression of concern on a cited work."""

    key: str
    update: Update
    service: str
    new: bool
    """Not yet in the work's frozen record (``verify KEY --write`` freezes it)."""


@dataclass(slots=True)
class ClaimWatch:
    """What one claim's run found, and what failed."""

    claim: str
    since: dt.date | None
    until: dt.date
    searched: bool = False
    """Whether the saved search and the summaries answered (only then is anything written)."""
    found: int = 0
    """Records the search returned for the period."""
    new: list[NewStudy] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    """What PubMed said about the query (a phrase or field it did not find)."""
    errors: list[str] = field(default_factory=list)
    written: bool = False

    @property
    def new_notices(self) -> list[Notice]:
        return [n for n in self.notices if n.new]

    @property
    def has_news(self) -> bool:
        return bool(self.new or self.new_notices)


@dataclass(slots=True)
class WatchReport:
    """A whole run: one `ClaimWatch` per claim watched."""

    run_date: dt.date
    claims: list[ClaimWatch] = field(default_factory=list)

    @property
    def has_news(self) -> bool:
        return any(c.has_news for c in self.claims)

    @property
    def failed(self) -> bool:
        return any(c.errors for c in self.claims)

    def markdown(self) -> str:
        """The report in Markdown: a summary, then each claim with news or failures, then the
        claims with nothing new in one line."""
        busy = [c for c in self.claims if c.has_news or c.errors or c.warnings]
        quiet = [c.claim for c in self.claims if c not in busy]
        news = sum(1 for c in self.claims if c.has_news)
        failed = sum(1 for c in self.claims if c.errors)
        lines = [
            f"# needling-facts watch, {self.run_date.isoformat()}",
            "",
            f"{len(self.claims)} claims watched: {news} with something new, {failed} with a "
            "failed look-up.",
        ]
        for result in busy:
            lines += ["", f"## {result.claim}", "", *_claim_lines(result)]
        if quiet:
            lines += ["", "Nothing new for: " + ", ".join(f"`{c}`" for c in quiet) + "."]
        return "\n".join(lines) + "\n"

    def as_json(self) -> str:
        """The report as JSON: the run date and, per claim, what was found and what failed."""
        claims = []
        for result in self.claims:
            data = asdict(result)
            for name in ("since", "until"):
                value = data[name]
                data[name] = value.isoformat() if value else None
            data["notices"] = [
                {
                    "key": n.key,
                    "service": n.service,
                    "new": n.new,
                    "update": n.update.model_dump(mode="json", exclude_none=True),
                }
                for n in result.notices
            ]
            claims.append(data)
        document = {
            "run_date": self.run_date.isoformat(),
            "has_news": self.has_news,
            "failed": self.failed,
            "claims": claims,
        }
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _period(result: ClaimWatch) -> str:
    if result.since is None:
        return f"every record up to {result.until.isoformat()} (first run)"
    return f"records entered {result.since.isoformat()} to {result.until.isoformat()}"


def _update_text(update: Update) -> str:
    parts = [update.type.value.replace("-", " ")]
    if update.date:
        parts.append(f"of {update.date}")
    if update.doi:
        parts.append(f"(doi:{update.doi})")
    elif update.pmid:
        parts.append(f"(PMID {update.pmid})")
    return " ".join(parts)


def _claim_lines(result: ClaimWatch) -> list[str]:
    lines: list[str] = []
    if result.searched:
        lines.append(
            f"Saved PubMed search, {_period(result)}: {result.found} found, "
            f"{len(result.new)} new." + (" Written as pending." if result.written else "")
        )
    if result.new:
        lines.append("")
        for study in result.new:
            title = " ".join((study.title or "(no title in the record)").split())
            about = f" {study.described}." if study.described else ""
            lines.append(
                f"- PMID [{study.pmid}](https://pubmed.ncbi.nlm.nih.gov/{study.pmid}/): "
                f"{title}{about}"
            )
    fresh = result.new_notices
    if fresh:
        lines += ["", "New notices on cited works:", ""]
        lines += [
            f"- `{n.key}`: {_update_text(n.update)} ({n.service}); freeze it with "
            f"`needling-facts verify {n.key} --write`"
            for n in fresh
        ]
    if result.warnings:
        lines += ["", "PubMed on the saved query:", ""]
        lines += [f"- {warning}" for warning in result.warnings]
    if result.errors:
        lines += ["", "Failed (one line each; nothing was written for a failed search):", ""]
        lines += [f"- {result.claim}: {error}" for error in result.errors]
    return lines


def parse_esearch(answer: Any) -> tuple[int, list[str], list[str]]:
    """``(count, PMIDs, warnings)`` from an ``esearch`` JSON answer.

    Warnings are what PubMed says it could not use: phrases and fields not found, quoted
    phrases not found, and its output messages.
    """
    result = answer.get("esearchresult") if isinstance(answer, dict) else None
    if not isinstance(result, dict):
        raise ResponseFormatError("esearch answer has no esearchresult")
    if "ERROR" in result:
        raise ResponseFormatError(f"PubMed refused the query: {result['ERROR']}")
    ids, count = result.get("idlist"), result.get("count")
    if not isinstance(ids, list) or not str(count).isdigit():
        raise ResponseFormatError("esearch answer has no idlist or count")
    warnings: list[str] = []
    for group, labels in (
        ("errorlist", {"phrasesnotfound": "phrase not found", "fieldsnotfound": "field not found"}),
        (
            "warninglist",
            {
                "quotedphrasesnotfound": "quoted phrase not found",
                "phrasesignored": "phrase ignored",
                "outputmessages": "PubMed says",
            },
        ),
    ):
        section = result.get(group)
        if not isinstance(section, dict):
            continue
        for name, label in labels.items():
            values = section.get(name)
            for value in values if isinstance(values, list) else []:
                # PubMed says "No items found." on every empty result: not about the query.
                if str(value).strip() and str(value).strip() != "No items found.":
                    warnings.append(f"{label}: {value}")
    return int(str(count)), [str(i) for i in ids], warnings


def _year(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text[:4]) if text[:4].isdigit() else None


def parse_esummary(answer: Any) -> dict[str, NewStudy]:
    """PMID -> `NewStudy` from an ``esummary`` JSON answer (version 2.0 document summaries)."""
    result = answer.get("result") if isinstance(answer, dict) else None
    if not isinstance(result, dict) or not isinstance(result.get("uids"), list):
        raise ResponseFormatError("esummary answer has no result with uids")
    studies = {}
    for uid in result["uids"]:
        summary = result.get(str(uid))
        if not isinstance(summary, dict) or "error" in summary:
            continue
        ids = summary.get("articleids")
        doi = next(
            (
                str(item.get("value"))
                for item in (ids if isinstance(ids, list) else [])
                if isinstance(item, dict) and item.get("idtype") == "doi" and item.get("value")
            ),
            None,
        )
        types = summary.get("pubtype")
        studies[str(uid)] = NewStudy(
            pmid=str(uid),
            title=str(summary.get("title") or "").strip() or None,
            journal=str(summary.get("fulljournalname") or summary.get("source") or "").strip()
            or None,
            year=_year(summary.get("pubdate")) or _year(summary.get("epubdate")),
            types=tuple(str(t) for t in types if str(t).strip()) if isinstance(types, list) else (),
            doi=doi,
        )
    return studies


def _eutils_date(day: dt.date) -> str:
    return day.strftime("%Y/%m/%d")


def _held(references: Iterable[Reference], log: Iterable[Candidate]) -> set[str]:
    """``pmid:N`` and ``doi:x`` (lower case) of everything already in the bib or the log."""
    held: set[str] = set()
    for reference in references:
        if reference.pmid:
            held.add(f"pmid:{reference.pmid}")
        if reference.doi:
            held.add(f"doi:{reference.doi.lower()}")
    for candidate in log:
        held.add(f"doi:{candidate.value.lower()}" if candidate.kind == "doi" else candidate.id)
    return held


def _search(services: Services, record: SearchRecord, result: ClaimWatch, held: set[str]) -> None:
    params = {"term": " ".join(record.searches.pubmed.split()), "retmax": str(MAX_RECORDS)}
    if record.last_searched is not None:
        params |= {
            "datetype": "edat",
            "mindate": _eutils_date(record.last_searched),
            "maxdate": _eutils_date(result.until),
        }
    step = "esearch"
    try:
        count, ids, result.warnings = parse_esearch(services.eutils_json("esearch.fcgi", params))
        if count > len(ids):
            result.errors.append(
                f"PubMed esearch: {count} records, more than the {MAX_RECORDS} one run takes; "
                "narrow the saved search"
            )
            return
        fresh = [pmid for pmid in ids if f"pmid:{pmid}" not in held]
        step = "esummary"
        studies: dict[str, NewStudy] = {}
        for start in range(0, len(fresh), _SUMMARY_BATCH):
            batch = fresh[start : start + _SUMMARY_BATCH]
            studies |= parse_esummary(
                services.eutils_json("esummary.fcgi", {"id": ",".join(batch)})
            )
    except OfflineError:
        raise
    except (FetchError, ResponseFormatError) as error:
        result.errors.append(f"PubMed {step}: {error}")
        return
    result.found = count
    for pmid in fresh:
        study = studies.get(pmid, NewStudy(pmid))
        if not (study.doi and f"doi:{study.doi.lower()}" in held):
            result.new.append(study)
    result.searched = True


def _known(update: Update, known: Iterable[Update]) -> bool:
    """Whether the frozen record already has this notice (same type, and the same DOI or PMID
    when the notice names one)."""
    for other in known:
        if other.type is not update.type:
            continue
        if not (update.doi or update.pmid):
            return True
        if update.doi and other.doi and update.doi.lower() == other.doi.lower():
            return True
        if update.pmid and other.pmid == update.pmid:
            return True
    return False


@dataclass(slots=True)
class _NoticeCache:
    """Each cited work is looked up once per run, however many claims cite it."""

    services: Services
    today: dt.date
    found: dict[str, tuple[list[Notice], list[str]]] = field(default_factory=dict)

    def of(self, reference: Reference) -> tuple[list[Notice], list[str]]:
        if reference.key not in self.found:
            self.found[reference.key] = self._look_up(reference)
        return self.found[reference.key]

    def _look_up(self, reference: Reference) -> tuple[list[Notice], list[str]]:
        notices: list[Notice] = []
        errors: list[str] = []
        asks: list[tuple[str, str | None, Callable[[str], tuple[Update, ...]]]] = [
            ("Crossref", reference.doi, self._crossref),
            ("PubMed", reference.pmid, self._pubmed),
        ]
        for service, identifier, ask in asks:
            if not identifier:
                continue
            try:
                updates = ask(identifier)
            except OfflineError:
                raise
            except (FetchError, ResponseFormatError) as error:
                errors.append(f"{service} notices of {reference.key}: {error}")
                continue
            for update in updates:
                new = not _known(update, reference.updates)
                if not any(n.update == update for n in notices):
                    notices.append(Notice(reference.key, update, service, new))
        return notices, errors

    def _crossref(self, doi: str) -> tuple[Update, ...]:
        return crossref_record(self.services.crossref_work(doi), self.today).record.fields.updates

    def _pubmed(self, pmid: str) -> tuple[Update, ...]:
        xml = self.services.pubmed_article(pmid)
        return pubmed_record(xml, self.today).record.fields.updates


def watch(
    searches: Mapping[str, SearchRecord],
    cited: Mapping[str, tuple[Reference, ...]],
    references: Iterable[Reference],
    services: Services,
    *,
    today: dt.date,
    progress: Callable[[int, int, str], None] = lambda index, total, claim: None,
) -> WatchReport:
    """Run the saved search of each claim in ``searches`` and check the works it cites.

    ``cited`` maps each claim id to the references its evidence cites; ``references`` is the
    whole bibliography (what it holds is never new). `OfflineError` (nothing could be reached
    at all) propagates; every other failure is recorded in the claim's ``errors``.
    """
    report = WatchReport(today)
    bibliography = list(references)
    notices = _NoticeCache(services, today)
    for index, (claim_id, record) in enumerate(searches.items(), 1):
        result = ClaimWatch(claim_id, record.last_searched, today)
        report.claims.append(result)
        _search(services, record, result, _held(bibliography, record.screening))
        for reference in cited.get(claim_id, ()):
            found, errors = notices.of(reference)
            result.notices += found
            result.errors += errors
        progress(index, len(searches), claim_id)
    return report


class WatchWriteError(NeedlingFactsError):
    """A search file changed on disk in a way that cannot be merged (it no longer parses)."""


def write_new_candidates(result: ClaimWatch, path: Path) -> bool:
    """Append ``result``'s new studies as pending and move ``last_searched`` to the run date.

    The file is read again under its lock, so an edit made during the run is kept. Nothing is
    written when the claim's search failed. Returns whether the file was written.
    """
    if not result.searched:
        return False
    with locked(path):
        text, _ = read_text(read_regular_file(path), str(path), SEARCH_UNREADABLE)
        parsed = parse_search_file(text, str(path), result.claim)
        if parsed.record is None:
            first = parsed.problems[0] if parsed.problems else None
            raise WatchWriteError(
                f"{path}: not written: the file no longer reads as a search file ({first})"
            )
        record = parsed.record
        held = {c.id for c in record.screening}
        added = [
            Candidate(
                id=f"pmid:{study.pmid}",
                decision=Decision.PENDING,
                title=study.title,
                found=result.until,
                note=study.described or None,
            )
            for study in result.new
            if f"pmid:{study.pmid}" not in held
        ]
        updated = SearchRecord.model_validate(
            {
                **record.model_dump(exclude={"prisma"}),
                "screening": (*record.screening, *added),
                "last_searched": result.until,
            }
        )
        write_text(path, search_file_text(updated))
    result.written = True
    return True
