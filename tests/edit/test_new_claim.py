"""The ``new-claim`` skeleton is generated from the field declarations."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from needling_facts.edit.new_claim import new_claim_text
from needling_facts.evidence.claim import Claim, ScarClaim
from needling_facts.evidence.effects import Favours, Measure
from needling_facts.evidence.fields import Written, declared_fields, nested_model
from needling_facts.evidence.grade import Certainty, Concern, StartingLevel
from needling_facts.evidence.risk_of_bias import JudgedFrom, Judgement, RobTool
from needling_facts.evidence.vocabulary import (
    ClaimStatus,
    Outcome,
    ScarType,
    SkinType,
    Stance,
    StudyDesign,
    Verdict,
)

SKELETON = new_claim_text("pores-in-oily-skin", "2026-01-31")
HEADER_LINES = 5
"""The opening ``---`` and the four lines that explain the file."""


def front_matter(text: str) -> str:
    return text.split("\n---\n", 1)[0].removeprefix("---\n")


def comments(text: str) -> str:
    """Every comment of the front matter as one line of words (wrapping undone)."""
    words = [line.split("# ", 1)[1] for line in front_matter(text).splitlines() if "# " in line]
    return " ".join(" ".join(words).split())


def uncommented(text: str) -> str:
    """The front matter with every commented-out key put back."""
    lines = front_matter(text).splitlines()
    key = re.compile(r"^(\s*)# (\s*(?:- )?[a-z_]+:(?:\s|$))")
    head = HEADER_LINES - 1
    # A wrapped description's continuation sits in the comment column; only keys are put back.
    return "\n".join(
        lines[:head]
        + [line if _indent(line) >= 30 else key.sub(r"\1\2", line) for line in lines[head:]]
    )


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def written(model: type[BaseModel]) -> list[str]:
    return [
        name
        for name, _, spec in declared_fields(model)
        if spec.written not in {Written.DERIVED, Written.PROSE}
    ]


@pytest.mark.parametrize(
    "vocabulary",
    [
        Outcome,
        StudyDesign,
        Stance,
        Verdict,
        Certainty,
        ScarType,
        SkinType,
        ClaimStatus,
        Measure,
        Favours,
        RobTool,
        Judgement,
        JudgedFrom,
        Concern,
        StartingLevel,
    ],
)
def test_the_skeleton_lists_every_value_of_every_vocabulary(vocabulary: type[StrEnum]) -> None:
    assert " | ".join(member.value for member in vocabulary) in comments(SKELETON)


def test_hair_is_offered_as_an_outcome() -> None:
    # The hand-written skeleton this replaced listed 11 of the 12 outcomes.
    assert "satisfaction | hair." in comments(SKELETON)


def test_the_open_skeleton_has_every_written_claim_field_in_declaration_order() -> None:
    data = yaml.safe_load(front_matter(SKELETON))
    assert list(data) == [
        name for name in written(Claim) if name not in {"status", "withdrawn_reason", "grade"}
    ]
    assert data["last_reviewed"].isoformat() == "2026-01-31"
    assert list(data["evidence"][0]) == [
        "ref",
        "design",
        "participants",
        "finding",
        "stance",
        "locator",
    ]
    row = data["comparisons"][0]["outcomes"][0]
    assert list(row["grade"]["imprecision"]) == ["concern", "reason"]
    assert data["protocol"] == {"sessions": None, "interval_weeks": None, "needle_depth_mm": None}


def _keys_match(model: type[BaseModel], data: Any, where: str) -> None:
    """Every written field of ``model`` is in ``data``, in order, at every depth."""
    assert isinstance(data, dict), where
    expected = written(model)
    if model is Claim:  # a kind of claim adds its own fields right after what picks the kind
        at = expected.index("outcome") + 1
        expected[at:at] = [n for n in ScarClaim.model_fields if n not in Claim.model_fields]
    assert list(data) == expected, where
    for name, info, _ in declared_fields(model):
        inner, many = nested_model(info.annotation)
        if inner is not None and name in data:
            _keys_match(inner, data[name][0] if many else data[name], f"{where}.{name}")


def test_uncommented_the_skeleton_offers_every_field_of_every_model() -> None:
    _keys_match(Claim, yaml.safe_load(uncommented(SKELETON)), "claim")


def written_models(model: type[BaseModel]) -> list[type[BaseModel]]:
    """``model`` and every model a contributor writes inside it."""
    found = [model]
    for name in written(model):
        inner, _ = nested_model(model.model_fields[name].annotation)
        if inner is not None and inner not in found:
            found += [m for m in written_models(inner) if m not in found]
    return found


def test_every_field_is_described_where_it_is_written() -> None:
    text = comments(SKELETON)
    models: list[type[BaseModel]] = [*written_models(Claim), ScarClaim]
    # claim, protocol, evidence, effect, risk of bias, domain, comparison, outcome row, grade...
    assert len(models) == 12
    for model in models:
        for name in written(model):
            description = model.model_fields[name].description
            assert description, f"{model.__name__}.{name}"
            assert " ".join(description.split()) in text, f"{model.__name__}.{name}"
    prose = SKELETON.split("\n---\n", 1)[1]
    assert prose.strip() == Claim.model_fields["body"].description


def test_optional_kinds_and_defaults_are_marked() -> None:
    lines = front_matter(SKELETON).splitlines()
    assert any(re.match(r"^# scar_types: \[\]\s+# .*", line) for line in lines)
    assert "Only for outcome: scars." in comments(SKELETON)
    assert any(re.match(r"^# status: active\s+#", line) for line in lines)
    assert any(
        re.match(r"^population:\s+# Who was studied\. \(optional\)$", line) for line in lines
    )
    assert max(len(line) for line in lines) <= 96


def test_a_bad_id_is_refused() -> None:
    with pytest.raises(ValueError, match="not a valid claim id"):
        new_claim_text("Bad_Id", "2026-01-31")
