"""One declaration per model field: what it means and where it goes (issue 17).

Each field of a claim's models says, once, beside its type::

    design: Annotated[StudyDesign, Spec(label="Design")] = Field(
        description="What kind of study it is."
    )

- pydantic's ``description`` says what it means: the ``new-claim`` skeleton writes it as a
  comment, and the export's JSON Schema carries it;
- the `Spec` says where it goes: the label readers see it under (the claim page's tables,
  ``show``), how the skeleton offers it to a contributor, whether the export carries it.

The skeleton, ``show``, the claim page and the export read these declarations, so a new field
is declared in one place; a test fails when a field has none. Pure: no I/O, no rendering.
"""

from __future__ import annotations

import datetime as dt
import enum
import types
import typing
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel
from pydantic.fields import FieldInfo

__all__ = [
    "INTERNAL",
    "Spec",
    "Written",
    "WrittenAsScalar",
    "choices",
    "declared_fields",
    "drop_unexported",
    "export_exclude",
    "is_declared",
    "nested_model",
    "plain_text",
    "shown_fields",
    "shown_values",
    "spec_of",
]


class Written(enum.StrEnum):
    """How the ``new-claim`` skeleton offers a field to a contributor."""

    BLANK = "blank"
    """A key left empty to fill in; ``check`` reports it while a required one is empty."""
    COMMENTED = "commented"
    """A commented-out key, for fields that apply only to some claims or studies."""
    PROSE = "prose"
    """Not a key: the Markdown after the front matter."""
    DERIVED = "derived"
    """Not written: the loader fills it in (the file name, where the file was read)."""


@dataclass(frozen=True, slots=True)
class Spec:
    """Where one field goes. Put it in the field's ``Annotated`` metadata."""

    label: str | None = None
    """Readers see the field under this label, in declaration order: a column of the claim
    page's evidence table, a row of its "Population and protocol" table, a line of ``show``.
    None: not shown there (a renderer may still place it by hand, as it does the title)."""
    unit: str = ""
    """Printed after the value where it is shown (``weeks``, ``mm``)."""
    written: Written = Written.BLANK
    exported: bool = True
    """Whether the JSON export (and ``show --json``) carries the field."""


INTERNAL = Spec(written=Written.DERIVED, exported=False)
"""A field that is neither written by contributors, nor shown, nor exported."""


class WrittenAsScalar:
    """Marks a model that a claim file writes as one scalar (``3-6``, ``"<0.001"``): the
    skeleton leaves one value to fill in rather than listing the model's own fields."""


_NO_SPEC = Spec()


def spec_of(info: FieldInfo) -> Spec:
    """The field's declared `Spec`; an undeclared field is written and exported, not shown
    (and fails the test that every field is declared)."""
    return next((m for m in info.metadata if isinstance(m, Spec)), _NO_SPEC)


def is_declared(info: FieldInfo) -> bool:
    """Whether the field carries a `Spec` and a description."""
    return bool(info.description) and any(isinstance(m, Spec) for m in info.metadata)


def declared_fields(model: type[BaseModel]) -> Iterator[tuple[str, FieldInfo, Spec]]:
    """Every field of ``model`` in declaration order, with its info and its `Spec`."""
    for name, info in model.model_fields.items():
        yield name, info, spec_of(info)


def shown_fields(model: type[BaseModel]) -> tuple[tuple[str, Spec], ...]:
    """The fields readers see under a label, in declaration order."""
    return tuple((name, spec) for name, _, spec in declared_fields(model) if spec.label)


def _args(annotation: Any) -> tuple[Any, ...]:
    """The type arguments, through ``Annotated`` and ``X | None``."""
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return _args(typing.get_args(annotation)[0])
    return typing.get_args(annotation)


def _strip(annotation: Any) -> Any:
    """``X`` from ``Annotated[X, ...]`` and from ``X | None``."""
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return _strip(typing.get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        members = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(members) == 1:
            return _strip(members[0])
    return annotation


def nested_model(annotation: Any) -> tuple[type[BaseModel] | None, bool]:
    """The model a field holds (through ``| None``), and whether it holds a tuple of them;
    ``(None, False)`` for a scalar field or a model written as a scalar."""
    bare = _strip(annotation)
    many = typing.get_origin(bare) is tuple
    if many:
        bare = _strip(typing.get_args(bare)[0])
    if isinstance(bare, type) and issubclass(bare, BaseModel):
        if issubclass(bare, WrittenAsScalar):
            return None, False
        return bare, many
    return None, False


def choices(annotation: Any) -> tuple[str, ...]:
    """The values a field accepts, when they are a fixed set (an enum, a ``Literal``, or a
    tuple of either); ``()`` otherwise."""
    bare = _strip(annotation)
    if typing.get_origin(bare) is tuple:
        bare = _strip(typing.get_args(bare)[0])
    if typing.get_origin(bare) is Literal:
        return tuple(str(v.value if isinstance(v, enum.Enum) else v) for v in _args(bare))
    if isinstance(bare, type) and issubclass(bare, enum.Enum):
        return tuple(str(member.value) for member in bare)
    return ()


def plain_text(value: object) -> str | None:
    """A field's value as readers see it, as plain text (escape it for HTML); None when the
    field is empty."""
    if value is None or (isinstance(value, str | tuple | list) and not value):
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, enum.Enum):
        label = getattr(value, "label", None)
        return label if isinstance(label, str) else str(value.value)
    if isinstance(value, tuple | list):
        parts = [plain_text(v) for v in value]
        return ", ".join(p for p in parts if p)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def shown_values(record: BaseModel, skip: Collection[str] = ()) -> list[tuple[str, str]]:
    """(label, text) of each labelled field of ``record`` that has a value, in declaration
    order, the unit appended; a nested record's labelled fields in its place (a claim's
    ``protocol``: sessions, interval, needle depth). ``skip``: fields a caller shows itself."""
    rows: list[tuple[str, str]] = []
    for name, _, spec in declared_fields(type(record)):
        if name in skip:
            continue
        value = getattr(record, name)
        if spec.label:
            text = plain_text(value)
            if text:
                rows.append((spec.label, f"{text} {spec.unit}" if spec.unit else text))
        elif isinstance(value, BaseModel) and not isinstance(value, WrittenAsScalar):
            rows += shown_values(value)
    return rows


def export_exclude(model: type[BaseModel]) -> dict[str, Any]:
    """pydantic's ``exclude`` argument that leaves out every field declared not exported,
    at any depth."""
    exclude: dict[str, Any] = {}
    for name, info, spec in declared_fields(model):
        if not spec.exported:
            exclude[name] = True
            continue
        inner, many = nested_model(info.annotation)
        if inner is None:
            continue
        nested = export_exclude(inner)
        if nested:
            exclude[name] = {"__all__": nested} if many else nested
    return exclude


def drop_unexported(schema: dict[str, Any], model: type[Any]) -> None:
    """Leave the fields declared not exported out of ``model``'s JSON Schema, as the export
    leaves them out of the data (pydantic's ``json_schema_extra`` hook)."""
    properties = schema.get("properties", {})
    for name, _, spec in declared_fields(model):
        if not spec.exported:
            properties.pop(name, None)
            if name in schema.get("required", ()):
                schema["required"].remove(name)
