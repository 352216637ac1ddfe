"""One fixture site, three engines: MkDocs with our plugin, MkDocs 1.6 with a plain mkdocs.yml
over `needling-facts pages` output (no plugin, no extension), and Zensical over the same
pages. The built HTML is parsed and compared: the claim pages, each citation's numbers and
links, each page's reference list, the bibliography's entries and its back-links. An unknown
citation key fails every one of them with one located message.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import subprocess
import sys
import textwrap
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from tests.conftest import FIXTURES, cache_home
from tests.engines.site_builder import build, small_site

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
GOOD = FIXTURES / "good"
BIB, CLAIMS = GOOD / "references.bib", GOOD / "claims"
INDEX = textwrap.dedent(
    """\
    # Home

    Two trials [@Muller2020; @Fabbrocini2014], and @Muller2020 again [see @Muller2020, p. 3].

    ## Notes

    More in [the method](method.md).
    """
)
METHOD = "# Method\n\nHow we grade [@Fabbrocini2014].\n"
NAV = [{"Home": "index.md"}, {"About": [{"Method": "method.md"}]}]
CLAIM_PAGES = ("claims/acne-scars", "claims/collagen")
PAGES = ("", "method", *CLAIM_PAGES)
EXTERNAL_FONT = re.compile(
    r"fonts\.googleapis|fonts\.gstatic|https?://[^\"')]*\.(?:woff2?|ttf|otf)"
)
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}  # fmt: skip


@dataclass
class Link:
    href: str
    text: str
    within: frozenset[str]
    """Classes of the elements the link sits in (nf-cite, nf-references, nf-cited-by)."""


@dataclass
class Page:
    """What the comparison reads from one built page."""

    title: str = ""
    links: list[Link] = field(default_factory=list)
    anchors: list[str] = field(default_factory=list)
    """ids of the reference-list entries (cite-*) and bibliography entries (ref-*), in order."""
    entries: dict[str, str] = field(default_factory=dict)
    """Bibliography entry id -> its text."""


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.stack: list[tuple[str, set[str], dict[str, str]]] = []
        self.text: list[str] = []
        self.link: dict[str, str] | None = None
        self.entry: str | None = None
        self.in_h1 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        classes = set(attributes.get("class", "").split())
        if tag == "h1":
            self.in_h1, self.text = True, []
        if tag == "a" and "href" in attributes:
            self.link, self.text = attributes, []
        ident = attributes.get("id", "")
        if ("nf-anchor" in classes and ident.startswith("cite-")) or "nf-ref" in classes:
            self.page.anchors.append(ident)
        if "nf-ref" in classes:
            self.entry, self.text = ident, []
        if tag not in VOID:
            self.stack.append((tag, classes, attributes))

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.link is not None:
            within = frozenset(c for _, classes, _ in self.stack for c in classes)
            self.page.links.append(Link(self.link["href"], "".join(self.text).strip(), within))
            self.link = None
        if tag == "h1" and self.in_h1:
            self.page.title = " ".join("".join(self.text).replace("¶", "").split())
            self.in_h1 = False
        if tag == "p" and self.entry is not None:
            self.page.entries[self.entry] = " ".join("".join(self.text).split())
            self.entry = None
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def read(site: Path, page: str) -> Page:
    reader = _Reader()
    reader.feed((site / page / "index.html").read_text(encoding="utf-8"))
    return reader.page


def resolved(page: str, href: str) -> str:
    """A link as the site path it reaches, from the page at URL ``page/``."""
    if href.startswith(("http:", "https:", "#")):
        return href
    target, _, fragment = href.partition("#")
    base = f"/{page}/" if page else "/"
    path = posixpath.normpath(posixpath.join(base, target)) if target else base.rstrip("/")
    path = path.removesuffix("/index.html").rstrip("/") or "/"
    return f"{path}#{fragment}" if fragment else path


@dataclass
class Citations:
    title: str
    numbers: list[tuple[str, str]]
    """Each citation number shown in the text, with its link."""
    references: list[str]
    """The page's reference list, in order (its anchors)."""
    to_bibliography: list[str]
    """Where each entry of the list links into the bibliography."""


def citations(site: Path, page: str) -> Citations:
    """A page's citations as engine-independent data."""
    read_page = read(site, page)
    in_text = [(link.text, link.href) for link in read_page.links if "nf-cite" in link.within]
    listing = [
        resolved(page, link.href)
        for link in read_page.links
        if "nf-to-bibliography" in link.within  # the link's own class counts too
    ]
    references = [a for a in read_page.anchors if a.startswith("cite-")]
    return Citations(read_page.title, in_text, references, listing)


@dataclass
class Bibliography:
    entries: dict[str, str]
    """Entry id -> its text."""
    order: list[str]
    back_links: list[str]
    """Every back-link, as the site path and anchor it reaches, sorted."""


def bibliography(site: Path) -> Bibliography:
    page = read(site, "bibliography")
    back = sorted(
        resolved("bibliography", link.href) for link in page.links if "nf-cited-by" in link.within
    )
    return Bibliography(page.entries, page.anchors, back)


def run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "XDG_CACHE_HOME": str(cache_home())}
    env["NO_COLOR"] = "1"
    return subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, cwd=cwd, env=env, check=False
    )


def pages(root: Path, out: str, *extra: str) -> subprocess.CompletedProcess[str]:
    return run(
        BIN / "needling-facts", "pages", "--bib", BIB, "--claims", CLAIMS,
        "--docs", root / "docs", "--out", out, *extra, cwd=root,
    )  # fmt: skip


def write_docs(root: Path, index: str) -> None:
    (root / "docs").mkdir(parents=True, exist_ok=True)
    (root / "docs" / "index.md").write_text(index, encoding="utf-8")
    (root / "docs" / "method.md").write_text(METHOD, encoding="utf-8")


def plugin_site(root: Path, index: str) -> subprocess.CompletedProcess[str]:
    config = small_site(root, bib=BIB, claims=CLAIMS, index=index, extra=f"nav: {json.dumps(NAV)}")
    (root / "docs" / "method.md").write_text(METHOD, encoding="utf-8")
    return build(config, root / "site")


def plain_mkdocs_site(root: Path, index: str) -> subprocess.CompletedProcess[str]:
    """MkDocs 1.6 over the written pages, without our plugin or extension."""
    write_docs(root, index)
    written = pages(root, "build/docs", "--urls", "directory")
    if written.returncode != 0:
        return written
    config = {
        "site_name": "test",
        "docs_dir": "build/docs",
        "site_dir": "site",
        "theme": {"name": "material", "font": False},
        "markdown_extensions": ["tables", "attr_list", "md_in_html", "admonition", "toc"],
        "nav": NAV,
        "strict": True,
    }
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return run(sys.executable, "-m", "mkdocs", "build", "--strict", cwd=root)


ZENSICAL_TOML = """\
[project]
site_name = "test"
docs_dir = "build/docs"
site_dir = "site"
exclude_docs = "SUMMARY.md"
nav = [{ "Home" = "index.md" }, { "About" = [{ "Method" = "method.md" }] }]

[project.theme]
font = false

[project.markdown_extensions.admonition]
[project.markdown_extensions.attr_list]
[project.markdown_extensions.md_in_html]
[project.markdown_extensions.tables]
[project.markdown_extensions.toc]

[project.markdown_extensions."needling_facts.markdown_ext"]
bib = "{bib}"

[project.validation]
invalid_links = true
invalid_link_anchors = true
unresolved_references = true
unresolved_footnotes = true
unused_definitions = true
unused_footnotes = true
shadowed_definitions = true
shadowed_footnotes = true

[project.plugins.literate-nav]
nav_file = "SUMMARY.md"
"""


def zensical_site(root: Path, index: str) -> subprocess.CompletedProcess[str]:
    write_docs(root, index)
    (root / "zensical.toml").write_text(ZENSICAL_TOML.replace("{bib}", str(BIB)), "utf-8")
    written = pages(root, "build/docs", "--nav-from", "zensical.toml")
    if written.returncode != 0:
        return written
    return run(BIN / "zensical", "build", "-f", "zensical.toml", "--strict", cwd=root)


ENGINES = {
    "mkdocs-plugin": plugin_site,
    "mkdocs-plain": plain_mkdocs_site,
    "zensical": zensical_site,
}


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    built = {}
    for name, make in ENGINES.items():
        root = tmp_path_factory.mktemp(name)
        result = make(root, INDEX)
        assert result.returncode == 0, (name, result.stdout, result.stderr)
        built[name] = root / "site"
    return built


def test_every_engine_builds_every_page(sites: dict[str, Path]) -> None:
    for name, site in sites.items():
        for page in (*PAGES, "bibliography", "claims", "outcomes/scars"):
            assert (site / page / "index.html").is_file(), (name, page)


def test_claim_pages_and_citations_agree(sites: dict[str, Path]) -> None:
    reference = {page: citations(sites["mkdocs-plugin"], page) for page in PAGES}
    # The plugin's own pages are what the others must match: numbered, listed, linked.
    home = reference[""]
    assert home.references == ["cite-Muller2020", "cite-Fabbrocini2014"]
    assert [text for text, _ in home.numbers] == ["1", "2", "1", "1"]
    assert home.to_bibliography == ["/bibliography#ref-Muller2020", "/bibliography#ref-Fabbrocini2014"]  # fmt: skip
    for page in CLAIM_PAGES:
        assert reference[page].numbers, page
        assert reference[page].title, page
    for name in ("mkdocs-plain", "zensical"):
        for page in PAGES:
            assert citations(sites[name], page) == reference[page], (name, page)


def test_bibliography_and_back_links_agree(sites: dict[str, Path]) -> None:
    reference = bibliography(sites["mkdocs-plugin"])
    assert "/claims/collagen#cite-Muller2020" in reference.back_links
    assert "/#cite-Muller2020" in reference.back_links
    assert "/method#cite-Fabbrocini2014" in reference.back_links
    assert reference.entries
    for name in ("mkdocs-plain", "zensical"):
        assert bibliography(sites[name]) == reference, name


def test_back_links_reach_an_anchor_on_their_page(sites: dict[str, Path]) -> None:
    for name, site in sites.items():
        for link in bibliography(site).back_links:
            path, _, fragment = link.partition("#")
            anchors = read(site, path.strip("/")).anchors
            assert fragment in anchors, (name, link)


def test_zensical_nav_groups_claims_by_outcome_and_fetches_no_fonts(
    sites: dict[str, Path],
) -> None:
    # 404.html: the nav without any page's table of contents inside it.
    missing = (sites["zensical"] / "404.html").read_text(encoding="utf-8")
    nav = missing.split('class="md-nav md-nav--primary"', 1)[1]
    labels = [" ".join(x.split()) for x in re.findall(r'md-ellipsis">([^<]+)<', nav)]
    assert labels[:3] == ["Home", "Claims", "All claims"]
    scars = labels.index("Scars and stretch marks")
    assert labels[scars + 1] == "Scars and stretch marks"  # the outcome page, then its claims
    assert "Microneedling for atrophic acne scars" in labels[scars + 2 :]
    assert labels.index("Bibliography") < labels.index("About") < labels.index("Method")
    assert "SUMMARY" not in labels
    for name, site in sites.items():
        for page in PAGES:
            text = (site / page / "index.html").read_text(encoding="utf-8")
            assert EXTERNAL_FONT.search(text) is None, (name, page)


@pytest.mark.parametrize("name", list(ENGINES))
def test_an_unknown_key_fails_every_engine_with_one_located_message(
    name: str, tmp_path: Path
) -> None:
    result = ENGINES[name](tmp_path, "# Home\n\nA claim [@Nope2020].\n")
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert output.count("unknown citation key 'Nope2020'") == 1, output
    assert "index.md:3" in output
    if name != "mkdocs-plugin":  # refused by `pages`: one line, nothing written
        assert result.stderr.count("\n") == 1, result.stderr
        assert "Traceback" not in result.stderr
        assert not (tmp_path / "build").exists()


def test_zensical_with_the_extension_alone_fails_on_an_unknown_key(tmp_path: Path) -> None:
    """Hand-written pages built straight by Zensical, the extension resolving them: an
    unknown key stops the build with one exception naming the place."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Home\n\nA [@Nope2020].\n", "utf-8")
    config = ZENSICAL_TOML.replace("{bib}", str(BIB)).replace("build/docs", "docs")
    (tmp_path / "zensical.toml").write_text(config, encoding="utf-8")
    result = run(BIN / "zensical", "build", "-f", "zensical.toml", cwd=tmp_path)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert output.count("CitationError: needling-facts: citations that cannot be resolved") == 1
    assert "index.md:3: cite.unknown-key unknown citation key 'Nope2020'" in output
