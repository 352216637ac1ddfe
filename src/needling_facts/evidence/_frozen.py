"""The base of every record: immutable, strict about unknown fields and about numbers.

Claim files come from strangers' pull requests. YAML reads ``.inf``, ``.nan`` and ``true``
as a float and a boolean, and pydantic's lax mode would turn ``"inf"`` into infinity and
``true`` into 1; a page then prints "mean difference nan" or a forest plot overflows. So no
record accepts a non-finite number from any spelling, nor a boolean where a number belongs.
"""

from __future__ import annotations

import functools
import typing
from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator

from needling_facts.evidence.fields import drop_unexported

__all__ = ["Frozen"]


def _is_number(annotation: Any) -> bool:
    """Whether the field holds numbers (bool is an int subclass, but not a number here)."""
    if annotation in (int, float):
        return True
    return any(_is_number(arg) for arg in typing.get_args(annotation))


class Frozen(BaseModel):
    """A frozen pydantic model that rejects keys it does not declare (typos surface),
    non-finite numbers, and booleans given for numbers."""

    # The JSON Schema shows what the export carries: no field declared internal.
    model_config = ConfigDict(
        frozen=True, extra="forbid", allow_inf_nan=False, json_schema_extra=drop_unexported
    )

    @model_validator(mode="before")
    @classmethod
    def _booleans_stay_words(cls, data: Any) -> Any:
        # Lax mode reads true as 1. Handing the field the word the author wrote makes the
        # field's own validation refuse it, at the field's location ("valid number", 'true').
        # (A field validator cannot do this: pydantic forbids one on a discriminator field.)
        if not isinstance(data, dict):
            return data
        changed = {
            name: _as_words(data[name])
            for name in _number_fields(cls)
            if name in data and _holds_bool(data[name])
        }
        return {**data, **changed} if changed else data


@functools.cache
def _number_fields(model: type[BaseModel]) -> tuple[str, ...]:
    # Once per model, not per record: a 50 MB bibliography builds 65,000 References.
    return tuple(name for name, field in model.model_fields.items() if _is_number(field.annotation))


def _holds_bool(value: Any) -> bool:
    return isinstance(value, bool) or (
        isinstance(value, list | tuple) and any(isinstance(item, bool) for item in value)
    )


def _as_words(value: Any) -> Any:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list | tuple):
        return [_as_words(item) if isinstance(item, bool) else item for item in value]
    return value
