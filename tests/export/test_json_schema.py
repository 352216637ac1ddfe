"""The JSON Schema is one that strict validators and type generators read as meant."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import jsonschema
import pytest

import needling_facts as nf
from needling_facts.export.json_schema import export_schema
from needling_facts.export.library_json import export_json


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return json.loads(export_schema())  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def data() -> dict[str, Any]:
    return json.loads(export_json(nf.load()))  # type: ignore[no-any-return]


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def test_no_keyword_a_strict_validator_rejects(schema: dict[str, Any]) -> None:
    keywords = {key for node in _walk(schema) for key in node}
    assert "discriminator" not in keywords  # OpenAPI's, unknown to JSON Schema
    assert "prefixItems" not in keywords  # the interval is items + minItems/maxItems


def test_titles_name_models_only(schema: dict[str, Any]) -> None:
    for definition in schema["$defs"].values():
        for prop in definition.get("properties", {}).values():
            assert "title" not in prop, prop


def test_fields_always_written_are_required(schema: dict[str, Any]) -> None:
    assert "schema_version" in schema["required"]
    assert "cited_by" in schema["$defs"]["ExportedReference"]["required"]
    # A field left out when None stays optional.
    assert "doi" not in schema["$defs"]["ExportedReference"]["required"]


def test_confidence_interval_is_two_numbers(schema: dict[str, Any], data: dict[str, Any]) -> None:
    estimate = next(
        e for c in data["claims"] for i in c["evidence"] for e in i.get("effects", []) if "ci" in e
    )
    jsonschema.validate(data, schema)
    estimate["ci"] = [*estimate["ci"], 1.0]
    with pytest.raises(jsonschema.ValidationError, match="is too long"):
        jsonschema.validate(data, schema)


@pytest.mark.parametrize("claim_id", ["acne-scars", "hyperpigmentation-melasma"])
def test_a_bad_claim_is_told_its_own_errors(
    schema: dict[str, Any], data: dict[str, Any], claim_id: str
) -> None:
    # With oneOf, a scar claim with one bad value failed "every" claim type and was shown the
    # general claim's errors too; with if/then/else only its own type's errors remain.
    claim = next(c for c in data["claims"] if c["id"] == claim_id)
    broken = {**data, "claims": [{**claim, "certainty": "certain"}]}
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(broken))
    assert len(errors) == 1
    assert [*errors[0].absolute_path] == ["claims", 0, "certainty"]
    assert "'certain' is not one of" in errors[0].message
