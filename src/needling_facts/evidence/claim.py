"""A claim and the evidence items it cites. Pure data, no I/O."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal, Self

from pydantic import Field, model_validator

from needling_facts.evidence._frozen import Frozen as _Frozen
from needling_facts.evidence.grade import Certainty, GradeProfile
from needling_facts.evidence.item import Evidence
from needling_facts.evidence.reference import Location
from needling_facts.evidence.totals import EvidenceTotals, evidence_totals
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


class NumberRange(_Frozen):
    """A reported value or range, e.g. ``3`` or ``1.5-2.0``; written as such in YAML."""

    low: float = Field(ge=0)
    high: float = Field(ge=0)

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

    sessions: NumberRange | None = None
    interval_weeks: NumberRange | None = None
    needle_depth_mm: NumberRange | None = None


class Claim(_Frozen):
    """Fields every claim has; a concrete claim is a `ScarClaim` or a `GeneralClaim`."""

    id: str = Field(pattern=CLAIM_ID_PATTERN)
    title: str = Field(min_length=1)
    statement: str = Field(min_length=1)
    outcome: Outcome
    article_wording: str | None = Field(default=None, min_length=1)
    """The source article's words, quoted exactly; absent for claims the article does not make."""
    population: str | None = None
    intervention: str | None = None
    comparator: str | None = None
    skin_types: tuple[SkinType, ...] = ()
    protocol: Protocol = Protocol()
    certainty: Certainty
    verdict: Verdict
    evidence: tuple[Evidence, ...] = ()
    grade: GradeProfile | None = None
    caveats: tuple[str, ...] = ()
    contraindications: tuple[str, ...] = ()
    last_reviewed: dt.date
    status: ClaimStatus = ClaimStatus.ACTIVE
    withdrawn_reason: str | None = None
    body: str = ""
    source: Location | None = None

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
        """Distinct studies and participants, each primary study counted once."""
        return evidence_totals(self.evidence)

    @property
    def participants(self) -> int:
        """Distinct participants in the studies that weigh in (supports or contradicts): a
        primary study inside a cited review that `includes` it is not counted again."""
        return self.totals.participants


class ScarClaim(Claim):
    """A claim about scars; says which kinds of scar it covers."""

    outcome: Literal[Outcome.SCARS]
    scar_types: tuple[ScarType, ...] = Field(min_length=1)


class GeneralClaim(Claim):
    """A claim about any outcome other than scars."""

    outcome: Literal[
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
    ]


AnyClaim = Annotated[ScarClaim | GeneralClaim, Field(discriminator="outcome")]
"""The type a claim file validates into, chosen by its ``outcome``."""
