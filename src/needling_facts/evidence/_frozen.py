"""The base of every record: immutable, and strict about unknown fields."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

__all__ = ["Frozen"]


class Frozen(BaseModel):
    """A frozen pydantic model that rejects keys it does not declare (typos surface)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
