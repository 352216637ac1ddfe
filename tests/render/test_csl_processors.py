"""Formatted entries against pandoc's citeproc run on its own, and the citeproc-py fallback.

pandoc and citeproc-js agree on every bundled entry (measured for issue 20); here our batch
(made-up ids, escaped text, one HTML run split per entry) must print exactly what pandoc prints
for the exported CSL-JSON read directly, keyed by the real BibTeX keys, in its JSON AST.
"""

from __future__ import annotations

import io
import json
import logging
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

import needling_facts as nf
from needling_facts import _cache
from needling_facts.cli.commands import main
from needling_facts.render import csl
from needling_facts.render.citations import inert, render_citations
from needling_facts.render.csl import EntryFormatter, format_references, formatter_name
from needling_facts.render.sanitize import clean_html
from needling_facts.site.handbook import BIBLIOGRAPHY, build_site

STYLE = "american-medical-association"


def _pandoc() -> str:
    found = csl._pandoc()
    assert found is not None, "the test extra installs pypandoc-binary"
    return found[0]


def _text(node: Any) -> str:
    """The plain text of a pandoc JSON AST node (the parts an entry is made of)."""
    if isinstance(node, list):
        return "".join(_text(n) for n in node)
    if not isinstance(node, dict):
        return ""
    kind = node.get("t")
    if kind == "Str":
        return str(node["c"])
    if kind in {"Space", "SoftBreak", "LineBreak"}:
        return " "
    if kind in {"Div", "Span"} and "csl-left-margin" in node["c"][0][1]:
        return ""  # the number: callers number entries themselves
    content = node.get("c", [])
    if kind in {"Span", "Div", "Link", "Quoted"}:
        content = content[1]
    return _text(content)


def pandoc_by_itself(tmp_path: Path) -> dict[str, str]:
    """Every bundled entry's text as pandoc prints it from ``export --format csl-json``."""
    out = io.StringIO()
    assert main(["export", "--format", "csl-json"], stdout=out) == 0
    bibliography = tmp_path / "references.json"
    bibliography.write_text(out.getvalue(), encoding="utf-8")
    done = subprocess.run(
        [_pandoc(), "-f", "markdown", "-t", "json", "--citeproc",
         f"--bibliography={bibliography}", f"--csl={csl._style_path(STYLE)}"],
        input="---\nnocite: '@*'\n---\n", capture_output=True, text=True, check=True,
    )  # fmt: skip
    (refs,) = [b for b in json.loads(done.stdout)["blocks"] if b["t"] == "Div"]
    entries = {}
    for entry in refs["c"][1]:
        key = entry["c"][0][0].removeprefix("ref-")
        entries[key] = re.sub(r"\s+", " ", _text(entry["c"][1])).strip()
    return entries


@pytest.fixture(scope="module")
def library() -> nf.Library:
    return nf.load()


def test_every_bundled_entry_reads_as_pandoc_prints_it(library: nf.Library, tmp_path: Path) -> None:
    _cache.clear()
    assert formatter_name() == "pandoc"
    ours = format_references(library.references.values())
    expected = pandoc_by_itself(tmp_path)
    assert set(expected) == set(library.references)
    assert {key: ours[key].text for key in expected} == expected
    for entry in ours.values():
        assert clean_html(entry.html) == entry.html  # the allow-list keeps every tag


def _authorless(library: nf.Library) -> list[nf.Reference]:
    found = [r for r in library.references.values() if not r.authors]
    assert len(found) >= 9  # 9 of the 68 bundled references on 2026-12-07
    return found


def test_a_work_without_authors_prints_its_title_once(library: nf.Library) -> None:
    formatter = EntryFormatter(library.references)
    site = build_site(library, {}, formatter)
    for reference in _authorless(library):
        assert reference.title
        text = formatter[reference.key].text
        assert text.startswith(reference.title.rstrip("?.")), text
        assert text.count(reference.title) == 1, text
        # The bibliography shows that text, and so does the reference list of every claim
        # page citing it, once the citations are rendered (as the engines' extension does).
        shown = formatter[reference.key].html
        assert shown in site.pages[BIBLIOGRAPHY]
        citing = [path for path, keys in site.citations.items() if reference.key in keys]
        assert citing
        for path in citing:
            page = render_citations(site.pages.get(path, ""), library.references, formatter)
            listing = page.markdown.split("## References", 1)[-1]
            assert listing.count(inert(shown)) == 1, path
            assert listing.count(reference.title) <= 1, path


def test_without_pandoc_citeproc_py_formats_and_differs_only_where_known(
    library: nf.Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_pandoc = format_references(library.references.values())
    monkeypatch.setattr(csl, "_pandoc", lambda: None)
    assert formatter_name() == "citeproc-py"
    fallback = format_references(library.references.values())
    differ = {k for k in with_pandoc if with_pandoc[k].text != fallback[k].text}
    # citeproc-py's known departures from CSL: it prints a substituted title twice, keeps
    # "?." and leaves straight apostrophes; every other entry is the same.
    authorless = {r.key for r in _authorless(library)}
    assert authorless <= differ
    for key in differ - authorless:
        assert "?." in fallback[key].text or "'" in fallback[key].text, key
    assert len(differ) < len(library.references) / 4


def test_the_cache_keeps_each_processors_entries_apart(
    library: nf.Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = _authorless(library)[0].key
    _cache.clear()
    with monkeypatch.context() as patched:
        patched.setattr(csl, "_pandoc", lambda: None)
        fallback = EntryFormatter(library.references, cache_dir=tmp_path)
        fallback.prepare([key])
        fallback.save()
    _cache.clear()
    with_pandoc = EntryFormatter(library.references, cache_dir=tmp_path)
    with_pandoc.prepare([key])
    assert with_pandoc[key] != fallback[key]  # not read back from citeproc-py's file
    with_pandoc.save()
    (stored,) = tmp_path.glob("formatted-*.json")  # one file per style, now pandoc's
    assert with_pandoc[key].html in stored.read_text(encoding="utf-8")


def test_a_failing_pandoc_falls_back_for_the_rest_of_the_process(
    library: nf.Library,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    broken = tmp_path / "pandoc"
    broken.write_text("#!/bin/sh\necho 'Unknown option --citeproc' >&2\nexit 2\n")
    broken.chmod(0o755)
    monkeypatch.setattr(csl, "_pandoc", lambda: (str(broken), "a broken pandoc"))
    monkeypatch.setattr(csl, "_broken_pandoc", [])
    _cache.clear()
    formatter = EntryFormatter(library.references, cache_dir=tmp_path / "cache")
    with caplog.at_level(logging.WARNING, logger="needling_facts.render.csl"):
        formatter.prepare(list(library.references)[:3])
    assert "Unknown option --citeproc" in caplog.text
    assert "citeproc-py instead" in caplog.text
    assert formatter_name() == "citeproc-py"
    assert all(formatter[k].text for k in list(library.references)[:3])
    formatter.save()  # formatted under another processor than the file was read for
    assert not list((tmp_path / "cache").glob("formatted-*.json"))


def test_bibliography_text_stays_text_under_pandoc(library: nf.Library) -> None:
    reference = library.references["Hou2017"]
    hostile = reference.model_copy(
        update={"key": "Evil", "title": '<i>it</i> <script>x</script> & "q" \ue000 [x](y) *b*'}
    )
    for name, formatted in (("pandoc", format_references([hostile])["Evil"]),):
        assert formatter_name() == name
        assert formatted.html.startswith("&lt;i&gt;it&lt;/i&gt; &lt;script&gt;x&lt;/script&gt;")
        assert "&amp;" in formatted.html
        assert "\ue000" not in formatted.html
        assert formatted.text.startswith("<i>it</i> <script>x</script> & ")
        assert "<i>Dermatol Surg</i>" in formatted.html  # CSL's italics, as citeproc-js writes
        assert clean_html(formatted.html) == formatted.html
