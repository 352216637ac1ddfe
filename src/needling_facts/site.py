"""The handbook as data, for any engine: checks of hand-written pages (and, below, the site).

No engine is imported here; the MkDocs plugin and the Zensical setup only wire this in.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from .citation_syntax import scan
from .models import Reference
from .problems import Problem
from .text import read_text

__all__ = ["check_docs", "check_page"]


def check_page(path: str, markdown: str, references: Mapping[str, Reference]) -> list[Problem]:
    """Citation problems of one hand-written page: unparsed brackets and unknown keys."""
    found = scan(markdown)
    problems = [
        Problem(path, u.line, u.col, "cite.unparsed", f"{u.text!r} is not a citation: {u.reason}")
        for u in found.unparsed
    ]
    for citation in found.citations:
        for key in citation.keys:
            if key not in references:
                problems.append(
                    Problem(
                        path,
                        citation.line,
                        citation.col,
                        "cite.unknown-key",
                        f"unknown citation key {key!r}",
                    )
                )
    return sorted(problems, key=lambda p: (p.line, p.col))


def check_docs(docs_dir: Path, references: Mapping[str, Reference]) -> list[Problem]:
    """`check_page` for every ``.md`` file under ``docs_dir``."""
    problems: list[Problem] = []
    for path in sorted(docs_dir.rglob("*.md")):
        if not path.is_file():
            continue
        try:
            data = path.read_bytes()
        except OSError as error:
            reason = error.strerror or type(error).__name__
            problems.append(Problem(str(path), 1, 1, "docs.unreadable", f"cannot read: {reason}"))
            continue
        text, problem = read_text(data, str(path), "docs.unreadable")
        if problem is not None:
            problems.append(problem)
        problems.extend(check_page(str(path), text, references))
    return problems
