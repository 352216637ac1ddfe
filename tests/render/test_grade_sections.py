"""The summary-of-findings, forest-plot and risk-of-bias renderers, on their output strings."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import needling_facts as nf
from needling_facts.evidence.effects import Measure
from needling_facts.evidence.risk_of_bias import BiasLevel
from needling_facts.render import claim_page
from needling_facts.render.forest import ForestRow, forest_plot, forest_svg
from needling_facts.render.rob import reference_risk_of_bias, risk_of_bias_table
from needling_facts.render.sof import certainty_symbols, summary_of_findings
from tests.conftest import FIXTURES

EVIDENCE = FIXTURES / "evidence"


@pytest.fixture(scope="module")
def lib() -> nf.Library:
    return nf.load(bib=EVIDENCE / "references.bib", claims_dir=EVIDENCE / "claims")


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_summary_of_findings_shows_effects_totals_certainty_and_footnotes(
    lib: nf.Library,
) -> None:
    claim = lib.claim("acne-scars")
    html = summary_of_findings(claim, lib.references)
    text = _text(html)
    assert "mean difference \u22121.2 (95% CI \u22121.9 to \u22120.5); p &lt; 0.001" in text
    assert "odds ratio 2.5 (95% CI 1.1 to 5.7)" in text
    assert "Second 2021 : p = 0.03" in text
    assert "325 (2 studies)" in text
    assert "Trial 2020, Second 2021 counted once, within the review" in text
    assert certainty_symbols(claim.certainty) == "\u2295\u2295\u25ef\u25ef"
    assert "\u2295\u2295\u25ef\u25ef Low" in text
    # One footnote per downgrade, each with its reason and linked from the certainty cell.
    notes = re.findall(r'<li id="(sof-acne-scars-[a-z])"', html)
    assert notes == ["sof-acne-scars-a", "sof-acne-scars-b"]
    for anchor in notes:
        assert f'href="#{anchor}"' in html
    assert "Risk of bias (serious; rated down 1 level): Allocation concealment" in text
    assert "Imprecision (serious; rated down 1 level): Fewer than 400" in text
    # The lead statement is the page's own; the summary does not repeat it.
    assert claim.statement not in text
    assert "GRADE judged from the abstract; start high." in text
    assert "<table" in html
    assert 'data-label="Participants (studies)"' in html


def test_summary_without_a_profile_says_so_and_escapes_everything() -> None:
    xss = nf.load(bib=FIXTURES / "xss" / "references.bib", claims_dir=FIXTURES / "xss" / "claims")
    claim = xss.claim("evil-claim")
    html = summary_of_findings(claim, xss.references)
    assert "<script>" not in html
    assert "<img" not in html
    assert "&lt;script&gt;alert(&#x27;reason&#x27;)&lt;/script&gt;" in html
    bare = claim.model_copy(update={"grade": None})
    assert "No GRADE profile recorded" in summary_of_findings(bare, xss.references)
    assert "No effect estimate recorded" in summary_of_findings(bare, xss.references)


def test_forest_plot_is_valid_svg_with_one_panel_per_measure(lib: nf.Library) -> None:
    html = forest_plot(lib.claim("acne-scars"), lib.references)
    svgs = re.findall(r"<svg.*?</svg>", html, flags=re.S)
    assert len(svgs) == 4  # SMD, MD, OR, proportion; the p-value-only effect is not drawn
    for svg in svgs:
        root = ET.fromstring(svg)
        assert root.get("viewBox", "").startswith("0 0 360 ")
        assert root.get("role") == "img"
        assert "<script" not in svg
    odds = next(s for s in svgs if "odds ratio" in s)
    assert "odds ratio (log scale)" in odds
    assert re.findall(r'class="nf-forest-tick">([^<]+)<', odds)[:3] == ["1", "2", "5"]
    assert "2.5 [1.1, 5.7]" in odds
    assert "\u22121.2 [\u22121.9, \u22120.5]" in html


def test_forest_plot_draws_nothing_without_a_confidence_interval() -> None:
    good = nf.load(
        bib=FIXTURES / "good" / "references.bib", claims_dir=FIXTURES / "good" / "claims"
    )
    assert forest_plot(good.claim("acne-scars"), good.references) == ""


def _x(svg: str, pattern: str) -> float:
    match = re.search(pattern, svg)
    assert match is not None, pattern
    return float(match.group(1))


def test_ratio_panels_use_a_log_scale() -> None:
    rows = [ForestRow("A", 1.0, 0.1, 10.0), ForestRow("B", 10.0, 1.0, 100.0)]
    svg = forest_svg(Measure.RISK_RATIO, rows, "t", "t")
    lows = [
        float(x)
        for x in re.findall(
            r'<line x1="([\d.]+)" y1="\d+" x2="[\d.]+" y2="\d+" '
            r'stroke="currentColor" stroke-width="2"',
            svg,
        )
    ]
    highs = [
        float(x)
        for x in re.findall(
            r'x2="([\d.]+)" y2="\d+" stroke="currentColor" '
            r'stroke-width="2"',
            svg,
        )
    ]
    # 0.1 -> 1 -> 10 -> 100 are equal steps on a log axis.
    step = highs[0] - lows[1]
    assert lows[1] - lows[0] == pytest.approx(step, abs=0.2)
    assert highs[1] - highs[0] == pytest.approx(step, abs=0.2)
    null = _x(svg, r'class="nf-forest-null" x1="([\d.]+)"')
    assert null == pytest.approx(lows[1], abs=0.1)  # the no-effect line sits at 1


def test_risk_of_bias_table_prints_every_judgement_as_a_word(lib: nf.Library) -> None:
    html = risk_of_bias_table(lib.claim("acne-scars"), lib.references)
    chips = re.findall(r'<span class="nf-rob nf-rob-([a-z-]+)"[^>]*>([^<]+)</span>', html)
    assert chips == [
        ("some-concerns", "some concerns"),
        ("low", "low risk"),
        ("low", "low risk"),
        ("high", "high risk"),
        ("low", "low risk"),
        ("high", "high risk"),
        ("some-concerns", "moderate confidence"),
    ]
    assert {level for level, _ in chips} <= {level.value for level in BiasLevel}
    assert 'href="../../bibliography/#rob-Trial2020"' in html
    assert "Second 2021: Only the abstract was available" in _text(html)
    assert "<caption>Risk of bias (RoB 2)</caption>" in html
    assert "<caption>Risk of bias (AMSTAR 2)</caption>" in html


def test_a_reference_shows_its_judgements_once(lib: nf.Library, tmp_path: Path) -> None:
    claims = tmp_path / "claims"
    shutil.copytree(EVIDENCE / "claims", claims)
    text = (claims / "acne-scars.md").read_text(encoding="utf-8")
    (claims / "acne-scars-again.md").write_text(
        text.replace("title: Needling for", "title: Again, needling for"), encoding="utf-8"
    )
    twice = nf.load(bib=EVIDENCE / "references.bib", claims_dir=claims)
    html = reference_risk_of_bias(twice, "Trial2020")
    assert html.count("Assessor not blinded to side.") == 1
    assert html.count('id="rob-Trial2020"') == 1
    assert 'href="../claims/acne-scars/"' in html
    assert 'href="../claims/acne-scars-again/"' in html
    assert reference_risk_of_bias(twice, "Series2019") == ""
    assert "not assessed (Only the abstract" in reference_risk_of_bias(twice, "Trial2021")


def test_claim_page_places_the_sections(lib: nf.Library) -> None:
    page = claim_page(lib.claim("acne-scars"), lib.references)
    order = [
        page.index(heading)
        for heading in (
            "## Summary of findings",
            "## Effect estimates",
            "## Evidence",
            "## Risk of bias",
            "## What the studies show",
        )
    ]
    assert order == sorted(order)
    good = nf.load(
        bib=FIXTURES / "good" / "references.bib", claims_dir=FIXTURES / "good" / "claims"
    )
    plain = claim_page(good.claim("acne-scars"), good.references)
    assert "## Summary of findings" in plain
    assert "## Effect estimates" not in plain
    assert "## Risk of bias" not in plain


def test_long_labels_wrap_onto_two_lines_and_keep_the_full_text_in_the_tooltip() -> None:
    label = "Study 2020 \u00b7 " + " ".join(["quantitative global scarring grade"] * 4)
    svg = forest_svg(Measure.MEAN_DIFFERENCE, [ForestRow(label, 1.0, 0.5, 1.5)], "t", "t")
    lines = re.findall(r'class="nf-forest-label">([^<]+)<', svg)
    assert len(lines) == 2
    assert all(len(line) <= 53 for line in lines)
    assert lines[1].endswith("\u2026")
    assert f"<title>{label}: 1 [0.5, 1.5] </title>" in svg
    short = forest_svg(Measure.MEAN_DIFFERENCE, [ForestRow("A", 1.0, 0.5, 1.5)], "t", "t")
    taller = int(svg.split('viewBox="0 0 360 ')[1].split('"')[0])
    assert taller == int(short.split('viewBox="0 0 360 ')[1].split('"')[0]) + 15
