"""The immutable, indexed collection of claims and references that every output reads."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from needling_facts.diagnostics import Problem, Severity
from needling_facts.errors import NeedlingFactsError
from needling_facts.evidence.claim import Claim
from needling_facts.evidence.grade import Certainty
from needling_facts.evidence.item import Evidence
from needling_facts.evidence.reference import Reference
from needling_facts.evidence.search import SearchRecord
from needling_facts.evidence.totals import EvidenceTotals, evidence_totals
from needling_facts.evidence.vocabulary import Outcome, Verdict

__all__ = ["Library", "UnknownClaimError", "UnknownIdError", "UnknownReferenceError"]


class UnknownIdError(NeedlingFactsError, KeyError):
    """An id the library does not have; a `KeyError` too, as a missing mapping key is."""

    kind = "id"

    def __init__(self, wanted: str, known: Iterable[str]) -> None:
        self.wanted = wanted
        self.suggestions = tuple(difflib.get_close_matches(wanted, list(known), n=3, cutoff=0.6))
        super().__init__(wanted)

    def __str__(self) -> str:
        message = f"no {self.kind} {self.wanted!r}"
        if self.suggestions:
            message += "; did you mean " + " or ".join(repr(s) for s in self.suggestions) + "?"
        return message


class UnknownClaimError(UnknownIdError):
    """Raised by `Library.claim` for an id the library does not have."""

    kind = "claim"


class UnknownReferenceError(UnknownIdError):
    """Raised by `Library.reference` for a key the library does not have."""

    kind = "reference"


@dataclass(frozen=True, eq=False)
class Library:
    """Claims and references by id, cross-linked, with the problems found while loading.

    Built by `needling_facts.load`; never changed afterwards.
    """

    claims: Mapping[str, Claim]
    references: Mapping[str, Reference]
    problems: tuple[Problem, ...] = ()
    searches: Mapping[str, SearchRecord] = field(default_factory=dict)
    """Each claim's saved searches and screening log, by claim id (living evidence)."""
    bib_path: str | None = None
    claims_dir: str | None = None
    claim_files_read: int = 0
    _citing: Mapping[str, tuple[str, ...]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        claims = dict(sorted(self.claims.items()))
        references = dict(sorted(self.references.items()))
        citing: dict[str, list[str]] = {key: [] for key in references}
        for claim in claims.values():
            for key in claim.cited_keys:
                if key in citing:
                    citing[key].append(claim.id)
        object.__setattr__(self, "claims", MappingProxyType(claims))
        object.__setattr__(self, "references", MappingProxyType(references))
        object.__setattr__(self, "problems", tuple(sorted(self.problems)))
        object.__setattr__(self, "searches", MappingProxyType(dict(sorted(self.searches.items()))))
        object.__setattr__(
            self, "_citing", MappingProxyType({k: tuple(v) for k, v in citing.items()})
        )

    def __repr__(self) -> str:
        return (
            f"<Library {len(self.claims)} claims, {len(self.references)} references, "
            f"{len(self.errors)} errors>"
        )

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity is Severity.WARNING)

    def claim(self, claim_id: str) -> Claim:
        try:
            return self.claims[claim_id]
        except KeyError:
            raise UnknownClaimError(claim_id, self.claims) from None

    def reference(self, key: str) -> Reference:
        try:
            return self.references[key]
        except KeyError:
            raise UnknownReferenceError(key, self.references) from None

    def search(self, claim_id: str) -> SearchRecord | None:
        """The claim's saved searches, last search date and screening log; None if it has none."""
        self.claim(claim_id)
        return self.searches.get(claim_id)

    def resolve(self, evidence: Evidence) -> Reference:
        """The reference an evidence item cites."""
        return self.reference(evidence.ref)

    def references_of(self, claim: Claim | str) -> tuple[Reference, ...]:
        """The references a claim's evidence cites, in order of first citation."""
        found = claim if isinstance(claim, Claim) else self.claim(claim)
        return tuple(self.references[k] for k in found.cited_keys if k in self.references)

    def totals(self, claim: Claim | str | None = None) -> EvidenceTotals:
        """Distinct studies and participants behind one claim, or (no argument) behind every
        active claim together: a study cited by several claims, or inside a cited review that
        `includes` it, is counted once."""
        if claim is not None:
            return (claim if isinstance(claim, Claim) else self.claim(claim)).totals
        return evidence_totals(item for found in self.filter() for item in found.evidence)

    def citing_claims(self, key: str) -> tuple[Claim, ...]:
        """The claims whose evidence cites the reference ``key``."""
        self.reference(key)
        return tuple(self.claims[claim_id] for claim_id in self._citing[key])

    def filter(
        self,
        *,
        outcome: Outcome | str | None = None,
        certainty: Certainty | str | None = None,
        verdict: Verdict | str | None = None,
        include_withdrawn: bool = False,
    ) -> tuple[Claim, ...]:
        """Claims matching every given criterion, in id order; withdrawn ones only on request."""
        wanted_outcome = Outcome(outcome) if outcome is not None else None
        wanted_certainty = Certainty(certainty) if certainty is not None else None
        wanted_verdict = Verdict(verdict) if verdict is not None else None
        return tuple(
            claim
            for claim in self.claims.values()
            if (wanted_outcome is None or claim.outcome is wanted_outcome)
            and (wanted_certainty is None or claim.certainty is wanted_certainty)
            and (wanted_verdict is None or claim.verdict is wanted_verdict)
            and (include_withdrawn or not claim.is_withdrawn)
        )
