"""Short labels shared by the evidence renderers: a study's name, a number as printed."""

from __future__ import annotations

import re

from needling_facts.evidence.effects import PValue
from needling_facts.evidence.reference import Reference

__all__ = ["number", "p_text", "short_title", "study_label"]

_TITLE_WORDS = 6


def short_title(title: str) -> str:
    """A title as a name: the part before a colon, cut to a few words (``Microneedling in
    the treatment of atrophic scars``)."""
    head = re.split(r"[:.?]\s", " ".join(title.split()), maxsplit=1)[0].rstrip(".:?")
    words = head.split()
    if len(words) > _TITLE_WORDS:
        return " ".join(words[:_TITLE_WORDS]) + "\u2026"
    return head


def study_label(reference: Reference | None, key: str) -> str:
    """How readers name a study: ``Alam 2014``, ``Alam and Han 2014``, ``Alam et al. 2014``;
    for a work without authors its short title and year (``Microneedling in skin of color,
    2016``); a missing year is left out (never "None" or "n.d."). The key only when the
    bibliography does not know the study.

    Plain text: escape it where it goes into HTML.
    """
    if reference is None:
        return key
    name = reference.short_authors
    if name is None:
        if not reference.title:
            return key
        title = short_title(reference.title)
        return f"{title}, {reference.year}" if reference.year else title
    return f"{name} {reference.year}" if reference.year else name


def number(value: float) -> str:
    """A reported number as written (``0.42``, ``12``), with a true minus sign."""
    text = f"{value:g}"
    return text.replace("-", "\u2212", 1) if text.startswith("-") else text


def _decimal(value: float) -> str:
    """``0.00001`` rather than ``1e-05``: a p-value as a reader writes it."""
    if value >= 0.001 or value == 0:
        return f"{value:g}"
    digits = max(0, -int(f"{value:e}".split("e")[1]))
    return f"{value:.{digits + 1}f}".rstrip("0").rstrip(".")


def p_text(p: PValue) -> str:
    """``p = 0.03``, ``p < 0.001``, ``p < 0.00001``: as reported, without exponents; a tiny
    computed p (a pool's) is printed as ``p < 0.00001``, as Cochrane's tables do."""
    relation = {"<=": "\u2264", ">=": "\u2265"}.get(p.relation, p.relation)
    if p.relation == "=" and p.value < 0.00001:
        return "p < 0.00001"
    return f"p {relation} {_decimal(p.value)}"
