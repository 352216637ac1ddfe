"""Study and participant totals that count each primary study once.

A review or meta-analysis that lists the cited primary studies it `includes` stands for them:
their participants are inside the review's pooled count, so they are not added again. When two
reviews include the same cited study, the second review's count is reduced by that study's
participants. Only items that weigh in (stance supports or contradicts) are counted, and only
studies: a narrative review or an expert opinion reports no participants of its own and does not
say systematically what it covers, so it is cited but not counted; nor is laboratory work (in
vitro, animal), whose subjects are not participants.

Within a body of evidence (one outcome row of one comparison, see `needling_facts.evidence.bodies`)
`row_totals` counts the row's studies whatever their stance, and a study's participants are those
analysed in the row's own estimates where they are recorded (a trial of 59 clients of whom 20
had the treatment compared counts 20). `claim_totals` counts the studies of all of a claim's rows
once each.

A review that does not list what it includes is counted whole. Beside other sources that weigh
in, it may then hold some of their participants too: such reviews are named in ``unlisted``, and
the totals no longer claim that each study is counted once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from needling_facts.evidence.vocabulary import REVIEW_DESIGNS, Stance, StudyDesign

if TYPE_CHECKING:
    from needling_facts.evidence.bodies import Comparison, OutcomeRow
    from needling_facts.evidence.item import Evidence

__all__ = ["EvidenceTotals", "claim_totals", "evidence_totals", "row_totals"]

_WEIGHED = frozenset({Stance.SUPPORTS, Stance.CONTRADICTS})
_NOT_STUDIES = frozenset(
    {StudyDesign.REVIEW, StudyDesign.EXPERT_OPINION, StudyDesign.IN_VITRO, StudyDesign.ANIMAL}
)


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


def evidence_totals(
    items: Iterable[Evidence],
    *,
    analysed: Mapping[str, int] | None = None,
    any_stance: bool = False,
) -> EvidenceTotals:
    """Totals over evidence items (of one claim, or of many: a key is counted once).

    ``analysed`` gives, by key, the participants that count instead of the item's own number;
    ``any_stance`` counts items that only mention the claim too (an outcome row's studies all
    inform it).
    """
    every = list(items)
    counts = dict(analysed or {})
    known: dict[str, int] = {}
    for item in every:
        number = counts.get(item.ref, item.participants)
        if number is not None:
            known.setdefault(item.ref, number)
    weighed: dict[str, Evidence] = {}
    for item in every:
        if (any_stance or item.stance in _WEIGHED) and item.design not in _NOT_STUDIES:
            weighed.setdefault(item.ref, item)
    reviews = [item for item in weighed.values() if item.design in REVIEW_DESIGNS]
    inside_a_review = {key for review in reviews for key in review.includes}
    # The largest review first: it keeps its whole pooled count, later ones give up overlaps.
    reviews.sort(key=lambda item: -known.get(item.ref, 0))
    covered: set[str] = set()
    participants = 0
    studies = 0
    unreported: list[str] = []
    for review in reviews:
        if review.ref in inside_a_review:
            continue  # a review inside another cited review is counted through it
        studies += 1
        if review.ref not in known:
            unreported.append(review.ref)
            continue  # its primary studies are then counted one by one
        overlap = sum(known.get(key, 0) for key in review.includes if key in covered)
        participants += max(known[review.ref] - overlap, 0)
        covered.update(review.includes)
    for item in weighed.values():
        if item.design in REVIEW_DESIGNS or item.ref in covered:
            continue
        studies += 1
        if item.ref not in known:
            unreported.append(item.ref)
        else:
            participants += known[item.ref]
    nested = tuple(key for key in weighed if key in covered)
    unlisted = tuple(
        review.ref
        for review in reviews
        if not review.includes and review.ref not in inside_a_review and len(weighed) > 1
    )
    return EvidenceTotals(studies, participants, len(weighed), nested, tuple(unreported), unlisted)


def _analysed(items: Iterable[Evidence], rows: Iterable[str]) -> dict[str, int]:
    """By key, the most participants analysed in any of the key's estimates in ``rows``."""
    wanted = set(rows)
    analysed: dict[str, int] = {}
    for item in items:
        for effect in item.effects:
            if effect.row in wanted and effect.participants is not None:
                analysed[item.ref] = max(analysed.get(item.ref, 0), effect.participants)
    return analysed


def row_totals(
    comparison: Comparison, row: OutcomeRow, items: Iterable[Evidence]
) -> EvidenceTotals:
    """Totals of one outcome row: its studies, each counted once, with the participants
    analysed in the row's estimates where recorded."""
    keys = set(row.studies)
    chosen = [item for item in items if item.ref in keys]
    analysed = _analysed(chosen, [f"{comparison.id}/{row.id}"])
    return evidence_totals(chosen, analysed=analysed, any_stance=True)


def claim_totals(comparisons: Iterable[Comparison], items: Iterable[Evidence]) -> EvidenceTotals:
    """Totals of a claim's bodies of evidence: every study of every row counted once."""
    every = tuple(comparisons)
    keys = {key for comparison in every for row in comparison.outcomes for key in row.studies}
    rows = [f"{comparison.id}/{row.id}" for comparison in every for row in comparison.outcomes]
    chosen = [item for item in items if item.ref in keys]
    return evidence_totals(chosen, analysed=_analysed(chosen, rows), any_stance=True)
