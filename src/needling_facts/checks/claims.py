"""Whole-library checks: citations resolve, references are used, grades match the evidence."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator, Mapping

from pydantic import BaseModel

from needling_facts.checks.bodies import body_problems
from needling_facts.checks.evidence import evidence_problems, grade_problems, inconsistent_designs
from needling_facts.checks.statistics import statistics_problems
from needling_facts.diagnostics import Problem, Severity, declare_code
from needling_facts.evidence.claim import Claim
from needling_facts.evidence.grade import Certainty
from needling_facts.evidence.reference import Reference
from needling_facts.evidence.vocabulary import Stance, Verdict
from needling_facts.sources.citation_syntax import CITE_UNPARSED, scan
from needling_facts.sources.claim_files import ClaimFile

__all__ = ["check_library"]

CLAIM_DUPLICATE_ID = declare_code(
    "claim.duplicate-id",
    Severity.ERROR,
    "Two claim files (in different folders) have the same id.",
    "a/acne.md and b/acne.md",
)

CLAIM_UNKNOWN_CITATION = declare_code(
    "claim.unknown-citation",
    Severity.ERROR,
    "An evidence item or the prose cites a key that is not in the bibliography.",
    "ref: Nobody2020",
)

CLAIM_CITATION_NOT_IN_EVIDENCE = declare_code(
    "claim.citation-not-in-evidence",
    Severity.WARNING,
    "The prose cites a reference that is not listed among the claim's evidence items.",
    "[@Other2019] in the body only",
)

CLAIM_VERDICT_UNSUPPORTED = declare_code(
    "claim.verdict-unsupported",
    Severity.ERROR,
    "The verdict needs evidence of a stance the claim lacks (supported: a supporting item; "
    "contradicted: a contradicting item).",
    "verdict: supported with no `stance: supports` item",
)

CLAIM_VERDICT_CERTAINTY_MISMATCH = declare_code(
    "claim.verdict-certainty-mismatch",
    Severity.WARNING,
    "The article's wording is judged `supported` while the certainty is `very-low`.",
    "verdict: supported with certainty: very-low",
)

BIB_UNUSED_REFERENCE = declare_code(
    "bib.unused-reference",
    Severity.WARNING,
    "No claim cites the reference, in its evidence or its prose.",
    "an entry no claim names",
)
CLAIM_CONTROL_CHARACTER = declare_code(
    "claim.control-character",
    Severity.ERROR,
    "A field holds a control character or a bidirectional override (text that displays in "
    "another order than it reads).",
    'finding: "safe\u202e"',
)
CLAIM_LINE_BREAK = declare_code(
    "claim.line-break",
    Severity.ERROR,
    "A one-line field (title, locator, an effect's comparison or outcome...) holds a line "
    "break, which would end the heading, table cell or front matter it is printed in.",
    "title: |\n  Needling\n  # injected heading",
)


def check_library(
    references: Mapping[str, Reference], claim_files: Iterable[ClaimFile]
) -> list[Problem]:
    problems: list[Problem] = []
    used: set[str] = set()
    first_file_of_id: dict[str, str] = {}
    files = list(claim_files)
    for file in files:
        if file.claim_id in first_file_of_id:
            problems.append(
                CLAIM_DUPLICATE_ID.at(
                    file.path,
                    1,
                    1,
                    f"claim id {file.claim_id!r} is already used by "
                    f"{first_file_of_id[file.claim_id]}",
                )
            )
        else:
            first_file_of_id[file.claim_id] = file.path
        problems.extend(_citation_problems(file, references, used))
        if file.claim is not None:
            problems.extend(_field_citation_problems(file, file.claim, references, used))
            problems.extend(_verdict_problems(file, file.claim))
            problems.extend(grade_problems(file, file.claim))
            problems.extend(body_problems(file, file.claim))
            problems.extend(evidence_problems(file, file.claim))
            problems.extend(statistics_problems(file, file.claim))
    problems.extend(inconsistent_designs(files))
    for key, reference in references.items():
        if key not in used and reference.source is not None:
            problems.append(
                BIB_UNUSED_REFERENCE.at(
                    reference.source.path,
                    reference.source.line,
                    1,
                    f"reference {key!r} is not cited by any claim",
                )
            )
    return problems


def _unknown(key: str, references: Mapping[str, Reference]) -> str:
    message = f"unknown citation key {key!r}"
    close = difflib.get_close_matches(key, list(references), n=1)
    return message + (f"; did you mean {close[0]!r}?" if close else "")


def _citation_problems(
    file: ClaimFile, references: Mapping[str, Reference], used: set[str]
) -> list[Problem]:
    problems: list[Problem] = []
    evidence_keys = {key for key, _ in file.evidence_refs}
    for key, index in file.evidence_refs:
        used.add(key)
        if key not in references:
            line = file.line_of("evidence", index, "ref")
            problems.append(
                CLAIM_UNKNOWN_CITATION.at(file.path, line, 1, _unknown(key, references))
            )
    for citation in file.body_citations:
        used.add(citation.key)
        if citation.key not in references:
            problems.append(
                CLAIM_UNKNOWN_CITATION.at(
                    file.path, citation.line, citation.col, _unknown(citation.key, references)
                )
            )
        elif citation.key not in evidence_keys:
            problems.append(
                CLAIM_CITATION_NOT_IN_EVIDENCE.at(
                    file.path,
                    citation.line,
                    citation.col,
                    f"the prose cites {citation.key!r}, which is not among the evidence items",
                )
            )
    return problems


_NOT_RENDERED_AS_MARKDOWN = frozenset({"id", "body", "source", "ref", "includes"})


def _texts(
    value: object, loc: tuple[str | int, ...]
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every text field of a claim (except the body, checked above), with its YAML location."""
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            if name not in _NOT_RENDERED_AS_MARKDOWN:
                yield from _texts(getattr(value, name), (*loc, name))
    elif isinstance(value, tuple):
        for index, item in enumerate(value):
            yield from _texts(item, (*loc, index))


# C0 and C1 controls other than tab and line breaks, and the bidirectional overrides and
# isolates that make text display in another order than it reads (CVE-2021-42574).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_BREAK = re.compile(r"[\r\n\u2028\u2029\x85]")
_ONE_LINE = frozenset({"title", "locator", "comparison", "outcome", "timepoint", "domain"})
"""Fields printed in a heading, a table cell or front matter, where a line break would end it."""


def _character_problems(file: ClaimFile, loc: tuple[str | int, ...], text: str) -> list[Problem]:
    where = ".".join(map(str, loc))
    found = []
    control = _CONTROL.search(text)
    if control is not None:
        found.append(
            CLAIM_CONTROL_CHARACTER.at(
                file.path,
                file.line_of(*loc),
                1,
                f"{where}: contains U+{ord(control.group()):04X}, a control or bidirectional "
                "formatting character; remove it",
            )
        )
    if loc and loc[-1] in _ONE_LINE and _BREAK.search(text.strip()):
        found.append(
            CLAIM_LINE_BREAK.at(
                file.path,
                file.line_of(*loc),
                1,
                f"{where}: must be one line (a break here would end the heading or cell)",
            )
        )
    return found


def _field_citation_problems(
    file: ClaimFile, claim: Claim, references: Mapping[str, Reference], used: set[str]
) -> list[Problem]:
    # Findings, caveats and the statement reach pages as Markdown: a citation in them is
    # resolved by the build, so check resolves it first, at the claim file's line.
    problems: list[Problem] = []
    for loc, text in _texts(claim, ()):
        problems += _character_problems(file, loc, text)
        if "@" not in text:
            continue
        found = scan(text)
        for citation in found.citations:
            for key in citation.keys:
                used.add(key)
                if key not in references:
                    problems.append(
                        CLAIM_UNKNOWN_CITATION.at(
                            file.path,
                            file.line_of(*loc),
                            1,
                            f"{'.'.join(map(str, loc))}: {_unknown(key, references)}",
                        )
                    )
        problems += [
            CITE_UNPARSED.at(
                file.path,
                file.line_of(*loc),
                1,
                f"{'.'.join(map(str, loc))}: {unparsed.text!r}: {unparsed.reason}",
            )
            for unparsed in found.unparsed
        ]
    return problems


def _verdict_problems(file: ClaimFile, claim: Claim) -> list[Problem]:
    problems: list[Problem] = []
    stances = {item.stance for item in claim.evidence}
    needs = {
        Verdict.SUPPORTED: Stance.SUPPORTS,
        Verdict.PARTLY_SUPPORTED: Stance.SUPPORTS,
        Verdict.CONTRADICTED: Stance.CONTRADICTS,
    }
    needed = needs.get(claim.verdict)
    if needed is not None and needed not in stances:
        problems.append(
            CLAIM_VERDICT_UNSUPPORTED.at(
                file.path,
                file.line_of("verdict"),
                1,
                f"verdict {claim.verdict.value!r} needs an evidence item with stance "
                f"{needed.value!r}",
            )
        )
    if claim.verdict is Verdict.SUPPORTED and claim.certainty is Certainty.VERY_LOW:
        problems.append(
            CLAIM_VERDICT_CERTAINTY_MISMATCH.at(
                file.path,
                file.line_of("verdict"),
                1,
                "verdict 'supported' rests on evidence of very low certainty; consider "
                "'partly-supported'",
            )
        )
    return problems
