"""The summary-of-findings footnotes of a rated-up profile (no bundled claim is rated up)."""

from __future__ import annotations

import re

import needling_facts as nf
from needling_facts.evidence.grade import Upgrade
from needling_facts.render.sof import summary_of_findings
from tests.conftest import FIXTURES

EVIDENCE = FIXTURES / "evidence"


def test_an_upgrade_footnote_gives_its_reason_and_direction() -> None:
    lib = nf.load(bib=EVIDENCE / "references.bib", claims_dir=EVIDENCE / "claims")
    claim = lib.claim("acne-scars")
    assert claim.grade is not None
    grade = claim.grade.model_copy(
        update={"large_effect": Upgrade(levels=2, reason="Odds ratio above 5 in every trial")}
    )
    html = summary_of_findings(claim.model_copy(update={"grade": grade}), lib.references)
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert "Large effect (upgrade; rated up 2 levels): Odds ratio above 5 in every trial" in text
    assert "None" not in text
