"""Pure renderers: library in, Markdown/HTML strings out. No MkDocs import here."""

from needling_facts.render.citations import CitedPage, render_citations
from needling_facts.render.evidence_map import evidence_map_svg
from needling_facts.render.pages import (
    bibliography_page,
    bottom_line,
    claim_page,
    claim_path,
    claims_index_page,
    diagnostics_table,
    outcome_page,
    outcome_path,
    overview_table,
)

__all__ = [
    "CitedPage",
    "bibliography_page",
    "bottom_line",
    "claim_page",
    "claim_path",
    "claims_index_page",
    "diagnostics_table",
    "evidence_map_svg",
    "outcome_page",
    "outcome_path",
    "overview_table",
    "render_citations",
]
