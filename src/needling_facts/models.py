"""Typed records: references, claims and their evidence. Pure data, no I/O."""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Literal, Self

from pydantic import Field, model_validator

from ._frozen import Frozen as _Frozen
from ._words import WordEnum
from .effects import EffectEstimate
from .grading import Certainty, GradeProfile
from .risk_of_bias import RiskOfBias

if TYPE_CHECKING:
    from .totals import EvidenceTotals

__all__ = [
    "CLAIM_ID_PATTERN",
    "CONTROLLED_DESIGNS",
    "RANDOMISED_DESIGNS",
    "REVIEW_DESIGNS",
    "AnyClaim",
    "Certainty",
    "Claim",
    "ClaimStatus",
    "EffectEstimate",
    "Evidence",
    "GeneralClaim",
    "GradeProfile",
    "Location",
    "NumberRange",
    "Outcome",
    "Person",
    "Protocol",
    "Reference",
    "RiskOfBias",
    "ScarClaim",
    "ScarType",
    "SkinType",
    "Stance",
    "StudyDesign",
    "Update",
    "UpdateType",
    "Verdict",
]

CLAIM_ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


class Outcome(StrEnum):
    """What a claim is about; each outcome has a page in the handbook."""

    REJUVENATION = "rejuvenation"
    SCARS = "scars"
    PIGMENTATION = "pigmentation"
    COLLAGEN = "collagen"
    PORES = "pores"
    ABSORPTION = "absorption"
    MECHANISM = "mechanism"
    COMEDONES = "comedones"
    PROCEDURE = "procedure"
    SAFETY = "safety"
    SATISFACTION = "satisfaction"
    HAIR = "hair"

    @property
    def label(self) -> str:
        return _OUTCOME_LABELS[self]


_OUTCOME_LABELS = {
    Outcome.REJUVENATION: "Fine lines, wrinkles and photoageing",
    Outcome.SCARS: "Scars and stretch marks",
    Outcome.PIGMENTATION: "Hyperpigmentation and melasma",
    Outcome.COLLAGEN: "Collagen and elastin",
    Outcome.PORES: "Pore size",
    Outcome.ABSORPTION: "Absorption of topical products",
    Outcome.MECHANISM: "Mechanism of action",
    Outcome.COMEDONES: "Blackheads (open comedones)",
    Outcome.PROCEDURE: "Procedure and recovery",
    Outcome.SAFETY: "Safety and side effects",
    Outcome.SATISFACTION: "Patient satisfaction",
    Outcome.HAIR: "Hair loss",
}


class Verdict(WordEnum):
    """Our judgement of the popular article's wording of a claim."""

    SUPPORTED = "supported"
    PARTLY_SUPPORTED = "partly-supported"
    NOT_SUPPORTED = "not-supported"
    CONTRADICTED = "contradicted"
    NOT_IN_ARTICLE = "not-in-article"
    """For claims the article does not make: there is no wording to judge."""

    @property
    def label(self) -> str:
        if self is Verdict.NOT_IN_ARTICLE:
            return "not a claim of the article"
        return super().label


class StudyDesign(StrEnum):
    META_ANALYSIS = "meta-analysis"
    SYSTEMATIC_REVIEW = "systematic-review"
    RCT = "rct"
    SPLIT_FACE_RCT = "split-face-rct"
    NON_RANDOMISED_TRIAL = "non-randomised-trial"
    COHORT = "cohort"
    CASE_SERIES = "case-series"
    CASE_REPORT = "case-report"
    REVIEW = "review"
    IN_VITRO = "in-vitro"
    ANIMAL = "animal"
    EXPERT_OPINION = "expert-opinion"

    @property
    def label(self) -> str:
        return _DESIGN_LABELS.get(self, self.value.replace("-", " "))


_DESIGN_LABELS = {
    StudyDesign.RCT: "RCT",
    StudyDesign.SPLIT_FACE_RCT: "split-face RCT",
    StudyDesign.NON_RANDOMISED_TRIAL: "non-randomised trial",
}

RANDOMISED_DESIGNS = frozenset(
    {
        StudyDesign.META_ANALYSIS,
        StudyDesign.SYSTEMATIC_REVIEW,
        StudyDesign.RCT,
        StudyDesign.SPLIT_FACE_RCT,
    }
)
"""Designs that can carry a "high" certainty grade."""

CONTROLLED_DESIGNS = RANDOMISED_DESIGNS | {StudyDesign.NON_RANDOMISED_TRIAL}
"""Designs that can carry a "moderate" certainty grade."""

REVIEW_DESIGNS = frozenset({StudyDesign.META_ANALYSIS, StudyDesign.SYSTEMATIC_REVIEW})
"""Designs that may list the cited primary studies they include."""


class Stance(StrEnum):
    SUPPORTS = "supports"
    CONTRADICTS = "contradicts"
    MENTIONS = "mentions"


class ScarType(StrEnum):
    ATROPHIC_ACNE = "atrophic-acne"
    SURGICAL = "surgical"
    BURN = "burn"
    KELOID = "keloid"
    HYPERTROPHIC = "hypertrophic"
    STRIAE = "striae"


class SkinType(StrEnum):
    """Fitzpatrick skin phototype."""

    I = "I"  # noqa: E741 - the Fitzpatrick scale's own name
    II = "II"
    III = "III"
    IV = "IV"
    V = "V"
    VI = "VI"


class ClaimStatus(StrEnum):
    ACTIVE = "active"
    WITHDRAWN = "withdrawn"


class Location(_Frozen):
    """Where a record was read from (1-based line)."""

    path: str
    line: int = Field(ge=1)


class Person(_Frozen):
    family: str
    given: str = ""

    def __str__(self) -> str:
        return f"{self.given} {self.family}".strip()


class UpdateType(StrEnum):
    """What a later notice did to a work (Crossref ``updated-by``, PubMed comments)."""

    RETRACTION = "retraction"
    CORRECTION = "correction"
    EXPRESSION_OF_CONCERN = "expression-of-concern"
    OTHER = "other"


class Update(_Frozen):
    """A notice that updates the work: a retraction, a correction, an expression of concern."""

    type: UpdateType
    doi: str | None = None
    pmid: str | None = None
    date: str | None = None
    """ISO date, or its year or year-month, as the record gives it."""
    label: str | None = None
    """The record's own wording (e.g. Crossref's type before we mapped it)."""


class Reference(_Frozen):
    """One BibTeX entry, with LaTeX decoded to Unicode."""

    key: str
    entry_type: str
    authors: tuple[Person, ...] = ()
    more_authors: bool = False
    """The author list ends with BibTeX's ``and others``: there are more authors than those
    listed (a record showed only the first), printed "et al."."""
    title: str | None = None
    journal: str | None = None
    """The journal as the bibliography names it (``journal`` or ``journaltitle``)."""
    journal_full: str | None = None
    """Full journal title: from the bibliography when it gives one, else from the records."""
    journal_abbrev: str | None = None
    """Abbreviated title (NLM): the bib's ``shortjournal``, else from the records."""
    year: int | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    doi: str | None = None
    pmid: str | None = None
    pmcid: str | None = None
    url: str | None = None
    updates: tuple[Update, ...] = ()
    """Retractions, corrections and expressions of concern found in the frozen records."""
    source: Location | None = None

    @property
    def short_authors(self) -> str | None:
        """``Alam``, ``Alam and Han`` or ``Alam et al.``; None when no author is listed."""
        names = [person.family for person in self.authors]
        if not names:
            return None
        if len(names) > 2 or self.more_authors:
            return f"{names[0]} et al."
        return " and ".join(names)

    @property
    def retraction(self) -> Update | None:
        """The retraction notice, if the work was retracted."""
        return next((u for u in self.updates if u.type is UpdateType.RETRACTION), None)

    @property
    def doi_url(self) -> str | None:
        return f"https://doi.org/{self.doi}" if self.doi else None

    @property
    def pubmed_url(self) -> str | None:
        return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/" if self.pmid else None

    @property
    def pmc_url(self) -> str | None:
        return f"https://pmc.ncbi.nlm.nih.gov/articles/{self.pmcid}/" if self.pmcid else None


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


class Evidence(_Frozen):
    """One study cited in support of, or against, a claim."""

    ref: str = Field(min_length=1)
    design: StudyDesign
    participants: int | None = Field(default=None, ge=1)
    finding: str = Field(min_length=1)
    stance: Stance
    locator: str | None = None
    includes: tuple[str, ...] = ()
    """For a review or meta-analysis: the cited primary studies (keys) it includes."""
    effects: tuple[EffectEstimate, ...] = ()
    risk_of_bias: RiskOfBias | None = None


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
        from .totals import evidence_totals  # totals builds on these models

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
