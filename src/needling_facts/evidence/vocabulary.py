"""The controlled vocabularies of a claim: outcomes, verdicts, study designs, stances, scar
and skin types, statuses. Each enum's values are what claim files write."""

from __future__ import annotations

from enum import StrEnum

from needling_facts.evidence._words import WordEnum

__all__ = [
    "CLAIM_ID_PATTERN",
    "HIGH_START_DESIGNS",
    "REVIEW_DESIGNS",
    "ClaimStatus",
    "Outcome",
    "ScarType",
    "SkinType",
    "Stance",
    "StudyDesign",
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

HIGH_START_DESIGNS = frozenset(
    {
        StudyDesign.META_ANALYSIS,
        StudyDesign.SYSTEMATIC_REVIEW,
        StudyDesign.RCT,
        StudyDesign.SPLIT_FACE_RCT,
    }
)
"""Designs whose body of evidence GRADE starts at "high": randomised trials, and the
systematic reviews and meta-analyses that pool them."""

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
