"""Read one claim file (YAML front matter + Markdown prose) into a typed claim.

Validation errors are turned into problems that point at the line of the offending key, found
by walking the YAML node tree alongside pydantic's error location.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import TypeAdapter, ValidationError

from needling_facts.diagnostics import Problem, Severity, declare_code
from needling_facts.errors import UnreadableFileError
from needling_facts.evidence.claim import AnyClaim, Claim, GeneralClaim, ScarClaim
from needling_facts.evidence.vocabulary import CLAIM_ID_PATTERN
from needling_facts.sources import safe_yaml
from needling_facts.sources.citation_syntax import CITE_UNPARSED, scan
from needling_facts.sources.links import CONTENT_UNSAFE_LINK, unsafe_links
from needling_facts.sources.safe_read import read_regular_file
from needling_facts.sources.safe_yaml import CLAIM_INVALID_VALUE, CLAIM_INVALID_YAML
from needling_facts.sources.text import read_text

__all__ = ["BodyCitation", "ClaimFile", "parse_claim_file", "read_claim_file"]

CLAIM_UNREADABLE = declare_code(
    "claim.unreadable",
    Severity.ERROR,
    "A `*.md` entry in the claims folder cannot be read as a file: a folder, FIFO, device, "
    "broken or looping link, unreadable or over 1 MiB. It is skipped; the others are read.",
    "a broken symbolic link acne.md",
)

CLAIM_NOT_UTF8 = declare_code(
    "claim.not-utf8",
    Severity.ERROR,
    "The claim file is not valid UTF-8.",
    "a Latin-1 byte",
)

CLAIM_NO_FRONT_MATTER = declare_code(
    "claim.no-front-matter",
    Severity.ERROR,
    "The claim file does not start with YAML front matter between `---` lines.",
    "a Markdown file without ---",
)

CLAIM_INVALID_ID = declare_code(
    "claim.invalid-id",
    Severity.ERROR,
    "The file name is not a valid claim id (lowercase letters, digits and hyphens).",
    "Acne_Scars.md",
)

CLAIM_ID_MISMATCH = declare_code(
    "claim.id-mismatch",
    Severity.ERROR,
    "The front matter's `id` differs from the file name, which is the claim's id.",
    "id: acne in acne-scars.md",
)

CLAIM_UNKNOWN_FIELD = declare_code(
    "claim.unknown-field",
    Severity.ERROR,
    "The front matter has a key the format does not know (often a typo).",
    "certainity: low",
)

CLAIM_MISSING_FIELD = declare_code(
    "claim.missing-field",
    Severity.ERROR,
    "A required field is absent.",
    "a claim without `verdict`",
)

MAX_FILE_SIZE = 1 << 20
"""Bytes in one claim file; real ones are under 20 KB."""
_ID = re.compile(CLAIM_ID_PATTERN)
_RESERVED = ("body", "source")
_CLOSING = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class BodyCitation:
    key: str
    line: int
    col: int


@dataclass(slots=True)
class ClaimFile:
    """What reading one file gave: the claim (if valid), its problems, and where things are."""

    path: str
    claim_id: str
    claim: Claim | None = None
    problems: list[Problem] = field(default_factory=list)
    body_citations: list[BodyCitation] = field(default_factory=list)
    evidence_refs: list[tuple[str, int]] = field(default_factory=list)
    """(key, index in ``evidence``) of every evidence item that names a reference."""
    front_matter: str = ""
    _lines: dict[tuple[str | int, ...], int] | None = None

    def line_of(self, *loc: str | int) -> int:
        """Line of the key at ``loc`` (or of its nearest present parent).

        Lines are only needed to report a problem, so the YAML is composed into nodes (which
        carry positions) on the first call, not on every load.
        """
        if self._lines is None:
            self._lines = {}
            node = safe_yaml.compose(self.front_matter)
            if node is not None:
                _index_lines(node, (), self._lines, line_offset=1)
        while loc:
            if loc in self._lines:
                return self._lines[loc]
            loc = loc[:-1]
        return self._lines.get((), 1)


@cache
def _adapter() -> TypeAdapter[ScarClaim | GeneralClaim]:
    return TypeAdapter(AnyClaim)


@cache
def _known_fields() -> tuple[str, ...]:
    names = set(ScarClaim.model_fields) | set(GeneralClaim.model_fields)
    return tuple(sorted(names - set(_RESERVED)))


def unreadable_claim_file(path: Path, reason: str) -> ClaimFile:
    """What a claim file that cannot be read gives: one located problem, no claim."""
    out = ClaimFile(str(path), path.stem)
    out.problems.append(CLAIM_UNREADABLE.at(str(path), 1, 1, reason))
    return out


def read_claim_file(path: Path, data: bytes | None = None) -> ClaimFile:
    """Read a claim file (``data``: its bytes, when the caller has read them already).

    Never raises for what is on disk: a folder, FIFO, broken link or unreadable file gives a
    `ClaimFile` with a ``claim.unreadable`` problem.
    """
    display = str(path)
    if data is None:
        try:
            data = read_regular_file(path, MAX_FILE_SIZE)
        except UnreadableFileError as error:
            return unreadable_claim_file(path, error.reason)
    text, problem = read_text(data, display, CLAIM_NOT_UTF8)
    parsed = parse_claim_file(text, display, path.stem)
    if problem is not None:
        parsed.problems.insert(0, problem)
    return parsed


def parse_claim_file(text: str, path: str, claim_id: str) -> ClaimFile:
    out = ClaimFile(path, claim_id)
    if not _ID.match(claim_id):
        out.problems.append(
            CLAIM_INVALID_ID.at(
                path,
                1,
                1,
                f"file name {claim_id!r} is not a valid claim id: use lowercase letters, digits "
                "and hyphens",
            )
        )
    text = text.removeprefix("\ufeff")
    _collect_unsafe_links(text, out)
    if not text.startswith("---"):
        out.problems.append(
            CLAIM_NO_FRONT_MATTER.at(path, 1, 1, "expected YAML front matter opened by ---")
        )
        return out
    first_break = text.find("\n")
    closing = _CLOSING.search(text, first_break + 1) if first_break >= 0 else None
    if closing is None:
        out.problems.append(
            CLAIM_NO_FRONT_MATTER.at(path, 1, 1, "front matter is not closed by ---")
        )
        return out
    front = text[first_break + 1 : closing.start()]
    after = text[closing.end() :]
    body = after.lstrip("\n")
    body_line = text.count("\n", 0, closing.end()) + 1 + (len(after) - len(body))
    out.front_matter = front
    data = _load(front, out, line_offset=1)
    if data is None:
        return out
    if not isinstance(data, dict):
        out.problems.append(
            CLAIM_INVALID_YAML.at(path, 2, 1, "front matter must be a mapping of fields")
        )
        return out
    _collect_body_citations(body, body_line, out)
    _collect_evidence_refs(data, out)
    _validate(data, body, out)
    return out


def _load(front: str, out: ClaimFile, line_offset: int) -> Any:
    try:
        data = safe_yaml.load(front, line_offset)
    except safe_yaml.YamlRefusedError as error:
        out.problems.append(
            error.code.at(out.path, error.line + 1 + line_offset, error.col + 1, error.message)
        )
        return None
    if data is None:
        out.problems.append(CLAIM_INVALID_YAML.at(out.path, 1, 1, "front matter is empty"))
    return data


def _index_lines(
    node: yaml.Node,
    loc: tuple[str | int, ...],
    lines: dict[tuple[str | int, ...], int],
    line_offset: int,
) -> None:
    lines.setdefault(loc, node.start_mark.line + 1 + line_offset)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = str(key_node.value)
            lines[(*loc, key)] = key_node.start_mark.line + 1 + line_offset
            _index_lines(value_node, (*loc, key), lines, line_offset)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _index_lines(item, (*loc, index), lines, line_offset)


def _collect_unsafe_links(text: str, out: ClaimFile) -> None:
    """Script links and event-handler attribute lists anywhere in the file (prose, findings,
    caveats, locators...): every text field of a claim is rendered as Markdown somewhere."""
    for found in unsafe_links(text):
        line = text.count("\n", 0, found.offset) + 1
        col = found.offset - (text.rfind("\n", 0, found.offset) + 1) + 1
        out.problems.append(CONTENT_UNSAFE_LINK.at(out.path, line, col, found.message))


def _collect_body_citations(body: str, body_line: int, out: ClaimFile) -> None:
    found = scan(body)
    for citation in (each for outer in found.citations for each in outer.every()):
        for item in citation.items:  # a nested citation is located where it is itself
            out.body_citations.append(
                BodyCitation(item.key, body_line + citation.line - 1, citation.col)
            )
    for unparsed in found.unparsed:
        out.problems.append(
            CITE_UNPARSED.at(
                out.path,
                body_line + unparsed.line - 1,
                unparsed.col,
                f"{unparsed.text!r} is not a citation: {unparsed.reason}",
            )
        )


def _collect_evidence_refs(data: dict[Any, Any], out: ClaimFile) -> None:
    """Cited keys, read even from a claim that fails validation, so every check still runs."""
    evidence = data.get("evidence")
    if not isinstance(evidence, list):
        return
    for index, item in enumerate(evidence):
        if isinstance(item, dict) and isinstance(item.get("ref"), str):
            out.evidence_refs.append((item["ref"], index))


def _without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


def _validate(data: dict[Any, Any], body: str, out: ClaimFile) -> None:
    # An empty field (``title:`` in a fresh skeleton) is reported as missing, not as null.
    data = _without_nulls({str(key): value for key, value in data.items()})
    for reserved in _RESERVED:
        if reserved in data:
            data.pop(reserved)
            out.problems.append(
                CLAIM_UNKNOWN_FIELD.at(
                    out.path,
                    out.line_of(reserved),
                    1,
                    f"{reserved!r} cannot be set in front matter: it is filled in by the loader",
                )
            )
    declared_id = data.pop("id", None)
    if declared_id is not None and declared_id != out.claim_id:
        out.problems.append(
            CLAIM_ID_MISMATCH.at(
                out.path,
                out.line_of("id"),
                1,
                f"id {declared_id!r} differs from the file name {out.claim_id!r}; the file name "
                "is the claim's id",
            )
        )
    data.update(
        id=out.claim_id if _ID.match(out.claim_id) else "invalid-id",
        body=body,
        source={"path": out.path, "line": 1},
    )
    try:
        out.claim = _adapter().validate_python(data)
    except ValidationError as error:
        details = error.errors()
        for detail in details:
            out.problems.append(_problem_from_error(detail, data, out))
        if any(d["type"].startswith("union_tag") for d in details):
            # Without a valid outcome pydantic stops at the tag; check the rest anyway so one
            # run reports every problem.
            model = ScarClaim if "scar_types" in data else GeneralClaim
            stand_in = "scars" if model is ScarClaim else "procedure"
            try:
                model.model_validate({**data, "outcome": stand_in})
            except ValidationError as rest:
                for detail in rest.errors():
                    out.problems.append(_problem_from_error(detail, data, out))


_TAGS = {"scars", "GeneralClaim", "ScarClaim"}


def _problem_from_error(detail: Any, data: dict[str, Any], out: ClaimFile) -> Problem:
    loc: tuple[str | int, ...] = tuple(detail["loc"])
    if loc and isinstance(loc[0], str) and (loc[0] in _TAGS or loc[0] == data.get("outcome")):
        loc = loc[1:]
    kind: str = detail["type"]
    where = ".".join(str(part) for part in loc) or "front matter"
    line = out.line_of(*loc)
    if kind in {"missing", "union_tag_not_found"}:
        field_name = "outcome" if kind == "union_tag_not_found" else where
        return CLAIM_MISSING_FIELD.at(
            out.path, line, 1, f"required field {field_name!r} is missing"
        )
    if kind == "extra_forbidden":
        name = str(loc[-1])
        if name == "scar_types":
            message = "'scar_types' is only allowed when outcome is 'scars'"
        else:
            message = f"unknown field {where!r}"
            if len(loc) == 1:
                close = difflib.get_close_matches(name, _known_fields(), n=1)
                if close:
                    message += f"; did you mean {close[0]!r}?"
        return CLAIM_UNKNOWN_FIELD.at(out.path, line, 1, message)
    if kind == "union_tag_invalid":
        line = out.line_of("outcome")
        return CLAIM_INVALID_VALUE.at(
            out.path, line, 1, f"outcome {data.get('outcome')!r} is not one of: {_outcomes()}"
        )
    message = str(detail["msg"]).removeprefix("Value error, ")
    return CLAIM_INVALID_VALUE.at(out.path, line, 1, f"{where}: {message}")


def _outcomes() -> str:
    from needling_facts.evidence.vocabulary import Outcome

    return ", ".join(outcome.value for outcome in Outcome)
