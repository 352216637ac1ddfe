"""needling-facts: typed, referenced evidence claims about microneedling.

>>> import needling_facts as nf
>>> lib = nf.load()                      # the bundled library, built once and cached
>>> lib.claim("acne-scars").certainty    # doctest: +SKIP

Nothing is read or parsed at import: names are loaded on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
DATA_VERSION = "2026.11.24"
"""Version of the bundled claims and references (date of the last content change)."""

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
