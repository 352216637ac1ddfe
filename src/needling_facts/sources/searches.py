"""Read (and write) the search files: ``data/searches/<claim-id>.yaml``, one per claim.

A search file holds the claim's saved searches, ``last_searched`` and its screening log
(`needling_facts.evidence.search`). The folder sits beside ``claims/`` as ``records/`` does.
Reading never raises for what is on disk: an unreadable file, bad YAML or an invalid value is a
`Problem` at its line, and the file then gives no record. `search_file_text` writes a record
back in one canonical layout (``watch --write`` rewrites files with it).
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from needling_facts._cache import Cache, content_key
from needling_facts.diagnostics import Problem, Severity, declare_code
from needling_facts.errors import UnreadableFileError
from needling_facts.evidence.search import (
    EXCLUDED_WITHOUT_REASON,
    Candidate,
    Decision,
    SearchRecord,
)
from needling_facts.sources import safe_yaml
from needling_facts.sources.safe_read import read_regular_file
from needling_facts.sources.text import read_text

__all__ = [
    "SEARCHES_FOLDER",
    "SearchFile",
    "SearchSet",
    "parse_search_file",
    "read_search_file",
    "read_searches",
    "search_file_text",
    "searches_dir_for",
]

SEARCH_UNREADABLE = declare_code(
    "search.unreadable",
    Severity.ERROR,
    "A search file cannot be read as a file (a folder, FIFO, broken link, over 256 KiB) or "
    "is not UTF-8.",
    "searches/acne-scars.yaml saved as Latin-1",
)
SEARCH_INVALID_YAML = declare_code(
    "search.invalid-yaml",
    Severity.ERROR,
    "A search file is not valid YAML, is empty or is not a mapping (anchors, aliases and "
    "duplicate keys are refused as in claim files).",
    "searches: [unclosed",
)
SEARCH_INVALID_VALUE = declare_code(
    "search.invalid-value",
    Severity.ERROR,
    "A field of a search file is missing, unknown, of the wrong type or not an allowed "
    "value (a candidate id is pmid:, doi:, registry:, bib: or desc:).",
    "screening: [{id: 12345, decision: included}]",
)
SEARCH_UNKNOWN_DECISION = declare_code(
    "search.unknown-decision",
    Severity.ERROR,
    "A screening decision is not included, excluded or pending.",
    "decision: maybe",
)
SEARCH_EXCLUDED_WITHOUT_REASON = declare_code(
    "search.excluded-without-reason",
    Severity.ERROR,
    "An excluded candidate gives no reason from the fixed list (wrong-population, "
    "wrong-intervention, wrong-comparison, wrong-design, no-usable-outcome, not-a-study, "
    "duplicate, not-retrieved, record-not-confirmed).",
    "{id: pmid:123, decision: excluded}",
)

SEARCHES_FOLDER = "searches"
"""Name of the folder of search files, a sibling of the claims folder."""
SUFFIX = ".yaml"
MAX_FILE_SIZE = safe_yaml.MAX_SIZE
"""Bytes in one search file: what the YAML reader accepts (a log of about a thousand studies)."""
_FILLED_IN = ("claim", "source", "prisma")


@dataclass(slots=True)
class SearchFile:
    """What reading one search file gave: the record (if valid) and its problems."""

    path: str
    claim_id: str
    record: SearchRecord | None = None
    problems: list[Problem] = field(default_factory=list)
    text: str = ""
    _lines: dict[tuple[str | int, ...], int] | None = None

    def line_of(self, *loc: str | int) -> int:
        """Line of the key at ``loc`` (or of its nearest present parent); 1 if unknown."""
        if self._lines is None:
            self._lines = {}
            try:
                node = safe_yaml.compose(self.text)
            except safe_yaml.YamlRefusedError:
                node = None
            if node is not None:
                _index_lines(node, (), self._lines)
        while loc:
            if loc in self._lines:
                return self._lines[loc]
            loc = loc[:-1]
        return 1


def _index_lines(
    node: yaml.Node, loc: tuple[str | int, ...], lines: dict[tuple[str | int, ...], int]
) -> None:
    lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = str(key_node.value)
            lines[(*loc, key)] = key_node.start_mark.line + 1
            _index_lines(value_node, (*loc, key), lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _index_lines(item, (*loc, index), lines)


@dataclass(frozen=True, slots=True)
class SearchSet:
    """The search files of a folder, by claim id, with the problems reading it."""

    folder: str | None
    files: dict[str, SearchFile] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def present(self) -> bool:
        """Whether the folder exists: without one, searches are not checked at all."""
        return self.folder is not None

    @property
    def records(self) -> dict[str, SearchRecord]:
        """The valid records, by claim id."""
        return {cid: f.record for cid, f in self.files.items() if f.record is not None}


def searches_dir_for(claims_dir: Path) -> Path:
    """``<package>/data/claims`` -> ``<package>/data/searches``."""
    return claims_dir.parent / SEARCHES_FOLDER


def read_searches(folder: Path) -> SearchSet:
    """Every ``*.yaml`` in ``folder``; a missing folder gives an empty, absent set."""
    if not folder.is_dir():
        return SearchSet(None)
    out = SearchSet(str(folder))
    for name in sorted(os.listdir(folder)):
        if name.endswith(SUFFIX):
            parsed = read_search_file(folder / name)
            out.files[parsed.claim_id] = parsed
            out.problems.extend(parsed.problems)
    return out


# Parsed files, one per path (its latest content): `mkdocs serve` reloads after every edit,
# and parsing the YAML and validating it is a quarter of a warm load of the bundled library.
_SEARCH_FILES: Cache[SearchFile] = Cache("parsed search files", max_slots=50_000)


def read_search_file(path: Path, data: bytes | None = None) -> SearchFile:
    """Read one search file; a folder, FIFO, broken link or oversize file is a problem."""
    claim_id = path.name.removesuffix(SUFFIX)
    if data is None:
        try:
            data = read_regular_file(path, MAX_FILE_SIZE)
        except UnreadableFileError as error:
            out = SearchFile(str(path), claim_id)
            out.problems.append(SEARCH_UNREADABLE.at(str(path), 1, 1, error.reason))
            return out
    slot, key = str(path), content_key(data)
    found = _SEARCH_FILES.get(slot, key)
    if found is None:
        found = _SEARCH_FILES.put(slot, key, _decode_and_parse(path, data, claim_id))
    return found


def _decode_and_parse(path: Path, data: bytes, claim_id: str) -> SearchFile:
    text, problem = read_text(data, str(path), SEARCH_UNREADABLE)
    if problem is not None:
        out = SearchFile(str(path), claim_id)
        out.problems.append(problem)
        return out
    return parse_search_file(text, str(path), claim_id)


def parse_search_file(text: str, path: str, claim_id: str) -> SearchFile:
    """The record in ``text`` (a search file's content) and the problems found."""
    out = SearchFile(path, claim_id, text=text.removeprefix("\ufeff"))
    try:
        data = safe_yaml.load(out.text)
    except safe_yaml.YamlRefusedError as error:
        # The YAML rules are the claim files'; the message is about this file.
        message = error.message.replace("in claim files", "in search files")
        out.problems.append(SEARCH_INVALID_YAML.at(path, error.line + 1, error.col + 1, message))
        return out
    if not isinstance(data, dict):
        what = "empty" if data is None else "not a mapping of fields"
        out.problems.append(SEARCH_INVALID_YAML.at(path, 1, 1, f"the file is {what}"))
        return out
    data = {str(key): value for key, value in data.items()}
    for name in _FILLED_IN:
        if name in data:
            data.pop(name)
            out.problems.append(
                SEARCH_INVALID_VALUE.at(
                    path,
                    out.line_of(name),
                    1,
                    f"{name!r} cannot be set in a search file: it is filled in by the reader",
                )
            )
    data.update(claim=claim_id, source={"path": path, "line": 1})
    try:
        record = SearchRecord.model_validate(data)
    except ValidationError as error:
        out.problems.extend(_problem(detail, data, out) for detail in error.errors())
        return out
    out.record = record
    return out


@cache
def _known_fields(model: type[Any]) -> tuple[str, ...]:
    return tuple(name for name in model.model_fields if name not in _FILLED_IN)


def _problem(detail: Any, data: dict[str, Any], out: SearchFile) -> Problem:
    loc: tuple[str | int, ...] = tuple(detail["loc"])
    kind: str = detail["type"]
    line = out.line_of(*loc)
    where = ".".join(str(part) for part in loc) or "the file"
    if kind == "enum" and loc[-1:] == ("decision",):
        return SEARCH_UNKNOWN_DECISION.at(
            out.path,
            line,
            1,
            f"decision {detail['input']!r} is not one of: " + ", ".join(d.value for d in Decision),
        )
    if kind == EXCLUDED_WITHOUT_REASON:
        return SEARCH_EXCLUDED_WITHOUT_REASON.at(out.path, line, 1, str(detail["msg"]))
    if kind == "missing":
        message = f"required field {where!r} is missing"
    elif kind == "extra_forbidden":
        message = f"unknown field {where!r}"
        model = Candidate if "screening" in loc else SearchRecord
        close = difflib.get_close_matches(str(loc[-1]), _known_fields(model), n=1)
        if close:
            message += f"; did you mean {close[0]!r}?"
    elif kind == "string_pattern_mismatch" and loc[-1:] == ("id",):
        message = (
            f"{where}: {detail['input']!r} is not a candidate id: write pmid:NUMBER, doi:10.x/y, "
            "registry:ID, bib:KEY or desc:words-with-hyphens"
        )
    else:
        message = f"{where}: " + str(detail["msg"]).removeprefix("Value error, ")
    return SEARCH_INVALID_VALUE.at(out.path, line, 1, message)


HEADER = (
    "# Saved searches and screening log of the claim {claim}: see docs/living-evidence.md.\n"
    "# `needling-facts watch --write` rewrites this file in this layout.\n"
)


class _Dumper(yaml.SafeDumper):
    """Block style, lists indented under their key, multi-line text as literal blocks."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)

    def ignore_aliases(self, data: Any) -> bool:
        # The reader refuses anchors and aliases; one date used twice is written out twice.
        return True


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def search_file_text(record: SearchRecord) -> str:
    """The canonical text of ``record``'s search file (reading it back gives ``record``)."""
    data = record.model_dump(mode="json", exclude_none=True, exclude=set(_FILLED_IN))
    if record.last_searched is not None:
        data["last_searched"] = record.last_searched
    for entry, candidate in zip(data.get("screening", []), record.screening, strict=True):
        if candidate.found is not None:
            entry["found"] = candidate.found
    if not data.get("screening"):
        data.pop("screening", None)
    body = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=96, indent=2)
    return HEADER.format(claim=record.claim) + body
