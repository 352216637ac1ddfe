"""The ``schema`` export: the JSON Schema (draft 2020-12) that the ``json`` export follows."""

from __future__ import annotations

import json

from needling_facts.export.library_json import LibraryExport
from needling_facts.library import Library

__all__ = ["export_schema"]


def export_schema(library: Library | None = None) -> str:
    """The schema of `~needling_facts.export.library_json.export_json`'s output.

    It is the same for every library; ``library`` is accepted so that every format is called
    alike.
    """
    del library
    schema = LibraryExport.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return json.dumps(schema, indent=2) + "\n"
