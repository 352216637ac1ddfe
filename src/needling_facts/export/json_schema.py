"""The ``schema`` export: JSON Schemas (draft 2020-12) for the ``json`` export and the data API.

The schemas compile in Ajv's strict 2020-12 mode and give clean names to generated types
(``json-schema-to-typescript``), so `ApiSchema` adjusts what pydantic emits:

- a tagged union (claims, by ``outcome``) becomes ``if``/``then``/``else``: pydantic's
  ``discriminator`` is an OpenAPI keyword that strict validators reject, and its ``oneOf``
  reports every branch's errors, so a claim with one bad field was told it matched no schema
  and shown the errors of the claim type it is not;
- a tuple of equal items (a confidence interval) is ``items`` with ``minItems``/``maxItems``,
  which both Ajv's strict tuples and generated types read as ``[number, number]``;
- properties carry no ``title`` (only models do), so types are named after models, never
  ``Outcome1`` or ``Ci``;
- a field that always appears in the output is ``required``: the exports leave out ``None``
  only, so a field with any other default (``schema_version``, ``cited_by``) is always there.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from needling_facts.export.library_json import LibraryExport
from needling_facts.library import Library

__all__ = ["DRAFT", "ApiSchema", "export_schema", "schema_of"]

DRAFT = "https://json-schema.org/draft/2020-12/schema"


class ApiSchema(GenerateJsonSchema):
    """pydantic's schema generator, made strict-validator and code-generator friendly."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        """Never on a property: generators name a type after its title."""
        del schema
        return False

    def field_is_required(
        self,
        field: core_schema.ModelField | core_schema.DataclassField | core_schema.TypedDictField,
        total: bool,
    ) -> bool:
        """In serialization, also a field whose default is not ``None`` and cannot be None."""
        required = super().field_is_required(field, total)
        if required or self.mode != "serialization":
            return required
        inner = field["schema"]
        if inner["type"] != "default":
            return False
        return inner.get("default") is not None and inner["schema"]["type"] != "nullable"

    def tuple_schema(self, schema: core_schema.TupleSchema) -> JsonSchemaValue:
        """Equal items as ``items`` with a fixed length; others as pydantic makes them."""
        value = super().tuple_schema(schema)
        prefix = value.get("prefixItems")
        if prefix and "items" not in value and all(p == prefix[0] for p in prefix):
            del value["prefixItems"]
            value["items"] = prefix[0]
        return value

    def tagged_union_schema(self, schema: core_schema.TaggedUnionSchema) -> JsonSchemaValue:
        """``if``/``then``/``else`` on the tag, so errors come from the one matching branch."""
        value = super().tagged_union_schema(schema)
        discriminator = value.pop("discriminator", None)
        if discriminator is None:
            return value
        tag = discriminator["propertyName"]
        tags_of: dict[str, list[str]] = {}
        for tag_value, ref in discriminator["mapping"].items():
            tags_of.setdefault(ref, []).append(tag_value)
        refs = list(tags_of)
        chain: JsonSchemaValue = {"$ref": refs[-1]}
        for ref in reversed(refs[:-1]):
            chain = {
                "if": {
                    "type": "object",
                    "properties": {tag: {"enum": tags_of[ref]}},
                    "required": [tag],
                },
                "then": {"$ref": ref},
                "else": chain,
            }
        return {"type": "object", **chain}


def schema_of(model: type[BaseModel], schema_id: str | None = None) -> dict[str, Any]:
    """``model``'s serialization schema (what its ``model_dump_json`` writes), with ``$id``."""
    schema = model.model_json_schema(mode="serialization", schema_generator=ApiSchema)
    head: dict[str, Any] = {"$schema": DRAFT}
    if schema_id is not None:
        head["$id"] = schema_id
    return {**head, **schema}


def export_schema(library: Library | None = None) -> str:
    """The schema of `~needling_facts.export.library_json.export_json`'s output.

    It is the same for every library; ``library`` is accepted so that every format is called
    alike.
    """
    del library
    return json.dumps(schema_of(LibraryExport), indent=2) + "\n"
