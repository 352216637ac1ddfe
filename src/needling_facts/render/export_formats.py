"""The table of export formats, from the registry, for the handbook (and kept in the README)."""

from __future__ import annotations

from needling_facts.export.registry import FORMATS
from needling_facts.render.markup import cell

__all__ = ["export_formats_table"]


def export_formats_table() -> str:
    """One row per registered format: its name, what it holds, media type and extension."""
    rows = ["| Format | What it holds | Media type | Extension |", "|---|---|---|---|"]
    rows += [
        f"| `{cell(f.name)}` | {cell(f.description)} | `{cell(f.media_type)}` "
        f"| `{cell(f.extension)}` |"
        for f in FORMATS.values()
    ]
    return "\n".join(rows) + "\n"
