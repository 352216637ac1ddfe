"""schema.org JSON-LD for claims and references: ``ClaimReview`` and ``ScholarlyArticle``.

A module of its own so that the page renderers and the exports both import it downward.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from needling_facts.evidence.claim import Claim
from needling_facts.evidence.reference import Reference
from needling_facts.evidence.vocabulary import Verdict
from needling_facts.library import Library

__all__ = ["SOURCE_ARTICLE", "claim_jsonld", "export_jsonld", "reference_jsonld", "script_tag"]

SOURCE_ARTICLE = "What is Microneedling and How Does it Improve Your Skin?"
"""The popular article whose claims the library reviews."""

_RATING = {
    Verdict.SUPPORTED: 4,
    Verdict.PARTLY_SUPPORTED: 3,
    Verdict.NOT_SUPPORTED: 2,
    Verdict.CONTRADICTED: 1,
}
_PUBLISHER = {"@type": "Organization", "name": "needling-facts"}


def _reference_id(reference: Reference) -> str:
    return reference.doi_url or f"urn:needling-facts:reference:{reference.key}"


def reference_jsonld(reference: Reference) -> dict[str, Any]:
    node: dict[str, Any] = {
        "@type": "ScholarlyArticle",
        "@id": _reference_id(reference),
        "identifier": reference.key,
    }
    if reference.title:
        node["name"] = reference.title
    if reference.authors:
        node["author"] = [
            {"@type": "Person", "familyName": p.family, "givenName": p.given, "name": str(p)}
            for p in reference.authors
        ]
    if reference.journal:
        node["isPartOf"] = {"@type": "Periodical", "name": reference.journal}
    if reference.year:
        node["datePublished"] = str(reference.year)
    same_as = [url for url in (reference.pubmed_url, reference.pmc_url, reference.url) if url]
    if same_as:
        node["sameAs"] = same_as
    return node


def claim_jsonld(claim: Claim, references: Mapping[str, Reference]) -> dict[str, Any]:
    """A schema.org ``ClaimReview`` of the article's wording, citing the studies; for a claim
    the article does not make, a plain schema.org ``Claim`` (there is no wording to rate)."""
    citations = [reference_jsonld(references[k]) for k in claim.cited_keys if k in references]
    if not claim.in_article:
        return {
            "@type": "Claim",
            "@id": f"urn:needling-facts:claim:{claim.id}",
            "name": claim.title,
            "text": claim.statement,
            "dateModified": claim.last_reviewed.isoformat(),
            "author": _PUBLISHER,
            "citation": citations,
        }
    return {
        "@type": "ClaimReview",
        "@id": f"urn:needling-facts:claim:{claim.id}",
        "name": claim.title,
        "claimReviewed": claim.article_wording,
        "reviewBody": claim.statement,
        "datePublished": claim.last_reviewed.isoformat(),
        "author": _PUBLISHER,
        "itemReviewed": {
            "@type": "Claim",
            "text": claim.article_wording,
            "appearance": {"@type": "CreativeWork", "name": SOURCE_ARTICLE},
        },
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": _RATING[claim.verdict],
            "bestRating": 4,
            "worstRating": 1,
            "alternateName": claim.verdict.label,
            "ratingExplanation": _rating_explanation(claim),
        },
        "citation": citations,
    }


def _rating_explanation(claim: Claim) -> str:
    text = f"Certainty of the evidence: {claim.certainty.label}"
    main = claim.main_comparison
    if main is not None:
        # GRADE's overall certainty: the lowest of the main comparison's critical outcomes.
        rows = "; ".join(
            f"{row.outcome}: {row.grade.certainty.label} ({row.grade.compute().explanation})"
            for row in main.critical
        )
        text += f" (GRADE, {main.title}, critical outcomes: {rows})"
    elif claim.grade is not None:
        text += f" (GRADE: {claim.grade.compute().explanation})"
    return text + "."


def script_tag(data: dict[str, Any]) -> str:
    """JSON-LD for a page's ``<head>`` or body; safe against ``</script>`` in the data."""
    text = json.dumps({"@context": "https://schema.org", **data}, ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/ld+json">{text}</script>'


def export_jsonld(library: Library) -> str:
    """``needling-facts export --format jsonld``: every claim and reference in one graph."""
    graph = [claim_jsonld(c, library.references) for c in library.claims.values()]
    graph += [reference_jsonld(r) for r in library.references.values()]
    document = {"@context": "https://schema.org", "@graph": graph}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
