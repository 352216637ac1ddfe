"""Short labels shared by the evidence renderers: a study's name, a number as printed."""

from __future__ import annotations

from needling_facts.evidence.reference import Reference

__all__ = ["number", "study_label"]


def study_label(reference: Reference | None, key: str) -> str:
    """``Alam 2014``, ``Alam and Han 2014`` or ``Alam et al. 2014``; the key when unknown.

    Plain text: escape it where it goes into HTML.
    """
    name = reference.short_authors if reference is not None else None
    if reference is None or name is None:
        return key
    return f"{name} {reference.year}" if reference.year else name


def number(value: float) -> str:
    """A reported number as written (``0.42``, ``12``), with a true minus sign."""
    text = f"{value:g}"
    return text.replace("-", "\u2212", 1) if text.startswith("-") else text
