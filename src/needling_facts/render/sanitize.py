"""Safe HTML by construction: an allow-list sanitiser (nh3) for everything we render.

Claims and references arrive from strangers' pull requests and the handbook is a public site:
escaping each field stops raw HTML but not Markdown (``[x](javascript:...)``,
``{: onclick=... }``). So every page's HTML passes `clean_html` (tags, attributes and URL
schemes from an allow-list), and `needling_facts.sources.links` lets ``check`` report such
input at its line.
"""

from __future__ import annotations

import html
import json
import re
import secrets
from functools import cache
from typing import Any

from needling_facts.sources.links import SAFE_SCHEMES

__all__ = ["SAFE_SCHEMES", "clean_html"]

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


_CODE_OR_TAG = re.compile(r"(?is)<(code|pre|script)\b.*?</\1>|<[^>]*>")


def _inert_brackets(html: str) -> str:
    # Removing a tag can join "[" and "@" (``[</div>@``) into what reads as raw citation
    # syntax; outside code it becomes ``[&#64;``, which shows the same and cites nothing.
    if "[@" not in html and "[-@" not in html:
        return html
    pieces: list[str] = []
    position = 0
    for match in _CODE_OR_TAG.finditer(html):
        text = html[position : match.start()]
        pieces.append(text.replace("[@", "[&#64;").replace("[-@", "[-&#64;"))
        pieces.append(match.group(0))
        position = match.end()
    tail = html[position:]
    pieces.append(tail.replace("[@", "[&#64;").replace("[-@", "[-&#64;"))
    return "".join(pieces)


def clean_html(fragment: str) -> str:
    """``fragment`` with only allow-listed tags, attributes and URL schemes.

    JSON-LD blocks (``<script type="application/ld+json">``, search engines read them) are kept
    after being parsed and re-serialised: data, never code.
    """
    kept: list[str] = []
    # A fresh token per call: content cannot name the placeholder and draw a block to itself.
    token = secrets.token_hex(12)

    def keep(match: re.Match[str]) -> str:
        block = _json_ld(match.group("data"))
        if block is None:
            return ""
        kept.append(block)
        return f"nf-json-ld-{token}-{len(kept) - 1}-nf"

    cleaned = _inert_brackets(str(_cleaner().clean(_JSON_LD.sub(keep, fragment))))
    for index, block in enumerate(kept):
        cleaned = cleaned.replace(f"nf-json-ld-{token}-{index}-nf", block, 1)
    return cleaned
