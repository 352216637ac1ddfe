"""Bodies of evidence: a claim's comparisons and, per comparison, its outcome rows.

GRADE rates certainty per outcome for a comparison, and a summary-of-findings table has one row
per outcome. Here a claim names its comparisons (microneedling alone vs baseline, vs fractional
laser, microneedling plus PRP vs microneedling); each comparison lists its outcomes with their
importance, and each outcome row names the studies that inform it and carries its own GRADE
profile. An effect estimate joins a row through its ``row`` field (``comparison/outcome``); an
estimate that names no row is context, shown beside the evidence but never in a summary.

The claim's certainty follows GRADE's rule for overall certainty: the lowest certainty among the
critical outcomes of the comparison the claim is about (its ``main`` comparison).
"""

from __future__ import annotations

from typing import Annotated, Self

from pydantic import Field, model_validator

from needling_facts.evidence._frozen import Frozen
from needling_facts.evidence._words import WordEnum
from needling_facts.evidence.fields import Spec
from needling_facts.evidence.grade import Certainty, GradeProfile
from needling_facts.evidence.vocabulary import CLAIM_ID_PATTERN

__all__ = ["Comparison", "Importance", "OutcomeRow", "overall_certainty"]


class Importance(WordEnum):
    """How much an outcome matters to a decision (GRADE's critical / important)."""

    CRITICAL = "critical"
    IMPORTANT = "important"


class OutcomeRow(Frozen):
    """One outcome of one comparison: its studies, its GRADE profile and its certainty."""

    id: Annotated[str, Spec()] = Field(
        pattern=CLAIM_ID_PATTERN,
        description="Short identifier, unique within the comparison, e.g. scar-severity; an "
        "effect joins this row with row: <comparison id>/<this id>.",
    )
    outcome: Annotated[str, Spec()] = Field(
        min_length=1,
        description="The outcome as a reader names it, with how it was measured, e.g. "
        "'Acne scar severity (Goodman and Baron grade)'.",
    )
    importance: Annotated[Importance, Spec()] = Field(
        description="critical (decides the claim's certainty) or important."
    )
    studies: Annotated[tuple[str, ...], Spec()] = Field(
        min_length=1,
        description="The cited keys of the studies that inform this outcome for this "
        "comparison (each must be one of the claim's evidence items).",
    )
    pooled_from: Annotated[str | None, Spec()] = Field(
        default=None,
        description="A cited meta-analysis among `studies` whose pooled estimate in this row "
        "is the best estimate; otherwise the library pools or takes the single study's.",
    )
    baseline_risk: Annotated[float | None, Spec()] = Field(
        default=None,
        gt=0,
        lt=1,
        description="Risk in the comparator group (a proportion), where a record reports it: "
        "gives the absolute effect per 1,000 for a risk or odds ratio.",
    )
    certainty: Annotated[Certainty, Spec()] = Field(
        description="GRADE certainty of this outcome; must equal what `grade` computes."
    )
    grade: Annotated[GradeProfile, Spec()] = Field(
        description="GRADE profile of this outcome's body of evidence."
    )
    statement: Annotated[str, Spec()] = Field(
        min_length=1,
        description="Plain-language statement of what the evidence shows for this outcome, "
        "hedged by its certainty (e.g. 'may improve', 'the evidence is very uncertain').",
    )
    comments: Annotated[str | None, Spec()] = Field(
        default=None, min_length=1, description="Anything a reader needs beside the numbers."
    )

    @model_validator(mode="after")
    def _pooled_from_is_a_study(self) -> Self:
        if self.pooled_from is not None and self.pooled_from not in self.studies:
            raise ValueError(f"pooled_from {self.pooled_from!r} is not one of this row's studies")
        if len(set(self.studies)) != len(self.studies):
            raise ValueError("a study is listed twice in studies")
        return self


class Comparison(Frozen):
    """What is compared (intervention vs comparator) and the outcomes measured for it."""

    id: Annotated[str, Spec()] = Field(
        pattern=CLAIM_ID_PATTERN,
        description="Short identifier, unique within the claim, e.g. needling-vs-baseline.",
    )
    intervention: Annotated[str, Spec()] = Field(
        min_length=1,
        description="The intervention in a few words, e.g. 'microneedling alone'; forest plots "
        "print 'favours' followed by it.",
    )
    comparator: Annotated[str, Spec()] = Field(
        min_length=1,
        description="The comparator in a few words, e.g. 'fractional CO2 laser' or 'baseline "
        "(before treatment)'.",
    )
    main: Annotated[bool, Spec()] = Field(
        default=False,
        description="The comparison the claim is about; its critical outcomes decide the "
        "claim's certainty. Exactly one comparison per claim is main.",
    )
    outcomes: Annotated[tuple[OutcomeRow, ...], Spec()] = Field(
        min_length=1, description="One row per outcome, most important first."
    )

    @model_validator(mode="after")
    def _unique_rows(self) -> Self:
        ids = [row.id for row in self.outcomes]
        for row_id in ids:
            if ids.count(row_id) > 1:
                raise ValueError(f"outcome id {row_id!r} is used twice in comparison {self.id!r}")
        return self

    @property
    def title(self) -> str:
        """E.g. ``microneedling alone vs fractional CO2 laser``."""
        return f"{self.intervention} vs {self.comparator}"

    @property
    def critical(self) -> tuple[OutcomeRow, ...]:
        """The critical outcome rows, in order."""
        return tuple(row for row in self.outcomes if row.importance is Importance.CRITICAL)

    def row(self, row_id: str) -> OutcomeRow | None:
        """The outcome row called ``row_id``, or None."""
        return next((row for row in self.outcomes if row.id == row_id), None)


def overall_certainty(comparison: Comparison) -> Certainty | None:
    """GRADE's overall certainty for a comparison: the lowest certainty (computed from each
    profile) among its critical outcomes; None when it has no critical outcome."""
    ranks = [row.grade.certainty.rank for row in comparison.critical]
    return Certainty.from_rank(min(ranks)) if ranks else None
