"""The claim page's evidence table: one row per study, one column per field that `Evidence`
declares for display, in declaration order.

An HTML table (not a Markdown one), so every cell carries ``data-label``, the label the phone
layout prints before the cell when it stacks a row. Citations stay ``[@key]`` inside it: the
citation renderer runs on the page's text before any Markdown or HTML is parsed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from needling_facts.evidence.claim import Claim
from needling_facts.evidence.fields import plain_text, shown_fields
from needling_facts.evidence.item import Evidence
from needling_facts.evidence.reference import Reference
from needling_facts.render.labels import study_label
from needling_facts.render.markup import esc
from needling_facts.sources.citation_syntax import parse_key

__all__ = ["citation", "evidence_table"]

_Cell = Callable[[Evidence, Mapping[str, Reference]], str]


def citation(key: str, locator: str | None = None) -> str:
    """``[@key, locator]`` in pandoc syntax, with the locator escaped so that any text (a ``;``,
    brackets, an ``@``) stays part of it, and a key outside the simple syntax braced."""
    shown = key if parse_key(key, 0, len(key)) == (key, len(key)) else "{" + key + "}"
    text = ""
    if locator:
        words = " ".join(locator.split())
        text = ", " + re.sub(r"([\\\[\];@`])", r"\\\1", words)
    return f"[@{shown}{text}]"


def _study(item: Evidence, references: Mapping[str, Reference]) -> str:
    name = esc(" ".join(study_label(references.get(item.ref), item.ref).split()))
    return f"{name} {citation(item.ref, item.locator)}"


def _stance(item: Evidence, _references: Mapping[str, Reference]) -> str:
    return f'<span class="nf-stance nf-stance-{item.stance.value}">{item.stance.value}</span>'


_CELLS: dict[str, _Cell] = {"ref": _study, "stance": _stance}
"""Fields drawn as more than their text: the study cell holds the citation (with the item's
locator), the stance is coloured. Every other shown field is its plain text."""


def _plain(name: str) -> _Cell:
    def draw(item: Evidence, _references: Mapping[str, Reference]) -> str:
        text = plain_text(getattr(item, name))
        return esc(" ".join(text.split())) if text else "&ndash;"

    return draw


def evidence_table(claim: Claim, references: Mapping[str, Reference]) -> str:
    """The table of ``claim``'s evidence items (HTML; citations as ``[@key]``); "" when the
    claim cites no study."""
    if not claim.evidence:
        return ""
    columns = [
        (spec.label or name, _CELLS.get(name) or _plain(name), _numeric(name))
        for name, spec in shown_fields(Evidence)
    ]
    head = "".join(
        f'<th scope="col"{_RIGHT if numeric else ""}>{esc(label)}</th>'
        for label, _, numeric in columns
    )
    rows = []
    for item in claim.evidence:
        cells = "".join(
            f'<td data-label="{esc(label)}"{_RIGHT if numeric else ""}>'
            f"{draw(item, references)}</td>"
            for label, draw, numeric in columns
        )
        rows.append(f"<tr>{cells}</tr>")
    return "\n".join(
        [
            "<table>",
            f"<thead><tr>{head}</tr></thead>",
            "<tbody>",
            *rows,
            "</tbody>",
            "</table>",
        ]
    )


_RIGHT = ' class="nf-number"'
"""Counts line up on the right, as in the Markdown table this replaced (a rule in
``handbook.css``: renderers write no inline style)."""


def _numeric(name: str) -> bool:
    annotation = Evidence.model_fields[name].annotation
    return annotation in (int, float, int | None, float | None)
