from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import needling_facts as nf
from needling_facts.cli.commands import main
from tests.conftest import FIXTURES, REPO

GOOD_CLAIMS = FIXTURES / "good" / "claims"


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), stdout=out)
    return code, out.getvalue()


def test_check_clean_fixture_exits_zero_with_summary() -> None:
    code, out = run(
        "check",
        "--bib",
        str(FIXTURES / "good" / "references.bib"),
        "--claims",
        str(FIXTURES / "good" / "claims"),
    )
    assert code == 0
    assert out.splitlines()[-1] == "checked 2 references, 2 claims: 0 errors, 3 warnings"
    assert "claim.citation-not-in-evidence warning:" in out
    # The fixture's claims keep the claim-level GRADE profile of 0.2: each is told to move it.
    assert out.count("claim.no-comparisons warning:") == 2


def test_check_reports_every_problem_as_path_line_col_code() -> None:
    bib = FIXTURES / "bib-errors" / "references.bib"
    code, out = run("check", "--bib", str(bib), "--claims", str(FIXTURES / "good" / "claims"))
    assert code == 1
    lines = out.splitlines()
    assert lines[-1].startswith("checked 7 references, 2 claims: ")
    assert any(
        line.endswith(
            "bib.duplicate-key key 'Good2020' is already used by the entry at line 1; this entry is ignored"
        )
        and line.split(":")[1:3] == ["23", "1"]
        for line in lines
    )
    for line in lines[:-1]:
        path, row, col, rest = line.split(":", 3)
        assert path.endswith(".bib") or path.endswith(".md")
        assert row.isdigit()
        assert col.isdigit()
        assert rest.split()[0].startswith(("bib.", "claim."))


def test_check_json() -> None:
    code, out = run(
        "check",
        "--json",
        "--bib",
        str(FIXTURES / "grade-errors" / "references.bib"),
        "--claims",
        str(FIXTURES / "grade-errors" / "claims"),
    )
    assert code == 1
    payload = json.loads(out)
    assert {p["severity"] for p in payload} == {"error", "warning"}
    assert {"path", "line", "col", "code", "message"} <= set(payload[0])


def test_usage_errors_exit_two_with_one_line_each(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["frobnicate"]) == 2
    assert main(["list", "--certainty", "strong"]) == 2
    assert main([]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "needling-facts: error: argument command: invalid choice: 'frobnicate' (choose from "
        "'check', 'pages', 'list', 'show', 'export', 'fmt', 'add', 'new-claim', 'verify', 'watch')",
        "needling-facts: error: list: argument --certainty: invalid choice: 'strong' "
        "(choose from 'high', 'moderate', 'low', 'very-low')",
        "needling-facts: error: the following arguments are required: command",
    ]


def test_help_and_version_exit_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"needling-facts {nf.__version__}"
    assert main(["check", "--help"]) == 0


def test_list_and_filters() -> None:
    args = (
        "--bib",
        str(FIXTURES / "good" / "references.bib"),
        "--claims",
        str(FIXTURES / "good" / "claims"),
    )
    code, out = run("list", *args)
    assert code == 0
    assert [line.split()[0] for line in out.splitlines()] == ["acne-scars", "collagen"]
    code, out = run("list", "--outcome", "scars", *args)
    assert [line.split()[0] for line in out.splitlines()] == ["acne-scars"]
    code, out = run("list", "--json", "--certainty", "very-low", *args)
    assert [c["id"] for c in json.loads(out)] == ["collagen"]


def test_show_text_json_and_unknown(capsys: pytest.CaptureFixture[str]) -> None:
    args = (
        "--bib",
        str(FIXTURES / "good" / "references.bib"),
        "--claims",
        str(FIXTURES / "good" / "claims"),
    )
    code, out = run("show", "acne-scars", *args)
    assert code == 0
    assert "Microneedling for atrophic acne scars" in out
    assert "doi:10.3109/09546634.2012.742949" in out
    code, out = run("show", "acne-scars", "--json", *args)
    payload = json.loads(out)
    assert payload["references"][0]["pmid"] == "23216209"
    assert payload["scar_types"] == ["atrophic-acne"]
    assert run("show", "acne-scar", *args)[0] == 1
    assert "did you mean 'acne-scars'" in capsys.readouterr().err


def test_check_defaults_to_the_repository_when_inside_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO / "docs")
    code, out = run("check")
    assert code == 0, out
    assert "claims: 0 errors" in out.splitlines()[-1]


def test_module_entry_point_and_console_script() -> None:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    result = subprocess.run(
        [sys.executable, "-m", "needling_facts", "check"],
        cwd=REPO,
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1].startswith("checked ")
    assert Path(sys.executable).with_name("needling-facts").exists()


def test_show_prints_the_grade_computation_totals_and_effects() -> None:
    evidence = FIXTURES / "evidence"
    code, out = run(
        "show",
        "acne-scars",
        "--bib",
        str(evidence / "references.bib"),
        "--claims",
        str(evidence / "claims"),
    )
    assert code == 0
    assert "GRADE:      start high, -1 risk of bias (serious), -1 imprecision (serious)" in out
    assert "studies:    2 studies, 325 participants" in out
    assert "effect: odds ratio 2.5 (95% CI 1.1 to 5.7) (improvement by one grade or more)" in out
    # each study: its key and locator, then the fields Evidence declares for display, in order
    trial = out.split("  - [Trial2020, Table 2]\n", 1)[1].splitlines()[:4]
    assert trial == [
        "    Design:       split-face RCT",
        "    Participants: 40",
        "    Finding:      Scar grade fell by 1.2 points more on the needled side (95% CI 0.5 to 1.9).",
        "    Stance:       supports",
    ]


def test_show_prints_each_outcome_row_with_certainty_estimate_and_totals() -> None:
    bodies = FIXTURES / "bodies-export"
    code, out = run(
        "show",
        "acne-scars",
        "--bib",
        str(bodies / "references.bib"),
        "--claims",
        str(bodies / "claims"),
    )
    assert code == 0
    assert "GRADE:" not in out  # no claim-level profile: the rows carry theirs
    rows = out.split("bodies of evidence:\n", 1)[1].split("\nevidence:", 1)[0].splitlines()
    assert rows[0] == "  microneedling vs no treatment (main; overall low)"
    assert rows[1:5] == [
        "    - Acne scar severity (scar grading scales) "
        "[needling-vs-untreated/scar-severity, critical]",
        "      certainty: low (start high, -1 risk of bias (serious), -1 imprecision (serious))",
        "      estimate:  standardised mean difference 0.6 (95% CI 0.3 to 0.9)",
        "      studies:   1 study, 300 participants (each primary study once)",
    ]
    assert "      estimate:  no estimate: the studies report p-values only" in rows
    # The second comparison: a pool of two trials, and a risk ratio.
    assert rows[9] == "  microneedling vs fractional CO2 laser"
    assert rows[11] == "      certainty: moderate (start high, -1 risk of bias (serious))"
    assert rows[12].startswith("      estimate:  mean difference -0.278 (95% CI -0.903 to 0.347)")
    assert rows[13] == "      studies:   2 studies, 88 participants (each primary study once)"
    assert rows[16] == "      estimate:  risk ratio 0.5 (95% CI 0.2 to 1.25)"
    # --json prints the claim as the json export holds it, computed rows included.
    code, out = run(
        "show",
        "acne-scars",
        "--json",
        "--bib",
        str(bodies / "references.bib"),
        "--claims",
        str(bodies / "claims"),
    )
    payload = json.loads(out)
    assert payload["overall_certainty"] == "low"
    laser = payload["comparisons"][1]["outcomes"]
    assert [row["best_estimate"]["kind"] for row in laser] == ["pooled", "single-study"]
    assert laser[0]["totals"]["participants"] == 88


def test_pages_writes_the_generated_pages_for_other_engines(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Home\n\nSee [@Muller2020].\n", encoding="utf-8")
    out = io.StringIO()
    code = main(
        [
            "pages",
            "--bib", str(FIXTURES / "good" / "references.bib"),
            "--claims", str(FIXTURES / "good" / "claims"),
            "--docs", str(docs),
            "--out", str(tmp_path / "build"),
        ],
        stdout=out,
    )  # fmt: skip
    assert code == 0, out.getvalue()
    assert (tmp_path / "build" / "claims" / "acne-scars.md").is_file()
    assert (tmp_path / "build" / "index.md").is_file()
    assert not (docs / "claims").exists()
    bibliography = (tmp_path / "build" / "bibliography.md").read_text(encoding="utf-8")
    assert '<a href="index.md#cite-Muller2020">Home</a>' in bibliography  # Zensical resolves it


def test_list_filters_by_verdict() -> None:
    good = FIXTURES / "good"
    args = ("--bib", str(good / "references.bib"), "--claims", str(good / "claims"))
    code, out = run("list", "--verdict", "partly-supported", *args)
    assert code == 0
    assert [line.split()[0] for line in out.splitlines()] == ["acne-scars", "collagen"]
    code, out = run("list", "--verdict", "supported", *args)
    assert (code, out) == (0, "")
    code, out = run("list", "--json", "--verdict", "not-supported", *args)
    assert json.loads(out) == []


def test_show_cite_prints_the_claim_citation_in_ama_or_csl_json() -> None:
    args = ("--bib", str(FIXTURES / "good" / "references.bib"), "--claims", str(GOOD_CLAIMS))
    code, out = run("show", "acne-scars", "--cite", "ama", "--site-url", "https://x.org/h", *args)
    assert code == 0
    assert out == (
        "Microneedling for atrophic acne scars. needling-facts. Updated November 24, 2026. "
        f"Claim acne-scars, data version {nf.DATA_VERSION}. https://x.org/h/claims/acne-scars/\n"
    )
    code, out = run("show", "acne-scars", "--cite", "csl-json", *args)
    [item] = json.loads(out)
    assert (item["id"], item["version"], item["type"]) == ("acne-scars", nf.DATA_VERSION, "webpage")
    assert "URL" not in item
    assert run("show", "acne-scars", "--cite", "ama", "--json", *args)[0] == 2


def test_pages_site_url_gives_each_claim_page_its_address(tmp_path: Path) -> None:
    args = ("--bib", str(FIXTURES / "good" / "references.bib"), "--claims", str(GOOD_CLAIMS))
    code, _ = run("pages", "--out", str(tmp_path), "--site-url", "https://x.org/h/", *args)
    assert code == 0
    page = (tmp_path / "claims" / "acne-scars.md").read_text(encoding="utf-8")
    assert "data version" in page
    assert "https://x.org/h/claims/acne-scars/</p>" in page


def _pages_args(tmp_path: Path, index: str) -> list[str]:
    docs = tmp_path / "docs"
    docs.mkdir(exist_ok=True)
    (docs / "index.md").write_text(index, encoding="utf-8")
    return [
        "pages",
        "--bib", str(FIXTURES / "good" / "references.bib"),
        "--claims", str(FIXTURES / "good" / "claims"),
        "--docs", str(docs),
        "--out", str(tmp_path / "build"),
    ]  # fmt: skip


def test_pages_refuses_an_unknown_key_in_a_hand_written_page_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = _pages_args(tmp_path, "# Home\n\nSee [@Nope2020].\n")
    assert main(args) == 1
    err = capsys.readouterr().err
    docs = tmp_path / "docs"
    assert err == (
        "needling-facts: error: not writing the handbook pages: "
        f"{docs / 'index.md'}:3:1: cite.unknown-key unknown citation key 'Nope2020'\n"
    )
    assert not (tmp_path / "build").exists()


def test_pages_nav_from_writes_the_nav_with_claims_grouped_by_outcome(tmp_path: Path) -> None:
    config = tmp_path / "zensical.toml"
    config.write_text(
        '[project]\nsite_name = "x"\nnav = [{ "Home" = "index.md" }, { "About" = ["a.md"] }]\n',
        encoding="utf-8",
    )
    args = _pages_args(tmp_path, "# Home\n\nSee [@Muller2020].\n")
    assert main([*args, "--nav-from", str(config)], stdout=io.StringIO()) == 0
    nav = (tmp_path / "build" / "SUMMARY.md").read_text(encoding="utf-8").splitlines()
    assert nav[:3] == ["- [Home](index.md)", "- Claims", "    - [All claims](claims/index.md)"]
    assert "    - Scars and stretch marks" in nav
    assert "        - [Microneedling for atrophic acne scars](claims/acne-scars.md)" in nav
    assert nav[-2:] == ["- About", "    - [A](a.md)"]
    index = (tmp_path / "build" / "index.md").read_text(encoding="utf-8")
    assert "[@" not in index
    assert '<a href="#cite-Muller2020"' in index


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("mkdocs.yml", "site_name: x\nnav: [{Home: index.md}]\nx: !ENV [A, b]\n", None),
        ("zensical.toml", "[project]\nnav = 3\n", "its nav is not a list"),
        ("zensical.toml", "[project\n", "not a readable config"),
        ("mkdocs.yml", "nav: [\n", "not a readable config"),
    ],
)
def test_pages_nav_from_reads_mkdocs_yml_and_reports_a_bad_config_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, text: str, message: str | None
) -> None:
    config = tmp_path / name
    config.write_text(text, encoding="utf-8")
    code = main([*_pages_args(tmp_path, "# Home\n"), "--nav-from", str(config)])
    err = capsys.readouterr().err
    if message is None:
        assert code == 0, err
        nav = (tmp_path / "build" / "SUMMARY.md").read_text(encoding="utf-8")
        assert nav.startswith("- [Home](index.md)\n- Claims\n")
    else:
        assert code == 1
        assert err.startswith(f"needling-facts: error: {config}: {message}")
        assert err.count("\n") == 1
        assert not (tmp_path / "build").exists()


def test_check_docs_reports_an_unknown_key_in_an_admonition_body(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text(
        "# Home\n\n!!! note\n\n    Fine [@Muller2020].\n\n    Second paragraph [@Nope2020].\n",
        encoding="utf-8",
    )
    good = FIXTURES / "good"
    code, out = run(
        "check", "--bib", str(good / "references.bib"), "--claims", str(GOOD_CLAIMS),
        "--docs", str(docs),
    )  # fmt: skip
    assert code == 1, out
    assert "index.md:7:22" in out
    assert "Nope2020" in out


def test_show_prints_a_reference_without_a_year_without_none() -> None:
    out = io.StringIO()
    assert main(["show", "blackheads"], stdout=out) == 0
    (line,) = [row for row in out.getvalue().splitlines() if row.startswith("  [Mehran]")]
    assert "None" not in line
    assert line.endswith("a randomized clinical trial Iran J Dermatol.")
