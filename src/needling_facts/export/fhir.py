"""The ``fhir`` export: the library as one FHIR R5 Bundle of Evidence-Based-Medicine resources.

A Bundle of type ``collection`` holds, for the whole library:

- a **Citation** per reference: its title, journal, volume, issue, pages, the year when a record
  shows it (never a made-up one), authors, and DOI / PMID / PMCID as identifiers and links;
- an **Evidence** per outcome row of each comparison (GRADE's unit: one outcome, one
  comparison): ``variableDefinition`` for the population, the intervention (exposure), the
  comparator (reference exposure) and the outcome (measured variable); a ``statistic`` with the
  row's best estimate (its type, value, confidence interval and level, p-value, I² and tau² for a
  pool, ``sampleSize`` with the row's studies and participants) and the absolute effect per
  1,000 where a baseline risk is known; and ``certainty``: the overall rating with one
  subcomponent per GRADE domain, its rating and its reason. A claim without comparisons (the 0.2
  shape) gives one Evidence for the claim, rated by its claim-level profile, with no statistic;
- an **EvidenceVariable** per distinct exposure (an intervention or a comparator) and outcome;
- an **ArtifactAssessment** per study's risk-of-bias judgement in a claim: the tool, the
  overall judgement and one component per domain with its reason (or why it was not assessed).

Codes come from the HL7 code systems bound in FHIR R5: ``certainty-type`` and
``certainty-rating`` (``http://hl7.org/fhir/...``), ``statistic-type``,
``attribute-estimate-type`` and ``variable-role`` (``http://terminology.hl7.org/CodeSystem/...``),
and for Citations ``title-type``, ``published-in-type`` and ``artifact-url-classifier`` as in
the EBM-on-FHIR examples. Where no code of those systems means what we hold (a percent change,
I², tau², a risk-of-bias judgement in the words of its tool), the concept is given as text only:
a code is never guessed.

Every resource is validated with ``fhir.resources`` (pydantic models of FHIR R5, the ``fhir``
extra) before anything is written: `export_fhir` raises `MissingExtraError` without it.
Identifiers are stable: ``fullUrl`` is a name-based UUID of what the resource stands for, so
the same library gives the same Bundle.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterable
from typing import Any

from needling_facts._version import DATA_VERSION
from needling_facts.errors import MissingExtraError
from needling_facts.evidence.best_estimate import BestEstimate, EstimateKind, best_estimate
from needling_facts.evidence.bodies import Comparison, OutcomeRow
from needling_facts.evidence.claim import Claim
from needling_facts.evidence.effects import Measure
from needling_facts.evidence.grade import (
    UPGRADE_DOMAINS,
    Certainty,
    Concern,
    GradeProfile,
    Upgrade,
    domain_label,
)
from needling_facts.evidence.item import Evidence
from needling_facts.evidence.reference import Reference
from needling_facts.evidence.risk_of_bias import RiskOfBias
from needling_facts.evidence.totals import EvidenceTotals, row_totals
from needling_facts.library import Library

__all__ = ["FHIR_VERSION", "build_bundle", "export_fhir", "validate_bundle"]

FHIR_VERSION = "5.0.0"
"""The FHIR release the resources follow (R5: Citation, Evidence and ArtifactAssessment)."""

_CERTAINTY_TYPE = "http://hl7.org/fhir/certainty-type"
_CERTAINTY_RATING = "http://hl7.org/fhir/certainty-rating"
_STATISTIC_TYPE = "http://terminology.hl7.org/CodeSystem/statistic-type"
_ATTRIBUTE_ESTIMATE = "http://terminology.hl7.org/CodeSystem/attribute-estimate-type"
_VARIABLE_ROLE = "http://terminology.hl7.org/CodeSystem/variable-role"
_TITLE_TYPE = "http://hl7.org/fhir/title-type"
_PUBLISHED_IN = "http://hl7.org/fhir/published-in-type"
_URL_CLASSIFIER = "http://hl7.org/fhir/artifact-url-classifier"
_UCUM = "http://unitsofmeasure.org"

_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://needling-facts.github.io/needling-facts/")
_REFERENCE_KEY = "urn:needling-facts:reference"
"""Identifier system of a Citation: the reference's key in references.bib (ours, a URN)."""
_ROW_ID = "urn:needling-facts:outcome-row"
"""Identifier system of an Evidence: ``claim-id/comparison-id/outcome-id`` (ours)."""
_DATA_VERSION = "urn:needling-facts:data-version"
"""Identifier system of the Bundle: the content's data version (ours)."""
_RATER = "needling-facts"

_STATISTIC_CODES: dict[Measure, tuple[str, str]] = {
    Measure.MEAN_DIFFERENCE: ("0000457", "Mean Difference"),
    Measure.STANDARDISED_MEAN_DIFFERENCE: ("0000100", "Standardized Mean Difference"),
    Measure.ODDS_RATIO: ("C16932", "Odds Ratio"),
    Measure.RISK_RATIO: ("C93152", "Relative Risk"),
    Measure.RISK_DIFFERENCE: ("0000424", "Risk Difference"),
    Measure.PROPORTION: ("C44256", "Proportion"),
}
"""Our measures in HL7's statistic-type; a percent change has no code there (text only)."""

_RATING_OF_CERTAINTY = {
    Certainty.HIGH: ("high", "High quality"),
    Certainty.MODERATE: ("moderate", "Moderate quality"),
    Certainty.LOW: ("low", "Low quality"),
    Certainty.VERY_LOW: ("very-low", "Very low quality"),
}
_RATING_OF_CONCERN = {
    Concern.NONE: ("no-concern", "no serious concern"),
    Concern.SERIOUS: ("serious-concern", "serious concern"),
    Concern.VERY_SERIOUS: ("very-serious-concern", "very serious concern"),
}
_TYPE_OF_DOMAIN = {
    "risk_of_bias": ("RiskOfBias", "Risk of bias"),
    "inconsistency": ("Inconsistency", "Inconsistency"),
    "indirectness": ("Indirectness", "Indirectness"),
    "imprecision": ("Imprecision", "Imprecision"),
    "publication_bias": ("PublicationBias", "Publication bias"),
    "large_effect": ("LargeEffect", "Large effect"),
    "dose_response": ("DoseResponseGradient", "Dose response gradient"),
    "plausible_confounding": ("PlausibleConfounding", "Plausible confounding"),
}
_UPCODE = {1: ("upcode1", "upcode1"), 2: ("upcode2", "upcode2")}


def _coding(system: str, code: str, display: str) -> dict[str, Any]:
    return {"coding": [{"system": system, "code": code, "display": display}]}


def _full_url(kind: str, name: str) -> str:
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, f'{kind}/{name}')}"


def _resource_id(full_url: str) -> str:
    # A FHIR id is [A-Za-z0-9-.]{1,64}: a BibTeX key or a row path may not be one.
    return full_url.removeprefix("urn:uuid:")


def _ref(full_url: str, display: str | None = None) -> dict[str, Any]:
    reference: dict[str, Any] = {"reference": full_url}
    if display:
        reference["display"] = display
    return reference


def _prune(value: Any) -> Any:
    """Without empty strings, lists, mappings and None: FHIR forbids empty elements."""
    if isinstance(value, dict):
        pruned = {k: _prune(v) for k, v in value.items()}
        return {k: v for k, v in pruned.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        items = [_prune(v) for v in value]
        return [v for v in items if v not in (None, "", [], {})]
    return value


class _Bundle:
    """Entries in order, each resource once (by its fullUrl)."""

    def __init__(self) -> None:
        self.entries: dict[str, dict[str, Any]] = {}

    def add(self, full_url: str, resource: dict[str, Any]) -> str:
        if full_url not in self.entries:
            body = _prune(resource)
            kind = body.pop("resourceType")
            self.entries[full_url] = {"resourceType": kind, "id": _resource_id(full_url), **body}
        return full_url


def _citation(reference: Reference) -> dict[str, Any]:
    identifiers = [
        {"system": "https://doi.org", "value": reference.doi} if reference.doi else None,
        {"system": "https://pubmed.ncbi.nlm.nih.gov", "value": reference.pmid}
        if reference.pmid
        else None,
        {
            "type": {"text": "PMCID"},
            "system": "https://pmc.ncbi.nlm.nih.gov",
            "value": reference.pmcid,
        }
        if reference.pmcid
        else None,
    ]
    links = [
        {"classifier": [_coding(_URL_CLASSIFIER, "doi-based", "DOI Based")], "url": url}
        if (url := reference.doi_url)
        else None,
        {"classifier": [_coding(_URL_CLASSIFIER, "abstract", "Abstract")], "url": url}
        if (url := reference.pubmed_url)
        else None,
        {"url": reference.pmc_url} if reference.pmc_url else None,
        {"url": reference.url} if reference.url else None,
    ]
    journal = reference.journal_full or reference.journal
    form = {
        "publishedIn": {
            "type": _coding(_PUBLISHED_IN, "D020492", "Periodical")
            if reference.entry_type == "article"
            else None,
            "title": journal,
        },
        "volume": reference.volume,
        "issue": reference.issue,
        # A year no record shows is left out, never guessed (bib.no-year warns about it).
        "articleDate": str(reference.year) if reference.year is not None else None,
        "pageString": reference.pages.replace("\u2013", "-") if reference.pages else None,
    }
    authors = [
        {"contributor": {"display": f"{p.family} {p.given}".strip() if p.given else p.family}}
        for p in reference.authors
    ]
    return {
        "resourceType": "Citation",
        "identifier": [{"system": _REFERENCE_KEY, "value": reference.key}],
        "title": reference.title,
        "status": "active",
        "citedArtifact": {
            "identifier": [i for i in identifiers if i],
            "title": [
                {
                    "type": [_coding(_TITLE_TYPE, "primary", "Primary title")],
                    "text": reference.title,
                }
            ]
            if reference.title
            else [],
            "publicationForm": [form],
            "webLocation": [link for link in links if link],
            "contributorship": {"complete": not reference.more_authors, "entry": authors}
            if authors
            else None,
        },
    }


def _variable(bundle: _Bundle, kind: str, text: str) -> str:
    """An EvidenceVariable for an exposure or an outcome, once per distinct wording."""
    full_url = _full_url(f"EvidenceVariable/{kind}", text)
    return bundle.add(
        full_url,
        {
            "resourceType": "EvidenceVariable",
            "title": text,
            "description": f"{kind}: {text}",
            "status": "active",
        },
    )


def _certainty(profile: GradeProfile) -> dict[str, Any]:
    """Overall certainty with one subcomponent per GRADE domain (and per upgrade)."""
    result = profile.compute()
    parts: list[dict[str, Any]] = []
    for name, rating in profile.domains():
        code, display = _TYPE_OF_DOMAIN[name]
        level, level_display = _RATING_OF_CONCERN[rating.concern]
        parts.append(
            {
                "description": f"{domain_label(name)}: {rating.concern.label}",
                "note": [{"text": rating.reason}],
                "type": _coding(_CERTAINTY_TYPE, code, display),
                "rating": _coding(_CERTAINTY_RATING, level, level_display),
            }
        )
    for name in UPGRADE_DOMAINS:
        upgrade: Upgrade | None = getattr(profile, name)
        if upgrade is None:
            continue
        code, display = _TYPE_OF_DOMAIN[name]
        up, up_display = _UPCODE[upgrade.levels]
        parts.append(
            {
                "description": f"{domain_label(name)}: rated up {upgrade.levels}",
                "note": [{"text": upgrade.reason}],
                "type": _coding(_CERTAINTY_TYPE, code, display),
                "rating": _coding(_CERTAINTY_RATING, up, up_display),
            }
        )
    code, display = _RATING_OF_CERTAINTY[result.certainty]
    return {
        "description": f"GRADE: {result.explanation} (judged from the "
        f"{profile.judged_from.value.replace('-', ' ')})",
        "type": _coding(_CERTAINTY_TYPE, "Overall", "Overall certainty"),
        "rating": _coding(_CERTAINTY_RATING, code, display),
        "rater": _RATER,
        "subcomponent": parts,
    }


def _sample_size(totals: EvidenceTotals) -> dict[str, Any]:
    notes = []
    if totals.unreported:
        notes.append(
            "At least this many participants: not recorded for " + ", ".join(totals.unreported)
        )
    if totals.overlap_note:
        notes.append(totals.overlap_note[0].upper() + totals.overlap_note[1:])
    return {
        "description": totals.describe_counts(),
        "note": [{"text": note} for note in notes],
        "numberOfStudies": totals.studies,
        "numberOfParticipants": totals.participants or None,
    }


def _statistic_type(measure: Measure | None) -> dict[str, Any] | None:
    if measure is None:
        return None
    if measure in _STATISTIC_CODES:
        code, display = _STATISTIC_CODES[measure]
        return {**_coding(_STATISTIC_TYPE, code, display), "text": measure.label}
    return {"text": measure.label}


def _interval(low: float, high: float, level: float) -> dict[str, Any]:
    return {
        "type": _coding(_ATTRIBUTE_ESTIMATE, "C53324", "Confidence interval"),
        "level": level,
        "range": {"low": {"value": low}, "high": {"value": high}},
    }


def _statistics(estimate: BestEstimate, totals: EvidenceTotals) -> list[dict[str, Any]]:
    sample = _sample_size(totals)
    estimates: list[dict[str, Any]] = []
    if estimate.ci is not None:
        estimates.append(_interval(estimate.ci[0], estimate.ci[1], estimate.level))
    if estimate.p is not None:
        relation = {"=": None, "<=": "<=", ">=": ">=", "<": "<", ">": ">"}[estimate.p.relation]
        estimates.append(
            {
                "type": {"text": "p-value"},
                "quantity": {"value": estimate.p.value, "comparator": relation},
            }
        )
    if estimate.i2 is not None:
        estimates.append(
            {
                "description": "share of the variability due to heterogeneity between studies",
                "type": {"text": "I-squared"},
                "quantity": {
                    "value": round(estimate.i2 * 100, 6),
                    "unit": "%",
                    "system": _UCUM,
                    "code": "%",
                },
            }
        )
    if estimate.tau2 is not None:
        estimates.append(
            {
                "description": "between-study variance, on the scale of the analysis",
                "type": {"text": "tau-squared"},
                "quantity": {"value": estimate.tau2},
            }
        )
    if estimate.kind is EstimateKind.NONE:
        description = f"No estimate: {estimate.reason}"
    else:
        description = f"{_KIND_TEXT[estimate.kind]}: {estimate.describe()}"
    statistic: dict[str, Any] = {
        "description": description,
        "statisticType": _statistic_type(estimate.measure),
        "quantity": {"value": estimate.value} if estimate.value is not None else None,
        "sampleSize": sample,
        "attributeEstimate": estimates,
        "modelCharacteristic": [
            {"code": {"text": "random-effects inverse-variance meta-analysis (DerSimonian-Laird)"}}
        ]
        if estimate.kind is EstimateKind.POOLED
        else [],
        "note": [{"text": "Studies: " + ", ".join(estimate.studies)}],
    }
    result = [statistic]
    absolute = estimate.absolute
    if absolute is not None:
        difference = absolute.difference
        more = "more" if difference >= 0 else "fewer"
        risk: dict[str, Any] = {
            "description": f"Absolute effect: {abs(difference):.0f} {more} per 1,000 "
            f"({absolute.comparator:.0f} per 1,000 with the comparator)",
            "statisticType": _coding(_STATISTIC_TYPE, *_STATISTIC_CODES[Measure.RISK_DIFFERENCE]),
            "quantity": {"value": round(difference / 1000, 9)},
            "sampleSize": sample,
        }
        if absolute.intervention_ci is not None:
            low, high = (
                round((x - absolute.comparator) / 1000, 9) for x in absolute.intervention_ci
            )
            risk["attributeEstimate"] = [_interval(low, high, estimate.level)]
        result.append(risk)
    return result


_KIND_TEXT = {
    EstimateKind.META_ANALYSIS: "Pooled estimate of a cited meta-analysis",
    EstimateKind.POOLED: "Pooled by needling-facts from the studies' estimates",
    EstimateKind.SINGLE_STUDY: "Estimate of the single study",
}


def _role(code: str, display: str, description: str | None, variable: str | None) -> dict[str, Any]:
    return {
        "description": description,
        "variableRole": _coding(_VARIABLE_ROLE, code, display),
        "observed": _ref(variable) if variable else None,
    }


def _related(citations: dict[str, str], keys: Iterable[str]) -> list[dict[str, Any]]:
    return [
        {"type": "citation", "label": key, "resourceReference": _ref(citations[key], key)}
        for key in keys
        if key in citations
    ]


def _status(claim: Claim) -> str:
    return "retired" if claim.is_withdrawn else "active"


def _row_evidence(
    bundle: _Bundle,
    claim: Claim,
    comparison: Comparison,
    row: OutcomeRow,
    citations: dict[str, str],
) -> None:
    path = f"{claim.id}/{comparison.id}/{row.id}"
    estimate = best_estimate(comparison, row, claim.evidence)
    totals = row_totals(comparison, row, claim.evidence)
    exposure = _variable(bundle, "exposure", comparison.intervention)
    reference = _variable(bundle, "exposure", comparison.comparator)
    outcome = _variable(bundle, "outcome", row.outcome)
    bundle.add(
        _full_url("Evidence", path),
        {
            "resourceType": "Evidence",
            "identifier": [{"system": _ROW_ID, "value": path}],
            "title": f"{row.outcome}: {comparison.title}",
            "status": _status(claim),
            "description": f"{claim.title}: {row.importance.value} outcome"
            + (" of the comparison the claim is about" if comparison.main else ""),
            "assertion": row.statement,
            "note": [{"text": row.comments}] if row.comments else [],
            "relatedArtifact": _related(citations, row.studies),
            "variableDefinition": [
                role
                for role in (
                    _role("population", "population", claim.population, None),
                    _role("exposure", "exposure", comparison.intervention, exposure),
                    _role(
                        "referenceExposure", "reference exposure", comparison.comparator, reference
                    ),
                    _role("measuredVariable", "measured variable", row.outcome, outcome),
                )
                if role["description"]  # a population the claim does not describe is left out
            ],
            "statistic": _statistics(estimate, totals),
            "certainty": [_certainty(row.grade)],
        },
    )


def _claim_evidence(bundle: _Bundle, claim: Claim, citations: dict[str, str]) -> None:
    """A claim without comparisons (the 0.2 shape): one Evidence, rated as a whole."""
    variables = [
        _role("population", "population", claim.population, None),
        _role(
            "exposure",
            "exposure",
            claim.intervention,
            _variable(bundle, "exposure", claim.intervention) if claim.intervention else None,
        ),
        _role(
            "referenceExposure",
            "reference exposure",
            claim.comparator,
            _variable(bundle, "exposure", claim.comparator) if claim.comparator else None,
        ),
        _role(
            "measuredVariable",
            "measured variable",
            claim.outcome.label,
            _variable(bundle, "outcome", claim.outcome.label),
        ),
    ]
    totals = claim.totals
    bundle.add(
        _full_url("Evidence", claim.id),
        {
            "resourceType": "Evidence",
            "identifier": [{"system": _ROW_ID, "value": claim.id}],
            "title": claim.title,
            "status": _status(claim),
            "description": "The claim as a whole: it has no comparisons with outcome rows yet",
            "assertion": claim.statement,
            "relatedArtifact": _related(citations, claim.cited_keys),
            "variableDefinition": [v for v in variables if v["description"]],
            "statistic": [{"description": totals.describe(), "sampleSize": _sample_size(totals)}],
            "certainty": [_certainty(claim.grade)] if claim.grade is not None else [],
        },
    )


def _judgement_text(value: str) -> str:
    return value.replace("-", " ")


def _risk_of_bias(
    bundle: _Bundle, claim: Claim, item: Evidence, rob: RiskOfBias, citation: str | None
) -> None:
    components = [
        {
            "informationType": "rating",
            "summary": domain.reason,
            "type": {"text": domain.domain.replace("-", " ")},
            "classifier": [{"text": _judgement_text(domain.judgement.value)}],
        }
        for domain in rob.domains
    ]
    if rob.is_assessed and rob.overall is not None:
        summary = (
            f"{rob.tool.label}, judged from the "
            f"{rob.judged_from.value.replace('-', ' ') if rob.judged_from else 'record'}: "
            f"overall {_judgement_text(rob.overall.value)}"
        )
        classifier = [{"text": f"{_judgement_text(rob.overall.value)} ({rob.tool.label})"}]
    else:
        summary = f"Not assessed: {rob.reason}"
        classifier = [{"text": "not assessed"}]
    bundle.add(
        _full_url("ArtifactAssessment", f"{claim.id}/{item.ref}"),
        {
            "resourceType": "ArtifactAssessment",
            "title": f"Risk of bias of {item.ref} ({item.design.label}) for the claim {claim.id}",
            "artifactReference": _ref(citation, item.ref) if citation else {"display": item.ref},
            "content": [
                {
                    "informationType": "rating",
                    "summary": summary,
                    "type": _coding(_CERTAINTY_TYPE, "RiskOfBias", "Risk of bias"),
                    "classifier": classifier,
                    "component": components,
                }
            ],
            "workflowStatus": "published",
        },
    )


def build_bundle(library: Library) -> dict[str, Any]:
    """The library as a FHIR R5 Bundle (type collection), as plain JSON-ready data."""
    bundle = _Bundle()
    citations = {
        key: bundle.add(_full_url("Citation", key), _citation(reference))
        for key, reference in library.references.items()
    }
    for claim in library.claims.values():
        if claim.comparisons:
            for comparison, row in claim.rows:
                _row_evidence(bundle, claim, comparison, row, citations)
        else:
            _claim_evidence(bundle, claim, citations)
        for item in claim.evidence:
            if item.risk_of_bias is not None:
                _risk_of_bias(bundle, claim, item, item.risk_of_bias, citations.get(item.ref))
    return {
        "resourceType": "Bundle",
        "id": re.sub(r"[^A-Za-z0-9.-]", "-", f"needling-facts-{DATA_VERSION}"),
        "identifier": {"system": _DATA_VERSION, "value": DATA_VERSION},
        "type": "collection",
        "entry": [
            {"fullUrl": full_url, "resource": resource}
            for full_url, resource in bundle.entries.items()
        ],
    }


def validate_bundle(bundle: dict[str, Any]) -> None:
    """Validate ``bundle`` and every resource in it with ``fhir.resources`` (FHIR R5).

    Raises pydantic's ``ValidationError`` naming the element, or `MissingExtraError`.
    """
    try:
        from fhir.resources.bundle import Bundle
    except ImportError:
        raise MissingExtraError("export --format fhir", "fhir") from None
    Bundle.model_validate(bundle)


def export_fhir(library: Library) -> str:
    """``needling-facts export --format fhir``: the Bundle as JSON, validated first."""
    bundle = build_bundle(library)
    validate_bundle(bundle)
    return json.dumps(bundle, indent=2, ensure_ascii=False) + "\n"
