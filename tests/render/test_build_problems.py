"""The error page `mkdocs serve` shows while the input has errors."""

from __future__ import annotations

import re

from needling_facts.checks.claims import CLAIM_UNKNOWN_CITATION
from needling_facts.render.build_problems import build_problems_document, build_problems_html
from needling_facts.render.sanitize import clean_html
from needling_facts.render.stylesheet import STYLESHEET
from needling_facts.sources.bibtex.read import BIB_FILE_NOT_FOUND
from tests.render.test_sanitizer_identity import _classes, _styled, _tokens

PROBLEMS = (
    BIB_FILE_NOT_FOUND.at("missing <i>.bib", 1, 1, "no such file"),
    CLAIM_UNKNOWN_CITATION.at("claims/a.md", 12, 5, "unknown citation key '<script>x</script>'"),
)


def test_each_problem_is_listed_located_and_escaped() -> None:
    html = build_problems_html(PROBLEMS)
    assert "The handbook has 2 errors" in html
    items = re.findall(r"<li>(.*?)</li>", html)
    assert [re.sub(r"<[^>]+>", "", item) for item in items] == [
        "missing &lt;i&gt;.bib:1:1: bib.file-not-found no such file",
        "claims/a.md:12:5: claim.unknown-citation unknown citation key "
        "&#x27;&lt;script&gt;x&lt;/script&gt;&#x27;",
    ]
    assert "<script>" not in html
    assert "<i>" not in html
    assert "The handbook has 1 error<" in build_problems_html(PROBLEMS[:1])


def test_the_sanitiser_keeps_the_page_and_every_class_is_styled() -> None:
    html = build_problems_html(PROBLEMS)
    assert _tokens(clean_html(html)) == _tokens(html)
    classes = _classes(html)
    assert classes == {
        "nf-build-problems",
        "nf-problem-list",
        "nf-problem-place",
        "nf-problem-code",
    }
    assert all(_styled(name) for name in classes)
    assert ".nf-build-problems" in STYLESHEET


def test_the_document_links_the_stylesheet_and_holds_the_list() -> None:
    document = build_problems_document(PROBLEMS, "http://127.0.0.1:8000/a.css")
    assert document.startswith("<!doctype html>")
    assert '<link rel="stylesheet" href="http://127.0.0.1:8000/a.css">' in document
    assert build_problems_html(PROBLEMS) in document
