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
DATA_VERSION = "2026.11.24.1"
"""Version of the bundled claims and references: the date of the last content change, with a
serial after a second dot when a day has more than one."""

if TYPE_CHECKING:
    from .citation_syntax import Citation, CitationItem, find_citations
    from .effects import EffectEstimate, Favours, Measure, PValue
    from .grading import (
        Concern,
        DomainRating,
        GradeProfile,
        GradeResult,
        GradeStep,
        StartingLevel,
        Upgrade,
    )
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
        Update,
        UpdateType,
        Verdict,
    )
    from .problems import CODES, CodeInfo, Problem, Severity
    from .risk_of_bias import BiasLevel, DomainJudgement, JudgedFrom, Judgement, RiskOfBias, RobTool
    from .totals import EvidenceTotals, evidence_totals

_LAZY: dict[str, str] = {
    "load": "loading",
    "Library": "library",
    "UnknownClaimError": "library",
    "UnknownReferenceError": "library",
    "Citation": "citation_syntax",
    "CitationItem": "citation_syntax",
    "find_citations": "citation_syntax",
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
            "Update",
            "UpdateType",
            "Verdict",
        ),
        "models",
    ),
    **dict.fromkeys(("EffectEstimate", "Favours", "Measure", "PValue"), "effects"),
    **dict.fromkeys(
        ("BiasLevel", "DomainJudgement", "JudgedFrom", "Judgement", "RiskOfBias", "RobTool"),
        "risk_of_bias",
    ),
    **dict.fromkeys(
        (
            "Concern",
            "DomainRating",
            "GradeProfile",
            "GradeResult",
            "GradeStep",
            "StartingLevel",
            "Upgrade",
        ),
        "grading",
    ),
    **dict.fromkeys(("EvidenceTotals", "evidence_totals"), "totals"),
}

__all__ = [
    "CODES",
    "DATA_VERSION",
    "AnyClaim",
    "BiasLevel",
    "Certainty",
    "Citation",
    "CitationItem",
    "Claim",
    "ClaimStatus",
    "CodeInfo",
    "Concern",
    "DomainJudgement",
    "DomainRating",
    "EffectEstimate",
    "Evidence",
    "EvidenceTotals",
    "Favours",
    "GeneralClaim",
    "GradeProfile",
    "GradeResult",
    "GradeStep",
    "JudgedFrom",
    "Judgement",
    "Library",
    "Location",
    "Measure",
    "NumberRange",
    "Outcome",
    "PValue",
    "Person",
    "Problem",
    "Protocol",
    "Reference",
    "RiskOfBias",
    "RobTool",
    "ScarClaim",
    "ScarType",
    "Severity",
    "SkinType",
    "Stance",
    "StartingLevel",
    "StudyDesign",
    "UnknownClaimError",
    "UnknownReferenceError",
    "Update",
    "UpdateType",
    "Upgrade",
    "Verdict",
    "__version__",
    "evidence_totals",
    "find_citations",
    "load",
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
