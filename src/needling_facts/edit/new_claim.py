"""``needling-facts new-claim``: a commented claim skeleton that ``check`` guides you through.

The skeleton is generated from the models' field declarations (see
`needling_facts.evidence.fields`): every field a contributor writes, in declaration order,
with its description as a comment and every value it accepts, so it cannot fall behind them.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import textwrap
import typing
from collections.abc import Iterator

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from needling_facts.evidence.claim import AnyClaim, Claim
from needling_facts.evidence.fields import Spec, Written, choices, declared_fields, nested_model
from needling_facts.evidence.vocabulary import CLAIM_ID_PATTERN

__all__ = ["new_claim_text"]

_HEADER = """\
---
# Claim file: YAML front matter (the typed fields), then the handbook prose.
# The file name is the claim's id. Fill in every field, then run `needling-facts check`:
# it reports each field still missing or invalid. Grading rules: docs/method.md.
# A commented-out "# key:" applies only to some claims or studies: uncomment it where it does.
"""

_WIDTH = 96


def new_claim_text(claim_id: str, today: str) -> str:
    """The skeleton of claim ``claim_id``, reviewed ``today`` (an ISO date)."""
    if not re.match(CLAIM_ID_PATTERN, claim_id):
        raise ValueError(
            f"{claim_id!r} is not a valid claim id: use lowercase letters, digits and hyphens"
        )
    skeleton = _Skeleton(today)
    skeleton.model(Claim, indent=0, comment_at=None)
    return _HEADER + "\n".join(skeleton.text()) + "\n---\n\n" + _prose() + "\n"


def _prose() -> str:
    """What goes after the front matter: the description of the field written as prose."""
    return "\n".join(
        info.description or ""
        for _, info, spec in declared_fields(Claim)
        if spec.written is Written.PROSE
    )


def _variants() -> tuple[str, dict[str, list[tuple[str, FieldInfo, str]]]]:
    """The field that picks a claim's kind, and the fields each kind adds (with a note
    saying which kind), e.g. ``scar_types``: only for outcome: scars."""
    union, marker = typing.get_args(AnyClaim)
    key = str(marker.discriminator)
    added: dict[str, list[tuple[str, FieldInfo, str]]] = {key: []}
    for variant in typing.get_args(union):
        values = " | ".join(choices(variant.model_fields[key].annotation))
        for name, info in variant.model_fields.items():
            if name not in Claim.model_fields:
                added[key].append((name, info, f"Only for {key}: {values}."))
    return key, added


class _Skeleton:
    """Writes the YAML lines of a model's fields, recursing into the models they hold."""

    def __init__(self, today: str) -> None:
        self.today = today
        self._lines: list[tuple[str, str]] = []
        """(key, comment) of each line."""
        self._described: set[tuple[type[BaseModel], str]] = set()
        _, self._added = _variants()

    def model(
        self, model: type[BaseModel], indent: int, comment_at: int | None, bullet: bool = False
    ) -> None:
        """The fields of ``model``, their keys at column ``indent``; for a list item
        (``bullet``) the first key follows a ``- ``. ``comment_at``: the column of the ``#``
        that comments these lines out, if they are."""
        for name, info, spec in declared_fields(model):
            if spec.written in {Written.DERIVED, Written.PROSE}:
                continue
            self.field(model, name, info, spec, indent, comment_at, bullet=bullet)
            bullet = False
            if model is Claim:
                for added, added_info, note in self._added.get(name, ()):
                    added_spec = Spec(written=Written.COMMENTED)
                    self.field(model, added, added_info, added_spec, indent, comment_at, note)

    def field(
        self,
        owner: type[BaseModel],
        name: str,
        info: FieldInfo,
        spec: Spec,
        indent: int,
        comment_at: int | None,
        note: str = "",
        *,
        bullet: bool = False,
    ) -> None:
        if comment_at is None and spec.written is Written.COMMENTED:
            comment_at = indent
        inner, many = nested_model(info.annotation)
        key = (" " * (indent - 2) + "- " if bullet else " " * indent) + f"{name}:"
        value = self._placeholder(info, inner)
        if value:
            key += f" {value}"
        self._write(key, self._comment(owner, name, info, spec, note), comment_at)
        if inner is not None:
            self.model(inner, indent + (4 if many else 2), comment_at, bullet=many)

    def _placeholder(self, info: FieldInfo, inner: type[BaseModel] | None) -> str:
        if inner is not None:
            return ""
        annotation = info.annotation
        if annotation is dt.date:
            return self.today
        default = info.get_default()
        if isinstance(default, enum.Enum):
            return str(default.value)
        if isinstance(default, int | float | str) and default != "":
            return str(default)
        if typing.get_origin(annotation) is tuple and typing.get_args(annotation)[-1] is ...:
            return "[]"
        return ""

    def _comment(
        self, owner: type[BaseModel], name: str, info: FieldInfo, spec: Spec, note: str
    ) -> str:
        # A model used several times (five GRADE domains) is described the first time only.
        if owner is not Claim and (owner, name) in self._described:
            return note
        self._described.add((owner, name))
        parts = [info.description or ""]
        values = choices(info.annotation)
        if values:
            many = typing.get_origin(info.annotation) is tuple
            parts.append(("Any of: " if many else "One of: ") + " | ".join(values) + ".")
        if not info.is_required() and spec.written is Written.BLANK:
            parts.append("(optional)")
        if note:
            parts.append(note)
        return " ".join(part for part in parts if part)

    def _write(self, key: str, comment: str, comment_at: int | None) -> None:
        if comment_at is not None:
            key = key[:comment_at] + "# " + key[comment_at:]
        self._lines.append((key, comment))

    def text(self) -> Iterator[str]:
        """The lines written, every comment starting in the same column."""
        column = max(len(key) for key, _ in self._lines) + 1
        for key, comment in self._lines:
            if not comment:
                yield key
                continue
            for index, chunk in enumerate(
                textwrap.wrap(comment, _WIDTH - column - 2, break_on_hyphens=False)
            ):
                yield (key if index == 0 else "").ljust(column) + "# " + chunk
