"""The ``json`` export: the whole library, cross-linked, with its data and schema versions."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from needling_facts._version import DATA_VERSION, __version__
from needling_facts.evidence.claim import Claim, GeneralClaim, ScarClaim
from needling_facts.evidence.fields import export_exclude
from needling_facts.evidence.grade import Certainty
from needling_facts.evidence.reference import Reference
from needling_facts.evidence.search import SearchRecord
from needling_facts.evidence.totals import EvidenceTotals
from needling_facts.library import Library

__all__ = ["SCHEMA_VERSION", "LibraryExport", "build_export", "export_json"]


SCHEMA_VERSION = "2.2"
"""Version of the export format; bumped on any incompatible change to `LibraryExport`.

2.0: effect estimates, risk of bias and `includes` on evidence items; a GRADE profile per
claim with the certainty it computes; distinct study and participant totals.
2.1: ``evidence_totals.unlisted``, the reviews whose included studies are not listed, and
``more_authors`` on references (an author list ending in ``and others``). Both are added
fields: 2.0 readers that ignore unknown fields keep working.
2.2: ``search`` on claims: the saved searches, ``last_searched`` and the screening log with its
PRISMA-style counts (an added field).
"""


class ExportedReference(Reference):
    cited_by: tuple[str, ...] = ()
    """Ids of the claims whose evidence cites this reference."""


class ComputedGrade(BaseModel):
    """The certainty the claim's GRADE profile computes, and how."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    certainty: Certainty
    explanation: str
    """E.g. ``start high, -1 risk of bias (serious), -2 imprecision (very serious)``."""


class _Derived(BaseModel):
    references: tuple[Reference, ...] = ()
    """The references the evidence items cite, resolved, in order of first citation."""
    evidence_totals: EvidenceTotals
    """Distinct studies and participants, each primary study counted once where known."""
    computed_grade: ComputedGrade | None = None
    """Absent when the claim has no GRADE profile."""
    search: SearchRecord | None = None
    """Saved searches, last search date, screening log and PRISMA counts; absent if none."""


class ExportedScarClaim(_Derived, ScarClaim):
    pass


class ExportedGeneralClaim(_Derived, GeneralClaim):
    pass


class LibraryExport(BaseModel):
    """Everything the library holds, cross-linked; ``needling-facts export --format json``."""

    model_config = ConfigDict(frozen=True, extra="forbid", title="needling-facts library")

    schema_version: Literal["2.2"] = "2.2"
    data_version: str
    package_version: str
    claims: tuple[
        Annotated[ExportedScarClaim | ExportedGeneralClaim, Field(discriminator="outcome")], ...
    ]
    references: tuple[ExportedReference, ...]


def _export_claim(library: Library, claim: Claim) -> ExportedScarClaim | ExportedGeneralClaim:
    # What is exported is what the model declares for export (`Spec.exported`), at any depth.
    data = claim.model_dump(exclude=export_exclude(type(claim)))
    data["references"] = [_portable(ref) for ref in library.references_of(claim)]
    data["evidence_totals"] = claim.totals
    data["search"] = _portable_search(library.searches.get(claim.id))
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


def _portable_search(search: SearchRecord | None) -> SearchRecord | None:
    return None if search is None else search.model_copy(update={"source": None})


def build_export(library: Library) -> LibraryExport:
    """The library as the `LibraryExport` model (what ``export_json`` serialises)."""
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
    """``needling-facts export --format json``: `LibraryExport` as indented JSON."""
    return build_export(library).model_dump_json(indent=2, exclude_none=True) + "\n"
