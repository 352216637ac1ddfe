"""The data API as data: every file listed with its hash, claims in three forms, schemas."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import jsonschema
import pytest

import needling_facts as nf
from needling_facts.engines.markdown import markdown_to_html
from needling_facts.errors import UsageError
from needling_facts.export.csl_json import to_csl_json
from needling_facts.export.library_json import SCHEMA_VERSION
from needling_facts.render.csl import EntryFormatter
from needling_facts.site.data_api import (
    API_ROOT,
    SCHEMAS,
    ClaimDocument,
    build_api,
    content_changes,
)
from tests.conftest import FIXTURES, REPO

SITE = "https://example.org/handbook/"


@pytest.fixture(scope="module")
def api() -> dict[str, bytes]:
    library = nf.load()
    formatter = EntryFormatter(library.references, "american-medical-association", None)
    changelog = (REPO / "CHANGELOG.md").read_text("utf-8")
    return build_api(library, formatter, markdown_to_html, SITE, changelog=changelog)


def doc(api: dict[str, bytes], path: str) -> Any:
    return json.loads(api[API_ROOT + path])


def test_index_lists_every_other_file_with_its_sha256(api: dict[str, bytes]) -> None:
    index = doc(api, "index.json")
    assert (index["data_version"], index["schema_version"]) == (nf.DATA_VERSION, SCHEMA_VERSION)
    listed = {API_ROOT + f["path"]: f["sha256"] for f in index["files"]}
    assert set(listed) == set(api) - {API_ROOT + "index.json"}
    for path, digest in listed.items():
        assert hashlib.sha256(api[path]).hexdigest() == digest, path


def test_every_claim_and_reference_has_its_file(api: dict[str, bytes]) -> None:
    library = nf.load()
    summaries = doc(api, "claims.json")["claims"]
    assert [s["id"] for s in summaries] == list(library.claims)
    for summary in summaries:
        claim = library.claim(summary["id"])
        assert summary["certainty"] == claim.certainty.value
        assert summary["url"] == f"{SITE}claims/{claim.id}/"
        assert doc(api, summary["href"])["claim"]["id"] == claim.id
    assert doc(api, "references.json") == [to_csl_json(r) for r in library.references.values()]
    assert doc(api, "references/Alam2014.json") == to_csl_json(library.references["Alam2014"])


def test_claim_body_as_markdown_html_and_text(api: dict[str, bytes]) -> None:
    body = doc(api, "claims/acne-scars.json")["body"]
    assert "[@" in body["markdown"]
    assert "[@" not in body["html"]
    assert "[@" not in body["text"]
    assert '<sup class="nf-cite">' in body["html"]
    assert '<div class="nf-references">' in body["html"]
    assert f'href="{SITE}bibliography/#ref-' in body["html"]
    text = body["text"]
    assert "<sup" not in text
    assert "<li" not in text
    assert "&#91;" not in text
    assert "[1]" in text
    # The reference list closes the text, numbered as the citations are.
    cited = nf.load().claim("acne-scars").cited_keys
    last = text.splitlines()[-1]
    assert last.startswith(f"{len(cited)}. ")
    assert "doi:10.1111/iwj.13559" in last


def test_claim_documents_validate_against_their_published_schema(api: dict[str, bytes]) -> None:
    schema = doc(api, "schema/claim.schema.json")
    assert schema["$id"] == f"{SITE}api/v1/schema/claim.schema.json"
    assert schema["title"] == ClaimDocument.model_config["title"]
    assert "schema_version" in schema["required"]
    validator = jsonschema.Draft202012Validator(schema)
    for claim_id in nf.load().claims:
        validator.validate(doc(api, f"claims/{claim_id}.json"))
    broken = doc(api, "claims/acne-scars.json")
    del broken["body"]["html"]
    with pytest.raises(jsonschema.ValidationError, match="'html' is a required property"):
        validator.validate(broken)


def test_every_document_has_a_schema_with_an_absolute_id(api: dict[str, bytes]) -> None:
    for path in SCHEMAS:
        schema = doc(api, path)
        assert schema["$id"] == SITE + API_ROOT + path
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    for name in ("index", "claims", "changes"):
        schema = doc(api, f"schema/{name}.schema.json")
        jsonschema.Draft202012Validator(schema).validate(doc(api, f"{name}.json"))


def test_changes_are_the_changelogs_content_releases(api: dict[str, bytes]) -> None:
    changes = doc(api, "changes.json")["changes"]
    assert changes[0]["data_version"] == nf.DATA_VERSION
    changelog = (REPO / "CHANGELOG.md").read_text("utf-8")
    content = changelog.split("## Content", 1)[1].split("\n## ", 1)[0]
    assert [c["data_version"] for c in changes] == [
        line.removeprefix("### ").strip()
        for line in content.splitlines()
        if line.startswith("### ")
    ]
    assert "0.3.0" not in {c["data_version"] for c in changes}  # a package release


def test_content_changes_of_a_small_changelog() -> None:
    text = "# Changelog\n\n## Content\n\n### 2\n\nTwo.\n\n### 1\n\n- one\n\n## Package\n\n### 9\n"
    assert [(c.data_version, c.markdown) for c in content_changes(text)] == [
        ("2", "Two.\n"),
        ("1", "- one\n"),
    ]
    assert content_changes("# Changelog\n\n## Package\n\n### 1\n") == ()


@pytest.mark.parametrize("url", ["", "example.org", "/handbook/", "ftp://example.org/"])
def test_the_site_url_must_be_absolute(url: str) -> None:
    library = nf.load(
        bib=FIXTURES / "good" / "references.bib", claims_dir=FIXTURES / "good" / "claims"
    )
    with pytest.raises(UsageError, match="absolute http"):
        build_api(library, {}, markdown_to_html, url)


def test_a_claim_document_carries_its_outcome_rows() -> None:
    bodies = FIXTURES / "bodies-export"
    library = nf.load(bib=bodies / "references.bib", claims_dir=bodies / "claims")
    formatter = EntryFormatter(library.references, "american-medical-association", None)
    api = build_api(library, formatter, markdown_to_html, SITE)
    schema = doc(api, "schema/claim.schema.json")
    document = doc(api, "claims/acne-scars.json")
    jsonschema.Draft202012Validator(schema).validate(document)
    claim = document["claim"]
    assert claim["overall_certainty"] == doc(api, "claims.json")["claims"][0]["certainty"]
    rows = {
        f"{comparison['id']}/{row['id']}": row
        for comparison in claim["comparisons"]
        for row in comparison["outcomes"]
    }
    assert list(rows) == [
        "needling-vs-untreated/scar-severity",
        "needling-vs-untreated/patient-rated",
        "needling-vs-laser/scar-severity",
        "needling-vs-laser/hyperpigmentation",
    ]
    assert rows["needling-vs-laser/scar-severity"]["best_estimate"]["kind"] == "pooled"
    assert rows["needling-vs-laser/hyperpigmentation"]["best_estimate"]["absolute"][
        "difference"
    ] == (-100.0)
    # A row's certainty without its computation would fail the schema.
    del rows["needling-vs-untreated/scar-severity"]["computed_grade"]
    with pytest.raises(jsonschema.ValidationError, match="'computed_grade' is a required"):
        jsonschema.Draft202012Validator(schema).validate(document)


def test_the_fhir_bundle_is_published_and_valid(api: dict[str, bytes]) -> None:
    from fhir.resources.bundle import Bundle

    from needling_facts.export.fhir import build_bundle
    from needling_facts.site.data_api import FHIR_BUNDLE

    (listed,) = (f for f in doc(api, "index.json")["files"] if f["path"] == "fhir.json")
    assert (listed["media_type"], listed["schema_url"]) == ("application/fhir+json", FHIR_BUNDLE)
    bundle = doc(api, "fhir.json")
    assert bundle == build_bundle(nf.load())  # what `export --format fhir` writes
    parsed = Bundle.model_validate(bundle)
    assert parsed.entry is not None
    assert len(parsed.entry) == len(bundle["entry"]) > len(nf.load().claims)
