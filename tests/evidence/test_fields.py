"""Every field of a claim is declared once (issue 17), and the declaration reads right."""

from __future__ import annotations

import json
from typing import Annotated

from pydantic import BaseModel, Field

from needling_facts.evidence.claim import Claim, GeneralClaim, Protocol, ScarClaim
from needling_facts.evidence.effects import EffectEstimate
from needling_facts.evidence.fields import (
    INTERNAL,
    Spec,
    export_exclude,
    is_declared,
    nested_model,
    plain_text,
    shown_fields,
    shown_values,
    spec_of,
)
from needling_facts.evidence.grade import DomainRating, GradeProfile, Upgrade
from needling_facts.evidence.item import Evidence
from needling_facts.evidence.risk_of_bias import DomainJudgement, RiskOfBias
from needling_facts.export.json_schema import export_schema
from needling_facts.loading import load_from
from tests.conftest import FIXTURES


def reachable(*roots: type[BaseModel]) -> set[type[BaseModel]]:
    """The models a claim file's data passes through, from ``roots`` down."""
    found: set[type[BaseModel]] = set()
    todo = list(roots)
    while todo:
        model = todo.pop()
        if model in found:
            continue
        found.add(model)
        for info in model.model_fields.values():
            inner, _ = nested_model(info.annotation)
            if inner is not None and spec_of(info) != INTERNAL:
                todo.append(inner)
    return found


def undeclared(models: set[type[BaseModel]]) -> list[str]:
    """``Model.field`` of every field without a description and a `Spec`."""
    return sorted(
        f"{model.__name__}.{name}"
        for model in models
        for name, info in model.model_fields.items()
        if not is_declared(info)
    )


CLAIM_MODELS = reachable(Claim, ScarClaim, GeneralClaim)


def test_every_field_a_claim_holds_is_declared() -> None:
    # A new field must say what it means and where it goes (shown under a label, written in
    # the skeleton, exported), or be declared INTERNAL: otherwise this test names it.
    assert {
        Claim,
        ScarClaim,
        GeneralClaim,
        Protocol,
        Evidence,
        EffectEstimate,
        RiskOfBias,
        DomainJudgement,
        GradeProfile,
        DomainRating,
        Upgrade,
    } <= CLAIM_MODELS
    assert undeclared(CLAIM_MODELS) == []


def test_a_field_added_without_a_declaration_is_named() -> None:
    class Bare(Evidence):
        follow_up: str | None = None

    class DescribedOnly(Evidence):
        follow_up: str | None = Field(default=None, description="Months of follow-up.")

    class SpecOnly(Evidence):
        follow_up: Annotated[str | None, Spec(label="Follow-up")] = None

    class Declared(Evidence):
        follow_up: Annotated[str | None, Spec(label="Follow-up")] = Field(
            default=None, description="Months of follow-up."
        )

    assert undeclared({Bare}) == ["Bare.follow_up"]
    assert undeclared({DescribedOnly}) == ["DescribedOnly.follow_up"]
    assert undeclared({SpecOnly}) == ["SpecOnly.follow_up"]
    assert undeclared({Declared}) == []
    assert [name for name, _ in shown_fields(Declared)][-1] == "follow_up"


def test_evidence_shows_its_labelled_fields_in_declaration_order() -> None:
    assert [(name, spec.label) for name, spec in shown_fields(Evidence)] == [
        ("ref", "Study"),
        ("design", "Design"),
        ("participants", "Participants"),
        ("finding", "Finding"),
        ("stance", "Stance"),
    ]


def test_shown_values_are_plain_text_with_units_and_nested_records() -> None:
    claim = load_from(FIXTURES / "good" / "references.bib", FIXTURES / "good" / "claims").claim(
        "acne-scars"
    )
    assert shown_values(claim) == [
        ("Fitzpatrick skin types", "I, II, III, IV, V, VI"),
        ("Sessions", "3"),
        ("Interval", "4 weeks"),
        ("Needle depth", "1.5\u20132 mm"),
        ("Scar types", "atrophic-acne"),
    ]
    item = claim.evidence[0]
    assert shown_values(item, skip={"ref"})[0] == ("Design", "case series")
    assert plain_text(()) is None
    assert plain_text(0.5) == "0.5"
    assert plain_text(True) == "yes"


def test_the_export_leaves_out_what_is_internal_in_data_and_schema() -> None:
    assert export_exclude(ScarClaim) == {"source": True}
    assert export_exclude(Evidence) == {}
    schema = json.loads(export_schema())["$defs"]
    for name in ("ExportedScarClaim", "ExportedGeneralClaim"):
        assert "source" not in schema[name]["properties"]
        assert "id" in schema[name]["properties"]
    described = schema["Evidence"]["properties"]["finding"]["description"]
    assert described == Evidence.model_fields["finding"].description
