"""The HTML comments that mark places in a page for needling-facts to fill or leave alone.

Declared once here: the renderers write them, the site builder and the engines look for them,
and ``needling-facts pages`` writes pages that another version's extension may read, so the
spelling (``<!-- needling-facts:NAME -->``) is part of the published format.
"""

from __future__ import annotations

__all__ = ["MARKER_PREFIX", "RAW_END", "RAW_START", "has_markers", "marker"]

_NAMESPACE = "needling-facts:"
MARKER_PREFIX = f"<!-- {_NAMESPACE}"
"""What every marker starts with: a page without it holds none."""


def marker(name: str, *, end: bool = False) -> str:
    """``<!-- needling-facts:NAME -->``, or with ``end`` the ``<!-- /needling-facts:NAME -->``
    that closes a marked span."""
    return f"<!-- {'/' if end else ''}{_NAMESPACE}{name} -->"


def has_markers(markdown: str) -> bool:
    """Whether ``markdown`` holds any marker (a cheap test before looking for each one)."""
    return MARKER_PREFIX in markdown


RAW_START = marker("raw-html")
RAW_END = marker("raw-html", end=True)
"""Around HTML that the citations extension hands to the page as it is, without parsing it."""
