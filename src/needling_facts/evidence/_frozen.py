"""The base of every record: immutable, and strict about unknown fields."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from needling_facts.evidence.fields import drop_unexported

__all__ = ["Frozen"]


class Frozen(BaseModel):
    """A frozen pydantic model that rejects keys it does not declare (typos surface)."""

    # The JSON Schema shows what the export carries: no field declared internal.
    model_config = ConfigDict(frozen=True, extra="forbid", json_schema_extra=drop_unexported)
