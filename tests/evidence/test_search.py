"""The living-evidence models: candidate ids, decisions and reasons, PRISMA counts."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from needling_facts.evidence.search import (
    Candidate,
    Decision,
    ExclusionReason,
    SavedSearches,
    SearchRecord,
    prisma_counts,
)


@pytest.mark.parametrize(
    "candidate_id",
    [
        "pmid:31985622",
        "doi:10.1097/PRS.0000000000006462",
        "registry:NCT01234567",
        "registry:CTRI/2019/01/017000",
        "bib:Alster2020a",
        "desc:mehran-iran-j-dermatol-comedonal",
    ],
)
def test_every_documented_kind_of_candidate_id_is_accepted(candidate_id: str) -> None:
    candidate = Candidate(id=candidate_id, decision=Decision.PENDING)
    assert f"{candidate.kind}:{candidate.value}" == candidate_id


@pytest.mark.parametrize(
    "candidate_id",
    [
        "31985622",  # no kind
        "pmid:031985622",  # a PMID has no leading zero
        "pmid:12a",
        "doi:10.1/x",  # registrant code of fewer than four digits
        "doi:https://doi.org/10.1097/x",
        "desc:Has Capitals",
        "desc:",
        "bib:two words",
        "isbn:9780000000000",
    ],
)
def test_malformed_candidate_ids_are_refused(candidate_id: str) -> None:
    with pytest.raises(ValidationError):
        Candidate(id=candidate_id, decision=Decision.PENDING)


def test_an_excluded_candidate_needs_a_reason_and_only_it_may_have_one() -> None:
    with pytest.raises(ValidationError) as refused:
        Candidate(id="pmid:1", decision=Decision.EXCLUDED)
    assert refused.value.errors()[0]["type"] == "excluded_without_reason"
    with pytest.raises(ValidationError, match="reason is only for excluded"):
        Candidate(id="pmid:1", decision=Decision.INCLUDED, reason=ExclusionReason.DUPLICATE)
    excluded = Candidate.model_validate(
        {"id": "pmid:1", "decision": "excluded", "reason": "wrong-population"}
    )
    assert excluded.reason is ExclusionReason.WRONG_POPULATION


def test_identifier_properties() -> None:
    assert Candidate(id="pmid:7", decision=Decision.PENDING).pmid == "7"
    assert Candidate(id="pmid:7", decision=Decision.PENDING).doi is None
    assert Candidate(id="doi:10.1234/AB", decision=Decision.PENDING).doi == "10.1234/AB"
    assert Candidate(id="bib:Key2020", decision=Decision.INCLUDED).cited_key == "Key2020"
    assert (
        Candidate(id="pmid:7", ref="Other2021", decision=Decision.INCLUDED).cited_key == "Other2021"
    )
    assert Candidate(id="desc:a-b", decision=Decision.PENDING).cited_key is None


def _log(*entries: tuple[str, str | None]) -> tuple[Candidate, ...]:
    """Candidates ``desc:c-0``, ``desc:c-1``... with these decisions and reasons."""
    return tuple(
        Candidate.model_validate({"id": f"desc:c-{n}", "decision": decision, "reason": reason})
        for n, (decision, reason) in enumerate(entries)
    )


def test_prisma_counts_follow_the_flow() -> None:
    log = _log(
        ("included", None),
        ("included", None),
        ("excluded", "record-not-confirmed"),
        ("excluded", "record-not-confirmed"),
        ("excluded", "wrong-comparison"),
        ("excluded", "duplicate"),
        ("pending", None),
    )
    counts = prisma_counts(log)
    assert (counts.identified, counts.duplicates, counts.screened) == (7, 1, 5)
    assert (counts.excluded, counts.included, counts.pending) == (3, 2, 1)
    # Reasons in the fixed list's order, those with none left out, duplicates counted apart.
    assert list(counts.excluded_by_reason.items()) == [
        (ExclusionReason.WRONG_COMPARISON, 1),
        (ExclusionReason.RECORD_NOT_CONFIRMED, 2),
    ]
    assert counts.identified == counts.duplicates + counts.screened + counts.pending
    assert counts.screened == counts.excluded + counts.included


def test_an_empty_log_counts_nothing() -> None:
    counts = prisma_counts(())
    assert counts.model_dump() == {
        "identified": 0,
        "duplicates": 0,
        "screened": 0,
        "excluded": 0,
        "excluded_by_reason": {},
        "included": 0,
        "pending": 0,
    }


def test_a_record_carries_its_counts_and_pending_candidates() -> None:
    record = SearchRecord(
        claim="acne-scars",
        searches=SavedSearches(pubmed="acne[tiab]"),
        last_searched=dt.date(2026, 11, 1),
        screening=_log(("included", None), ("pending", None)),
    )
    assert record.prisma == prisma_counts(record.screening)
    assert [c.id for c in record.pending] == ["desc:c-1"]
    dumped = record.model_dump(mode="json")
    assert dumped["prisma"]["pending"] == 1
    assert dumped["last_searched"] == "2026-11-01"


def test_a_record_needs_a_pubmed_query_and_a_valid_claim_id() -> None:
    with pytest.raises(ValidationError, match="pubmed"):
        SearchRecord.model_validate({"claim": "acne-scars", "searches": {"europepmc": "acne"}})
    with pytest.raises(ValidationError, match="claim"):
        SearchRecord.model_validate({"claim": "Acne Scars", "searches": {"pubmed": "acne"}})
    with pytest.raises(ValidationError, match="extra"):
        SearchRecord.model_validate({"claim": "a", "searches": {"pubmed": "acne", "scopus": "x"}})
