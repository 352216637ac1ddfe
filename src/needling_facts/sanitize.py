"""Safe HTML by construction: an allow-list sanitiser (nh3) for everything we render, and a
check that finds unsafe links in content before it is rendered.

Claims and references arrive from strangers' pull requests and the handbook is a public site:
escaping each field stops raw HTML but not Markdown (``[x](javascript:...)``,
``{: onclick=... }``). So every page's HTML passes `clean_html` (tags, attributes and URL
schemes from an allow-list), and `unsafe_links` lets ``check`` report such input at its line.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

__all__ = ["SAFE_SCHEMES", "UnsafeLink", "clean_html", "unsafe_links", "unsafe_url"]

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
"""URL schemes a link may use; relative URLs (no scheme) are allowed too."""

_TEXT_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "details",
    "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
    "i", "img", "input", "ins", "kbd", "label", "li", "mark", "ol", "p", "pre", "q", "s",
    "samp", "small", "span",
    "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
    "u", "ul", "var",
}  # fmt: skip
_SVG_TAGS = {"svg", "g", "circle", "line", "rect", "path", "text", "tspan", "title", "desc"}
_ATTRIBUTES: dict[str, set[str]] = {
    "*": {"class", "id", "title", "lang", "dir", "role", "aria-label", "aria-labelledby",
          "aria-describedby", "aria-hidden"},
    "a": {"href", "rel", "hreflang"},
    "img": {"src", "alt", "width", "height", "loading"},
    # data-label: the column name a phone shows above each stacked cell (CSS attr()).
    "td": {"align", "colspan", "rowspan", "style", "data-label"},
    "th": {"align", "colspan", "rowspan", "scope", "style"},
    "ol": {"start", "type"},
    "li": {"value"},
    "details": {"open"},
    # Task lists and content tabs (pymdownx) are checkboxes and radio buttons with labels.
    "input": {"type", "checked", "disabled", "name"},
    "label": {"for"},
    "svg": {"viewBox", "width", "height", "xmlns", "focusable"},
    "circle": {"cx", "cy", "r", "fill", "fill-opacity", "stroke", "stroke-width"},
    "line": {"x1", "y1", "x2", "y2", "stroke", "stroke-opacity", "stroke-width",
             "stroke-dasharray"},
    "rect": {"x", "y", "width", "height", "fill", "stroke"},
    "path": {"d", "fill", "stroke"},
    "text": {"x", "y", "text-anchor", "dominant-baseline", "font-size"},
    "tspan": {"x", "y", "dx", "dy"},
}  # fmt: skip
_JSON_LD = re.compile(
    r'<script type="application/ld\+json">(?P<data>.*?)</script>', re.DOTALL | re.IGNORECASE
)
_STYLE_OK = re.compile(r"^\s*text-align:\s*(left|right|center)\s*;?\s*$")


def _attribute_filter(tag: str, name: str, value: str) -> str | None:
    # Tables' alignment (Python-Markdown writes style="text-align: ...") is the only style kept.
    if name == "style":
        return value if _STYLE_OK.match(value) else None
    return value


@cache
def _cleaner() -> Any:
    import nh3

    return nh3.Cleaner(
        tags=_TEXT_TAGS | _SVG_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=set(SAFE_SCHEMES),
        link_rel=None,
        strip_comments=True,
        attribute_filter=_attribute_filter,
    )


def _json_ld(data: str) -> str | None:
    """A JSON-LD block re-serialised from its data, so that it can hold no markup."""
    try:
        value = json.loads(html.unescape(data) if "&quot;" in data else data)
    except ValueError:
        return None
    text = json.dumps(value, ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/ld+json">{text}</script>'


def clean_html(fragment: str) -> str:
    """``fragment`` with only allow-listed tags, attributes and URL schemes.

    JSON-LD blocks (``<script type="application/ld+json">``, search engines read them) are kept
    after being parsed and re-serialised: data, never code.
    """
    kept: list[str] = []

    def keep(match: re.Match[str]) -> str:
        block = _json_ld(match.group("data"))
        if block is None:
            return ""
        kept.append(block)
        return f"nf-json-ld-{len(kept) - 1}-nf"

    cleaned = str(_cleaner().clean(_JSON_LD.sub(keep, fragment)))
    for index, block in enumerate(kept):
        cleaned = cleaned.replace(f"nf-json-ld-{index}-nf", block, 1)
    return cleaned


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


_MAYBE_UNSAFE = re.compile(r"\]\(|\]:|<|\{|=")
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
