"""needling-facts: typed, referenced evidence claims about microneedling.

>>> import needling_facts as nf
>>> lib = nf.load()                      # the bundled library, built once and cached
>>> lib.claim("acne-scars").certainty    # doctest: +SKIP

Nothing is read or parsed at import: names are loaded on first use.

Modules, lowest layer first (each imports only those above it):

- ``_version``, ``problems``, ``text``, ``models`` (with ``effects``, ``risk_of_bias``,
  ``grading``): versions, diagnostics, decoding, pydantic models
- ``bibliography`` (reads ``.bib`` into `Reference`s), ``bibformat`` (lays ``.bib`` files out
  for ``fmt``), ``claim_files``, ``records`` (frozen metadata), ``checks``, ``evidence_checks``,
  ``record_checks``, ``totals``, ``library``, ``loading`` (``load``)
- ``csl`` (formats references in a CSL citation style), ``jsonld``, ``exports``
- ``citation_syntax`` (finds pandoc citations), ``sanitize`` (allow-list HTML, unsafe links)
- ``rendering``: pure renderers (``pages``, ``citations``, ``evidence_map``, ``sof``, ``forest``,
  ``rob``, ``retraction``, ``stylesheet`` CSS)
- ``site``: the handbook as data (generated pages, nav, citation index, back-links)
- engine adapters: ``markdown_ext`` (Python-Markdown, for MkDocs and Zensical), ``plugin``
  (MkDocs, the only module importing mkdocs)
- ``safe_read``, ``safe_write``, ``errors``; ``contrib`` (``fmt``/``add``/``new-claim``);
  ``network``, ``sources``, ``verify`` (the only network I/O); ``cli``, ``cli_network``
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import DATA_VERSION, __version__

# For type checkers only; tests keep it equal to _PUBLIC, the one runtime declaration.
if TYPE_CHECKING:
    # "X as X" marks each name as re-exported for type checkers (mypy's explicit re-export).
    from .citation_syntax import (
        Citation as Citation,
    )
    from .citation_syntax import (
        CitationItem as CitationItem,
    )
    from .citation_syntax import (
        Scan as Scan,
    )
    from .citation_syntax import (
        Unparsed as Unparsed,
    )
    from .citation_syntax import (
        find_citations as find_citations,
    )
    from .citation_syntax import (
        scan as scan,
    )
    from .effects import (
        EffectEstimate as EffectEstimate,
    )
    from .effects import (
        Favours as Favours,
    )
    from .effects import (
        Measure as Measure,
    )
    from .effects import (
        PValue as PValue,
    )
    from .grading import (
        Concern as Concern,
    )
    from .grading import (
        DomainRating as DomainRating,
    )
    from .grading import (
        GradeProfile as GradeProfile,
    )
    from .grading import (
        GradeResult as GradeResult,
    )
    from .grading import (
        GradeStep as GradeStep,
    )
    from .grading import (
        StartingLevel as StartingLevel,
    )
    from .grading import (
        Upgrade as Upgrade,
    )
    from .library import (
        Library as Library,
    )
    from .library import (
        UnknownClaimError as UnknownClaimError,
    )
    from .library import (
        UnknownReferenceError as UnknownReferenceError,
    )
    from .loading import load as load
    from .models import (
        AnyClaim as AnyClaim,
    )
    from .models import (
        Certainty as Certainty,
    )
    from .models import (
        Claim as Claim,
    )
    from .models import (
        ClaimStatus as ClaimStatus,
    )
    from .models import (
        Evidence as Evidence,
    )
    from .models import (
        GeneralClaim as GeneralClaim,
    )
    from .models import (
        Location as Location,
    )
    from .models import (
        NumberRange as NumberRange,
    )
    from .models import (
        Outcome as Outcome,
    )
    from .models import (
        Person as Person,
    )
    from .models import (
        Protocol as Protocol,
    )
    from .models import (
        Reference as Reference,
    )
    from .models import (
        ScarClaim as ScarClaim,
    )
    from .models import (
        ScarType as ScarType,
    )
    from .models import (
        SkinType as SkinType,
    )
    from .models import (
        Stance as Stance,
    )
    from .models import (
        StudyDesign as StudyDesign,
    )
    from .models import (
        Update as Update,
    )
    from .models import (
        UpdateType as UpdateType,
    )
    from .models import (
        Verdict as Verdict,
    )
    from .problems import (
        CODES as CODES,
    )
    from .problems import (
        CodeInfo as CodeInfo,
    )
    from .problems import (
        Problem as Problem,
    )
    from .problems import (
        Severity as Severity,
    )
    from .risk_of_bias import (
        BiasLevel as BiasLevel,
    )
    from .risk_of_bias import (
        DomainJudgement as DomainJudgement,
    )
    from .risk_of_bias import (
        JudgedFrom as JudgedFrom,
    )
    from .risk_of_bias import (
        Judgement as Judgement,
    )
    from .risk_of_bias import (
        RiskOfBias as RiskOfBias,
    )
    from .risk_of_bias import (
        RobTool as RobTool,
    )
    from .totals import EvidenceTotals as EvidenceTotals
    from .totals import evidence_totals as evidence_totals

_PUBLIC: dict[str, tuple[str, ...]] = {
    "loading": ("load",),
    "library": ("Library", "UnknownClaimError", "UnknownReferenceError"),
    "citation_syntax": ("Citation", "CitationItem", "Scan", "Unparsed", "find_citations", "scan"),
    "problems": ("CODES", "CodeInfo", "Problem", "Severity"),
    "models": (
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
    "effects": ("EffectEstimate", "Favours", "Measure", "PValue"),
    "risk_of_bias": (
        "BiasLevel",
        "DomainJudgement",
        "JudgedFrom",
        "Judgement",
        "RiskOfBias",
        "RobTool",
    ),
    "grading": (
        "Concern",
        "DomainRating",
        "GradeProfile",
        "GradeResult",
        "GradeStep",
        "StartingLevel",
        "Upgrade",
    ),
    "totals": ("EvidenceTotals", "evidence_totals"),
}
"""Each public name, declared once, under the module it is loaded from on first use."""

_LAZY = {name: module for module, names in _PUBLIC.items() for name in names}

__all__ = ["DATA_VERSION", "__version__", *sorted(_LAZY)]  # noqa: PLE0604 (derived, not repeated)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'needling_facts' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
