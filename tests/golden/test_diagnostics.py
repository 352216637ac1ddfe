"""Every diagnostic of the error fixtures, exactly: path, line, column, code and message.

The expected problems are in ``tests/fixtures/golden/problems.json``. The test checks that each
of them is still reported word for word (other problems may be added by new checks without
breaking it). Mutation testing showed many message, line and column mutants surviving the
code-only assertions elsewhere. To regenerate after an intended change:
``NF_UPDATE_GOLDEN=1 pytest tests/golden/test_diagnostics.py`` and review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from needling_facts.loading import load_from
from needling_facts.site.handbook import check_docs
from needling_facts.sources.bibtex.read import read_bibliography
from needling_facts.sources.records import read_records
from tests.conftest import FIXTURES

GOLDEN = FIXTURES / "golden" / "problems.json"
CASES = {
    "claim-errors": ("claim-errors/references.bib", "claim-errors/claims"),
    "grade-errors": ("grade-errors/references.bib", "grade-errors/claims"),
    "hostile-yaml": ("hostile-yaml/references.bib", "hostile-yaml/claims"),
    "bib-errors": ("bib-errors/references.bib", "good/claims"),
    "missing-bib": ("no-such.bib", "good/claims"),
    "record-mismatch": ("record-mismatch/references.bib", "record-mismatch/claims"),
    "statistics": ("statistics/references.bib", "statistics/claims"),
}
BIBS = [
    "bib-lossless/string-concat.bib",
    "bib-corpus/biblatex-hand.bib",
    "bib-errors/more-errors.bib",
    "bib-errors/latin1.bib",
]
BROKEN_RECORDS = "broken-records"
DOCS = "docs-errors"


def _rows(problems: object) -> list[list[object]]:
    rows = []
    for p in problems:  # type: ignore[attr-defined]
        path = Path(p.path)
        shown = str(path.relative_to(FIXTURES)) if path.is_relative_to(FIXTURES) else p.path
        # Messages may name other files: keep them relative too, so the file is portable.
        message = p.message.replace(f"{FIXTURES}/", "")
        rows.append([shown, p.line, p.col, p.code, message])
    return rows


def _actual() -> dict[str, list[list[object]]]:
    out = {}
    for name, (bib, claims) in CASES.items():
        out[name] = _rows(load_from(FIXTURES / bib, FIXTURES / claims).problems)
    for bib in BIBS:
        out[bib] = _rows(read_bibliography(FIXTURES / bib).problems)
    out[BROKEN_RECORDS] = _rows(read_records(FIXTURES / BROKEN_RECORDS).problems)
    good = read_bibliography(FIXTURES / "good" / "references.bib").references
    out[DOCS] = _rows(check_docs(FIXTURES / DOCS, good))
    return out


def test_every_golden_diagnostic_is_still_reported_word_for_word() -> None:
    actual = _actual()
    if os.environ.get("NF_UPDATE_GOLDEN"):
        GOLDEN.write_text(json.dumps(actual, indent=1, ensure_ascii=False) + "\n")
    expected = json.loads(GOLDEN.read_text())
    for name, rows in expected.items():
        missing = [row for row in rows if row not in actual[name]]
        assert missing == [], f"{name}: no longer reported exactly: {missing}"
