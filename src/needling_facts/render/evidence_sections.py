"""The evidence-as-data sections of a claim page, composed from the pure renderers.

Kept apart from `pages` so a claim page needs only two calls to show them.
"""

from __future__ import annotations

from collections.abc import Mapping

from needling_facts.evidence.claim import Claim
from needling_facts.evidence.reference import Reference
from needling_facts.render.forest import forest_plot
from needling_facts.render.rob import risk_of_bias_table
from needling_facts.render.sof import summary_of_findings

__all__ = ["claim_detail_sections", "claim_summary_section"]


def claim_summary_section(claim: Claim, references: Mapping[str, Reference]) -> list[str]:
    """Markdown lines: the summary-of-findings table (goes before the evidence table)."""
    return ["## Summary of findings", "", summary_of_findings(claim, references), ""]


def claim_detail_sections(claim: Claim, references: Mapping[str, Reference]) -> list[str]:
    """Markdown lines: forest plots and the risk-of-bias table (after the evidence table),
    each only when there is something to draw."""
    lines: list[str] = []
    forest = forest_plot(claim, references)
    if forest:
        lines += ["", "## Effect estimates", "", forest, ""]
    rob = risk_of_bias_table(claim, references)
    if rob:
        lines += ["", "## Risk of bias", "", rob, ""]
    return lines
