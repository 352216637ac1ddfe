"""The data API from JavaScript: its schemas in strict Ajv, generated types, a TS consumer.

Runs the real npm tools (``npm ci`` installs them; CI has Node for axe-core already).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

import needling_facts as nf
from needling_facts.engines.markdown import markdown_to_html
from needling_facts.render.csl import EntryFormatter
from needling_facts.site.data_api import DEFAULT_SITE_URL, build_api
from tests.conftest import FIXTURES, REPO

HERE = Path(__file__).parent
NODE = shutil.which("node")
BIN = REPO / "node_modules" / ".bin"

pytestmark = [
    pytest.mark.skipif(NODE is None, reason="node is not installed (CI installs it)"),
    pytest.mark.skipif(
        not (BIN / "tsc").exists() or not (REPO / "node_modules" / "ajv").is_dir(),
        reason="the npm devDependencies are not installed: run npm ci",
    ),
]


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, cwd=REPO, timeout=300
    )


def _write_site(root: Path, library: nf.Library) -> Path:
    formatter = EntryFormatter(library.references, "american-medical-association", None)
    changelog = (REPO / "CHANGELOG.md").read_text("utf-8")
    files = build_api(library, formatter, markdown_to_html, DEFAULT_SITE_URL, changelog=changelog)
    for relative, data in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_bytes(data)
    return root


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled library's api/v1, as the site build writes it."""
    return _write_site(tmp_path_factory.mktemp("site"), nf.load())


@pytest.fixture(scope="module")
def bodies_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A library with two comparisons (a review's estimate, a pool, a risk ratio)."""
    library = nf.load(
        bib=FIXTURES / "bodies-export" / "references.bib",
        claims_dir=FIXTURES / "bodies-export" / "claims",
    )
    return _write_site(tmp_path_factory.mktemp("bodies"), library)


def test_schemas_compile_in_strict_ajv_and_every_file_validates(site: Path) -> None:
    result = run(NODE or "node", HERE / "check_api.mjs", site)
    assert result.returncode == 0, result.stdout + result.stderr
    claims = len(nf.load().claims)
    # Each claim, claims.json, changes.json and index.json.
    assert result.stdout.strip() == f"{claims + 3} files valid, 0 problems"


def test_ajv_names_a_file_that_breaks_its_schema(site: Path, tmp_path: Path) -> None:
    broken = tmp_path / "site"
    shutil.copytree(site, broken)
    path = broken / "api" / "v1" / "claims" / "acne-scars.json"
    document = json.loads(path.read_text("utf-8"))
    document["claim"]["certainty"] = "certain"
    path.write_text(json.dumps(document), encoding="utf-8")
    result = run(NODE or "node", HERE / "check_api.mjs", broken)
    assert result.returncode == 1
    problems = result.stderr.splitlines()
    assert problems[0] == "claims/acne-scars.json: sha256 differs from index.json"
    assert problems[1].startswith("claims/acne-scars.json: data/claim/certainty must be equal")
    assert len(problems) == 2  # one error, from the scar claim's own schema


def test_committed_types_are_what_the_schemas_generate(site: Path, tmp_path: Path) -> None:
    generated = tmp_path / "api.ts"
    result = run(NODE or "node", HERE / "generate_types.mjs", site, generated)
    assert result.returncode == 0, result.stderr
    assert generated.read_text("utf-8") == (HERE / "api.ts").read_text("utf-8"), (
        "regenerate: node tests/ts/generate_types.mjs SITE tests/ts/api.ts"
    )


def test_typescript_consumer_type_checks_and_runs(site: Path, tmp_path: Path) -> None:
    config = HERE / "tsconfig.json"
    checked = run(BIN / "tsc", "-p", config, "--noEmit", "--strict")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    built = run(BIN / "tsc", "-p", config, "--outDir", tmp_path / "js")
    assert built.returncode == 0, built.stdout + built.stderr
    result = run(NODE or "node", tmp_path / "js" / "consumer.js", site)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"data {nf.DATA_VERSION}, schema 2.3, ")
    library = nf.load()
    expected = [
        f"{c.id}: {c.certainty.value}, {c.verdict.value}, {len(c.cited_keys)} references"
        for c in library.claims.values()
    ]
    claim_lines = [line for line in lines[1:] if not line.startswith("  ")]
    assert [line.split(" (")[0] for line in claim_lines] == expected
    assert "acne-scars: very-low, partly-supported, 13 references (atrophic-acne)" in lines


def test_the_consumer_reads_each_outcome_row(bodies_site: Path, tmp_path: Path) -> None:
    checked = run(NODE or "node", HERE / "check_api.mjs", bodies_site)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.strip() == "4 files valid, 0 problems"
    built = run(BIN / "tsc", "-p", HERE / "tsconfig.json", "--outDir", tmp_path / "js")
    assert built.returncode == 0, built.stdout + built.stderr
    result = run(NODE or "node", tmp_path / "js" / "consumer.js", bodies_site)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1:] == [
        "acne-scars: low, partly-supported, 6 references (atrophic-acne)",
        "  needling-vs-untreated/scar-severity: low (critical), meta-analysis "
        "standardised-mean-difference 0.60 [0.30, 0.90], 1 studies, 300 participants",
        "  needling-vs-untreated/patient-rated: low (important), no estimate (the studies "
        "report p-values only), 1 studies, 60 participants",
        "  needling-vs-laser/scar-severity: moderate (critical), pooled mean-difference -0.28 "
        "[-0.90, 0.35], 2 studies, 88 participants",
        "  needling-vs-laser/hyperpigmentation: low (important), single-study risk-ratio 0.50 "
        "[0.20, 1.25], 1 studies, 48 participants",
    ]


def test_a_type_error_in_a_consumer_fails_the_check(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ts"
    bad.write_text(
        'import type { ClaimSummary } from "./api.js";\n'
        'export const c: ClaimSummary["certainty"] = "certain";\n',
        encoding="utf-8",
    )
    shutil.copy(HERE / "api.ts", tmp_path / "api.ts")
    result = run(BIN / "tsc", "--noEmit", "--strict", "--module", "nodenext", bad)
    assert result.returncode != 0
    assert "bad.ts" in result.stdout
    assert '"certain"' in result.stdout
