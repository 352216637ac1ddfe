"""Risk-of-bias judgements for one study: RoB 2, ROBINS-I, AMSTAR 2, or honestly not assessed."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Self

from pydantic import Field, field_validator, model_validator

from needling_facts.evidence._frozen import Frozen
from needling_facts.evidence._words import WordEnum
from needling_facts.evidence.fields import Spec

__all__ = [
    "DOMAINS_OF",
    "ROB2_DOMAINS",
    "ROBINS_I_DOMAINS",
    "BiasLevel",
    "DomainJudgement",
    "JudgedFrom",
    "Judgement",
    "RiskOfBias",
    "RobTool",
    "judgement_label",
]


class JudgedFrom(WordEnum):
    """What a judgement was made from."""

    ABSTRACT = "abstract"
    FULL_TEXT = "full-text"
    MIXED = "mixed"


class RobTool(StrEnum):
    """The risk-of-bias tool used for a study."""

    ROB2 = "rob2"
    ROBINS_I = "robins-i"
    AMSTAR2 = "amstar2"
    NOT_ASSESSED = "not-assessed"

    @property
    def label(self) -> str:
        return _TOOL_LABELS[self]


_TOOL_LABELS = {
    RobTool.ROB2: "RoB 2",
    RobTool.ROBINS_I: "ROBINS-I",
    RobTool.AMSTAR2: "AMSTAR 2",
    RobTool.NOT_ASSESSED: "not assessed",
}


class Judgement(WordEnum):
    """A domain or overall judgement; which values a tool accepts is checked per tool."""

    LOW = "low"
    SOME_CONCERNS = "some-concerns"
    MODERATE = "moderate"
    HIGH = "high"
    SERIOUS = "serious"
    CRITICAL = "critical"
    CRITICALLY_LOW = "critically-low"
    NO_INFORMATION = "no-information"
    # AMSTAR 2 items are answered yes / partial yes / no.
    YES = "yes"
    PARTIAL_YES = "partial-yes"
    NO = "no"


class BiasLevel(WordEnum):
    """A judgement mapped to the usual traffic-light scale (tool-independent)."""

    LOW = "low"
    SOME_CONCERNS = "some-concerns"
    HIGH = "high"
    UNCLEAR = "unclear"


_J = Judgement
_ROB2 = frozenset({_J.LOW, _J.SOME_CONCERNS, _J.HIGH, _J.NO_INFORMATION})
_ROBINS = frozenset({_J.LOW, _J.MODERATE, _J.SERIOUS, _J.CRITICAL, _J.NO_INFORMATION})
# AMSTAR 2 items: answered yes / partial yes / no, or judged like a risk-of-bias domain.
_AMSTAR_DOMAIN = frozenset({_J.YES, _J.PARTIAL_YES, _J.NO}) | _ROB2
_AMSTAR_OVERALL = frozenset({_J.HIGH, _J.MODERATE, _J.LOW, _J.CRITICALLY_LOW})

ROB2_DOMAINS = ("randomisation", "deviations", "missing-data", "measurement", "selection")
ROBINS_I_DOMAINS = (
    "confounding",
    "selection",
    "classification",
    "deviations",
    "missing-data",
    "measurement",
    "reporting",
)

DOMAINS_OF: dict[RobTool, tuple[str, ...]] = {
    RobTool.ROB2: ROB2_DOMAINS,
    RobTool.ROBINS_I: ROBINS_I_DOMAINS,
}
_ALLOWED_DOMAIN: dict[RobTool, frozenset[Judgement]] = {
    RobTool.ROB2: _ROB2,
    RobTool.ROBINS_I: _ROBINS,
    RobTool.AMSTAR2: _AMSTAR_DOMAIN,
}
_ALLOWED_OVERALL: dict[RobTool, frozenset[Judgement]] = {
    RobTool.ROB2: _ROB2,
    RobTool.ROBINS_I: _ROBINS,
    RobTool.AMSTAR2: _AMSTAR_OVERALL,
}

# AMSTAR 2 rates *confidence* in a review: "high" confidence is the low-risk end.
_LEVELS: dict[Judgement, BiasLevel] = {
    _J.LOW: BiasLevel.LOW,
    _J.YES: BiasLevel.LOW,
    _J.SOME_CONCERNS: BiasLevel.SOME_CONCERNS,
    _J.MODERATE: BiasLevel.SOME_CONCERNS,
    _J.PARTIAL_YES: BiasLevel.SOME_CONCERNS,
    _J.HIGH: BiasLevel.HIGH,
    _J.SERIOUS: BiasLevel.HIGH,
    _J.CRITICAL: BiasLevel.HIGH,
    _J.NO: BiasLevel.HIGH,
    _J.CRITICALLY_LOW: BiasLevel.HIGH,
    _J.NO_INFORMATION: BiasLevel.UNCLEAR,
}
_AMSTAR_OVERALL_LEVELS = {
    _J.HIGH: BiasLevel.LOW,
    _J.MODERATE: BiasLevel.SOME_CONCERNS,
    _J.LOW: BiasLevel.HIGH,
    _J.CRITICALLY_LOW: BiasLevel.HIGH,
}


def _yaml_bool(value: Any) -> Any:
    # YAML 1.1 reads a bare ``yes`` / ``no`` as a boolean; AMSTAR 2 answers are words.
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return value


class DomainJudgement(Frozen):
    """One domain of a risk-of-bias tool, its judgement and a one-line reason."""

    domain: Annotated[str, Spec()] = Field(
        min_length=1,
        description="The tool's domain, e.g. randomisation (RoB 2) or confounding (ROBINS-I).",
    )
    judgement: Annotated[Judgement, Spec()] = Field(
        description="The domain's judgement, in the words of the tool."
    )
    reason: Annotated[str, Spec()] = Field(min_length=1, description="Why, in one line.")

    @field_validator("judgement", mode="before")
    @classmethod
    def _words(cls, value: Any) -> Any:
        return _yaml_bool(value)

    @field_validator("reason")
    @classmethod
    def _one_line(cls, reason: str) -> str:
        if "\n" in reason.strip():
            raise ValueError("a domain's reason is one line")
        return reason.strip()


class RiskOfBias(Frozen):
    """A study's risk of bias, judged with one tool, and what it was judged from."""

    tool: Annotated[RobTool, Spec()] = Field(description="The risk-of-bias tool used.")
    judged_from: Annotated[JudgedFrom | None, Spec()] = Field(
        default=None, description="What the judgement was made from."
    )
    domains: Annotated[tuple[DomainJudgement, ...], Spec()] = Field(
        default=(), description="One judgement per domain of the tool."
    )
    overall: Annotated[Judgement | None, Spec()] = Field(
        default=None, description="The overall judgement, in the words of the tool."
    )
    reason: Annotated[str | None, Spec()] = Field(
        default=None, description="Why the study was not assessed (with tool: not-assessed)."
    )

    @field_validator("overall", mode="before")
    @classmethod
    def _words(cls, value: Any) -> Any:
        return _yaml_bool(value)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.tool is RobTool.NOT_ASSESSED:
            if not self.reason:
                raise ValueError("tool not-assessed needs a reason saying why")
            if self.domains or self.overall is not None:
                raise ValueError("tool not-assessed takes no domains or overall judgement")
            return self
        if self.judged_from is None:
            raise ValueError(f"say what the {self.tool.label} judgement was judged_from")
        if self.overall is None:
            raise ValueError(f"the {self.tool.label} judgement needs an overall judgement")
        allowed = _ALLOWED_OVERALL[self.tool]
        if self.overall not in allowed:
            raise ValueError(
                f"overall {self.overall.value!r} is not a {self.tool.label} judgement; use one "
                f"of: {_names(allowed)}"
            )
        known = DOMAINS_OF.get(self.tool)
        seen: set[str] = set()
        for item in self.domains:
            if known is not None and item.domain not in known:
                raise ValueError(
                    f"domain {item.domain!r} is not a {self.tool.label} domain; use one of: "
                    + ", ".join(known)
                )
            if item.domain in seen:
                raise ValueError(f"domain {item.domain!r} is judged twice")
            seen.add(item.domain)
            if item.judgement not in _ALLOWED_DOMAIN[self.tool]:
                raise ValueError(
                    f"domain {item.domain!r}: {item.judgement.value!r} is not a "
                    f"{self.tool.label} judgement; use one of: "
                    f"{_names(_ALLOWED_DOMAIN[self.tool])}"
                )
        return self

    @property
    def is_assessed(self) -> bool:
        return self.tool is not RobTool.NOT_ASSESSED

    def level(self) -> BiasLevel:
        """The traffic-light level of the overall judgement (AMSTAR 2 rates confidence, so
        its "high" is the low-risk end)."""
        if self.overall is None:
            return BiasLevel.UNCLEAR
        if self.tool is RobTool.AMSTAR2:
            return _AMSTAR_OVERALL_LEVELS[self.overall]
        return _LEVELS[self.overall]

    @staticmethod
    def domain_level(judgement: Judgement) -> BiasLevel:
        """The traffic-light level of a domain judgement (risk of bias: "high" is bad)."""
        return _LEVELS[judgement]

    def overall_label(self) -> str:
        """The overall judgement in words: ``some concerns``, ``low risk``, ``low confidence``."""
        if self.overall is None:
            return "not assessed"
        return judgement_label(self.tool, self.overall, overall=True)


def judgement_label(tool: RobTool, judgement: Judgement, *, overall: bool = False) -> str:
    """A judgement in words as the tool phrases it (``high risk``; an AMSTAR 2 overall
    rating: ``moderate confidence``)."""
    if judgement in {Judgement.SOME_CONCERNS, Judgement.NO_INFORMATION}:
        return judgement.label
    if overall and tool is RobTool.AMSTAR2:
        return f"{judgement.label} confidence"
    if judgement in {Judgement.YES, Judgement.PARTIAL_YES, Judgement.NO}:
        return judgement.label
    return f"{judgement.label} risk"


def _names(values: frozenset[Judgement]) -> str:
    return ", ".join(sorted(v.value for v in values))
