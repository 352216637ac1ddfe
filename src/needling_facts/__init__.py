"""needling-facts: typed, referenced evidence claims about microneedling.

>>> import needling_facts as nf
>>> lib = nf.load()                      # the bundled library, built once and cached
>>> lib.claim("acne-scars").certainty    # doctest: +SKIP

Nothing is read or parsed at import: names are loaded on first use.

Modules, lowest layer first (each imports only those above it):

- ``_version``, ``problems``, ``text``, ``models``: versions, diagnostics, decoding, pydantic models
- ``bibliography`` (reads ``.bib`` into `Reference`s), ``bibformat`` (lays ``.bib`` files out
  for ``fmt``), ``claim_files``, ``checks``, ``library``, ``loading`` (``load``)
- ``csl`` (formats references in a CSL citation style), ``jsonld``, ``exports``
- ``citation_syntax`` (finds pandoc citations), ``sanitize`` (allow-list HTML, unsafe links)
- ``rendering``: pure renderers (``pages``, ``citations``, ``evidence_map``, ``stylesheet`` CSS)
- ``site``: the handbook as data (generated pages, nav, citation index, back-links)
- engine adapters: ``markdown_ext`` (Python-Markdown, for MkDocs and Zensical), ``plugin``
  (MkDocs, the only module importing mkdocs)
- ``contrib`` (``fmt``/``add``/``new-claim``), ``cli``
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import DATA_VERSION, __version__

if TYPE_CHECKING:
    from .citation_syntax import Citation, CitationItem, Scan, Unparsed, find_citations, scan
    from .library import Library, UnknownClaimError, UnknownReferenceError
    from .loading import load
    from .models import (
        AnyClaim,
        Certainty,
        Claim,
        ClaimStatus,
        Evidence,
        GeneralClaim,
        Location,
        NumberRange,
        Outcome,
        Person,
        Protocol,
        Reference,
        ScarClaim,
        ScarType,
        SkinType,
        Stance,
        StudyDesign,
        Verdict,
    )
    from .problems import CODES, CodeInfo, Problem, Severity

_LAZY: dict[str, str] = {
    "load": "loading",
    "Library": "library",
    "UnknownClaimError": "library",
    "UnknownReferenceError": "library",
    "Citation": "citation_syntax",
    "CitationItem": "citation_syntax",
    "find_citations": "citation_syntax",
    "Scan": "citation_syntax",
    "Unparsed": "citation_syntax",
    "scan": "citation_syntax",
    "CODES": "problems",
    "CodeInfo": "problems",
    "Problem": "problems",
    "Severity": "problems",
    **dict.fromkeys(
        (
            "AnyClaim",
            "Certainty",
            "Claim",
            "ClaimStatus",
            "Evidence",
            "GeneralClaim",
            "Location",
            "NumberRange",
            "Outcome",
            "Person",
            "Protocol",
            "Reference",
            "ScarClaim",
            "ScarType",
            "SkinType",
            "Stance",
            "StudyDesign",
            "Verdict",
        ),
        "models",
    ),
}

__all__ = [
    "CODES",
    "DATA_VERSION",
    "AnyClaim",
    "Certainty",
    "Citation",
    "CitationItem",
    "Claim",
    "ClaimStatus",
    "CodeInfo",
    "Evidence",
    "GeneralClaim",
    "Library",
    "Location",
    "NumberRange",
    "Outcome",
    "Person",
    "Problem",
    "Protocol",
    "Reference",
    "Scan",
    "ScarClaim",
    "ScarType",
    "Severity",
    "SkinType",
    "Stance",
    "StudyDesign",
    "UnknownClaimError",
    "UnknownReferenceError",
    "Unparsed",
    "Verdict",
    "__version__",
    "find_citations",
    "load",
    "scan",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'needling_facts' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
