"""Where the generated pages live inside the docs folder (source paths, not URLs)."""

from __future__ import annotations

from needling_facts.evidence.vocabulary import Outcome

__all__ = ["claim_path", "outcome_path"]


def claim_path(claim_id: str) -> str:
    """``claims/<id>.md``: the claim's page."""
    return f"claims/{claim_id}.md"


def outcome_path(outcome: Outcome) -> str:
    """``outcomes/<outcome>.md``: the page listing the claims about one outcome."""
    return f"outcomes/{outcome.value}.md"
