"""CSL-JSON carries both journal names and hyphenated page ranges, in CSL-JSON's own shape."""

from __future__ import annotations

import io
import json
from typing import Any

import jsonschema

import needling_facts as nf
from needling_facts.cli.commands import main
from needling_facts.export.csl_json import to_csl_json
from needling_facts.render.csl import format_references

_TEXT = {"type": "string"}
_TEXT_OR_NUMBER = {"type": ["string", "number"]}

# The properties we emit, typed as the official CSL-JSON input schema (csl-data.json of
# citation-style-language/schema) types them; like it, nothing else is allowed.
CSL_ITEM_SHAPE: dict[str, Any] = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["type", "id"],
        "additionalProperties": False,
        "properties": {
            "id": {"type": ["string", "number"]},
            "type": {
                "enum": [
                    "article-journal",
                    "book",
                    "chapter",
                    "paper-conference",
                    "thesis",
                    "report",
                    "webpage",
                    "document",
                ]
            },
            "author": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {"family": _TEXT, "given": _TEXT, "literal": _TEXT},
                },
            },
            "title": _TEXT,
            "container-title": _TEXT,
            "container-title-short": _TEXT,
            "volume": _TEXT_OR_NUMBER,
            "issue": _TEXT_OR_NUMBER,
            "page": _TEXT_OR_NUMBER,
            "DOI": _TEXT,
            "PMID": _TEXT,
            "PMCID": _TEXT,
            "URL": _TEXT,
            "issued": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "date-parts": {
                        "type": "array",
                        "minItems": 1,
                        "maxItems": 2,
                        "items": {
                            "type": "array",
                            "minItems": 1,
                            "maxItems": 3,
                            "items": _TEXT_OR_NUMBER,
                        },
                    }
                },
            },
        },
    },
}


def _items() -> list[dict[str, Any]]:
    out = io.StringIO()
    assert main(["export", "--format", "csl-json"], stdout=out) == 0
    items: list[dict[str, Any]] = json.loads(out.getvalue())
    return items


def test_csl_json_has_the_official_shape() -> None:
    items = _items()
    jsonschema.validate(items, CSL_ITEM_SHAPE)
    broken = [{**items[0], "journal": "not a CSL field"}]
    try:
        jsonschema.validate(broken, CSL_ITEM_SHAPE)
    except jsonschema.ValidationError:
        pass
    else:
        raise AssertionError("an unknown CSL field was accepted")


def test_page_ranges_use_a_hyphen() -> None:
    pages = [item["page"] for item in _items() if "page" in item]
    assert pages
    assert not [p for p in pages if "\u2013" in p or "--" in p]
    by_id = {item["id"]: item for item in _items()}
    assert by_id["Alam2014"]["page"] == "844-849"


def test_both_journal_names_from_the_bib_and_the_records() -> None:
    by_id = {item["id"]: item for item in _items()}
    assert by_id["Alster2020b"]["container-title"] == "Dermatologic Surgery"
    assert by_id["Alster2020b"]["container-title-short"] == "Dermatol Surg"
    assert by_id["Kang2021"]["container-title-short"] == "Front Med (Lausanne)"
    # No full title seen at its records: the bib's name stays the container title.
    assert by_id["Majid2009"]["container-title"] == "J Cutan Aesthet Surg"
    assert "container-title-short" not in by_id["Majid2009"]
    full = [i for i in by_id.values() if "container-title-short" in i]
    assert len(full) >= 14  # 14 of the 34 bundled references on 2026-11-24


def test_ama_prints_the_abbreviation_and_apa_the_full_title() -> None:
    reference = nf.load().reference("Alster2020b")
    assert to_csl_json(reference)["container-title"] == "Dermatologic Surgery"
    ama = format_references([reference])["Alster2020b"].text
    apa = format_references([reference], "apa")["Alster2020b"].text
    assert "Dermatol Surg. 2020;46(4):459-464" in ama
    assert "Dermatologic Surgery" in apa
