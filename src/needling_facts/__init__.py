"""needling-facts: typed, referenced evidence claims about microneedling.

>>> import needling_facts as nf
>>> lib = nf.load()                      # the bundled library, built once and cached
>>> lib.claim("acne-scars").certainty    # doctest: +SKIP

Nothing is read or parsed at import: the public names below load on first use.

The package, in the order data flows (each layer imports only the layers above it; a test
walks the imports to keep it so)::

    _version, errors, diagnostics   versions, the one exception tree, Problem and its codes
    _cache        the one cache: content-keyed, bounded; on disk plain JSON, signed and verified
    evidence/     typed data, no I/O: vocabulary, reference, item, claim, effects, risk_of_bias,
                  grade (GRADE profiles), bodies (comparisons and their outcome rows), totals,
                  best_estimate (a row's best estimate), hedging, search (saved searches and
                  screening log), inference (what a CI implies), pooling (the [stats] extra)
    sources/      bytes -> records + located problems: safe_read, safe_write, safe_yaml, text,
                  links, citation_syntax, bibtex/ (scan, read, layout, diff), claim_files,
                  records (frozen metadata), searches (search files)
    checks/       problems from what was read: claims, evidence, bodies (comparisons and
                  rows), records (and matching),
                  searches (screening logs), statistics (numbers that contradict each other)
    library, loading   the Library (frozen, indexed) and load()
    export/       one module per format (library_json, json_schema, csl_json, jsonld) and the
                  registry of formats that the CLI and the docs read
    render/       pure renderers: citations, csl, pages, claim_sections (a claim page's
                  ordered sections), evidence_table, sof, forest, rob, evidence_map, currency
                  (search and screening), markers, build_problems (the page `mkdocs serve`
                  shows while the input has errors), handbook.css, sanitize (the allow-list)
    site/         the handbook as data: handbook (pages, nav, back-links), urls, data_api
                  (the api/v1/ files published with the site)
    engines/      the only engine importers: markdown (Python-Markdown), mkdocs (the plugin)
    edit/         fmt, add, new-claim
    network/      the optional extra: client, responses, verify, find_ids, watch
    cli/          main() and its commands
    data/         the bundled claims/, records/ and searches/ (and references.bib in a wheel)

``markdown_ext`` is the Python-Markdown extension under the name configs use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from needling_facts import _renamed
from needling_facts._version import DATA_VERSION, __version__

# For type checkers only; tests keep it equal to _PUBLIC, the one runtime declaration.
if TYPE_CHECKING:
    # "X as X" marks each name as re-exported for type checkers (mypy's explicit re-export).
    from needling_facts.diagnostics import CODES as CODES
    from needling_facts.diagnostics import CodeInfo as CodeInfo
    from needling_facts.diagnostics import Problem as Problem
    from needling_facts.diagnostics import Severity as Severity
    from needling_facts.evidence.best_estimate import BestEstimate as BestEstimate
    from needling_facts.evidence.best_estimate import EstimateKind as EstimateKind
    from needling_facts.evidence.best_estimate import best_estimate as best_estimate
    from needling_facts.evidence.best_estimate import row_estimates as row_estimates
    from needling_facts.evidence.bodies import Comparison as Comparison
    from needling_facts.evidence.bodies import Importance as Importance
    from needling_facts.evidence.bodies import OutcomeRow as OutcomeRow
    from needling_facts.evidence.bodies import overall_certainty as overall_certainty
    from needling_facts.evidence.claim import AnyClaim as AnyClaim
    from needling_facts.evidence.claim import Claim as Claim
    from needling_facts.evidence.claim import GeneralClaim as GeneralClaim
    from needling_facts.evidence.claim import NumberRange as NumberRange
    from needling_facts.evidence.claim import Protocol as Protocol
    from needling_facts.evidence.claim import ScarClaim as ScarClaim
    from needling_facts.evidence.effects import EffectEstimate as EffectEstimate
    from needling_facts.evidence.effects import Favours as Favours
    from needling_facts.evidence.effects import Measure as Measure
    from needling_facts.evidence.effects import PValue as PValue
    from needling_facts.evidence.grade import Certainty as Certainty
    from needling_facts.evidence.grade import Concern as Concern
    from needling_facts.evidence.grade import DomainRating as DomainRating
    from needling_facts.evidence.grade import GradeProfile as GradeProfile
    from needling_facts.evidence.grade import GradeResult as GradeResult
    from needling_facts.evidence.grade import GradeStep as GradeStep
    from needling_facts.evidence.grade import StartingLevel as StartingLevel
    from needling_facts.evidence.grade import Upgrade as Upgrade
    from needling_facts.evidence.item import Evidence as Evidence
    from needling_facts.evidence.reference import Location as Location
    from needling_facts.evidence.reference import Person as Person
    from needling_facts.evidence.reference import Reference as Reference
    from needling_facts.evidence.reference import Update as Update
    from needling_facts.evidence.reference import UpdateType as UpdateType
    from needling_facts.evidence.risk_of_bias import BiasLevel as BiasLevel
    from needling_facts.evidence.risk_of_bias import DomainJudgement as DomainJudgement
    from needling_facts.evidence.risk_of_bias import JudgedFrom as JudgedFrom
    from needling_facts.evidence.risk_of_bias import Judgement as Judgement
    from needling_facts.evidence.risk_of_bias import RiskOfBias as RiskOfBias
    from needling_facts.evidence.risk_of_bias import RobTool as RobTool
    from needling_facts.evidence.totals import EvidenceTotals as EvidenceTotals
    from needling_facts.evidence.totals import claim_totals as claim_totals
    from needling_facts.evidence.totals import evidence_totals as evidence_totals
    from needling_facts.evidence.totals import row_totals as row_totals
    from needling_facts.evidence.vocabulary import ClaimStatus as ClaimStatus
    from needling_facts.evidence.vocabulary import Outcome as Outcome
    from needling_facts.evidence.vocabulary import ScarType as ScarType
    from needling_facts.evidence.vocabulary import SkinType as SkinType
    from needling_facts.evidence.vocabulary import Stance as Stance
    from needling_facts.evidence.vocabulary import StudyDesign as StudyDesign
    from needling_facts.evidence.vocabulary import Verdict as Verdict
    from needling_facts.library import Library as Library
    from needling_facts.library import UnknownClaimError as UnknownClaimError
    from needling_facts.library import UnknownIdError as UnknownIdError
    from needling_facts.library import UnknownReferenceError as UnknownReferenceError
    from needling_facts.loading import load as load
    from needling_facts.sources.citation_syntax import CONTAINERS as CONTAINERS
    from needling_facts.sources.citation_syntax import Citation as Citation
    from needling_facts.sources.citation_syntax import CitationItem as CitationItem
    from needling_facts.sources.citation_syntax import Scan as Scan
    from needling_facts.sources.citation_syntax import Unparsed as Unparsed
    from needling_facts.sources.citation_syntax import find_citations as find_citations
    from needling_facts.sources.citation_syntax import item_parts as item_parts
    from needling_facts.sources.citation_syntax import scan as scan

_PUBLIC: dict[str, tuple[str, ...]] = {
    "loading": ("load",),
    "library": ("Library", "UnknownClaimError", "UnknownIdError", "UnknownReferenceError"),
    "diagnostics": ("CODES", "CodeInfo", "Problem", "Severity"),
    "sources.citation_syntax": (
        "CONTAINERS",
        "Citation",
        "CitationItem",
        "Scan",
        "Unparsed",
        "find_citations",
        "item_parts",
        "scan",
    ),
    "evidence.vocabulary": (
        "ClaimStatus",
        "Outcome",
        "ScarType",
        "SkinType",
        "Stance",
        "StudyDesign",
        "Verdict",
    ),
    "evidence.item": ("Evidence",),
    "evidence.reference": ("Location", "Person", "Reference", "Update", "UpdateType"),
    "evidence.claim": (
        "AnyClaim",
        "Claim",
        "GeneralClaim",
        "NumberRange",
        "Protocol",
        "ScarClaim",
    ),
    "evidence.effects": ("EffectEstimate", "Favours", "Measure", "PValue"),
    "evidence.risk_of_bias": (
        "BiasLevel",
        "DomainJudgement",
        "JudgedFrom",
        "Judgement",
        "RiskOfBias",
        "RobTool",
    ),
    "evidence.grade": (
        "Certainty",
        "Concern",
        "DomainRating",
        "GradeProfile",
        "GradeResult",
        "GradeStep",
        "StartingLevel",
        "Upgrade",
    ),
    "evidence.totals": ("EvidenceTotals", "claim_totals", "evidence_totals", "row_totals"),
    "evidence.bodies": ("Comparison", "Importance", "OutcomeRow", "overall_certainty"),
    "evidence.best_estimate": ("BestEstimate", "EstimateKind", "best_estimate", "row_estimates"),
}
"""Each public name, declared once, under the module it is loaded from on first use."""

_renamed.install()

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
