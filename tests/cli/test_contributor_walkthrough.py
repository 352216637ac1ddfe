"""A newcomer follows CONTRIBUTING / "Adding a citation" on a copy of the repository."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from needling_facts.cli.commands import main
from tests.conftest import REPO, only_known_warnings
from tests.engines.site_builder import build

pytestmark = pytest.mark.slow

# Synthetic test data (reserved-looking DOI prefix, made-up journal): never cited in content.
PUBMED_EXPORT = """\
@Article{Newcomer2025,
  Author = {Newcomer, Nina and Tester, Tom},
  Title = "Needling in a test tube",
  Journal = {J Test Med},
  Year = 2025,
  Volume = 1,
  Pages = {1-9},
  DOI = {10.99999/test.2025.1},
  PMID = {99000001},
}
"""


def cli(cwd: Path, monkeypatch: pytest.MonkeyPatch, *argv: str) -> tuple[int, str]:
    monkeypatch.chdir(cwd)
    out = io.StringIO()
    return main(list(argv), stdout=out), out.getvalue()


def test_from_pubmed_record_to_cited_claim_in_the_built_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = tmp_path / "needling-facts"
    repo.mkdir()
    for name in ("references.bib", "mkdocs.yml"):
        shutil.copy(REPO / name, repo / name)
    shutil.copytree(REPO / "docs", repo / "docs")
    shutil.copytree(
        REPO / "src" / "needling_facts" / "data" / "claims",
        repo / "src" / "needling_facts" / "data" / "claims",
    )

    # Step 2-3: save the record, add it.
    (repo / "new.bib").write_text(PUBMED_EXPORT)
    code, out = cli(repo, monkeypatch, "add", "new.bib")
    assert code == 0, out
    assert "Newcomer2025" in (repo / "references.bib").read_text()
    code, out = cli(repo, monkeypatch, "add", "new.bib")
    assert code == 1  # adding it twice is refused
    assert "already used by entry 'Newcomer2025'" in capsys.readouterr().err

    # Step 4: a claim skeleton, filled in.
    code, out = cli(repo, monkeypatch, "new-claim", "needling-test-tubes")
    assert code == 0, out
    path = repo / "src" / "needling_facts" / "data" / "claims" / "needling-test-tubes.md"
    assert cli(repo, monkeypatch, "check")[0] == 1  # the empty skeleton does not pass
    path.write_text(
        """\
---
title: Needling in test tubes
statement: It is very uncertain whether needling changes cytokines; one laboratory study reported it.
outcome: mechanism
article_wording: "Cytokines are essential for healthy skin."
certainty: very-low
verdict: partly-supported
comparisons:
  - id: needling-vs-untreated-cells
    intervention: needled cells
    comparator: untreated cells
    main: true
    outcomes:
      - id: growth-factors
        outcome: Growth factors released by the cells
        importance: critical
        studies: [Newcomer2025]
        certainty: very-low
        statement: The evidence is very uncertain whether needling releases growth factors.
        grade:
          judged_from: abstract
          starting_level: low
          risk_of_bias: {concern: none, reason: "Not judged beyond the abstract."}
          inconsistency: {concern: none, reason: "A single study."}
          indirectness: {concern: very-serious, reason: "Cells in a test tube, not people."}
          imprecision: {concern: none, reason: "Not judged beyond the abstract."}
          publication_bias: {concern: none, reason: "Not judged beyond the abstract."}
evidence:
  - ref: Newcomer2025
    design: in-vitro
    finding: The synthetic study found what the test needs.
    stance: supports
    locator: Abstract
last_reviewed: 2026-11-24
---

A laboratory study is the only evidence [@Newcomer2025].
"""
    )
    code, out = cli(repo, monkeypatch, "check")
    assert code == 0, out
    *problems, summary = out.splitlines()
    assert ": 0 errors," in summary
    assert only_known_warnings(problems)
    assert cli(repo, monkeypatch, "fmt", "--check")[0] == 0

    # Step 5: the built site shows both.
    result = build(repo / "mkdocs.yml", tmp_path / "site")
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "site" / "claims" / "needling-test-tubes" / "index.html").read_text()
    assert "Needling in test tubes" in page
    assert 'id="cite-Newcomer2025"' in page
    bibliography = (tmp_path / "site" / "bibliography" / "index.html").read_text()
    assert 'id="ref-Newcomer2025"' in bibliography
    assert 'href="../claims/needling-test-tubes/#cite-Newcomer2025"' in bibliography
    assert 'href="https://doi.org/10.99999/test.2025.1"' in bibliography
