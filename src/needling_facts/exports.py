"""The library as data for apps: JSON (with its JSON Schema), CSL-JSON and schema.org JSON-LD."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .csl import to_csl_json
from .grading import Certainty
from .library import Library
from .models import Claim, GeneralClaim, Reference, ScarClaim, Verdict

__all__ = [
    "SCHEMA_VERSION",
    "LibraryExport",
    "claim_jsonld",
    "export_csl_json",
    "export_json",
    "export_jsonld",
    "export_schema",
    "script_tag",
]

SOURCE_ARTICLE = "What is Microneedling and How Does it Improve Your Skin?"
"""The popular article whose claims the library reviews."""

SCHEMA_VERSION = "2.0"
"""Version of the export format; bumped on any incompatible change to `LibraryExport`.

2.0: effect estimates, risk of bias and `includes` on evidence items; a GRADE profile per
claim with the certainty it computes; distinct study and participant totals.
"""


class ExportedReference(Reference):
    cited_by: tuple[str, ...] = ()
    """Ids of the claims whose evidence cites this reference."""


class ExportedTotals(BaseModel):
    """Distinct studies and participants, each primary study counted once."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    studies: int
    participants: int
    references: int
    nested: tuple[str, ...] = ()
    """Cited primary studies counted through a cited review that includes them."""
    unreported: tuple[str, ...] = ()
    """Independent sources without a participant count (``participants`` is a lower bound)."""


class ComputedGrade(BaseModel):
    """The certainty the claim's GRADE profile computes, and how."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    certainty: Certainty
    explanation: str
    """E.g. ``start high, -1 risk of bias (serious), -2 imprecision (very serious)``."""


class _Derived(BaseModel):
    references: tuple[Reference, ...] = ()
    """The references the evidence items cite, resolved, in order of first citation."""
    evidence_totals: ExportedTotals
    computed_grade: ComputedGrade | None = None
    """Absent when the claim has no GRADE profile."""


class ExportedScarClaim(_Derived, ScarClaim):
    pass


class ExportedGeneralClaim(_Derived, GeneralClaim):
    pass


class LibraryExport(BaseModel):
    """Everything the library holds, cross-linked; ``needling-facts export --format json``."""

    model_config = ConfigDict(frozen=True, extra="forbid", title="needling-facts library")

    schema_version: Literal["2.0"] = "2.0"
    data_version: str
    package_version: str
    claims: tuple[
        Annotated[ExportedScarClaim | ExportedGeneralClaim, Field(discriminator="outcome")], ...
    ]
    references: tuple[ExportedReference, ...]


def _export_claim(library: Library, claim: Claim) -> ExportedScarClaim | ExportedGeneralClaim:
    data = claim.model_dump(exclude={"source"})
    data["references"] = [_portable(ref) for ref in library.references_of(claim)]
    totals = claim.totals
    data["evidence_totals"] = {
        "studies": totals.studies,
        "participants": totals.participants,
        "references": totals.references,
        "nested": totals.nested,
        "unreported": totals.unreported,
    }
    if claim.grade is not None:
        result = claim.grade.compute()
        data["computed_grade"] = {
            "certainty": result.certainty,
            "explanation": result.explanation,
        }
    if isinstance(claim, ScarClaim):
        return ExportedScarClaim.model_validate(data)
    return ExportedGeneralClaim.model_validate(data)


def _portable(reference: Reference) -> Reference:
    """Without the local file path it was read from, which means nothing to an app."""
    return reference.model_copy(update={"source": None})


def build_export(library: Library) -> LibraryExport:
    from . import DATA_VERSION, __version__

    return LibraryExport(
        data_version=DATA_VERSION,
        package_version=__version__,
        claims=tuple(_export_claim(library, c) for c in library.claims.values()),
        references=tuple(
            ExportedReference.model_validate(
                {
                    **ref.model_dump(exclude={"source"}),
                    "cited_by": tuple(c.id for c in library.citing_claims(key)),
                }
            )
            for key, ref in library.references.items()
        ),
    )


def export_json(library: Library) -> str:
    return build_export(library).model_dump_json(indent=2, exclude_none=True) + "\n"


def export_schema() -> str:
    schema = LibraryExport.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return json.dumps(schema, indent=2) + "\n"


def export_csl_json(library: Library) -> str:
    items = [to_csl_json(ref) for ref in library.references.values()]
    return json.dumps(items, indent=2, ensure_ascii=False) + "\n"


_RATING = {
    Verdict.SUPPORTED: 4,
    Verdict.PARTLY_SUPPORTED: 3,
    Verdict.NOT_SUPPORTED: 2,
    Verdict.CONTRADICTED: 1,
}
_PUBLISHER = {"@type": "Organization", "name": "needling-facts"}


def _reference_id(reference: Reference) -> str:
    return reference.doi_url or f"urn:needling-facts:reference:{reference.key}"


def reference_jsonld(reference: Reference) -> dict[str, Any]:
    node: dict[str, Any] = {
        "@type": "ScholarlyArticle",
        "@id": _reference_id(reference),
        "identifier": reference.key,
    }
    if reference.title:
        node["name"] = reference.title
    if reference.authors:
        node["author"] = [
            {"@type": "Person", "familyName": p.family, "givenName": p.given, "name": str(p)}
            for p in reference.authors
        ]
    if reference.journal:
        node["isPartOf"] = {"@type": "Periodical", "name": reference.journal}
    if reference.year:
        node["datePublished"] = str(reference.year)
    same_as = [url for url in (reference.pubmed_url, reference.pmc_url, reference.url) if url]
    if same_as:
        node["sameAs"] = same_as
    return node


def claim_jsonld(claim: Claim, references: Mapping[str, Reference]) -> dict[str, Any]:
    """A schema.org ``ClaimReview`` of the article's wording, citing the studies."""
    return {
        "@type": "ClaimReview",
        "@id": f"urn:needling-facts:claim:{claim.id}",
        "name": claim.title,
        "claimReviewed": claim.article_wording,
        "reviewBody": claim.statement,
        "datePublished": claim.last_reviewed.isoformat(),
        "author": _PUBLISHER,
        "itemReviewed": {
            "@type": "Claim",
            "text": claim.article_wording,
            "appearance": {"@type": "CreativeWork", "name": SOURCE_ARTICLE},
        },
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": _RATING[claim.verdict],
            "bestRating": 4,
            "worstRating": 1,
            "alternateName": claim.verdict.label,
            "ratingExplanation": _rating_explanation(claim),
        },
        "citation": [reference_jsonld(references[k]) for k in claim.cited_keys if k in references],
    }


def _rating_explanation(claim: Claim) -> str:
    text = f"Certainty of the evidence: {claim.certainty.label}"
    if claim.grade is not None:
        text += f" (GRADE: {claim.grade.compute().explanation})"
    return text + "."


def export_jsonld(library: Library) -> str:
    graph = [claim_jsonld(c, library.references) for c in library.claims.values()]
    graph += [reference_jsonld(r) for r in library.references.values()]
    document = {"@context": "https://schema.org", "@graph": graph}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def script_tag(data: dict[str, Any]) -> str:
    """JSON-LD for a page's ``<head>`` or body; safe against ``</script>`` in the data."""
    text = json.dumps({"@context": "https://schema.org", **data}, ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/ld+json">{text}</script>'
