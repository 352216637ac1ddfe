"""The page `mkdocs serve` shows instead of the handbook while its input has errors.

A contributor who has just run ``new-claim`` or mistyped a title reads the located problems
in the browser, not only in the terminal; every field is escaped (a problem message quotes
the input, which may hold markup).
"""

from __future__ import annotations

from collections.abc import Sequence

from needling_facts.diagnostics import Problem
from needling_facts.render.markup import esc

__all__ = ["build_problems_document", "build_problems_html"]


def build_problems_html(problems: Sequence[Problem]) -> str:
    """An HTML fragment listing ``problems``, each as ``path:line:col: code message``."""
    count = f"{len(problems)} error{'' if len(problems) == 1 else 's'}"
    items = "\n".join(
        f'<li><code class="nf-problem-place">{esc(f"{p.path}:{p.line}:{p.col}")}</code>: '
        f'<code class="nf-problem-code">{esc(p.code)}</code> {esc(p.message)}</li>'
        for p in problems
    )
    return (
        '<div class="nf-build-problems" role="alert">\n'
        f"<h1>The handbook has {count}</h1>\n"
        "<p>Every page shows this list until the input is fixed; saving the fix rebuilds "
        "the handbook.</p>\n"
        f'<ol class="nf-problem-list">\n{items}\n</ol>\n'
        "</div>"
    )


def build_problems_document(problems: Sequence[Problem], stylesheet_url: str) -> str:
    """A whole HTML document around `build_problems_html`, for a page no theme renders
    (the server's answer for a URL the failed build did not write)."""
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        "<title>needling-facts: the handbook has errors</title>\n"
        f'<link rel="stylesheet" href="{esc(stylesheet_url)}">\n</head>\n'
        f"<body>\n{build_problems_html(problems)}\n</body>\n</html>\n"
    )
