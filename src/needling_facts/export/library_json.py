"""The ``json`` export: the whole library, cross-linked, with its data and schema versions."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from needling_facts._version import DATA_VERSION, __version__
from needling_facts.evidence import best_estimate as _best
from needling_facts.evidence import totals as _totals
from needling_facts.evidence.best_estimate import EstimateKind
from needling_facts.evidence.bodies import Comparison, OutcomeRow, overall_certainty
from needling_facts.evidence.claim import Claim, GeneralClaim, ScarClaim
from needling_facts.evidence.effects import Measure, PValue
from needling_facts.evidence.fields import export_exclude
from needling_facts.evidence.grade import Certainty, GradeProfile, GradeStep, StartingLevel
from needling_facts.evidence.item import Evidence
from needling_facts.evidence.reference import Reference
from needling_facts.evidence.search import SearchRecord
from needling_facts.library import Library

__all__ = [
    "SCHEMA_VERSION",
    "AbsoluteEffect",
    "BestEstimate",
    "ComputedGrade",
    "EvidenceTotals",
    "ExportedComparison",
    "ExportedOutcomeRow",
    "LibraryExport",
    "SchemaVersion",
    "build_export",
    "export_claim",
    "export_json",
]


SchemaVersion = Literal["2.3"]
"""The ``schema_version`` every exported document carries (the export's and the data API's)."""

SCHEMA_VERSION: str = get_args(SchemaVersion)[0]
"""Version of the export format; bumped on any incompatible change to `LibraryExport`.

2.0: effect estimates, risk of bias and `includes` on evidence items; a GRADE profile per
claim with the certainty it computes; distinct study and participant totals.
2.1: ``evidence_totals.unlisted``, the reviews whose included studies are not listed, and
``more_authors`` on references (an author list ending in ``and others``). Both are added
fields: 2.0 readers that ignore unknown fields keep working.
2.2: ``search`` on claims: the saved searches, ``last_searched`` and the screening log with its
PRISMA-style counts (an added field).
2.3: bodies of evidence (added fields only). ``comparisons`` on claims, each outcome row with
its ``computed_grade`` (certainty, start and GRADE steps), ``best_estimate`` (kind, measure,
value, CI and level, p, I², tau², absolute effect per 1,000, reason) and ``totals``;
``overall_certainty`` on claims and comparisons (GRADE's overall certainty, computed); ``row``
on effect estimates; ``counted_once`` and ``overlap_note`` on totals; ``start`` and ``steps`` on
every computed grade. A claim with comparisons has no claim-level ``grade`` nor
``computed_grade`` (both were already optional in 2.2): its certainty is in its rows.
"""


class ExportedReference(Reference):
    cited_by: tuple[str, ...] = ()
    """Ids of the claims whose evidence cites this reference."""


_DOCUMENTED = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)
"""The attribute docstrings below become the JSON Schema's (and generated types') descriptions."""


class ComputedGrade(BaseModel):
    """The certainty a GRADE profile computes, and how (a claim's or an outcome row's)."""

    model_config = _DOCUMENTED

    certainty: Certainty
    explanation: str
    """E.g. ``start high, -1 risk of bias (serious), -2 imprecision (very serious)``."""
    start: StartingLevel
    """Where GRADE started: high for randomised evidence, low for observational."""
    steps: tuple[GradeStep, ...] = ()
    """Each domain that moved the certainty: its change in levels (-2 .. +2), its rating
    (serious, very serious, upgrade) and the reason."""


def computed_grade(profile: GradeProfile) -> ComputedGrade:
    """What ``profile`` computes, as exported."""
    result = profile.compute()
    return ComputedGrade(
        certainty=result.certainty,
        explanation=result.explanation,
        start=result.start,
        steps=result.steps,
    )


def _fields_of(value: Any) -> dict[str, Any]:
    """The fields of a (slotted, frozen) dataclass, shallow: the export model takes them as is."""
    return {field.name: getattr(value, field.name) for field in dataclasses.fields(value)}


class EvidenceTotals(BaseModel):
    """Distinct studies and participants behind a body of evidence (a claim's or a row's)."""

    model_config = _DOCUMENTED

    studies: int
    """Independent sources: primary studies not inside a cited review, plus the reviews."""
    participants: int
    """Participants, each primary study counted once (a lower bound when ``unreported``)."""
    references: int
    """Distinct studies counted, including those inside a review."""
    nested: tuple[str, ...] = ()
    """Cited primary studies counted through a review that includes them."""
    unreported: tuple[str, ...] = ()
    """Independent sources whose participant count is not recorded."""
    unlisted: tuple[str, ...] = ()
    """Reviews counted whole without a list of what they include, beside other sources."""
    counted_once: bool
    """Whether each primary study is known to be counted once (no ``unlisted`` review)."""
    overlap_note: str | None = None
    """Why participants may be counted twice; absent when each study is counted once."""

    @classmethod
    def of(cls, totals: _totals.EvidenceTotals) -> EvidenceTotals:
        """The exported form of `needling_facts.evidence.totals.EvidenceTotals`."""
        return cls(
            **_fields_of(totals),
            counted_once=totals.counted_once,
            overlap_note=totals.overlap_note,
        )


class AbsoluteEffect(BaseModel):
    """Risks per 1,000 people, as a summary-of-findings table prints them."""

    model_config = _DOCUMENTED

    comparator: float
    """Per 1,000 with the comparator (the row's baseline risk)."""
    intervention: float
    """Per 1,000 with the intervention."""
    intervention_ci: tuple[float, float] | None = None
    """The interval of ``intervention``, from the estimate's CI."""
    difference: float
    """More (positive) or fewer (negative) per 1,000 with the intervention."""


class BestEstimate(BaseModel):
    """An outcome row's best estimate: a cited meta-analysis's, a pool the library computed
    (random effects), the single study's, or none with the reason."""

    model_config = _DOCUMENTED

    kind: EstimateKind
    studies: tuple[str, ...]
    """The keys whose estimates it is (one for a meta-analysis or a single study)."""
    measure: Measure | None = None
    value: float | None = None
    ci: tuple[float, float] | None = None
    level: float
    """Level of ``ci`` (0.95 unless the study states another)."""
    p: PValue | None = None
    i2: float | None = None
    """Pooled by the library only: share of variability due to heterogeneity (0 to 1)."""
    tau2: float | None = None
    """Pooled by the library only: between-study variance on the analysis scale."""
    absolute: AbsoluteEffect | None = None
    """Absent unless the row records the comparator's risk and the measure is a ratio."""
    reason: str | None = None
    """Why there is no estimate (kind none)."""
    text: str
    """As a reader sees it, e.g. ``standardised mean difference 0.6 (95% CI 0.3 to 0.9)``."""

    @classmethod
    def of(cls, estimate: _best.BestEstimate) -> BestEstimate:
        """The exported form of `needling_facts.evidence.best_estimate.BestEstimate`."""
        fields = _fields_of(estimate)
        if estimate.absolute is not None:
            absolute = estimate.absolute
            fields["absolute"] = AbsoluteEffect(
                **_fields_of(absolute), difference=absolute.difference
            )
        return cls(**fields, text=estimate.describe())


class ExportedOutcomeRow(OutcomeRow):
    """An outcome row as written, with what the library computes from it."""

    computed_grade: ComputedGrade
    """What the row's GRADE profile computes (its ``certainty`` must equal it)."""
    best_estimate: BestEstimate
    totals: EvidenceTotals
    """The row's studies, each counted once, with the participants analysed in its estimates."""


class ExportedComparison(Comparison):
    """A comparison as written, its rows with what the library computes from them."""

    outcomes: tuple[ExportedOutcomeRow, ...]
    overall_certainty: Certainty | None = None
    """GRADE's overall certainty for this comparison: the lowest of its critical rows."""


class _Derived(BaseModel):
    comparisons: tuple[ExportedComparison, ...] = ()
    references: tuple[Reference, ...] = ()
    """The references the evidence items cite, resolved, in order of first citation."""
    evidence_totals: EvidenceTotals
    """Distinct studies and participants, each primary study counted once where known: those
    of the claim's outcome rows when it has comparisons."""
    overall_certainty: Certainty | None = None
    """GRADE's overall certainty the library computes: the lowest of the main comparison's
    critical rows (or the claim-level profile's); the claim's ``certainty`` must equal it."""
    computed_grade: ComputedGrade | None = None
    """Absent when the claim has no claim-level GRADE profile (a claim with comparisons)."""
    search: SearchRecord | None = None
    """Saved searches, last search date, screening log and PRISMA counts; absent if none."""


class ExportedScarClaim(_Derived, ScarClaim):
    pass


class ExportedGeneralClaim(_Derived, GeneralClaim):
    pass


class LibraryExport(BaseModel):
    """Everything the library holds, cross-linked; ``needling-facts export --format json``."""

    model_config = ConfigDict(frozen=True, extra="forbid", title="needling-facts library")

    schema_version: SchemaVersion = "2.3"
    data_version: str
    package_version: str
    claims: tuple[
        Annotated[ExportedScarClaim | ExportedGeneralClaim, Field(discriminator="outcome")], ...
    ]
    references: tuple[ExportedReference, ...]


def export_claim(library: Library, claim: Claim) -> ExportedScarClaim | ExportedGeneralClaim:
    """One claim as the ``json`` export holds it (``show --json`` prints it too)."""
    # What is exported is what the model declares for export (`Spec.exported`), at any depth.
    data = claim.model_dump(exclude=export_exclude(type(claim)))
    data["references"] = [_portable(ref) for ref in library.references_of(claim)]
    data["comparisons"] = [_export_comparison(c, claim.evidence) for c in claim.comparisons]
    data["evidence_totals"] = EvidenceTotals.of(claim.totals)
    data["overall_certainty"] = claim.computed_certainty
    data["search"] = _portable_search(library.searches.get(claim.id))
    if claim.grade is not None:
        data["computed_grade"] = computed_grade(claim.grade)
    if isinstance(claim, ScarClaim):
        return ExportedScarClaim.model_validate(data)
    return ExportedGeneralClaim.model_validate(data)


def export_row(
    comparison: Comparison, row: OutcomeRow, evidence: tuple[Evidence, ...]
) -> ExportedOutcomeRow:
    """One outcome row as exported: as written, plus its computed grade, best estimate and
    totals (the same functions the claim page and ``show`` use)."""
    data: dict[str, Any] = row.model_dump(exclude=export_exclude(OutcomeRow))
    data["computed_grade"] = computed_grade(row.grade)
    data["best_estimate"] = BestEstimate.of(_best.best_estimate(comparison, row, evidence))
    data["totals"] = EvidenceTotals.of(_totals.row_totals(comparison, row, evidence))
    return ExportedOutcomeRow.model_validate(data)


def _export_comparison(
    comparison: Comparison, evidence: tuple[Evidence, ...]
) -> ExportedComparison:
    data: dict[str, Any] = comparison.model_dump(exclude=export_exclude(Comparison))
    data["outcomes"] = [export_row(comparison, row, evidence) for row in comparison.outcomes]
    data["overall_certainty"] = overall_certainty(comparison)
    return ExportedComparison.model_validate(data)


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
        claims=tuple(export_claim(library, c) for c in library.claims.values()),
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
