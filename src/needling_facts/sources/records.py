"""Frozen records: the public metadata each reference was checked against, one JSON file each.

``src/needling_facts/data/records/<BibKey>.json`` holds what was *seen* at PubMed, PMC, Crossref or
the journal for that reference (only fields actually seen), with where and when. `check`
compares ``references.bib`` with these files offline; ``needling-facts verify`` refreshes them
from the network. This module only reads, validates and writes files: no network here.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from needling_facts._cache import Cache, content_key
from needling_facts.diagnostics import Problem, Severity, declare_code
from needling_facts.errors import NeedlingFactsError, UnreadableFileError
from needling_facts.evidence.reference import Update, UpdateType
from needling_facts.sources.safe_read import read_regular_file
from needling_facts.sources.text import read_text

__all__ = [
    "RECORDS_FOLDER",
    "FieldsSeen",
    "FrozenRecord",
    "RecordSet",
    "SourceRecord",
    "Update",
    "UpdateType",
    "read_records",
    "record_json",
    "records_dir_for",
]

REF_INVALID_RECORD = declare_code(
    "ref.invalid-record",
    Severity.ERROR,
    "A frozen record file (`records/<Key>.json`) is not valid JSON, does not follow the record "
    "format, or names another key than its file name.",
    'records/Alam2014.json: {"key": "Alam2014", "records": []}',
)

RECORDS_FOLDER = "records"
"""Name of the folder of frozen records, a sibling of the claims folder."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class FieldsSeen(_Frozen):
    """Fields read at one record. Every field is optional: a field not seen is not written."""

    title: str | None = None
    authors: tuple[str, ...] | None = None
    journal: str | None = None
    """The journal as the record abbreviates it (PubMed: the NLM abbreviation)."""
    journal_full: str | None = None
    year: int | None = Field(default=None, ge=1000, le=9999)
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    """Page range or article number, as the record writes it."""
    doi: str | None = None
    pmid: str | None = None
    pmcid: str | None = None
    published_print: str | None = None
    published_online: str | None = None
    updates: tuple[Update, ...] = ()
    """Notices that update this work (retraction, correction, expression of concern)."""
    update_to: tuple[Update, ...] = ()
    """When this work is itself a notice: the works it updates (Crossref ``update-to``)."""


class SourceRecord(_Frozen):
    """One public record of the reference, and when and how it was read."""

    source: Literal["pubmed", "pmc", "crossref", "journal", "registry", "other"]
    url: str = Field(min_length=1)
    seen: dt.date
    how: str = Field(min_length=1)
    fields: FieldsSeen


class FrozenRecord(_Frozen):
    """Everything frozen for one reference: ``records/<key>.json``."""

    key: str = Field(min_length=1)
    records: tuple[SourceRecord, ...] = Field(min_length=1)

    def values(self, name: str) -> list[object]:
        """Every value the records give for field ``name``, in file order, without repeats."""
        found: list[object] = []
        for record in self.records:
            value = getattr(record.fields, name)
            if value is not None and value != () and value not in found:
                found.append(value)
        return found

    @property
    def updates(self) -> tuple[Update, ...]:
        """Notices from every record, each once."""
        return tuple(dict.fromkeys(u for r in self.records for u in r.fields.updates))


@dataclass(frozen=True, slots=True)
class RecordSet:
    """The frozen records of a folder, by reference key, with the problems reading them."""

    folder: str | None
    records: dict[str, FrozenRecord] = field(default_factory=dict)
    paths: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def present(self) -> bool:
        """Whether the folder exists: without one, records are not compared at all."""
        return self.folder is not None


def records_dir_for(claims_dir: Path) -> Path:
    """Records live beside the claims: ``<package>/data/claims`` -> ``<package>/data/records``."""
    return claims_dir.parent / RECORDS_FOLDER


def record_json(record: FrozenRecord) -> str:
    """The canonical text of a record file (stable key order, two-space indent)."""
    data = record.model_dump(mode="json", exclude_defaults=True)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


# Parsed files, one per path (its latest content): `mkdocs serve` reloads after every edit.
_RECORDS: Cache[FrozenRecord | Problem] = Cache("frozen records", max_slots=50_000)


def read_records(folder: Path) -> RecordSet:
    """Read every ``*.json`` in ``folder``; a missing folder gives an empty, absent set."""
    if not folder.is_dir():
        return RecordSet(None)
    out = RecordSet(str(folder))
    for path in sorted(folder.glob("*.json")):
        parsed = _read_cached(path)
        if isinstance(parsed, Problem):
            out.problems.append(parsed)
        elif parsed.key != path.stem:
            out.problems.append(
                REF_INVALID_RECORD.at(
                    str(path),
                    _line_of_key(path),
                    1,
                    f"record key {parsed.key!r} differs from the file name {path.stem!r}",
                )
            )
        else:
            out.records[parsed.key] = parsed
            out.paths[parsed.key] = str(path)
    return out


def _line_of_key(path: Path) -> int:
    try:
        text = read_regular_file(path, MAX_RECORD_SIZE).decode("utf-8", "replace")
    except UnreadableFileError:
        return 1
    for number, line in enumerate(text.splitlines(), 1):
        if '"key"' in line:
            return number
    return 1


def _read_cached(path: Path) -> FrozenRecord | Problem:
    try:
        data = read_regular_file(path, MAX_RECORD_SIZE)
    except UnreadableFileError as error:
        return REF_INVALID_RECORD.at(str(path), 1, 1, error.reason)
    slot, key = str(path), content_key(data)
    found = _RECORDS.get(slot, key)
    if found is None:
        found = _RECORDS.put(slot, key, _parse(data, str(path)))
    return found


def _parse(data: bytes, display: str) -> FrozenRecord | Problem:
    text, problem = read_text(data, display, REF_INVALID_RECORD)
    if problem is not None:
        return problem
    try:
        raw = json.loads(text, object_pairs_hook=_no_duplicate_keys)
    except json.JSONDecodeError as error:
        return REF_INVALID_RECORD.at(display, error.lineno, error.colno, error.msg)
    except DuplicateKeyError as error:
        return REF_INVALID_RECORD.at(display, _line_of(text, (error.key,)), 1, str(error))
    except RecursionError:
        return REF_INVALID_RECORD.at(display, 1, 1, "nested too deeply to be a record")
    except ValueError as error:  # e.g. an integer of more digits than Python converts
        return REF_INVALID_RECORD.at(display, 1, 1, f"not a record: {error}")
    try:
        return FrozenRecord.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        return REF_INVALID_RECORD.at(
            display, _line_of(text, first["loc"]), 1, f"{where}: {first['msg']}" + _more(error)
        )


MAX_RECORD_SIZE = 1 << 20
"""1 MiB: the largest real record is a few kilobytes."""


class DuplicateKeyError(NeedlingFactsError, ValueError):
    """A JSON object names one key twice (``json.loads`` would silently keep the last)."""

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(f"key {key!r} appears twice in one object; which one was seen?")


def _no_duplicate_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    # json.loads keeps the last of two equal keys silently; a record must say one thing.
    out: dict[str, object] = {}
    for key, value in pairs:
        if key in out:
            raise DuplicateKeyError(key)
        out[key] = value
    return out


def _more(error: ValidationError) -> str:
    extra = error.error_count() - 1
    return f" (and {extra} more)" if extra else ""


def _line_of(text: str, loc: tuple[int | str, ...]) -> int:
    """Best effort: the line of the last named key in the error's location."""
    names = [part for part in loc if isinstance(part, str)]
    for name in reversed(names):
        for number, line in _numbered(text):
            if f'"{name}"' in line:
                return number
    return 1


def _numbered(text: str) -> Iterator[tuple[int, str]]:
    return enumerate(text.splitlines(), 1)
