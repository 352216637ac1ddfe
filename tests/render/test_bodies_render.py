"""The reader's side of bodies of evidence, on the fixture claims with comparisons."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET

import pytest

import needling_facts as nf
from needling_facts.evidence.effects import PValue
from needling_facts.evidence.reference import Person, Reference
from needling_facts.render.evidence_map import evidence_map_svg
from needling_facts.render.forest import row_forest_plots
from needling_facts.render.grade_profile import grade_profiles
from needling_facts.render.labels import p_text, study_label
from needling_facts.render.pages import bottom_line, claim_page, overview_table
from needling_facts.render.sanitize import clean_html
from needling_facts.render.sof import context_estimates, summary_of_findings
from tests.conftest import FIXTURES

BODIES = FIXTURES / "bodies"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def lib() -> nf.Library:
    return nf.load(bib=BODIES / "references.bib", claims_dir=BODIES / "claims")


def _text(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def _tables(html: str) -> list[str]:
    return re.findall(r'<table class="nf-sof-table">.*?</table>', html, flags=re.S)


def test_one_summary_table_per_comparison_with_the_seven_elements(lib: nf.Library) -> None:
    claim = lib.claim("hair-loss")
    html = summary_of_findings(claim, lib.references)
    tables = _tables(html)
    assert len(tables) == 2
    titles = re.findall(r'<p class="nf-sof-title"><strong>([^<]+)</strong>', html)
    assert titles == [
        "Microneedling plus minoxidil compared with minoxidil alone",
        "Microneedling compared with baseline (before treatment)",
    ]
    # One row per outcome, each with the seven elements.
    assert [t.count("<tr>") - 1 for t in tables] == [2, 1]
    labels = re.findall(r'<td data-label="([^"]+)">', tables[0])[:7]
    assert labels == [
        "Outcome",
        "Effect estimate (CI)",
        "Absolute effect",
        "Participants (studies)",
        "Certainty (GRADE)",
        "What happens",
        "Comments",
    ]
    text = _text(html)
    # Where each best estimate comes from.
    assert "Mean difference 10.1 (95% CI 5.37 to 14.8); p < 0.0001" in text
    assert "pooled here: random effects, I² = 0%, 2 studies (Hair and Follicle 2019, " in text
    assert (
        "Risk ratio 2.1 (95% CI 1.4 to 3.2) pooled by the cited meta-analysis Meta et al." in text
    )
    assert "2 study estimates that cannot be pooled: different measures" in text
    assert "no estimate: " not in text.lower()  # said once, in the cell
    # Absolute effect from the ratio and the comparator's risk.
    assert (
        "300 per 1,000 with minoxidil alone; 630 per 1,000 (420 to 960) with microneedling "
        "plus minoxidil: 330 more per 1,000" in text
    )
    # Participants (studies) per row, from row_totals; overlap said, never denied.
    assert "98 (2 studies)" in text
    assert "440 (2 studies) overlap unresolved: Meta et al. 2023 does not list" in text
    assert "each study counted once" not in text
    # Certainty with a footnote per downgrade, letters running through the table.
    assert "⊕⊕◯◯ Low a , b" in text
    assert "⊕⊕⊕◯ Moderate c" in text
    for anchor in re.findall(r'href="#(sof-[^"]+)"', html):
        assert f'id="{anchor}"' in html
    assert "Adding microneedling may increase hair counts." in text
    assert "The review does not list the trials it pooled." in text
    # Never the claim's lead statement, never a context estimate.
    assert claim.statement not in text
    assert "DLQI" not in text
    assert "e-0" not in text


def test_context_estimates_are_listed_apart_under_their_heading(lib: nf.Library) -> None:
    claim = lib.claim("hair-loss")
    listed = _text(context_estimates(claim, lib.references))
    assert listed == (
        "Hair and Follicle 2019 : p = 0.04 (quality of life (DLQI); needling plus minoxidil vs "
        "minoxidil alone)"
    )
    page = claim_page(claim, lib.references)
    heading = page.index("### Context (not in the summary)")
    assert page.index("## Summary of findings") < heading < page.index("## Effect estimates")
    assert "DLQI" not in "".join(_tables(page))
    acne = lib.claim("acne-scars")  # the case series' proportion belongs to no row
    assert "Series 2019 : proportion 0.8" in _text(context_estimates(acne, lib.references))


def _figures(html: str) -> list[tuple[ET.Element, str]]:
    found = re.findall(r"(<svg.*?</svg>)\s*<figcaption>(.*?)</figcaption>", html, flags=re.S)
    return [(ET.fromstring(svg), caption) for svg, caption in found]


def _favours(svg: ET.Element) -> dict[str, float]:
    """Each favours label's text (arrow removed) and the x where it sits."""
    found: dict[str, float] = {}
    for text in svg.iter(f"{SVG}text"):
        if text.get("class") == "nf-forest-favours":
            found[(text.text or "").strip("←→ ")] = float(text.get("x", "nan"))
    return found


def _null_x(svg: ET.Element) -> float:
    xs = {
        line.get("x1") for line in svg.iter(f"{SVG}line") if line.get("class") == "nf-forest-null"
    }
    assert len(xs) == 1
    return float(xs.pop() or "nan")


def test_forest_plots_one_measure_per_axis_with_favours_on_the_right_side(
    lib: nf.Library,
) -> None:
    figures = _figures(row_forest_plots(lib.claim("hair-loss"), lib.references))
    axes = [next(t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "nf-forest-axis")
            for svg, _ in figures]  # fmt: skip
    assert axes == [
        "mean difference",
        "risk ratio (log scale)",
        "mean difference",
        "percent change from baseline",
    ]
    for svg, _caption in figures:
        favours = _favours(svg)
        # Higher values favour the intervention here: it is on the right of no effect.
        right = next(x for label, x in favours.items() if "microneedling" in label)
        left = next(x for label, x in favours.items() if "microneedling" not in label)
        assert left < _null_x(svg) < right
    # The pooled estimate and the cited meta-analysis are diamonds; the review is drawn once.
    diamonds = [len(list(svg.iter(f"{SVG}path"))) for svg, _ in figures]
    assert diamonds == [1, 1, 0, 0]
    ratio = ET.tostring(figures[1][0], encoding="unicode")
    assert ratio.count("Meta et al. 2023") == 2  # its row label and its tooltip, no square
    assert "plotted separately" in figures[2][1]
    assert "percent change" in figures[2][1]


def test_favours_follow_the_estimates_convention_when_lower_is_better(lib: nf.Library) -> None:
    figures = _figures(row_forest_plots(lib.claim("acne-scars"), lib.references))
    by_axis = {
        next(t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "nf-forest-axis"): svg
        for svg, _ in figures
    }
    # A fall in scar score (-1.2) favours needling: needling is on the left there.
    fall = _favours(by_axis["mean difference"])
    assert fall["favours microneedling"] < _null_x(by_axis["mean difference"])
    assert fall["favours no treatment"] > _null_x(by_axis["mean difference"])
    rise = _favours(by_axis["standardised mean difference"])
    assert rise["favours microneedling"] > _null_x(by_axis["standardised mean difference"])
    # The p-value-only row and the context proportion are never drawn.
    assert "proportion" not in by_axis


def test_forest_plots_survive_the_sanitiser(lib: nf.Library) -> None:
    html = row_forest_plots(lib.claim("hair-loss"), lib.references)
    cleaned = clean_html(html)
    assert cleaned.count("nf-forest-diamond") == 2
    assert cleaned.count("nf-forest-favours") == html.count("nf-forest-favours") == 8
    sof = summary_of_findings(lib.claim("hair-loss"), lib.references)
    assert _text(clean_html(sof)) == _text(sof)


def test_grade_profile_per_row_and_the_overall_rule(lib: nf.Library) -> None:
    claim = lib.claim("hair-loss")
    html = grade_profiles(claim)
    assert html.count('<table class="nf-grade-table">') == 3
    text = _text(html)
    assert "Imprecision serious (down 1 level) Two small trials, 100 participants in all." in text
    assert "Inconsistency no concern Both trials favour adding needling." in text
    assert "Judged from the abstract; start high, -1 risk of bias (serious)" in text
    page = claim_page(claim, lib.references)
    assert (
        "the lowest of the critical outcomes of microneedling plus minoxidil compared with "
        "minoxidil alone: Hair count (hairs per cm²), low." in _text(page)
    )
    legacy = nf.load(bib=FIXTURES / "evidence" / "references.bib",
                     claims_dir=FIXTURES / "evidence" / "claims")  # fmt: skip
    assert grade_profiles(legacy.claim("acne-scars")) == ""
    assert "## GRADE profiles" not in claim_page(legacy.claim("acne-scars"), legacy.references)


def test_claim_page_overview_and_map_count_the_same_studies(lib: nf.Library) -> None:
    overview = overview_table(lib)
    svg = evidence_map_svg(lib, lambda claim_id: claim_id)
    for claim in lib.filter():
        totals = claim.totals
        row = next(line for line in overview.splitlines() if claim.title in line)
        assert row.rstrip(" |").rsplit("| ", 1)[1] == str(totals.studies)
        tip = re.search(rf"<title>{re.escape(claim.title)}: ([^<]+)</title>", svg)
        assert tip is not None
        assert tip.group(1).endswith(totals.describe())
        page = _text(claim_page(claim, lib.references))
        assert f"{totals.participants} ({totals.studies} studies)" in page
    # The case series is context there: cited, but not counted as evidence for a row.
    acne = lib.claim("acne-scars")
    assert acne.totals.studies == 2 < len(acne.cited_keys) == 4


def test_bottom_line_counts_claims_by_certainty_and_verdict(lib: nf.Library) -> None:
    table = bottom_line(lib.filter())
    assert "The bottom line across 2 claims" in table
    assert "| Verdict | High | Moderate | Low | Very low | All |" in table
    partly = next(line for line in table.splitlines() if "nf-verdict-partly-supported" in line)
    cells = [c.strip() for c in partly.strip("|").split("|")]
    assert cells[1:] == ["&ndash;", "&ndash;", "2", "&ndash;", "2"]
    assert "| All | 0 | 0 | 2 | 0 | 2 |" in table
    assert bottom_line([]) == ""


def test_study_labels_read_as_readers_name_studies() -> None:
    def ref(**fields: object) -> Reference:
        return Reference.model_validate({"key": "IntWoundJ2021", "entry_type": "article", **fields})

    untitled = ref(
        title="Microneedling in the treatment of atrophic scars: A systematic review", year=2021
    )
    assert (
        study_label(untitled, "IntWoundJ2021")
        == "Microneedling in the treatment of atrophic…, 2021"
    )
    assert study_label(ref(title="Microneedling in skin of color"), "K") == (
        "Microneedling in skin of color"
    )
    authors = ref(authors=[Person(family="Mehran")], more_authors=True)
    assert study_label(authors, "Mehran") == "Mehran et al."
    assert (
        study_label(ref(authors=[Person(family="Kumar")], year=2018), "Kumar2018") == "Kumar 2018"
    )
    assert study_label(None, "Unknown2020") == "Unknown2020"


@pytest.mark.parametrize(
    ("reported", "printed"),
    [
        ("<0.00001", "p < 0.00001"),
        ("<1e-05", "p < 0.00001"),
        ("<0.001", "p < 0.001"),
        (0.03, "p = 0.03"),
        (0.00012, "p = 0.00012"),
        (1e-9, "p < 0.00001"),
        ("<=0.05", "p ≤ 0.05"),
    ],
)
def test_p_values_print_without_exponents(reported: object, printed: str) -> None:
    text = p_text(PValue.model_validate(reported))
    assert text == printed
    assert "e-" not in text
