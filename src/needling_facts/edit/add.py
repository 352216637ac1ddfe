"""``needling-facts add``: add BibTeX entries, refusing duplicate keys, DOIs and PMIDs."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from needling_facts.diagnostics import Severity
from needling_facts.errors import UnreadableFileError
from needling_facts.sources.bibtex.layout import FormatRefusedError, parse_raw
from needling_facts.sources.bibtex.read import parse_bibliography
from needling_facts.sources.safe_read import read_regular_file
from needling_facts.sources.safe_write import locked, write_text

__all__ = ["AddResult", "add_entries"]


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
