"""Compare ``references.bib`` with the frozen records, offline, and carry what they add.

Each mismatch is a `Problem` at the bib entry's line. References come back enriched with what
only the records know: the journal's other name (full title or NLM abbreviation) and notices
(retraction, correction, expression of concern).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from needling_facts.checks.matching import (
    journals_agree,
    normalise_journal,
    pages_agree,
    titles_agree,
)
from needling_facts.diagnostics import CodeInfo, Problem, Severity, declare_code
from needling_facts.evidence.reference import Reference, Update, UpdateType
from needling_facts.sources.records import FrozenRecord, RecordSet

__all__ = ["check_records", "compare_reference", "enrich_references"]

REF_NO_RECORD = declare_code(
    "ref.no-record",
    Severity.WARNING,
    "The reference has no frozen record to be checked against; `needling-facts verify KEY "
    "--write` fetches one.",
    "an entry without records/<Key>.json",
)

REF_TITLE_MISMATCH = declare_code(
    "ref.title-mismatch",
    Severity.ERROR,
    "The title differs from a record's title (compared without case, punctuation, accents, "
    "LaTeX or HTML): often a DOI that points at a different paper.",
    "title = {Microneedling for acne scars} with the DOI of a paper on melasma",
)

REF_YEAR_MISMATCH = declare_code(
    "ref.year-mismatch",
    Severity.ERROR,
    "The year is neither the records' year nor their print-publication year.",
    "year = {2015} where PubMed says 2016",
)

REF_PAGES_MISMATCH = declare_code(
    "ref.pages-mismatch",
    Severity.ERROR,
    "The page range differs from the records' (en dash, hyphen and abbreviated ranges such as "
    "1421-9 count as the same).",
    "pages = {844--848} where the record says 844-849",
)

REF_VOLUME_MISMATCH = declare_code(
    "ref.volume-mismatch",
    Severity.ERROR,
    "The volume differs from the records' volume (leading zeros aside).",
    "volume = {53} where the record says 54",
)

REF_ISSUE_MISMATCH = declare_code(
    "ref.issue-mismatch",
    Severity.ERROR,
    "The issue (BibTeX `number`) differs from the records' issue (leading zeros aside).",
    "number = {2} where PubMed says 74(3)",
)

REF_JOURNAL_MISMATCH = declare_code(
    "ref.journal-mismatch",
    Severity.ERROR,
    "The journal is neither the records' full title nor an abbreviation of it (an NLM "
    "abbreviation such as J Clin Aesthet Dermatol is not a mismatch).",
    "journal = {Dermatol Surg} where the record says Burns",
)

REF_ID_MISMATCH = declare_code(
    "ref.id-mismatch",
    Severity.ERROR,
    "The DOI, PMID or PMCID differs from the one the records give for the work.",
    "pmid = {24919798} where the record says 24919799",
)

REF_RETRACTED = declare_code(
    "ref.retracted",
    Severity.ERROR,
    "A record says the work was retracted (Crossref `updated-by`, PubMed 'Retraction in').",
    "a DOI whose Crossref record has updated-by type retraction",
)

REF_CORRECTION = declare_code(
    "ref.correction",
    Severity.WARNING,
    "A record lists a correction (erratum, corrigendum) of the work: read it before citing "
    "numbers.",
    "a DOI whose Crossref record has updated-by type correction",
)

REF_EXPRESSION_OF_CONCERN = declare_code(
    "ref.expression-of-concern",
    Severity.WARNING,
    "The journal published an expression of concern about the work.",
    "a DOI whose Crossref record has updated-by type expression_of_concern",
)
REF_RECORD_WITHOUT_ENTRY = declare_code(
    "ref.record-without-entry",
    Severity.ERROR,
    "A frozen record names a key that the bibliography does not have.",
    "records/Ghost2020.json with no @article{Ghost2020, ...}",
)


def check_records(references: Mapping[str, Reference], records: RecordSet) -> list[Problem]:
    """Every disagreement between an entry and its record; nothing when there is no folder."""
    if not records.present:
        return []
    problems: list[Problem] = []
    for key, reference in references.items():
        if reference.source is None:
            continue
        record = records.records.get(key)
        found = compare_reference(reference, record) if record else [_no_record(key, records)]
        problems += [
            code.at(reference.source.path, reference.source.line, 1, message)
            for code, message in found
        ]
    # A record waiting for a key the bibliography does not have yet (a planted retraction,
    # say) would take effect silently the day that key is added.
    for key in sorted(set(records.records) - set(references)):
        problems.append(
            REF_RECORD_WITHOUT_ENTRY.at(
                records.paths[key],
                1,
                1,
                f"frozen record for {key!r}, which references.bib does not have; "
                "add the entry or remove the record",
            )
        )
    return problems


def _no_record(key: str, records: RecordSet) -> tuple[CodeInfo, str]:
    return (
        REF_NO_RECORD,
        f"no frozen record for {key!r} in {records.folder}; "
        f"run: needling-facts verify {key} --write",
    )


def _quoted(values: Sequence[object]) -> str:
    return " or ".join(repr(v) for v in values)


def compare_reference(reference: Reference, record: FrozenRecord) -> list[tuple[CodeInfo, str]]:
    """Each way ``reference`` disagrees with its frozen ``record``: (code, message) pairs."""
    found: list[tuple[CodeInfo, str]] = []
    found += _title(reference, record)
    found += _year(reference, record)
    found += _pages(reference, record)
    found += _volume_and_issue(reference, record)
    found += _journal(reference, record)
    found += _identifiers(reference, record)
    found += _notices(reference, record)
    return found


def _title(reference: Reference, record: FrozenRecord) -> list[tuple[CodeInfo, str]]:
    if not reference.title:
        return []
    found = []
    for source in record.records:
        title = source.fields.title
        if title is not None and not titles_agree(reference.title, title):
            what = f"the {source.source} record"
            if source.source == "crossref" and source.fields.doi:
                what = f"the record of DOI {source.fields.doi}"
            found.append(
                (REF_TITLE_MISMATCH, f"title differs from {what}: {title!r} ({source.url})")
            )
    return found


def _years_seen(record: FrozenRecord) -> list[int]:
    years: list[int] = []
    for source in record.records:
        fields = source.fields
        candidates = [fields.year]
        if fields.published_print and fields.published_print[:4].isdigit():
            candidates.append(int(fields.published_print[:4]))
        years += [y for y in candidates if y is not None and y not in years]
    return years


def _year(reference: Reference, record: FrozenRecord) -> list[tuple[CodeInfo, str]]:
    years = _years_seen(record)
    if reference.year is None or not years or reference.year in years:
        return []
    return [
        (
            REF_YEAR_MISMATCH,
            f"year {reference.year} differs from the records' {_quoted(list(years))}",
        )
    ]


def _pages(reference: Reference, record: FrozenRecord) -> list[tuple[CodeInfo, str]]:
    seen = [str(v) for v in record.values("pages")]
    if not reference.pages or not seen:
        return []
    first_page = reference.pages.replace("\u2013", "-").split("-")[0].strip()
    if any(pages_agree(reference.pages, v) or v.strip() == first_page for v in seen):
        return []
    return [
        (
            REF_PAGES_MISMATCH,
            f"pages {reference.pages!r} differ from the records' {_quoted(list(seen))}",
        )
    ]


def _number(value: str) -> str:
    """``04`` and ``4`` are one issue; ``4 Suppl`` stays itself."""
    text = " ".join(value.split()).casefold()
    return (text.lstrip("0") or text) if text.isdigit() else text


def _volume_and_issue(reference: Reference, record: FrozenRecord) -> list[tuple[CodeInfo, str]]:
    found = []
    for label, ours, code in (
        ("volume", reference.volume, REF_VOLUME_MISMATCH),
        ("issue", reference.issue, REF_ISSUE_MISMATCH),
    ):
        seen = [str(v) for v in record.values(label)]
        if ours and seen and _number(ours) not in {_number(v) for v in seen}:
            found.append(
                (
                    code,
                    f"{label} {ours!r} differs from the records' {_quoted(seen)}",
                )
            )
    return found


def _journal(reference: Reference, record: FrozenRecord) -> list[tuple[CodeInfo, str]]:
    seen = [str(v) for v in [*record.values("journal"), *record.values("journal_full")]]
    found = []
    for given in (reference.journal, reference.journal_abbrev):
        if given and seen and not any(journals_agree(given, v) for v in seen):
            found.append(
                (
                    REF_JOURNAL_MISMATCH,
                    f"journal {given!r} is neither the records' title nor its abbreviation: "
                    f"{_quoted(list(seen))}",
                )
            )
    return found


def _identifiers(reference: Reference, record: FrozenRecord) -> list[tuple[CodeInfo, str]]:
    found = []
    for label, ours, name in (
        ("DOI", reference.doi, "doi"),
        ("PMID", reference.pmid, "pmid"),
        ("PMCID", reference.pmcid, "pmcid"),
    ):
        seen = [str(v) for v in record.values(name)]
        if ours and seen and ours.lower() not in {v.lower() for v in seen}:
            found.append(
                (
                    REF_ID_MISMATCH,
                    f"{label} {ours} differs from the records' {_quoted(list(seen))}",
                )
            )
    return found


_NOTICE_CODES = {
    UpdateType.RETRACTION: REF_RETRACTED,
    UpdateType.CORRECTION: REF_CORRECTION,
    UpdateType.EXPRESSION_OF_CONCERN: REF_EXPRESSION_OF_CONCERN,
}


def _describe(update: Update) -> str:
    parts = [update.type.value.replace("-", " ")]
    if update.date:
        parts.append(f"of {update.date}")
    for label, value in (("doi", update.doi), ("PMID", update.pmid)):
        if value:
            parts.append(f"({label}:{value})")
    return " ".join(parts)


def _notices(reference: Reference, record: FrozenRecord) -> list[tuple[CodeInfo, str]]:
    found = []
    for update in record.updates:
        code = _NOTICE_CODES.get(update.type)
        if code is None:
            continue
        if update.type is UpdateType.RETRACTION:
            message = f"{reference.key!r} has been retracted: {_describe(update)}"
        else:
            message = f"{reference.key!r} has a notice: {_describe(update)}"
        found.append((code, message))
    return found


def enrich_references(
    references: Mapping[str, Reference], records: RecordSet
) -> dict[str, Reference]:
    """References with the journal's other name and the notices taken from their records."""
    out: dict[str, Reference] = {}
    for key, reference in references.items():
        record = records.records.get(key)
        out[key] = reference if record is None else _enriched(reference, record)
    return out


def _enriched(reference: Reference, record: FrozenRecord) -> Reference:
    update: dict[str, object] = {}
    if record.updates:
        update["updates"] = record.updates
    journal = reference.journal
    fulls = [str(v) for v in record.values("journal_full")]
    # PubMed's `journal` is the NLM abbreviation; Crossref's short titles are ISO-style.
    ordered = sorted(record.records, key=lambda r: r.source != "pubmed")
    abbreviations = list(dict.fromkeys(r.fields.journal for r in ordered if r.fields.journal))
    if journal and any(journals_agree(journal, v) for v in [*fulls, *abbreviations]):
        folded = normalise_journal(journal)
        is_full = any(normalise_journal(v) == folded for v in fulls)
        full = journal if is_full else (fulls[0] if fulls else None)
        # The bib's own form wins: it is what the contributor chose to cite.
        short = abbreviations[0] if is_full and abbreviations else (None if is_full else journal)
        if reference.journal_full is None and full is not None:
            update["journal_full"] = full
        if reference.journal_abbrev is None and short is not None:
            update["journal_abbrev"] = short
    return reference.model_copy(update=update) if update else reference
