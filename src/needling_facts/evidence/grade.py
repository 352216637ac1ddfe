"""GRADE: certainty of evidence and the per-claim profile it is computed from.

Computed certainty = starting level (randomised evidence high = 4, observational low = 2)
minus one level per serious and two per very serious concern, plus upgrades, clamped to 1..4.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Self

from pydantic import Field, model_validator

from needling_facts.evidence._frozen import Frozen
from needling_facts.evidence._words import WordEnum
from needling_facts.evidence.fields import Spec, Written
from needling_facts.evidence.risk_of_bias import JudgedFrom

__all__ = [
    "Certainty",
    "Concern",
    "DomainRating",
    "GradeProfile",
    "GradeResult",
    "GradeStep",
    "StartingLevel",
    "Upgrade",
]


class Certainty(WordEnum):
    """GRADE certainty of the evidence, highest first."""

    HIGH = "high"
    MODERATE = "moderate"
    LOW = "low"
    VERY_LOW = "very-low"

    @property
    def rank(self) -> int:
        """4 for high down to 1 for very low, for sorting and plotting."""
        return 4 - list(Certainty).index(self)

    @classmethod
    def from_rank(cls, rank: int) -> Certainty:
        """The certainty of ``rank``, clamped to 1 (very low) .. 4 (high)."""
        return list(cls)[4 - max(1, min(4, rank))]


class StartingLevel(StrEnum):
    """Where GRADE starts: randomised evidence high, observational evidence low."""

    HIGH = "high"
    LOW = "low"

    @property
    def certainty(self) -> Certainty:
        return Certainty.HIGH if self is StartingLevel.HIGH else Certainty.LOW


class Concern(StrEnum):
    """How much a GRADE domain lowers certainty."""

    NONE = "none"
    SERIOUS = "serious"
    VERY_SERIOUS = "very-serious"

    @property
    def levels(self) -> int:
        return {Concern.NONE: 0, Concern.SERIOUS: 1, Concern.VERY_SERIOUS: 2}[self]

    @property
    def label(self) -> str:
        return "no concern" if self is Concern.NONE else self.value.replace("-", " ")


class DomainRating(Frozen):
    """One GRADE domain's rating, with the reason for it."""

    concern: Annotated[Concern, Spec()] = Field(
        description="How much the domain lowers certainty: serious -1, very-serious -2."
    )
    reason: Annotated[str, Spec()] = Field(min_length=1, description="Why, in a sentence.")


class Upgrade(Frozen):
    """A reason to rate certainty up (usually for observational evidence)."""

    levels: Annotated[int, Spec()] = Field(
        default=1, ge=1, le=2, description="Levels to rate up: 1, or 2 for a large effect only."
    )
    reason: Annotated[str, Spec()] = Field(min_length=1, description="Why, in a sentence.")


DOWNGRADE_DOMAINS = (
    "risk_of_bias",
    "inconsistency",
    "indirectness",
    "imprecision",
    "publication_bias",
)
UPGRADE_DOMAINS = ("large_effect", "dose_response", "plausible_confounding")


def domain_label(name: str) -> str:
    """``risk_of_bias`` -> ``risk of bias``."""
    return name.replace("_", " ")


@dataclass(frozen=True, slots=True)
class GradeStep:
    """One step of the computation: a domain and the levels it moves certainty by."""

    domain: str
    change: int
    rating: str
    reason: str

    def __str__(self) -> str:
        return f"{self.change:+d} {domain_label(self.domain)} ({self.rating})"


@dataclass(frozen=True, slots=True)
class GradeResult:
    """The certainty a profile computes and the steps that led to it."""

    start: StartingLevel
    steps: tuple[GradeStep, ...]
    certainty: Certainty
    unclamped: int

    @property
    def downgrades(self) -> tuple[GradeStep, ...]:
        return tuple(step for step in self.steps if step.change < 0)

    @property
    def upgrades(self) -> tuple[GradeStep, ...]:
        return tuple(step for step in self.steps if step.change > 0)

    @property
    def explanation(self) -> str:
        """E.g. ``start high, -1 risk of bias (serious), -2 imprecision (very serious)``."""
        parts = [f"start {self.start.value}"]
        parts.extend(str(step) for step in self.steps)
        if len(parts) == 1:
            parts.append("no downgrades")
        text = ", ".join(parts)
        if self.unclamped != self.certainty.rank:
            text += f" (score {self.unclamped} clamped to {self.certainty.label})"
        return text


class GradeProfile(Frozen):
    """A claim's GRADE assessment: five domains rated, optional upgrades, and their source."""

    judged_from: Annotated[JudgedFrom, Spec()] = Field(
        description="What the GRADE judgement was made from."
    )
    starting_level: Annotated[StartingLevel, Spec()] = Field(
        description="Where GRADE starts: high for randomised evidence, low for observational."
    )
    risk_of_bias: Annotated[DomainRating, Spec()] = Field(
        description="Limitations in how the studies were designed and run."
    )
    inconsistency: Annotated[DomainRating, Spec()] = Field(
        description="Unexplained differences between the studies' results."
    )
    indirectness: Annotated[DomainRating, Spec()] = Field(
        description="How far the studies' people, treatment or outcome differ from the claim's."
    )
    imprecision: Annotated[DomainRating, Spec()] = Field(
        description="Few participants or wide confidence intervals."
    )
    publication_bias: Annotated[DomainRating, Spec()] = Field(
        description="Studies likely to be missing from the evidence."
    )
    large_effect: Annotated[Upgrade | None, Spec(written=Written.COMMENTED)] = Field(
        default=None, description="Rate up (observational evidence): a large effect."
    )
    dose_response: Annotated[Upgrade | None, Spec(written=Written.COMMENTED)] = Field(
        default=None, description="Rate up (observational evidence): a dose-response gradient."
    )
    plausible_confounding: Annotated[Upgrade | None, Spec(written=Written.COMMENTED)] = Field(
        default=None,
        description="Rate up (observational evidence): plausible confounding would have "
        "reduced the effect shown.",
    )

    @model_validator(mode="after")
    def _one_level_upgrades(self) -> Self:
        for name in ("dose_response", "plausible_confounding"):
            upgrade: Upgrade | None = getattr(self, name)
            if upgrade is not None and upgrade.levels != 1:
                raise ValueError(f"{name} rates up by 1 level; only large_effect may give 2")
        return self

    def domains(self) -> tuple[tuple[str, DomainRating], ...]:
        """The five downgrade domains in GRADE's order, with their ratings."""
        return tuple((name, getattr(self, name)) for name in DOWNGRADE_DOMAINS)

    def compute(self) -> GradeResult:
        """The certainty this profile gives, with every step of the computation."""
        steps: list[GradeStep] = []
        for name, rating in self.domains():
            if rating.concern.levels:
                steps.append(
                    GradeStep(name, -rating.concern.levels, rating.concern.label, rating.reason)
                )
        for name in UPGRADE_DOMAINS:
            upgrade: Upgrade | None = getattr(self, name)
            if upgrade is not None:
                steps.append(GradeStep(name, upgrade.levels, "upgrade", upgrade.reason))
        score = self.starting_level.certainty.rank + sum(step.change for step in steps)
        return GradeResult(self.starting_level, tuple(steps), Certainty.from_rank(score), score)

    @property
    def certainty(self) -> Certainty:
        """The computed certainty (see `compute` for how)."""
        return self.compute().certainty
