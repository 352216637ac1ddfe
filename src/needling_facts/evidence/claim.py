"""A claim and the evidence items it cites. Pure data, no I/O."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal, Self

from pydantic import Field, model_validator

from needling_facts.evidence._frozen import Frozen as _Frozen
from needling_facts.evidence.bodies import Comparison, OutcomeRow, overall_certainty
from needling_facts.evidence.fields import INTERNAL, Spec, Written, WrittenAsScalar
from needling_facts.evidence.grade import Certainty, GradeProfile
from needling_facts.evidence.item import Evidence
from needling_facts.evidence.reference import Location
from needling_facts.evidence.totals import EvidenceTotals, claim_totals, evidence_totals
from needling_facts.evidence.vocabulary import (
    CLAIM_ID_PATTERN,
    ClaimStatus,
    Outcome,
    ScarType,
    SkinType,
    Verdict,
)

__all__ = [
    "AnyClaim",
    "Claim",
    "GeneralClaim",
    "NumberRange",
    "Protocol",
    "ScarClaim",
]


_RANGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:[-\u2013]\s*(\d+(?:\.\d+)?))?\s*$")


class NumberRange(_Frozen, WrittenAsScalar):
    """A reported value or range, e.g. ``3`` or ``1.5-2.0``; written as such in YAML."""

    low: Annotated[float, Spec()] = Field(ge=0, description="The lowest value reported.")
    high: Annotated[float, Spec()] = Field(
        ge=0, description="The highest value reported (equal to low for a single value)."
    )

    @model_validator(mode="before")
    @classmethod
    def _from_scalar(cls, value: object) -> object:
        if isinstance(value, bool):
            raise ValueError("expected a number or a range such as 3-6")
        if isinstance(value, int | float):
            return {"low": value, "high": value}
        if isinstance(value, str):
            match = _RANGE.match(value)
            if match is None:
                raise ValueError(f"expected a number or a range such as 3-6, got {value!r}")
            low, high = match.group(1), match.group(2) or match.group(1)
            return {"low": float(low), "high": float(high)}
        return value

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.low > self.high:
            raise ValueError(f"range {self.low}-{self.high} runs backwards")
        return self

    def __str__(self) -> str:
        def fmt(x: float) -> str:
            return f"{x:g}"

        if self.low == self.high:
            return fmt(self.low)
        return f"{fmt(self.low)}\u2013{fmt(self.high)}"


class Protocol(_Frozen):
    """Treatment protocol as reported by the studies behind a claim."""

    sessions: Annotated[NumberRange | None, Spec(label="Sessions")] = Field(
        default=None, description="Number of sessions."
    )
    interval_weeks: Annotated[NumberRange | None, Spec(label="Interval", unit="weeks")] = Field(
        default=None, description="Weeks between sessions."
    )
    needle_depth_mm: Annotated[NumberRange | None, Spec(label="Needle depth", unit="mm")] = Field(
        default=None, description="Needle depth in millimetres."
    )


_OUTCOME = "What the claim is about; each outcome has a page in the handbook."
_OUTCOME_SPEC = Spec()


class Claim(_Frozen):
    """Fields every claim has; a concrete claim is a `ScarClaim` or a `GeneralClaim`.

    Each field is declared once (see `needling_facts.evidence.fields`): its description is the
    ``new-claim`` skeleton's comment and the JSON Schema's, its `Spec` says where it goes.
    """

    id: Annotated[str, Spec(written=Written.DERIVED)] = Field(
        pattern=CLAIM_ID_PATTERN,
        description="Stable identifier: the claim file's name, lowercase words and digits "
        "joined by hyphens.",
    )
    title: Annotated[str, Spec()] = Field(
        min_length=1, description='Short title, e.g. "Microneedling for atrophic acne scars".'
    )
    statement: Annotated[str, Spec()] = Field(
        min_length=1, description="One neutral sentence: what the evidence shows."
    )
    outcome: Annotated[Outcome, _OUTCOME_SPEC] = Field(description=_OUTCOME)
    article_wording: Annotated[str | None, Spec()] = Field(
        default=None,
        min_length=1,
        description="The source article's own words, quoted exactly; left out only when the "
        "article does not make the claim (then verdict: not-in-article).",
    )
    population: Annotated[str | None, Spec(label="Population")] = Field(
        default=None, description="Who was studied."
    )
    intervention: Annotated[str | None, Spec(label="Intervention")] = Field(
        default=None, description="Needling device, depth and sessions."
    )
    comparator: Annotated[str | None, Spec(label="Comparator")] = Field(
        default=None, description="Control, other treatment or baseline."
    )
    skin_types: Annotated[tuple[SkinType, ...], Spec(label="Fitzpatrick skin types")] = Field(
        default=(), description="Fitzpatrick skin types studied."
    )
    protocol: Annotated[Protocol, Spec()] = Field(
        default=Protocol(),
        description="The treatment protocol as the studies report it: each a number or a "
        "range like 3-6.",
    )
    certainty: Annotated[Certainty, Spec()] = Field(
        description="GRADE certainty of the evidence: the lowest certainty among the main "
        "comparison's critical outcomes (for a claim without comparisons, what `grade` "
        "computes)."
    )
    verdict: Annotated[Verdict, Spec()] = Field(
        description="Our judgement of the article's wording."
    )
    evidence: Annotated[tuple[Evidence, ...], Spec()] = Field(
        default=(), description="One item per study; `ref` is a key in references.bib."
    )
    comparisons: Annotated[tuple[Comparison, ...], Spec()] = Field(
        default=(),
        description="Bodies of evidence: each comparison with its outcome rows, each row with "
        "its studies and its own GRADE profile. One comparison is main: its critical outcomes "
        "decide the claim's certainty.",
    )
    grade: Annotated[GradeProfile | None, Spec(written=Written.COMMENTED)] = Field(
        default=None,
        description="Before bodies of evidence (0.2): one GRADE profile for the whole claim; "
        "only for a claim without comparisons.",
    )
    caveats: Annotated[tuple[str, ...], Spec()] = Field(
        default=(), description="Limits of the evidence."
    )
    contraindications: Annotated[tuple[str, ...], Spec()] = Field(
        default=(), description="Contraindications the evidence reports."
    )
    last_reviewed: Annotated[dt.date, Spec()] = Field(
        description="Date the evidence was last reviewed (YYYY-MM-DD)."
    )
    status: Annotated[ClaimStatus, Spec(written=Written.COMMENTED)] = Field(
        default=ClaimStatus.ACTIVE,
        description="A withdrawn claim stays loadable, marked as withdrawn.",
    )
    withdrawn_reason: Annotated[str | None, Spec(written=Written.COMMENTED)] = Field(
        default=None, description="Why the claim was withdrawn; only with status: withdrawn."
    )
    body: Annotated[str, Spec(written=Written.PROSE)] = Field(
        default="",
        description="Handbook prose, 150 to 400 words, neutral, citing studies as [@Key] or "
        "[@Key, p. 12].",
    )
    source: Annotated[Location | None, INTERNAL] = Field(
        default=None, description="Where the claim was read from; set by the loader."
    )

    @model_validator(mode="after")
    def _withdrawal_explained(self) -> Self:
        if self.is_withdrawn and not self.withdrawn_reason:
            raise ValueError("a withdrawn claim needs a withdrawn_reason")
        if self.withdrawn_reason and not self.is_withdrawn:
            raise ValueError("withdrawn_reason is only for claims with status: withdrawn")
        return self

    @model_validator(mode="after")
    def _verdict_has_wording(self) -> Self:
        # A verdict judges the article's words; a claim beyond the article has none to judge.
        beyond = self.verdict is Verdict.NOT_IN_ARTICLE
        if beyond and self.article_wording is not None:
            raise ValueError("verdict not-in-article is for claims without article_wording")
        if not beyond and self.article_wording is None:
            raise ValueError(
                "article_wording is required unless the article does not make the claim "
                "(then use verdict: not-in-article)"
            )
        return self

    @model_validator(mode="after")
    def _one_main_comparison(self) -> Self:
        if not self.comparisons:
            return self
        mains = [comparison.id for comparison in self.comparisons if comparison.main]
        if len(mains) != 1:
            found = ", ".join(mains) if mains else "none"
            raise ValueError(f"exactly one comparison needs main: true (found: {found})")
        ids = [comparison.id for comparison in self.comparisons]
        for comparison_id in ids:
            if ids.count(comparison_id) > 1:
                raise ValueError(f"comparison id {comparison_id!r} is used twice")
        if self.grade is not None:
            raise ValueError(
                "a claim with comparisons has a GRADE profile per outcome row, not a claim-level "
                "grade; move it into the rows"
            )
        return self

    @property
    def main_comparison(self) -> Comparison | None:
        """The comparison the claim is about (None for a claim without comparisons)."""
        return next((comparison for comparison in self.comparisons if comparison.main), None)

    @property
    def rows(self) -> tuple[tuple[Comparison, OutcomeRow], ...]:
        """Every outcome row with its comparison, main comparison first."""
        ordered = sorted(self.comparisons, key=lambda comparison: not comparison.main)
        return tuple((comparison, row) for comparison in ordered for row in comparison.outcomes)

    def row(self, path: str) -> tuple[Comparison, OutcomeRow] | None:
        """The row named ``comparison-id/outcome-id``, or None."""
        comparison_id, _, row_id = path.partition("/")
        for comparison in self.comparisons:
            if comparison.id == comparison_id and (found := comparison.row(row_id)) is not None:
                return comparison, found
        return None

    @property
    def computed_certainty(self) -> Certainty | None:
        """GRADE's overall certainty: the lowest computed certainty of the main comparison's
        critical outcomes; for a claim without comparisons, its claim-level profile's."""
        main = self.main_comparison
        if main is not None:
            return overall_certainty(main)
        return self.grade.certainty if self.grade is not None else None

    @property
    def in_article(self) -> bool:
        """Whether the source article makes this claim (and so has wording to judge)."""
        return self.article_wording is not None

    @property
    def is_withdrawn(self) -> bool:
        return self.status is ClaimStatus.WITHDRAWN

    @property
    def cited_keys(self) -> tuple[str, ...]:
        """Reference keys named by the evidence items, in order, without repeats."""
        return tuple(dict.fromkeys(item.ref for item in self.evidence))

    @property
    def totals(self) -> EvidenceTotals:
        """Distinct studies and participants, each primary study counted once: the studies of
        the claim's outcome rows (context studies are not counted); for a claim without
        comparisons, every study that weighs in."""
        if self.comparisons:
            return claim_totals(self.comparisons, self.evidence)
        return evidence_totals(self.evidence)

    @property
    def participants(self) -> int:
        """Distinct participants in the studies that weigh in (supports or contradicts): a
        primary study inside a cited review that `includes` it is not counted again."""
        return self.totals.participants


class ScarClaim(Claim):
    """A claim about scars; says which kinds of scar it covers."""

    outcome: Annotated[Literal[Outcome.SCARS], _OUTCOME_SPEC] = Field(description=_OUTCOME)
    scar_types: Annotated[tuple[ScarType, ...], Spec(label="Scar types")] = Field(
        min_length=1, description="The kinds of scar the claim covers."
    )


class GeneralClaim(Claim):
    """A claim about any outcome other than scars."""

    outcome: Annotated[
        Literal[
            Outcome.REJUVENATION,
            Outcome.PIGMENTATION,
            Outcome.COLLAGEN,
            Outcome.PORES,
            Outcome.ABSORPTION,
            Outcome.MECHANISM,
            Outcome.COMEDONES,
            Outcome.PROCEDURE,
            Outcome.SAFETY,
            Outcome.SATISFACTION,
            Outcome.HAIR,
        ],
        _OUTCOME_SPEC,
    ] = Field(description=_OUTCOME)


AnyClaim = Annotated[ScarClaim | GeneralClaim, Field(discriminator="outcome")]
"""The type a claim file validates into, chosen by its ``outcome``."""
