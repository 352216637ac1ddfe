"""Enums whose values are hyphenated words, shown to readers as prose."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["WordEnum"]


class WordEnum(StrEnum):
    """A `StrEnum` whose ``label`` is its value with hyphens as spaces (``very-low``: very low)."""

    @property
    def label(self) -> str:
        return self.value.replace("-", " ")
