"""One evidence item: a study a claim cites, with its design, numbers and judgements."""

from __future__ import annotations

from pydantic import Field

from needling_facts.evidence._frozen import Frozen as _Frozen
from needling_facts.evidence.effects import EffectEstimate
from needling_facts.evidence.risk_of_bias import RiskOfBias
from needling_facts.evidence.vocabulary import Stance, StudyDesign

__all__ = ["Evidence"]


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
