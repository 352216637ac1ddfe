"""The handbook on Zensical, from the README's instructions: pages first, then a strict build
with every validation of zensical.toml on."""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

import needling_facts as nf
from tests.conftest import REPO
from tests.engines.test_engines_agree import EXTERNAL_FONT

pytestmark = pytest.mark.slow

ZENSICAL = Path(sys.executable).parent / "zensical"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("zensical")
    shutil.copy(REPO / "zensical.toml", root / "zensical.toml")
    shutil.copy(REPO / "references.bib", root / "references.bib")
    overrides = Path("src/needling_facts/engines/overrides")  # zensical.toml's custom_dir
    shutil.copytree(REPO / overrides, root / overrides)
    claims = REPO / "src" / "needling_facts" / "data" / "claims"
    run = [sys.executable, "-m", "needling_facts"]
    check = subprocess.run(
        [*run, "check", "--claims", str(claims), "--docs", str(REPO / "docs")],
        cwd=root, capture_output=True, text=True,
    )  # fmt: skip
    assert check.returncode == 0, check.stdout
    pages = subprocess.run(
        [*run, "pages", "--claims", str(claims), "--docs", str(REPO / "docs"),
         "--out", "build/docs", "--nav-from", "zensical.toml"],
        cwd=root, capture_output=True, text=True,
    )  # fmt: skip
    assert pages.returncode == 0, pages.stdout + pages.stderr
    built = subprocess.run(
        [str(ZENSICAL), "build", "-f", "zensical.toml", "--strict"],
        cwd=root, capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"},
    )  # fmt: skip
    assert built.returncode == 0, built.stdout + built.stderr
    # --strict fails on any warning; say so in the output too (0 warnings, not just a pass).
    assert "No issues found" in built.stdout + built.stderr
    assert "Warning" not in built.stdout + built.stderr
    return root / "site"


def test_zensical_toml_turns_every_validation_on_and_matches_mkdocs_nav() -> None:
    config = tomllib.loads((REPO / "zensical.toml").read_text(encoding="utf-8"))["project"]
    assert config["validation"] == dict.fromkeys(
        ["invalid_links", "invalid_link_anchors", "unresolved_references",
         "unresolved_footnotes", "unused_definitions", "unused_footnotes",
         "shadowed_definitions", "shadowed_footnotes"], True,
    )  # fmt: skip
    mkdocs = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["nav"] == mkdocs["nav"]
    assert config["theme"]["font"] is False


def test_nav_groups_claims_by_outcome_and_no_web_font_is_fetched(site: Path) -> None:
    nav = (site / "404.html").read_text(encoding="utf-8").split("md-nav--primary", 1)[1]
    labels = [" ".join(x.split()) for x in re.findall(r'md-ellipsis">([^<]+)<', nav)]
    lib = nf.load()
    assert labels[:3] == ["Home", "Claims", "All claims"]
    for outcome in {claim.outcome for claim in lib.claims.values()}:
        at = labels.index(outcome.label)
        assert labels[at + 1] == outcome.label  # the section, then its outcome page
    assert labels.index("Bibliography") < labels.index("About")
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert EXTERNAL_FONT.search(text) is None, page


def read(site: Path, page: str) -> str:
    return (site / page / "index.html").read_text(encoding="utf-8")


def test_claim_pages_have_resolved_numbered_citations(site: Path) -> None:
    lib = nf.load()
    for claim in lib.claims.values():
        page = read(site, f"claims/{claim.id}")
        assert "[@" not in page, claim.id
        cited = re.findall(r'<span class="nf-anchor" id="cite-([^"]+)">', page)
        assert set(cited) >= set(claim.cited_keys), claim.id
        assert '<sup class="nf-cite">' in page
        assert 'href="../../outcomes/' in page


def test_claim_pages_carry_highwire_tags_in_head_and_coins_in_the_bibliography(
    site: Path,
) -> None:
    lib = nf.load()
    for claim in lib.claims.values():
        head = read(site, f"claims/{claim.id}").split("</head>", 1)[0]
        tags = dict(re.findall(r'<meta name="(citation_[a-z_]+)" content="([^"]*)">', head))
        assert html.unescape(tags["citation_title"]) == claim.title, claim.id
        assert tags["citation_publisher"] == "needling-facts"
    bibliography = read(site, "bibliography")
    # The site's bibliography lists the cited references (records may wait for a claim).
    cited = [key for key in lib.references if lib.citing_claims(key)]
    assert bibliography.count('<span class="Z3988" title="ctx_ver=Z39.88-2004&amp;') == len(cited)


def test_bibliography_and_back_links(site: Path) -> None:
    bibliography = read(site, "bibliography")
    lib = nf.load()
    for key in lib.references:
        if not lib.citing_claims(key):
            assert f'id="ref-{key}"' not in bibliography, key  # only cited works are listed
            continue
        block = bibliography.split(f'id="ref-{key}"')[1].split('class="nf-ref"')[0]
        for claim in lib.citing_claims(key):
            assert f'href="../claims/{claim.id}/#cite-{key}"' in block, (key, claim.id)
    keloid = read(site, "claims/keloid-scars")
    assert 'href="../../bibliography/#ref-Tan2019"' in keloid


def test_home_page_markers_are_filled(site: Path) -> None:
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "needling-facts:overview" not in home
    assert 'href="claims/acne-scars/"' in home
    assert '<svg class="nf-evidence-map"' in home
