"""Short labels shared by the evidence renderers: a study's name, a number as printed."""

from __future__ import annotations

from ..models import Reference

__all__ = ["number", "study_label"]


def study_label(reference: Reference | None, key: str) -> str:
    """``Alam 2014``, ``Alam and Han 2014`` or ``Alam et al. 2014``; the key when unknown.

    Plain text: escape it where it goes into HTML.
    """
    if reference is None or not reference.authors:
        return key
    authors = reference.authors
    name = authors[0].family
    if len(authors) == 2:
        name += f" and {authors[1].family}"
    elif len(authors) > 2:
        name += " et al."
    return f"{name} {reference.year}" if reference.year else name


def number(value: float) -> str:
    """A reported number as written (``0.42``, ``12``), with a true minus sign."""
    text = f"{value:g}"
    return text.replace("-", "\u2212", 1) if text.startswith("-") else text
