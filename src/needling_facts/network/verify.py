"""``verify`` and ``add --doi/--pmid``: fetch public records, compare, freeze.

The requests themselves go through `network.Services`; this module decides what to ask, how
to merge the answers and what to write. A reference whose look-up fails in any way keeps its
frozen record untouched.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from needling_facts.checks.records import compare_reference
from needling_facts.diagnostics import CodeInfo
from needling_facts.evidence.reference import Reference
from needling_facts.network.client import FetchError, OfflineError, Services
from needling_facts.network.responses import (
    ResponseFormatError,
    Work,
    crossref_record,
    pubmed_record,
)
from needling_facts.sources.records import FieldsSeen, FrozenRecord, SourceRecord, record_json
from needling_facts.sources.safe_write import write_text

__all__ = [
    "Lookup",
    "VerifyOutcome",
    "bib_entry",
    "first_author",
    "house_key",
    "look_up",
    "merged_year",
    "refreshed",
    "verify_references",
]


@dataclass(slots=True)
class Lookup:
    """What the services answered for one work, and what went wrong."""

    works: list[Work] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    not_found: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        """A failure other than 'not found' (which is an answer, not an outage)."""
        return bool(self.errors)


def _ask(lookup: Lookup, service: str, call: Callable[[], Work]) -> Work | None:
    try:
        work = call()
    except OfflineError:
        raise
    except FetchError as error:
        if error.kind == "not-found":
            lookup.not_found.append(service)
        else:
            lookup.errors.append(f"{service}: {error}")
        return None
    except ResponseFormatError as error:
        # efetch answers an unknown PMID with an empty PubmedArticleSet, not a 404.
        if error.empty:
            lookup.not_found.append(service)
        else:
            lookup.errors.append(f"{service}: {error}")
        return None
    lookup.works.append(work)
    return work


def look_up(services: Services, *, doi: str | None, pmid: str | None, seen: dt.date) -> Lookup:
    """Crossref by DOI and PubMed by PMID, each found from the other when missing."""
    lookup = Lookup()
    crossref: Work | None = None
    if doi:
        crossref = _ask(
            lookup, "Crossref", lambda: crossref_record(services.crossref_work(doi), seen)
        )
    if not pmid and doi:
        try:
            found = services.pubmed_ids_for_doi(doi)
        except OfflineError:
            raise
        except FetchError as error:
            lookup.errors.append(f"PubMed: {error}")
            found = []
        pmid = found[0] if len(found) == 1 else None
    if pmid:
        wanted = pmid
        pubmed = _ask(
            lookup, "PubMed", lambda: pubmed_record(services.pubmed_article(wanted), seen)
        )
        found_doi = pubmed.record.fields.doi if pubmed else None
        if crossref is None and not doi and found_doi:
            _ask(
                lookup, "Crossref", lambda: crossref_record(services.crossref_work(found_doi), seen)
            )
    return lookup


def refreshed(key: str, existing: FrozenRecord | None, works: Iterable[Work]) -> FrozenRecord:
    """The frozen record with the fetched sources replacing those of the same source; records
    read by hand from other sources (journal pages, PMC) are kept."""
    fresh = [w.record for w in works]
    sources = {r.source for r in fresh}
    kept = [r for r in existing.records if r.source not in sources] if existing else []
    return FrozenRecord(key=key, records=(*fresh, *kept))


def _changes(old: FrozenRecord | None, new: FrozenRecord) -> list[str]:
    """Field-level differences, one line each, ignoring when a record was seen."""
    before: dict[str, SourceRecord] = {r.source: r for r in old.records} if old else {}
    lines = []
    for record in new.records:
        previous = before.get(record.source)
        if previous is None:
            lines.append(f"+ {record.source}: new record ({record.url})")
            continue
        for name in FieldsSeen.model_fields:
            a, b = getattr(previous.fields, name), getattr(record.fields, name)
            if a != b:
                lines.append(f"~ {record.source}.{name}: {a!r} -> {b!r}")
    return lines


@dataclass(slots=True)
class VerifyOutcome:
    key: str
    errors: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    mismatches: list[tuple[CodeInfo, str]] = field(default_factory=list)
    """What check would report about the bib entry against the fetched record."""
    written: bool = False
    skipped: str | None = None
    """Why nothing was looked up (no DOI or PMID): not a failure."""


def verify_references(
    references: Mapping[str, Reference],
    records: Mapping[str, FrozenRecord],
    records_dir: Path,
    services: Services,
    *,
    write: bool,
    seen: dt.date,
    progress: Callable[[int, int, str], None] = lambda i, n, key: None,
) -> list[VerifyOutcome]:
    """Fetch, compare and (with ``write``) freeze each reference; `OfflineError` propagates."""
    outcomes = []
    for index, (key, reference) in enumerate(references.items(), 1):
        outcome = VerifyOutcome(key)
        outcomes.append(outcome)
        _verify_one(reference, records, records_dir, services, outcome, write=write, seen=seen)
        progress(index, len(references), key)
    return outcomes


def _verify_one(
    reference: Reference,
    records: Mapping[str, FrozenRecord],
    records_dir: Path,
    services: Services,
    outcome: VerifyOutcome,
    *,
    write: bool,
    seen: dt.date,
) -> None:
    key = reference.key
    if not reference.doi and not reference.pmid:
        outcome.skipped = "no DOI or PMID to look up (verify --find-ids searches by title)"
        return
    lookup = look_up(services, doi=reference.doi, pmid=reference.pmid, seen=seen)
    outcome.errors += lookup.errors
    if reference.doi and "Crossref" in lookup.not_found:
        outcome.errors.append(f"Crossref: DOI {reference.doi} not found (404)")
    if reference.pmid and "PubMed" in lookup.not_found:
        outcome.errors.append(f"PubMed: PMID {reference.pmid} not found")
    if outcome.errors or not lookup.works:
        return  # never change a record on a partial answer
    new = refreshed(key, records.get(key), lookup.works)
    outcome.changes = _changes(records.get(key), new)
    outcome.mismatches = compare_reference(reference, new)
    if write and (outcome.changes or key not in records):
        records_dir.mkdir(parents=True, exist_ok=True)
        write_text(records_dir / f"{key}.json", record_json(new))
        outcome.written = True


def _ascii_name(family: str) -> str:
    """``Stadelman-Behar`` -> ``StadelmanBehar``, ``El-Domyati`` -> ``ElDomyati``."""
    bare = unicodedata.normalize("NFKD", family).encode("ascii", "ignore").decode()
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z]+", bare) if part)


def house_key(family: str, year: int | None, existing: Iterable[str]) -> str:
    """``FirstauthorYEAR``; with a letter (next free after those used) when the key is taken."""
    base = f"{_ascii_name(family) or 'Anonymous'}{year or ''}"
    taken = {k.lower() for k in existing}
    if base.lower() not in taken and f"{base}a".lower() not in taken:
        return base
    for letter in "bcdefghijklmnopqrstuvwxyz":
        if f"{base}{letter}".lower() not in taken:
            return f"{base}{letter}"
    raise ValueError(f"no free key left for {base}")


def _braced(value: str) -> str:
    return "{" + value.replace("{", "").replace("}", "") + "}"


def _bib_pages(pages: str) -> str:
    return re.sub(r"\s*[-\u2013]+\s*", "--", pages)


def bib_entry(key: str, works: list[Work]) -> str:
    """A BibTeX entry from the merged answers: Crossref for the bibliographic fields, PubMed
    for PMID, PMCID and the NLM abbreviation (``shortjournal``); each filled from the other
    when one lacks it."""
    by_source = {w.record.source: w for w in works}
    crossref, pubmed = by_source.get("crossref"), by_source.get("pubmed")
    first, second = (crossref, pubmed) if crossref else (pubmed, None)
    assert first is not None, "bib_entry needs at least one answer"
    a, b = first.record.fields, second.record.fields if second else FieldsSeen()
    people = first.people or (second.people if second else [])
    year = merged_year(works)
    fields: list[tuple[str, str | None]] = [
        ("author", " and ".join(f"{f}, {g}".rstrip(", ") for f, g in people) or None),
        ("title", a.title or b.title),
        ("journal", a.journal_full or b.journal_full),
        ("shortjournal", pubmed.record.fields.journal if pubmed else None),
        ("year", str(year) if year else None),
        ("volume", a.volume or b.volume),
        ("number", a.issue or b.issue),
        ("pages", _bib_pages(a.pages or b.pages or "") or None),
        ("doi", a.doi or b.doi),
        ("pmid", pubmed.record.fields.pmid if pubmed else None),
        ("pmcid", pubmed.record.fields.pmcid if pubmed else None),
    ]
    body = ",\n".join(f"  {name} = {_braced(value)}" for name, value in fields if value)
    return f"@article{{{key},\n{body},\n}}\n"


def merged_year(works: list[Work]) -> int | None:
    """Crossref's print year (what citation styles print), else the first record's year."""
    for work in works:
        printed = work.record.fields.published_print
        if work.record.source == "crossref" and printed:
            return int(printed[:4])
    return next((w.record.fields.year for w in works if w.record.fields.year), None)


def first_author(works: list[Work]) -> str:
    """The first author's family name, Crossref's spelling first."""
    ordered = sorted(works, key=lambda w: w.record.source != "crossref")
    return next((w.people[0][0] for w in ordered if w.people), "")
