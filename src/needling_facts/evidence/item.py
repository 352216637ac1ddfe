"""One evidence item: a study a claim cites, with its design, numbers and judgements."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from needling_facts.evidence._frozen import Frozen as _Frozen
from needling_facts.evidence.effects import EffectEstimate
from needling_facts.evidence.fields import Spec, Written
from needling_facts.evidence.risk_of_bias import RiskOfBias
from needling_facts.evidence.vocabulary import Stance, StudyDesign

__all__ = ["Evidence"]


class Evidence(_Frozen):
    """One study cited in support of, or against, a claim.

    Each field is declared once (see `needling_facts.evidence.fields`): the labelled ones are
    the columns of the claim page's evidence table and the lines of ``show``, in this order.
    """

    ref: Annotated[str, Spec(label="Study")] = Field(
        min_length=1, description="The study's key in references.bib, e.g. Alam2014."
    )
    design: Annotated[StudyDesign, Spec(label="Design")] = Field(
        description="What kind of study it is."
    )
    participants: Annotated[int | None, Spec(label="Participants")] = Field(
        default=None,
        ge=1,
        description="Number of people (the pooled total for a meta-analysis); omit if none.",
    )
    finding: Annotated[str, Spec(label="Finding")] = Field(
        min_length=1, description="What the study found, with its numbers."
    )
    stance: Annotated[Stance, Spec(label="Stance")] = Field(
        description="Whether the study supports or contradicts the claim, or only mentions it."
    )
    locator: Annotated[str | None, Spec()] = Field(
        default=None,
        description="Where in the study the finding is, e.g. Abstract, Table 2, p. 149.",
    )
    includes: Annotated[tuple[str, ...], Spec(written=Written.COMMENTED)] = Field(
        default=(),
        description="Meta-analysis or systematic review only: the cited keys of the primary "
        "studies it includes (each study is then counted once).",
    )
    effects: Annotated[tuple[EffectEstimate, ...], Spec(written=Written.COMMENTED)] = Field(
        default=(),
        description="Effect estimates as the study reports them, one per comparison, outcome "
        "and time point.",
    )
    risk_of_bias: Annotated[RiskOfBias | None, Spec(written=Written.COMMENTED)] = Field(
        default=None,
        description="Required for an rct, split-face-rct or non-randomised-trial that supports "
        "or contradicts; tool: not-assessed with a reason is allowed.",
    )
