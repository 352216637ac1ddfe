"""A cited work as the bibliography and its frozen records describe it. Pure data, no I/O."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from needling_facts.evidence._frozen import Frozen as _Frozen

__all__ = ["Location", "Person", "Reference", "Update", "UpdateType"]


class Location(_Frozen):
    """Where a record was read from (1-based line)."""

    path: str
    line: int = Field(ge=1)


class Person(_Frozen):
    family: str
    given: str = ""

    def __str__(self) -> str:
        return f"{self.given} {self.family}".strip()


class UpdateType(StrEnum):
    """What a later notice did to a work (Crossref ``updated-by``, PubMed comments)."""

    RETRACTION = "retraction"
    CORRECTION = "correction"
    EXPRESSION_OF_CONCERN = "expression-of-concern"
    OTHER = "other"


class Update(_Frozen):
    """A notice that updates the work: a retraction, a correction, an expression of concern."""

    type: UpdateType
    doi: str | None = None
    pmid: str | None = None
    date: str | None = None
    """ISO date, or its year or year-month, as the record gives it."""
    label: str | None = None
    """The record's own wording (e.g. Crossref's type before we mapped it)."""


class Reference(_Frozen):
    """One BibTeX entry, with LaTeX decoded to Unicode."""

    key: str
    entry_type: str
    authors: tuple[Person, ...] = ()
    more_authors: bool = False
    """The author list ends with BibTeX's ``and others``: there are more authors than those
    listed (a record showed only the first), printed "et al."."""
    title: str | None = None
    journal: str | None = None
    """The journal as the bibliography names it (``journal`` or ``journaltitle``)."""
    journal_full: str | None = None
    """Full journal title: from the bibliography when it gives one, else from the records."""
    journal_abbrev: str | None = None
    """Abbreviated title (NLM): the bib's ``shortjournal``, else from the records."""
    year: int | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    doi: str | None = None
    pmid: str | None = None
    pmcid: str | None = None
    url: str | None = None
    updates: tuple[Update, ...] = ()
    """Retractions, corrections and expressions of concern found in the frozen records."""
    source: Location | None = None

    @property
    def short_authors(self) -> str | None:
        """``Alam``, ``Alam and Han`` or ``Alam et al.``; None when no author is listed."""
        names = [person.family for person in self.authors]
        if not names:
            return None
        if len(names) > 2 or self.more_authors:
            return f"{names[0]} et al."
        return " and ".join(names)

    @property
    def retraction(self) -> Update | None:
        """The retraction notice, if the work was retracted."""
        return next((u for u in self.updates if u.type is UpdateType.RETRACTION), None)

    @property
    def doi_url(self) -> str | None:
        return f"https://doi.org/{self.doi}" if self.doi else None

    @property
    def pubmed_url(self) -> str | None:
        return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/" if self.pmid else None

    @property
    def pmc_url(self) -> str | None:
        return f"https://pmc.ncbi.nlm.nih.gov/articles/{self.pmcid}/" if self.pmcid else None
