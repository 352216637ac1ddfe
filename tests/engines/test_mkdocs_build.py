from __future__ import annotations

import json
import re
from importlib.metadata import entry_points
from pathlib import Path

import pytest

import needling_facts as nf
from needling_facts.render.evidence_map import SIZE_LEGEND, VERDICT_COLOURS
from tests.conftest import REPO
from tests.engines.site_builder import build, fixture_site

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    result = build(REPO / "mkdocs.yml", out)
    assert result.returncode == 0, result.stderr
    return out


def read(site: Path, page: str) -> str:
    return (site / page / "index.html").read_text(encoding="utf-8")


def test_plugin_is_registered_under_its_entry_point() -> None:
    names = {ep.name: ep.value for ep in entry_points(group="mkdocs.plugins")}
    assert names["needling-facts"] == "needling_facts.engines.mkdocs:NeedlingFactsPlugin"


def test_home_has_overview_and_evidence_map(site: Path) -> None:
    home = (site / "index.html").read_text(encoding="utf-8")
    lib = nf.load()
    for claim in lib.claims.values():
        assert f'href="claims/{claim.id}/"' in home
    assert home.count('class="nf-badge nf-certainty') == len(lib.claims)
    assert '<svg class="nf-evidence-map"' in home
    assert home.count("<circle") == len(lib.claims) + len(VERDICT_COLOURS) + len(SIZE_LEGEND)
    assert 'role="img"' not in home.split("nf-evidence-map", 1)[1].split("</svg>", 1)[0]


def test_every_claim_page_has_evidence_prose_and_numbered_references(site: Path) -> None:
    lib = nf.load()
    for claim in lib.claims.values():
        page = read(site, f"claims/{claim.id}")
        assert claim.title.split()[0] in page
        cited = re.findall(r'<li><span class="nf-anchor" id="cite-([^"]+)">', page)
        assert cited, claim.id
        assert set(cited) >= set(claim.cited_keys)
        numbers = [
            int(n) for n in re.findall(r'<a href="#cite-[^"]+" title="[^"]*">(\d+)</a>', page)
        ]
        assert numbers[0] == 1
        assert max(numbers) == len(cited)
        assert "[@" not in page, claim.id


def test_raw_citation_cases_from_the_issue_render(site: Path) -> None:
    keloid = read(site, "claims/keloid-scars")
    assert "(Abstract; keloid volume table)]</sup>" in keloid  # a locator holding ";"
    procedure = read(site, "claims/procedure-and-recovery")
    assert re.search(r'<a href="#cite-Alster2018"[^>]*>\d+</a>]</sup>: that is', procedure)


def test_unparsed_citation_fails_a_strict_build_with_its_place(tmp_path: Path) -> None:
    config = fixture_site(
        tmp_path, "good", "# Home\n\nFine [@Muller2020].\n\nBad [@Muller2020, a; b] here.\n"
    )
    result = build(config, tmp_path / "out")
    assert result.returncode == 1
    assert "index.md:5:5: cite.unparsed [@Muller2020, a; b]" in result.stderr
    html = build(config, tmp_path / "lax", strict=False)
    assert html.returncode == 0
    assert "[@" not in (tmp_path / "lax" / "index.html").read_text(encoding="utf-8")


def test_links_work_without_directory_urls(tmp_path: Path) -> None:
    config = fixture_site(tmp_path, "good", "# Home\n\nSee [@Muller2020].\n")
    config.write_text(config.read_text() + "use_directory_urls: false\n")
    result = build(config, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    claim = (tmp_path / "out" / "claims" / "acne-scars.html").read_text(encoding="utf-8")
    assert 'href="../outcomes/scars.html"' in claim
    assert 'href="../bibliography.html#ref-Fabbrocini2014"' in claim
    home = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert 'href="bibliography.html#ref-Muller2020"' in home


def test_bibliography_links_back_to_every_citing_page(site: Path) -> None:
    bibliography = read(site, "bibliography")
    lib = nf.load()
    for key, reference in lib.references.items():
        if not lib.citing_claims(key):
            assert f'id="ref-{key}"' not in bibliography, key  # only cited works are listed
            continue
        block = bibliography.split(f'id="ref-{key}"')[1].split('class="nf-ref"')[0]
        for claim in lib.citing_claims(key):
            assert f'href="../claims/{claim.id}/#cite-{key}"' in block, (key, claim.id)
        if reference.doi:
            assert f'href="https://doi.org/{reference.doi}"' in block
        if reference.pmid:
            assert f"https://pubmed.ncbi.nlm.nih.gov/{reference.pmid}/" in block
    assert "nf-backlinks" not in bibliography


def test_outcome_pages_diagnostics_and_search_index(site: Path) -> None:
    scars = read(site, "outcomes/scars")
    assert 'href="../../claims/keloid-scars/"' in scars
    diagnostics = read(site, "diagnostics")
    for code in nf.CODES:
        assert f'id="{code}"' in diagnostics
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert any(doc["location"].startswith("claims/keloid-scars/") for doc in index["docs"])


def test_generated_pages_are_virtual(site: Path) -> None:
    # The build served the generated pages from memory: they are in the site, not in docs/.
    assert (site / "claims" / "acne-scars" / "index.html").is_file()
    assert (site / "bibliography" / "index.html").is_file()
    assert not (REPO / "docs" / "claims").exists()
    assert not (REPO / "docs" / "bibliography.md").exists()


def test_unknown_key_fails_a_strict_build_naming_page_and_key(tmp_path: Path) -> None:
    config = fixture_site(
        tmp_path,
        "good",
        "# Home\n\nKnown [@Muller2020], unknown [@Nope2020].\n\nCode `[@Nope2021]`.\n",
    )
    result = build(config, tmp_path / "out")
    assert result.returncode == 1
    assert "index.md:3: cite.unknown-key unknown citation key 'Nope2020'" in result.stderr
    assert "Nope2021" not in result.stderr


def test_invalid_claims_fail_a_strict_build(tmp_path: Path) -> None:
    config = fixture_site(tmp_path, "grade-errors")
    result = build(config, tmp_path / "out")
    assert result.returncode == 1
    assert "high-no-rct.md:11:1: claim.certainty-unsupported" in result.stderr
    assert build(config, tmp_path / "lax", strict=False).returncode == 0


def test_strings_from_sources_are_shown_as_text(tmp_path: Path) -> None:
    config = fixture_site(tmp_path, "xss", "# Home\n\nSee [@Xss2020].\n")
    result = build(config, tmp_path / "out", strict=False)
    assert result.returncode == 0, result.stderr
    for page in ("claims/evil-claim", "bibliography", ""):
        html = (tmp_path / "out" / page / "index.html").read_text(encoding="utf-8")
        assert "<script>alert" not in html
        assert "<img src=x" not in html
    claim = (tmp_path / "out" / "claims" / "evil-claim" / "index.html").read_text(encoding="utf-8")
    assert "Prose with &lt;script&gt;alert('body')&lt;/script&gt;" in claim
    # pandoc's citeproc prints the title's straight quotes as the style's curly ones.
    assert (
        "Hacker H. &lt;script&gt;alert(<span>“bib”</span>)&lt;/script&gt; and &lt;b&gt;bold"
        in claim
    )


def test_plugin_config_is_validated(tmp_path: Path) -> None:
    config = fixture_site(tmp_path, "good")
    text = config.read_text().replace("claims_dir:", "style: no-such-style\n      claims_dir:")
    config.write_text(text)
    result = build(config, tmp_path / "out")
    assert result.returncode == 1
    assert "unknown CSL style 'no-such-style'" in result.stderr


def test_plugin_can_be_disabled(tmp_path: Path) -> None:
    config = fixture_site(tmp_path, "good")
    config.write_text(
        config.read_text().replace("claims_dir:", "enabled: false\n      claims_dir:")
    )
    result = build(config, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "out" / "bibliography").exists()


def test_generated_files_are_marked_as_generated() -> None:
    from mkdocs.config import load_config
    from mkdocs.structure.files import get_files

    config = load_config(str(REPO / "mkdocs.yml"))
    config = config.plugins.on_config(config)
    files = config.plugins.on_files(get_files(config), config=config)
    generated = {f.src_uri: f.generated_by for f in files if f.generated_by}
    assert generated["claims/acne-scars.md"] == "needling-facts"
    assert generated["bibliography.md"] == "needling-facts"
    method = files.get_file_from_path("method.md")
    assert method is not None
    assert method.generated_by is None


def test_overview_links_work_from_a_page_in_a_subfolder(tmp_path: Path) -> None:
    config = fixture_site(tmp_path, "good")
    nested = tmp_path / "docs" / "about" / "overview.md"
    nested.parent.mkdir()
    nested.write_text("# Overview\n\n<!-- needling-facts:overview -->\n")
    result = build(config, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "out" / "about" / "overview" / "index.html").read_text()
    assert 'href="../../claims/acne-scars/"' in page


HOSTILE_HREF = re.compile(r"""(?:href|src)\s*=\s*["']?\s*(?:javascript|data|vbscript):""", re.I)
EVENT_ATTRIBUTE = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)


def test_hostile_links_are_reported_and_never_reach_the_site(tmp_path: Path) -> None:
    config = fixture_site(
        tmp_path, "hostile-links", "# Home\n\n[x](javascript:alert(13)) [@Evil2020]\n"
    )
    strict = build(config, tmp_path / "strict")
    assert strict.returncode == 1
    assert "evil-links.md:3:34: content.unsafe-link" in strict.stderr
    assert "references.bib:6:1: content.unsafe-link" in strict.stderr
    result = build(config, tmp_path / "out", strict=False)
    assert result.returncode == 0, result.stderr
    pages = list((tmp_path / "out").rglob("*.html"))
    assert len(pages) >= 4
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert not HOSTILE_HREF.search(html), page
        article = html.split("<article", 1)[-1].split("</article>", 1)[0]
        assert not EVENT_ATTRIBUTE.search(article), page
    claim = (tmp_path / "out" / "claims" / "evil-links" / "index.html").read_text()
    assert "A paragraph with a handler." in claim  # the text stays, the handler goes


ADMONITION_PAGE = """# Home

!!! note "Why it matters"

    After a blank line [@Muller2020].

    A second paragraph [@Fabbrocini2014, p. 3].

        code [@Muller2020]

X [see [@Muller2020]] and [@Fabbrocini2014, see also @Muller2020].
"""


def test_citations_in_admonitions_and_nested_ones_resolve_in_a_real_build(
    tmp_path: Path,
) -> None:
    result = build(fixture_site(tmp_path, "good", ADMONITION_PAGE), tmp_path / "out")
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    admonition = html.split('<div class="admonition note">')[1].split("</div>")[0]
    assert admonition.count('<sup class="nf-cite">') == 2
    assert "<pre><code>code [@Muller2020]" in admonition  # real code stays as written
    outside_code = re.sub(r"<pre>.*?</pre>", "", html, flags=re.DOTALL)
    assert "[@" not in outside_code
    assert "@Muller2020" not in outside_code
    assert '[see <sup class="nf-cite">' in html
    assert "(see also Müller and Álvarez [" in html
    assert re.findall(r'<li><span class="nf-anchor" id="cite-([^"]+)">', html) == [
        "Muller2020",
        "Fabbrocini2014",
    ]


def test_unknown_key_in_an_admonition_fails_a_strict_build_with_its_place(
    tmp_path: Path,
) -> None:
    page = "# Home\n\n!!! note\n\n    Fine [@Muller2020].\n\n    Unknown [@Nope2020].\n"
    result = build(fixture_site(tmp_path, "good", page), tmp_path / "out")
    assert result.returncode == 1
    assert "index.md:7: cite.unknown-key unknown citation key 'Nope2020'" in result.stderr
