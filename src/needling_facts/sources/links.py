"""Unsafe links in Markdown text, found before anything is rendered, so ``check`` can report
them at their line (the sanitiser in `needling_facts.render.sanitize` removes them anyway).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from needling_facts.diagnostics import Severity, declare_code

__all__ = ["SAFE_SCHEMES", "UnsafeLink", "unsafe_links", "unsafe_url"]

CONTENT_UNSAFE_LINK = declare_code(
    "content.unsafe-link",
    Severity.ERROR,
    "A link with a scheme other than http, https or mailto (`javascript:`, `data:`...), or an "
    "attribute list setting an event handler or style, in a claim file or a bibliography "
    "field; the handbook would strip it, so it is an error at its line.",
    "finding: see [this](javascript:alert(1))",
)

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
"""URL schemes a link may use; relative URLs (no scheme) are allowed too."""

_INVISIBLE = re.compile(r"[\x00-\x20\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]+")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")


def unsafe_url(url: str) -> str | None:
    """The scheme of ``url`` if it is not allowed (``javascript``, ``data``...), else None.

    Entities and invisible characters are removed first, as browsers do (``java&#x09;script:``).
    """
    plain = _INVISIBLE.sub("", html.unescape(html.unescape(url)))
    match = _SCHEME.match(plain)
    if match is None:
        return None
    scheme = match.group(1).lower()
    return None if scheme in SAFE_SCHEMES else scheme


@dataclass(frozen=True, slots=True)
class UnsafeLink:
    """Something in Markdown text that would run script or load active content."""

    offset: int
    message: str


# Every pattern below needs one of these: a link "](" or "]:", a tag or autolink "<", or the "="
# of an on*= or style= attribute (a "{...}" list without "=" sets neither). BibTeX values are
# full of braces, so "{" alone must not send a field through the slow path.
_MAYBE_UNSAFE = re.compile(r"\]\(|\]:|<|=")
_INLINE_LINK = re.compile(r"\]\(\s*<?([^)>\s]*)")
_REFERENCE_DEFINITION = re.compile(r"^[ \t]{0,3}\[[^\]\n]+\]:[ \t]*<?(\S+)", re.MULTILINE)
_AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.-]*:[^<>\s]*)>")
_HTML_URL = re.compile(
    r"\b(?:href|src|action|formaction|xlink:href)\s*=\s*[\"']?([^\"'\s>]+)", re.I
)
_ATTR_LIST = re.compile(r"\{:?[^{}\n]*\}")
_EVENT = re.compile(r"(?:^|[\s{:])(on[a-z]+)\s*=", re.IGNORECASE)
_STYLE = re.compile(r"(?:^|[\s{:])style\s*=", re.IGNORECASE)


def unsafe_links(text: str) -> list[UnsafeLink]:
    """Links with a disallowed scheme and ``on*=``/``style=`` attribute lists in Markdown."""
    if not _MAYBE_UNSAFE.search(text):
        return []  # most fields: no link, tag or attribute list at all (checked at C speed)
    found: list[UnsafeLink] = []
    for pattern, kind in (
        (_INLINE_LINK, "link"),
        (_REFERENCE_DEFINITION, "link definition"),
        (_AUTOLINK, "autolink"),
        (_HTML_URL, "HTML attribute"),
    ):
        for match in pattern.finditer(text):
            scheme = unsafe_url(match.group(1))
            if scheme is not None:
                found.append(
                    UnsafeLink(
                        match.start(1),
                        f"{kind} with the {scheme}: scheme (only http, https, mailto and "
                        "relative links are allowed)",
                    )
                )
    for match in _ATTR_LIST.finditer(text):
        event = _EVENT.search(match.group(0))
        if event is not None:
            found.append(
                UnsafeLink(match.start(), f"attribute list sets the event handler {event.group(1)}")
            )
        elif _STYLE.search(match.group(0)):
            found.append(UnsafeLink(match.start(), "attribute list sets a style"))
    return sorted(found, key=lambda f: f.offset)
