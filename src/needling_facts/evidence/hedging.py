"""Does a claim's statement hedge as much as its certainty requires?

GRADE guidance on informative statements (Santesso et al. 2020, J Clin Epidemiol,
doi:10.1016/j.jclinepi.2019.10.014): high certainty "results in / reduces / increases",
moderate "probably / likely", low "may", very low "the evidence is very uncertain". A statement
is too strong when it carries no hedge of its own level or of a weaker one.
"""

from __future__ import annotations

import re

from needling_facts.evidence.grade import Certainty

__all__ = ["HEDGES", "hedge_level", "required_hedges", "wording_too_strong"]

HEDGES: dict[Certainty, tuple[str, ...]] = {
    Certainty.MODERATE: ("probably", "likely", "unlikely", "probable"),
    Certainty.LOW: ("may", "might"),
    Certainty.VERY_LOW: (
        "very uncertain",
        # Saying that nothing was measured claims nothing, so it fits any certainty.
        "no study",
        "no studies",
        "not been studied",
        "not been tested",
        "untested",
    ),
}
"""Phrases that hedge a statement, by the certainty they express (high needs none)."""


def _pattern(phrase: str) -> re.Pattern[str]:
    words = r"\s+".join(re.escape(word) for word in phrase.split())
    return re.compile(rf"\b{words}\b", re.IGNORECASE)


_PATTERNS = {
    level: tuple(_pattern(phrase) for phrase in phrases) for level, phrases in HEDGES.items()
}


def hedge_level(statement: str) -> Certainty:
    """The lowest certainty the statement's wording expresses (high when it has no hedge)."""
    for level in (Certainty.VERY_LOW, Certainty.LOW, Certainty.MODERATE):
        if any(pattern.search(statement) for pattern in _PATTERNS[level]):
            return level
    return Certainty.HIGH


def required_hedges(certainty: Certainty) -> tuple[str, ...]:
    """The phrases, any one of which makes a statement fit ``certainty``."""
    return tuple(
        phrase
        for level, phrases in HEDGES.items()
        if level.rank <= certainty.rank
        for phrase in phrases
    )


def wording_too_strong(statement: str, certainty: Certainty) -> bool:
    """True when the statement sounds surer than ``certainty`` allows."""
    return hedge_level(statement).rank > certainty.rank
