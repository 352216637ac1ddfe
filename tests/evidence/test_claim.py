from __future__ import annotations

import datetime as dt

import pytest
from pydantic import TypeAdapter, ValidationError

from needling_facts.evidence.claim import AnyClaim, GeneralClaim, NumberRange, ScarClaim
from needling_facts.evidence.grade import Certainty
from needling_facts.evidence.item import Evidence
from needling_facts.evidence.reference import Person, Reference
from needling_facts.evidence.vocabulary import Outcome, ScarType, Stance, StudyDesign, Verdict

CLAIM = {
    "id": "acne-scars",
    "title": "t",
    "statement": "s",
    "article_wording": "a",
    "certainty": "low",
    "verdict": "partly-supported",
    "last_reviewed": "2026-11-24",
}


def test_outcome_selects_the_claim_type() -> None:
    adapter = TypeAdapter(AnyClaim)
    scar = adapter.validate_python({**CLAIM, "outcome": "scars", "scar_types": ["keloid"]})
    other = adapter.validate_python({**CLAIM, "outcome": "pores"})
    assert isinstance(scar, ScarClaim)
    assert scar.scar_types == (ScarType.KELOID,)
    assert isinstance(other, GeneralClaim)
    assert other.outcome is Outcome.PORES
    assert other.last_reviewed == dt.date(2026, 11, 24)


def test_scar_claim_needs_scar_types_and_others_refuse_them() -> None:
    adapter = TypeAdapter(AnyClaim)
    with pytest.raises(ValidationError, match="scar_types"):
        adapter.validate_python({**CLAIM, "outcome": "scars"})
    with pytest.raises(ValidationError, match="Extra inputs"):
        adapter.validate_python({**CLAIM, "outcome": "pores", "scar_types": ["burn"]})


def test_models_are_frozen_and_forbid_extra_fields() -> None:
    claim = TypeAdapter(AnyClaim).validate_python({**CLAIM, "outcome": "pores"})
    with pytest.raises(ValidationError):
        claim.title = "changed"  # type: ignore[misc]
    with pytest.raises(ValidationError, match="Extra inputs"):
        Evidence.model_validate(
            {"ref": "k", "design": "rct", "finding": "f", "stance": "supports", "n": 3}
        )


def test_claim_id_must_be_lowercase_hyphenated() -> None:
    with pytest.raises(ValidationError, match="id"):
        TypeAdapter(AnyClaim).validate_python({**CLAIM, "id": "Acne_Scars", "outcome": "pores"})


@pytest.mark.parametrize(
    ("raw", "low", "high", "shown"),
    [
        (3, 3, 3, "3"),
        ("3-6", 3, 6, "3\u20136"),
        ("1.5 - 2.0", 1.5, 2.0, "1.5\u20132"),
        (0.5, 0.5, 0.5, "0.5"),
    ],
)
def test_number_range_reads_numbers_and_ranges(
    raw: object, low: float, high: float, shown: str
) -> None:
    value = NumberRange.model_validate(raw)
    assert (value.low, value.high) == (low, high)
    assert str(value) == shown


@pytest.mark.parametrize("raw", ["6-3", "three", True, "-1"])
def test_number_range_rejects_nonsense(raw: object) -> None:
    with pytest.raises(ValidationError):
        NumberRange.model_validate(raw)


def test_evidence_participants_must_be_positive() -> None:
    with pytest.raises(ValidationError):
        Evidence(
            ref="k", design=StudyDesign.RCT, finding="f", stance=Stance.SUPPORTS, participants=0
        )


def test_claim_helpers() -> None:
    claim = TypeAdapter(AnyClaim).validate_python(
        {
            **CLAIM,
            "outcome": "pores",
            "evidence": [
                {
                    "ref": "a",
                    "design": "rct",
                    "finding": "f",
                    "stance": "supports",
                    "participants": 10,
                },
                {"ref": "b", "design": "review", "finding": "f", "stance": "mentions"},
                {
                    "ref": "a",
                    "design": "rct",
                    "finding": "g",
                    "stance": "supports",
                    "participants": 5,
                },
            ],
        }
    )
    assert claim.cited_keys == ("a", "b")
    # The same study cited twice is one study: distinct participants, not a sum of items.
    assert claim.participants == 10
    assert not claim.is_withdrawn


def test_enum_labels_and_ranks() -> None:
    assert Certainty.VERY_LOW.label == "very low"
    assert [c.rank for c in Certainty] == [4, 3, 2, 1]
    assert Verdict.NOT_SUPPORTED.label == "not supported"
    assert StudyDesign.SPLIT_FACE_RCT.label == "split-face RCT"
    assert all(outcome.label for outcome in Outcome)


def test_reference_links() -> None:
    ref = Reference(key="k", entry_type="article", doi="10.1/x", pmid="1", pmcid="PMC2")
    assert ref.doi_url == "https://doi.org/10.1/x"
    assert ref.pubmed_url == "https://pubmed.ncbi.nlm.nih.gov/1/"
    assert ref.pmc_url == "https://pmc.ncbi.nlm.nih.gov/articles/PMC2/"
    assert str(Person(family="Müller", given="Jörg")) == "Jörg Müller"
    assert Reference(key="k", entry_type="misc").doi_url is None


def test_a_claim_beyond_the_article_has_no_wording_and_no_verdict_on_it() -> None:
    beyond = {k: v for k, v in CLAIM.items() if k != "article_wording"}
    claim = GeneralClaim.model_validate({**beyond, "outcome": "hair", "verdict": "not-in-article"})
    assert not claim.in_article
    assert claim.outcome is Outcome.HAIR
    assert claim.verdict.label == "not a claim of the article"
    with pytest.raises(ValidationError, match="article_wording is required"):
        GeneralClaim.model_validate({**beyond, "outcome": "pores"})
    with pytest.raises(ValidationError, match="not-in-article is for claims without"):
        GeneralClaim.model_validate({**CLAIM, "outcome": "pores", "verdict": "not-in-article"})


def test_withdrawal_and_its_reason_go_together() -> None:
    with pytest.raises(ValidationError, match="only for claims with status: withdrawn"):
        GeneralClaim.model_validate({**CLAIM, "outcome": "pores", "withdrawn_reason": "Old"})
    with pytest.raises(ValidationError, match="needs a withdrawn_reason"):
        GeneralClaim.model_validate({**CLAIM, "outcome": "pores", "status": "withdrawn"})
    claim = GeneralClaim.model_validate(
        {**CLAIM, "outcome": "pores", "status": "withdrawn", "withdrawn_reason": "Old"}
    )
    assert claim.is_withdrawn
