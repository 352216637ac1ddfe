"""The JSON export carries each claim's search record with its PRISMA counts (schema 2.2)."""

from __future__ import annotations

import json

import jsonschema
import pytest

from needling_facts.export.json_schema import export_schema
from needling_facts.export.library_json import export_json
from needling_facts.loading import load_from
from tests.conftest import FIXTURES

LIVING = load_from(FIXTURES / "living" / "references.bib", FIXTURES / "living" / "claims")


def test_claims_carry_their_search_record_and_counts() -> None:
    data = json.loads(export_json(LIVING))
    jsonschema.validate(data, json.loads(export_schema()))
    claims = {c["id"]: c for c in data["claims"]}
    search = claims["acne-scars"]["search"]
    assert search["claim"] == "acne-scars"
    assert search["last_searched"] == "2026-11-01"
    assert search["searches"]["clinicaltrials"] == "microneedling AND acne scars"
    assert search["screening"][1] == {
        "id": "desc:mehran-iran-j-dermatol-comedonal",
        "decision": "excluded",
        "reason": "record-not-confirmed",
        "note": "Year and volume could not be confirmed.",
    }
    assert search["prisma"] == {
        "identified": 4,
        "duplicates": 0,
        "screened": 3,
        "excluded": 2,
        "excluded_by_reason": {"wrong-intervention": 1, "record-not-confirmed": 1},
        "included": 1,
        "pending": 1,
    }
    assert "source" not in search  # a local path means nothing to an app
    assert "search" not in claims["elastin"]  # no search file: no field


def test_the_schema_describes_the_search_field() -> None:
    schema = json.loads(export_schema())
    record = schema["$defs"]["SearchRecord"]
    assert {"claim", "searches", "prisma"} <= set(record["required"])
    candidate = schema["$defs"]["Candidate"]
    assert candidate["properties"]["decision"]["$ref"] == "#/$defs/Decision"
    assert schema["$defs"]["Decision"]["enum"] == ["included", "excluded", "pending"]
    entry = json.loads(export_json(LIVING))["claims"][0]["search"]["screening"][0]
    candidate_schema = {"$defs": schema["$defs"], "$ref": "#/$defs/Candidate"}
    jsonschema.validate(entry, candidate_schema)
    with pytest.raises(jsonschema.ValidationError, match="'maybe' is not one of"):
        jsonschema.validate({**entry, "decision": "maybe"}, candidate_schema)
