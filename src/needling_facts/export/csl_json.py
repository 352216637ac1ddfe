"""References as CSL-JSON items, the format Zotero, citeproc-py, citeproc-js and pandoc read."""

from __future__ import annotations

import json
from typing import Any

from needling_facts.evidence.reference import Reference
from needling_facts.library import Library

__all__ = ["export_csl_json", "to_csl_json"]

_CSL_TYPES = {
    "article": "article-journal",
    "book": "book",
    "incollection": "chapter",
    "inbook": "chapter",
    "inproceedings": "paper-conference",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "techreport": "report",
    "online": "webpage",
}


def to_csl_json(reference: Reference) -> dict[str, Any]:
    """One CSL-JSON item (the format Zotero and citeproc read); absent fields are omitted."""
    item: dict[str, Any] = {
        "id": reference.key,
        "type": _CSL_TYPES.get(reference.entry_type, "document"),
    }
    if reference.authors:
        item["author"] = [
            {"family": p.family, "given": p.given} if p.given else {"family": p.family}
            for p in reference.authors
        ]
        if reference.more_authors:
            # CSL-JSON has no "and others"; a literal name prints as the style's list ends.
            item["author"].append({"literal": "et al."})
    container = reference.journal_full or reference.journal
    short = reference.journal_abbrev or (reference.journal if reference.journal_full else None)
    optional = {
        "title": reference.title,
        "container-title": container,
        # Styles that abbreviate journals (AMA, Vancouver) print this form.
        "container-title-short": short if short != container else None,
        "volume": reference.volume,
        "issue": reference.issue,
        # CSL-JSON page ranges use a hyphen; the style decides how to print the range.
        "page": reference.pages.replace("\u2013", "-") if reference.pages else None,
        "DOI": reference.doi,
        "PMID": reference.pmid,
        "PMCID": reference.pmcid,
        "URL": reference.url,
    }
    item.update({name: value for name, value in optional.items() if value})
    if reference.year is not None:
        item["issued"] = {"date-parts": [[reference.year]]}
    return item


def export_csl_json(library: Library) -> str:
    """``needling-facts export --format csl-json``: every reference, as a CSL-JSON array."""
    items = [to_csl_json(ref) for ref in library.references.values()]
    return json.dumps(items, indent=2, ensure_ascii=False) + "\n"
