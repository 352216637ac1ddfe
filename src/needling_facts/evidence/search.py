"""Living evidence: a claim's saved searches, when they last ran, and its screening log.

Pure data, no I/O. One `SearchRecord` per claim (``data/searches/<claim-id>.yaml``): the
saved query for each service, ``last_searched`` (the date a run of the saved search really
happened; absent until then) and the screening log, every candidate study with its decision.
`prisma_counts` turns the log into PRISMA-style counts.

A candidate is named by one identifier, written with its kind (`CANDIDATE_ID_PATTERN`):

- ``pmid:31985622``, a PubMed id;
- ``doi:10.1097/PRS.0000000000006462``, a DOI;
- ``registry:NCT01234567``, a trial registry id (ClinicalTrials.gov, IRCT, CTRI, ...);
- ``bib:Alster2020a``, a key of ``references.bib``, for a cited work without PMID or DOI;
- ``desc:mehran-iran-j-dermatol-comedonal``, a short description (first author, journal,
  topic) for a study that the project's text describes without giving any identifier. It is
  never a made-up identifier: it says that no identifier is known.
"""

from __future__ import annotations

import datetime as dt
from typing import Self

from pydantic import Field, computed_field, model_validator
from pydantic_core import PydanticCustomError

from needling_facts.evidence._frozen import Frozen as _Frozen
from needling_facts.evidence._words import WordEnum
from needling_facts.evidence.reference import Location
from needling_facts.evidence.vocabulary import CLAIM_ID_PATTERN

__all__ = [
    "CANDIDATE_ID_PATTERN",
    "Candidate",
    "Decision",
    "ExclusionReason",
    "PrismaCounts",
    "SavedSearches",
    "SearchRecord",
    "prisma_counts",
]

CANDIDATE_ID_PATTERN = (
    r"^(?:pmid:[1-9][0-9]{0,9}"
    r"|doi:10\.[0-9]{4,9}/\S+"
    r"|registry:[A-Za-z0-9][A-Za-z0-9/_.-]*"
    # No backslash before the quote: JSON Schema patterns are read in Unicode mode (Ajv,
    # ECMAScript), where an escaped quote is a syntax error.
    r"""|bib:[^\s{}(),"#%'=\\]+"""
    r"|desc:[a-z0-9]+(?:-[a-z0-9]+)*)$"
)
"""``kind:value`` with kind pmid, doi, registry, bib or desc (see the module's docstring)."""

EXCLUDED_WITHOUT_REASON = "excluded_without_reason"
"""The validation error type of an excluded candidate that gives no reason."""


class Decision(WordEnum):
    """What screening decided about a candidate."""

    INCLUDED = "included"
    """Cited by the claim's evidence."""
    EXCLUDED = "excluded"
    """Read and left out, for a `ExclusionReason`."""
    PENDING = "pending"
    """Found (e.g. by ``watch``) and not yet screened."""


class ExclusionReason(WordEnum):
    """Why a candidate was left out: a fixed list, so that the reasons can be counted."""

    WRONG_POPULATION = "wrong-population"
    """Other people (or animals, or cells) than the claim is about."""
    WRONG_INTERVENTION = "wrong-intervention"
    """Not the needling the claim is about (e.g. radiofrequency microneedling, drug-loaded
    microneedle patches)."""
    WRONG_COMPARISON = "wrong-comparison"
    """Needling is only one arm's add-on, or is compared with something the claim is not about."""
    WRONG_DESIGN = "wrong-design"
    """A design that cannot answer the claim's question."""
    NO_USABLE_OUTCOME = "no-usable-outcome"
    """Does not measure or report the claim's outcome in a usable way."""
    NOT_A_STUDY = "not-a-study"
    """An editorial, comment, protocol or marketing text: no data of its own."""
    DUPLICATE = "duplicate"
    """Another record of a study already in the log (a conference abstract, a second database)."""
    NOT_RETRIEVED = "not-retrieved"
    """Its report (abstract or full text) could not be read, so its results are unknown."""
    RECORD_NOT_CONFIRMED = "record-not-confirmed"
    """Its bibliographic record (year, journal, identifiers) could not be confirmed at a public
    source, so it cannot be cited yet."""


class SavedSearches(_Frozen):
    """The saved query of each service, each in that service's own syntax."""

    pubmed: str = Field(min_length=1)
    """A PubMed query (MeSH and free-text terms), run by ``watch`` through E-utilities."""
    europepmc: str | None = Field(default=None, min_length=1)
    """A Europe PMC query; kept for people to run (``watch`` runs PubMed only)."""
    clinicaltrials: str | None = Field(default=None, min_length=1)
    """A ClinicalTrials.gov search expression; kept for people to run."""


class Candidate(_Frozen):
    """One study found for the claim, and what screening decided about it."""

    id: str = Field(pattern=CANDIDATE_ID_PATTERN)
    """``kind:value``: pmid, doi, registry, bib or desc (see the module's docstring)."""
    ref: str | None = Field(default=None, min_length=1)
    """The ``references.bib`` key of the work, when it has one."""
    decision: Decision
    reason: ExclusionReason | None = None
    """Required when excluded, and only then."""
    title: str | None = Field(default=None, min_length=1)
    """The record's title (``watch`` writes it, with the journal, year and type in ``note``)."""
    found: dt.date | None = None
    """The date a ``watch`` run found it."""
    note: str | None = Field(default=None, min_length=1)
    """What the decision rests on, in a sentence."""

    @model_validator(mode="after")
    def _reason_only_when_excluded(self) -> Self:
        if self.decision is Decision.EXCLUDED and self.reason is None:
            raise PydanticCustomError(
                EXCLUDED_WITHOUT_REASON,
                "candidate {id} is excluded without a reason: add one of {reasons}",
                {"id": self.id, "reasons": ", ".join(r.value for r in ExclusionReason)},
            )
        if self.decision is not Decision.EXCLUDED and self.reason is not None:
            raise ValueError(f"reason is only for excluded candidates, not {self.decision.value}")
        return self

    @property
    def kind(self) -> str:
        """``pmid``, ``doi``, ``registry``, ``bib`` or ``desc``."""
        return self.id.partition(":")[0]

    @property
    def value(self) -> str:
        """The identifier without its kind."""
        return self.id.partition(":")[2]

    @property
    def pmid(self) -> str | None:
        return self.value if self.kind == "pmid" else None

    @property
    def doi(self) -> str | None:
        return self.value if self.kind == "doi" else None

    @property
    def cited_key(self) -> str | None:
        """The bibliography key: ``ref``, or the value of a ``bib:`` id."""
        return self.ref or (self.value if self.kind == "bib" else None)


class PrismaCounts(_Frozen):
    """PRISMA-style flow of one screening log.

    ``identified = duplicates + screened + pending`` and ``screened = excluded + included``.
    """

    identified: int = Field(ge=0)
    """Every candidate in the log."""
    duplicates: int = Field(ge=0)
    """Excluded as another record of a study already in the log, before screening."""
    screened: int = Field(ge=0)
    """Candidates with a decision, duplicates aside."""
    excluded: int = Field(ge=0)
    """Screened and excluded (duplicates aside)."""
    excluded_by_reason: dict[ExclusionReason, int] = Field(default_factory=dict)
    """The excluded, by reason (duplicates aside; reasons with none are left out)."""
    included: int = Field(ge=0)
    """Cited by the claim's evidence."""
    pending: int = Field(ge=0)
    """Found and awaiting review."""


def prisma_counts(screening: tuple[Candidate, ...]) -> PrismaCounts:
    """The PRISMA-style counts of a screening log: the one place they are computed."""
    decided = [c for c in screening if c.decision is not Decision.PENDING]
    duplicates = [c for c in decided if c.reason is ExclusionReason.DUPLICATE]
    excluded = [
        c
        for c in decided
        if c.decision is Decision.EXCLUDED and c.reason is not ExclusionReason.DUPLICATE
    ]
    by_reason = {
        reason: count
        for reason in ExclusionReason
        if (count := sum(1 for c in excluded if c.reason is reason))
    }
    return PrismaCounts(
        identified=len(screening),
        duplicates=len(duplicates),
        screened=len(decided) - len(duplicates),
        excluded=len(excluded),
        excluded_by_reason=by_reason,
        included=sum(1 for c in decided if c.decision is Decision.INCLUDED),
        pending=len(screening) - len(decided),
    )


class SearchRecord(_Frozen):
    """A claim's saved searches, the date they last ran and its screening log."""

    claim: str = Field(pattern=CLAIM_ID_PATTERN)
    """The claim's id: the file's name, filled in by the reader."""
    searches: SavedSearches
    last_searched: dt.date | None = None
    """The date the saved search last really ran (``watch --write``); absent until then."""
    screening: tuple[Candidate, ...] = ()
    source: Location | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def prisma(self) -> PrismaCounts:
        """PRISMA-style counts of the screening log (`prisma_counts`)."""
        return prisma_counts(self.screening)

    @property
    def pending(self) -> tuple[Candidate, ...]:
        """Candidates awaiting review."""
        return tuple(c for c in self.screening if c.decision is Decision.PENDING)
