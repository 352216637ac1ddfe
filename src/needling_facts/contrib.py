"""Contributor tools behind ``fmt``, ``add`` and ``new-claim``: they edit files, safely."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .bibdiff import entry_diff
from .bibformat import FormatRefusedError, format_bibliography, parse_raw
from .bibliography import parse_bibliography
from .errors import UnreadableFileError
from .models import CLAIM_ID_PATTERN
from .problems import Problem, Severity
from .safe_read import read_regular_file
from .safe_write import locked, write_text

__all__ = ["AddResult", "FormatResult", "add_entries", "format_file", "new_claim_text"]


@dataclass(slots=True)
class FormatResult:
    path: Path
    changed: bool = False
    diff: str = ""
    refused: list[Problem] = field(default_factory=list)


def format_file(path: Path, *, check: bool) -> FormatResult:
    """Format one file in place (or, with ``check``, only say how it would change).

    The read and the write happen under the file's edit lock, so an ``add`` running at the
    same time is either in the text we format or waits and adds to what we wrote.
    """
    if check:
        return _format(path, check=True)
    with locked(path):
        return _format(path, check=False)


def _format(path: Path, *, check: bool) -> FormatResult:
    result = FormatResult(path)
    data = read_regular_file(path)
    try:
        original = data.decode("utf-8")
    except UnicodeDecodeError:
        result.refused = [Problem(str(path), 1, 1, "bib.not-utf8", "not valid UTF-8")]
        return result
    del data  # a big file is held once, as text
    try:
        formatted = format_bibliography(original, str(path))
    except FormatRefusedError as refused:
        formatted = None
        result.refused = refused.problems
    if formatted is None or formatted == original:
        return result
    result.changed = True
    result.diff = entry_diff(original, formatted, f"{path} (current)", f"{path} (formatted)")
    if not check:
        write_text(path, formatted)
    return result


@dataclass(slots=True)
class AddResult:
    added: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    """Why entries were refused; when not empty, nothing was written."""


def _read_existing(bib_path: Path) -> str:
    """The bibliography ``add`` extends ("" for a new file); never a FIFO, never mis-decoded."""
    if not bib_path.exists() and not bib_path.is_symlink():
        return ""
    data = read_regular_file(bib_path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise UnreadableFileError(str(bib_path), "not valid UTF-8; not adding to it") from None


def add_entries(bib_path: Path, incoming_text: str, source: str = "<stdin>") -> AddResult:
    """Validate incoming BibTeX entries and insert them in canonical form, all or nothing.

    Holds the bibliography's edit lock from the read to the write: two ``add`` runs at once
    both land, one after the other.
    """
    with locked(bib_path):
        return _add_entries(bib_path, incoming_text, source)


def _add_entries(bib_path: Path, incoming_text: str, source: str) -> AddResult:
    result = AddResult()
    incoming = parse_bibliography(incoming_text, source)
    for problem in incoming.problems:
        if problem.severity is Severity.ERROR:
            result.refused.append(str(problem))
    if not incoming.references and not result.refused:
        result.refused.append(f"{source}: no BibTeX entry found")
    existing_text = _read_existing(bib_path)
    existing = parse_bibliography(existing_text, str(bib_path))
    keys = {key.lower(): key for key in existing.references}
    dois = {ref.doi.lower(): key for key, ref in existing.references.items() if ref.doi}
    pmids = {ref.pmid: key for key, ref in existing.references.items() if ref.pmid}
    pmcids = {ref.pmcid: key for key, ref in existing.references.items() if ref.pmcid}
    for key, ref in incoming.references.items():
        clashes = []
        if key.lower() in keys:
            clashes.append(f"key {key!r} is already used by entry {keys[key.lower()]!r}")
        if ref.doi and ref.doi.lower() in dois:
            clashes.append(f"DOI {ref.doi} is already in entry {dois[ref.doi.lower()]!r}")
        if ref.pmid and ref.pmid in pmids:
            clashes.append(f"PMID {ref.pmid} is already in entry {pmids[ref.pmid]!r}")
        if ref.pmcid and ref.pmcid in pmcids:
            clashes.append(f"PMCID {ref.pmcid} is already in entry {pmcids[ref.pmcid]!r}")
        result.refused += [f"{source}: refused {key!r}: {clash}" for clash in clashes]
    if result.refused:
        return result
    try:
        target = parse_raw(existing_text, str(bib_path))
        additions = parse_raw(incoming_text, source)
    except FormatRefusedError as refused:
        result.refused += [str(p) for p in refused.problems]
        return result
    target.macros += additions.macros
    target.entries.update(additions.entries)
    for comment in additions.header + additions.trailer:
        target.trailer.append(comment)
    write_text(bib_path, target.render())
    result.added = list(additions.entries)
    return result


_SKELETON = """\
---
# Claim file: YAML front matter (the typed fields), then the handbook prose.
# The file name is the claim's id. Fill in every field, then run `needling-facts check`:
# it reports each field still missing or invalid. Grading rules: docs/method.md.
title:            # short title, e.g. "Microneedling for atrophic acne scars"
statement:        # one neutral sentence: what the evidence shows
outcome:          # rejuvenation | scars | pigmentation | collagen | pores | absorption |
                  # mechanism | comedones | procedure | safety | satisfaction
# scar_types: []  # only for outcome scars: atrophic-acne, surgical, burn, keloid,
                  # hypertrophic, striae
article_wording:  # the source article's own words, quoted exactly (delete the line if the
                  # article does not make the claim, and use verdict: not-in-article)
population:       # who was studied (optional)
intervention:     # needling device, depth, sessions (optional)
comparator:       # control, other treatment or baseline (optional)
skin_types: []    # Fitzpatrick types studied: I, II, III, IV, V, VI (optional)
protocol:         # as the studies report them; a number or a range like 3-6 (optional)
  sessions:
  interval_weeks:
  needle_depth_mm:
certainty:        # GRADE: high | moderate | low | very-low; must equal what `grade` computes
grade:            # GRADE profile: start high (randomised) or low (observational), then rate
                  # each domain none | serious (-1) | very-serious (-2), with a reason
  judged_from:    # abstract | full-text | mixed
  starting_level: # high | low
  risk_of_bias:     {{concern: , reason: }}
  inconsistency:    {{concern: , reason: }}
  indirectness:     {{concern: , reason: }}
  imprecision:      {{concern: , reason: }}
  publication_bias: {{concern: , reason: }}
  # large_effect: {{levels: 1, reason: }}  # upgrades (observational evidence): large_effect
                                         # (1 or 2), dose_response, plausible_confounding
verdict:          # on the article's wording: supported | partly-supported |
                  # not-supported | contradicted | not-in-article
evidence:         # one item per study; `ref` is a key in references.bib
  - ref:          # e.g. Alam2014
    design:       # meta-analysis | systematic-review | rct | split-face-rct |
                  # non-randomised-trial | cohort | case-series | case-report | review |
                  # in-vitro | animal | expert-opinion
    participants: # number of people (pooled total for a meta-analysis); omit if none
    finding:      # what the study found, with its numbers
    stance:       # supports | contradicts | mentions
    locator:      # e.g. Abstract, Table 2, p. 149 (optional)
    # includes: []  # meta-analysis / systematic review only: cited keys of the primary
                    # studies it includes (each study is then counted once)
    # effects:      # effect estimates as reported (optional, several allowed)
    #   - comparison: microneedling vs untreated half-face
    #     outcome: Goodman and Baron grade
    #     measure: mean-difference  # standardised-mean-difference | odds-ratio | risk-ratio |
    #                               # risk-difference | proportion | percent-change | p-value-only
    #     value: -1.2
    #     ci: [-1.9, -0.5]          # exactly two numbers
    #     p: "<0.001"
    #     locator: Table 2
    # risk_of_bias:  # required for rct / split-face-rct / non-randomised-trial that
    #                # supports or contradicts; tool: not-assessed with a reason is allowed
    #   tool: rob2   # rob2 | robins-i | amstar2 | not-assessed
    #   judged_from: abstract
    #   domains:
    #     - {{domain: randomisation, judgement: some-concerns, reason: "..."}}
    #   overall: some-concerns
caveats: []       # limits of the evidence
contraindications: []
last_reviewed: {today}
---

Handbook prose, 150 to 400 words, neutral, citing studies as [@Key] or [@Key, p. 12].
"""


def new_claim_text(claim_id: str, today: str) -> str:
    if not re.match(CLAIM_ID_PATTERN, claim_id):
        raise ValueError(
            f"{claim_id!r} is not a valid claim id: use lowercase letters, digits and hyphens"
        )
    return _SKELETON.format(today=today)
