"""The FHIR export: one R5 Bundle that fhir.resources validates, resource by resource."""

from __future__ import annotations

import copy
import io
import json
from typing import Any

import pytest
from fhir.resources.artifactassessment import ArtifactAssessment
from fhir.resources.bundle import Bundle
from fhir.resources.citation import Citation
from fhir.resources.evidence import Evidence
from fhir.resources.evidencevariable import EvidenceVariable
from pydantic import BaseModel, ValidationError

import needling_facts as nf
from needling_facts.cli.commands import main
from needling_facts.export.fhir import build_bundle, validate_bundle
from tests.conftest import FIXTURES

BODIES = FIXTURES / "bodies-export"
MODELS: dict[str, type[BaseModel]] = {
    "Citation": Citation,
    "Evidence": Evidence,
    "EvidenceVariable": EvidenceVariable,
    "ArtifactAssessment": ArtifactAssessment,
}
CERTAINTY_TYPE = "http://hl7.org/fhir/certainty-type"
CERTAINTY_RATING = "http://hl7.org/fhir/certainty-rating"
STATISTIC_TYPE = "http://terminology.hl7.org/CodeSystem/statistic-type"


@pytest.fixture(scope="module")
def library() -> nf.Library:
    return nf.load(bib=BODIES / "references.bib", claims_dir=BODIES / "claims")


@pytest.fixture(scope="module")
def bundle(library: nf.Library) -> dict[str, Any]:
    out = io.StringIO()
    argv = ["export", "--format", "fhir", "--bib", str(BODIES / "references.bib")]
    assert main([*argv, "--claims", str(BODIES / "claims")], stdout=out) == 0
    data: dict[str, Any] = json.loads(out.getvalue())
    assert data == build_bundle(library)
    return data


def resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def coding(concept: dict[str, Any]) -> tuple[str, str]:
    (code,) = concept["coding"]
    return code["system"], code["code"]


def evidence_of(bundle: dict[str, Any], path: str) -> dict[str, Any]:
    (found,) = (r for r in resources(bundle, "Evidence") if r["identifier"][0]["value"] == path)
    return found


def test_every_resource_validates_with_fhir_resources(bundle: dict[str, Any]) -> None:
    parsed = Bundle.model_validate(bundle)
    assert parsed.type == "collection"
    for entry in bundle["entry"]:
        resource = entry["resource"]
        MODELS[resource["resourceType"]].model_validate(resource)
        assert entry["fullUrl"] == f"urn:uuid:{resource['id']}"
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    # A Citation per reference, an Evidence per comparison x outcome row, the distinct
    # exposures and outcomes, and a risk-of-bias assessment per assessed study of the claim.
    assert kinds.count("Citation") == 6
    assert kinds.count("Evidence") == 4
    assert kinds.count("EvidenceVariable") == 6
    assert kinds.count("ArtifactAssessment") == 5


def test_every_reference_in_the_bundle_resolves_inside_it(bundle: dict[str, Any]) -> None:
    urls = {entry["fullUrl"] for entry in bundle["entry"]}
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "reference" in node:
                found.append(node["reference"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(bundle["entry"])
    assert found
    assert set(found) <= urls


def test_a_row_evidence_carries_the_meta_analysis_estimate_and_grade(
    bundle: dict[str, Any],
) -> None:
    evidence = evidence_of(bundle, "acne-scars/needling-vs-untreated/scar-severity")
    assert evidence["status"] == "active"
    assert evidence["assertion"] == "Microneedling may reduce acne scar severity."
    roles = [coding(v["variableRole"])[1] for v in evidence["variableDefinition"]]
    assert roles == ["exposure", "referenceExposure", "measuredVariable"]  # no population given
    outcome = evidence["variableDefinition"][2]
    assert outcome["description"] == "Acne scar severity (scar grading scales)"
    (statistic,) = evidence["statistic"]
    assert coding(statistic["statisticType"]) == (STATISTIC_TYPE, "0000100")
    assert statistic["quantity"] == {"value": 0.6}
    (interval,) = statistic["attributeEstimate"]
    assert interval["level"] == 0.95
    assert interval["range"] == {"low": {"value": 0.3}, "high": {"value": 0.9}}
    # The review includes Trial2020: one independent study, the review's 300 participants.
    assert statistic["sampleSize"]["numberOfStudies"] == 1
    assert statistic["sampleSize"]["numberOfParticipants"] == 300
    (certainty,) = evidence["certainty"]
    assert coding(certainty["type"]) == (CERTAINTY_TYPE, "Overall")
    assert coding(certainty["rating"]) == (CERTAINTY_RATING, "low")
    domains = {
        coding(part["type"])[1]: (coding(part["rating"])[1], part["note"][0]["text"])
        for part in certainty["subcomponent"]
    }
    assert domains == {
        "RiskOfBias": ("serious-concern", "Allocation concealment not reported in either trial."),
        "Inconsistency": ("no-concern", "Both estimates favour needling."),
        "Indirectness": ("no-concern", "Population and outcome match the claim."),
        "Imprecision": ("serious-concern", "Fewer than 400 participants in all."),
        "PublicationBias": ("no-concern", "Not suspected."),
    }
    cited = [artifact["label"] for artifact in evidence["relatedArtifact"]]
    assert cited == ["Review2022", "Trial2020"]


def test_a_pool_carries_heterogeneity_and_a_ratio_its_absolute_effect(
    bundle: dict[str, Any],
) -> None:
    pooled = evidence_of(bundle, "acne-scars/needling-vs-laser/scar-severity")
    (statistic,) = pooled["statistic"]
    assert coding(statistic["statisticType"]) == (STATISTIC_TYPE, "0000457")
    kinds = [estimate["type"].get("text") for estimate in statistic["attributeEstimate"]]
    assert kinds == [None, "p-value", "I-squared", "tau-squared"]
    assert statistic["attributeEstimate"][2]["quantity"]["value"] == 0
    assert statistic["sampleSize"] == {
        "description": "2 studies, 88 participants",
        "numberOfStudies": 2,
        "numberOfParticipants": 88,
    }
    assert "random-effects" in statistic["modelCharacteristic"][0]["code"]["text"]
    assert coding(pooled["certainty"][0]["rating"]) == (CERTAINTY_RATING, "moderate")
    ratio = evidence_of(bundle, "acne-scars/needling-vs-laser/hyperpigmentation")
    relative, absolute = ratio["statistic"]
    assert coding(relative["statisticType"]) == (STATISTIC_TYPE, "C93152")
    assert coding(absolute["statisticType"]) == (STATISTIC_TYPE, "0000424")
    # RR 0.5 at a baseline risk of 20%: 100 fewer per 1,000 (CI 160 fewer to 50 more).
    assert absolute["quantity"]["value"] == pytest.approx(-0.1)
    bounds = absolute["attributeEstimate"][0]["range"]
    assert (bounds["low"]["value"], bounds["high"]["value"]) == pytest.approx((-0.16, 0.05))
    assert absolute["description"].startswith("Absolute effect: 100 fewer per 1,000")


def test_a_p_value_only_row_has_no_estimate_and_says_why(bundle: dict[str, Any]) -> None:
    evidence = evidence_of(bundle, "acne-scars/needling-vs-untreated/patient-rated")
    (statistic,) = evidence["statistic"]
    assert statistic["description"] == "No estimate: the studies report p-values only"
    assert "quantity" not in statistic
    assert "statisticType" not in statistic
    assert evidence["note"] == [{"text": "Only a p-value was reported."}]


def test_citations_carry_identifiers_and_leave_out_an_unseen_year(
    bundle: dict[str, Any],
) -> None:
    by_key = {c["identifier"][0]["value"]: c for c in resources(bundle, "Citation")}
    laser = by_key["Laser2023"]["citedArtifact"]
    assert {i["system"]: i["value"] for i in laser["identifier"]} == {
        "https://doi.org": "10.5555/laser2023",
        "https://pubmed.ncbi.nlm.nih.gov": "99999991",
    }
    assert laser["publicationForm"] == [
        {
            "publishedIn": {
                "type": {
                    "coding": [
                        {
                            "system": "http://hl7.org/fhir/published-in-type",
                            "code": "D020492",
                            "display": "Periodical",
                        }
                    ]
                },
                "title": "J",
            },
            "articleDate": "2023",
        }
    ]
    assert laser["contributorship"]["entry"] == [{"contributor": {"display": "Laser Lee"}}]
    # No year and no author on record: neither is made up.
    second = by_key["Laser2024"]["citedArtifact"]
    assert "articleDate" not in second["publicationForm"][0]
    assert "contributorship" not in second
    assert second["identifier"][1]["value"] == "PMC9999992"
    assert second["title"][0]["text"] == "A second randomised trial against fractional laser"


def test_risk_of_bias_is_one_assessment_per_study_with_its_domains(
    bundle: dict[str, Any],
) -> None:
    assessments = {a["title"].split()[4]: a for a in resources(bundle, "ArtifactAssessment")}
    assert set(assessments) == {"Review2022", "Trial2020", "Trial2021", "Laser2023", "Laser2024"}
    (content,) = assessments["Trial2020"]["content"]
    assert coding(content["type"]) == (CERTAINTY_TYPE, "RiskOfBias")
    assert content["summary"] == "RoB 2, judged from the full text: overall high"
    domains = [(c["type"]["text"], c["classifier"][0]["text"]) for c in content["component"]]
    assert domains[3] == ("measurement", "high")
    assert content["component"][3]["summary"] == "Assessor not blinded to side."
    (skipped,) = assessments["Trial2021"]["content"]
    assert skipped["summary"].startswith("Not assessed: Only the abstract was available")
    citation = assessments["Trial2020"]["artifactReference"]
    assert citation["display"] == "Trial2020"


def test_the_bundle_is_the_same_for_the_same_library(library: nf.Library) -> None:
    assert build_bundle(library) == build_bundle(library)


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("certainty", 0, "rating"), "high", "rating"),
        (("statistic", 0, "sampleSize", "numberOfStudies"), -1, "numberOfStudies"),
        (("status",), None, "status"),
    ],
)
def test_an_invalid_resource_fails_validation(
    bundle: dict[str, Any], path: tuple[Any, ...], value: Any, message: str
) -> None:
    broken = copy.deepcopy(bundle)
    evidence = next(
        e["resource"] for e in broken["entry"] if e["resource"]["resourceType"] == "Evidence"
    )
    node: Any = evidence
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    with pytest.raises(ValidationError, match=message):
        validate_bundle(broken)


def test_every_bundled_claim_is_in_a_valid_bundle(bundled: nf.Library) -> None:
    data = build_bundle(bundled)
    Bundle.model_validate(data)
    evidence = resources(data, "Evidence")
    for claim in bundled.claims.values():
        mine = [
            e
            for e in evidence
            if e["identifier"][0]["value"] == claim.id
            or e["identifier"][0]["value"].startswith(f"{claim.id}/")
        ]
        # One Evidence per outcome row; a claim still without comparisons is one Evidence.
        assert len(mine) == max(len(claim.rows), 1), claim.id
        for resource in mine:
            Evidence.model_validate(resource)
            if claim.grade is not None or claim.comparisons:
                (certainty,) = resource["certainty"]
                assert len(certainty["subcomponent"]) >= 5
    assert len(resources(data, "Citation")) == len(bundled.references)
    assessed = sum(
        1 for c in bundled.claims.values() for i in c.evidence if i.risk_of_bias is not None
    )
    assert len(resources(data, "ArtifactAssessment")) == assessed


# The codes of the HL7 code systems FHIR R5 binds, as their published pages list them
# (hl7.org/fhir/R5 codesystem-certainty-type, codesystem-certainty-rating; terminology.hl7.org
# statistic-type, attribute-estimate-type, variable-role; title-type, published-in-type and
# artifact-url-classifier as the EBM-on-FHIR Citation examples use them).
DOCUMENTED = {
    CERTAINTY_TYPE: {
        "Overall",
        "RiskOfBias",
        "Inconsistency",
        "Indirectness",
        "Imprecision",
        "PublicationBias",
        "DoseResponseGradient",
        "PlausibleConfounding",
        "LargeEffect",
    },
    CERTAINTY_RATING: {
        "high",
        "moderate",
        "low",
        "very-low",
        "no-concern",
        "serious-concern",
        "very-serious-concern",
        "extremely-serious-concern",
        "present",
        "absent",
        "no-change",
        "downcode1",
        "downcode2",
        "downcode3",
        "upcode1",
        "upcode2",
    },
    STATISTIC_TYPE: {"0000100", "0000424", "0000457", "C16932", "C44256", "C93152"},
    "http://terminology.hl7.org/CodeSystem/attribute-estimate-type": {"C53324"},
    "http://terminology.hl7.org/CodeSystem/variable-role": {
        "population",
        "subpopulation",
        "exposure",
        "referenceExposure",
        "measuredVariable",
        "confounder",
    },
    "http://hl7.org/fhir/title-type": {"primary"},
    "http://hl7.org/fhir/published-in-type": {"D020492"},
    "http://hl7.org/fhir/artifact-url-classifier": {"abstract", "doi-based"},
}


def _codings(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        found = list(node.get("coding", []))
        return found + [c for value in node.values() for c in _codings(value)]
    if isinstance(node, list):
        return [c for value in node for c in _codings(value)]
    return []


@pytest.mark.parametrize("which", ["fixture", "bundled"])
def test_every_code_is_one_the_code_system_documents(
    which: str, bundle: dict[str, Any], bundled: nf.Library
) -> None:
    data = bundle if which == "fixture" else build_bundle(bundled)
    codings = _codings(data["entry"])
    assert codings
    for code in codings:
        assert code["code"] in DOCUMENTED[code["system"]], code
        assert code["display"]
