"""Study and participant totals that count each primary study once.

A review or meta-analysis that lists the cited primary studies it `includes` stands for them:
their participants are inside the review's pooled count, so they are not added again. When two
reviews include the same cited study, the second review's count is reduced by that study's
participants. Only items that weigh in (stance supports or contradicts) are counted, and only
studies: a narrative review or an expert opinion reports no participants of its own and does not
say systematically what it covers, so it is cited but not counted.

A review that does not list what it includes is counted whole. Beside other sources that weigh
in, it may then hold some of their participants too: such reviews are named in ``unlisted``, and
the totals no longer claim that each study is counted once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from needling_facts.evidence.vocabulary import REVIEW_DESIGNS, Stance, StudyDesign

if TYPE_CHECKING:
    from needling_facts.evidence.item import Evidence

__all__ = ["EvidenceTotals", "evidence_totals"]

_WEIGHED = frozenset({Stance.SUPPORTS, Stance.CONTRADICTS})
_NOT_STUDIES = frozenset({StudyDesign.REVIEW, StudyDesign.EXPERT_OPINION})


@dataclass(frozen=True, slots=True)
class EvidenceTotals:
    """Distinct studies and participants behind a body of evidence."""

    studies: int
    """Independent sources: primary studies not inside a cited review, plus the reviews."""
    participants: int
    """Participants, each primary study counted once (a lower bound when ``unreported``)."""
    references: int
    """Distinct studies that weigh in, counting those inside a review."""
    nested: tuple[str, ...] = ()
    """Cited primary studies counted through a review that includes them."""
    unreported: tuple[str, ...] = ()
    """Independent sources whose participant count is not recorded."""
    unlisted: tuple[str, ...] = ()
    """Reviews counted whole, without a list of what they include, beside other sources that
    weigh in: their studies may overlap, so some participants may be counted twice."""

    @property
    def counted_once(self) -> bool:
        """Whether each primary study is known to be counted once (no ``unlisted`` review)."""
        return not self.unlisted

    @property
    def overlap_note(self) -> str | None:
        """Why the participants may be counted twice; None when each study is counted once."""
        if not self.unlisted:
            return None
        reviews = "a review does" if len(self.unlisted) == 1 else "reviews do"
        return f"{reviews} not list the studies included, so some may be counted twice"

    def describe_counts(self) -> str:
        """E.g. ``3 studies, 325 participants`` (``at least`` when a count is missing)."""
        studies = f"{self.studies} {'study' if self.studies == 1 else 'studies'}"
        if not self.participants:
            return studies
        bound = "at least " if self.unreported else ""
        return f"{studies}, {bound}{self.participants} participants"

    def describe(self) -> str:
        """`describe_counts`, with the `overlap_note` in brackets when there is one."""
        note = self.overlap_note
        counts = self.describe_counts()
        return f"{counts} ({note})" if note and self.participants else counts


def evidence_totals(items: Iterable[Evidence]) -> EvidenceTotals:
    """Totals over evidence items (of one claim, or of many: a key is counted once)."""
    every = list(items)
    known: dict[str, int] = {}
    for item in every:
        if item.participants is not None:
            known.setdefault(item.ref, item.participants)
    weighed: dict[str, Evidence] = {}
    for item in every:
        if item.stance in _WEIGHED and item.design not in _NOT_STUDIES:
            weighed.setdefault(item.ref, item)
    reviews = [item for item in weighed.values() if item.design in REVIEW_DESIGNS]
    inside_a_review = {key for review in reviews for key in review.includes}
    # The largest review first: it keeps its whole pooled count, later ones give up overlaps.
    reviews.sort(key=lambda item: -(item.participants or 0))
    covered: set[str] = set()
    participants = 0
    studies = 0
    unreported: list[str] = []
    for review in reviews:
        if review.ref in inside_a_review:
            continue  # a review inside another cited review is counted through it
        studies += 1
        if review.participants is None:
            unreported.append(review.ref)
            continue  # its primary studies are then counted one by one
        overlap = sum(known.get(key, 0) for key in review.includes if key in covered)
        participants += max(review.participants - overlap, 0)
        covered.update(review.includes)
    for item in weighed.values():
        if item.design in REVIEW_DESIGNS or item.ref in covered:
            continue
        studies += 1
        if item.participants is None:
            unreported.append(item.ref)
        else:
            participants += item.participants
    nested = tuple(key for key in weighed if key in covered)
    unlisted = tuple(
        review.ref
        for review in reviews
        if not review.includes
        and review.participants is not None
        and review.ref not in inside_a_review
        and len(weighed) > 1
    )
    return EvidenceTotals(studies, participants, len(weighed), nested, tuple(unreported), unlisted)
