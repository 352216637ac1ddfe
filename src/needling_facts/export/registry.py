"""Every export format by name: what it holds, its media type and file extension, its writer.

The command line's ``export --format`` choices, the README's table and the handbook's list of
formats all read `FORMATS`. A new format is a module in this package with a function
``(Library) -> str``, and one `ExportFormat` below.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from needling_facts.export.csl_json import export_csl_json
from needling_facts.export.fhir import export_fhir
from needling_facts.export.json_schema import export_schema
from needling_facts.export.jsonld import export_jsonld
from needling_facts.export.library_json import export_json
from needling_facts.library import Library

__all__ = ["FORMATS", "ExportFormat"]


@dataclass(frozen=True, slots=True)
class ExportFormat:
    """One format of ``needling-facts export --format NAME``."""

    name: str
    description: str
    """What it holds and who reads it: one sentence, shown in --help and the docs."""
    media_type: str
    extension: str
    """With its dot, e.g. ``.json``."""
    write: Callable[[Library], str]
    """The library in this format, as text."""


FORMATS: Mapping[str, ExportFormat] = MappingProxyType(
    {
        fmt.name: fmt
        for fmt in (
            ExportFormat(
                "json",
                "The whole library: claims with their evidence and resolved references, "
                "references with the claims that cite them, data and schema versions.",
                "application/json",
                ".json",
                export_json,
            ),
            ExportFormat(
                "schema",
                "The JSON Schema (draft 2020-12) that the json format follows.",
                "application/schema+json",
                ".schema.json",
                export_schema,
            ),
            ExportFormat(
                "csl-json",
                "The references as CSL-JSON, for Zotero or any citeproc.",
                # Not registered with IANA; the type Zotero's API serves CSL-JSON as
                # (discourse.citationstyles.org/t/mime-type-for-csl-input-data/1073).
                "application/vnd.citationstyles.csl+json",
                ".json",
                export_csl_json,
            ),
            ExportFormat(
                "jsonld",
                "A schema.org ClaimReview for each claim and a ScholarlyArticle for each "
                "reference, as JSON-LD (also embedded in every claim page).",
                "application/ld+json",
                ".jsonld",
                export_jsonld,
            ),
            ExportFormat(
                "fhir",
                "A FHIR R5 Bundle: a Citation per reference, an Evidence per comparison and "
                "outcome (best estimate, sample size, GRADE certainty with each domain), "
                "EvidenceVariables and risk-of-bias ArtifactAssessments (the fhir extra).",
                "application/fhir+json",
                ".fhir.json",
                export_fhir,
            ),
        )
    }
)
"""Each format by its name, in the order the docs list them."""
