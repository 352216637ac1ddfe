"""Diagnostic codes: declared once beside the check that emits them, each one reachable.

Three ways a code can go wrong, one test each: a code no input can trigger (its handbook entry
describes nothing), a code written as a string where it is emitted (a typo shows only at run
time, on that one path), and a code declared twice or outside the registry's module list.
"""

from __future__ import annotations

import ast
import io
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import TypeGuard

import pytest

import needling_facts
from needling_facts.cli.commands import main
from needling_facts.diagnostics import CODES, DECLARING_MODULES, Problem, Severity, declare_code
from needling_facts.loading import load_from
from needling_facts.render import diagnostics_table
from needling_facts.render.citations import inert
from needling_facts.render.markup import cell
from needling_facts.sources.bibtex.read import BIB_DUPLICATE_KEY
from tests.conftest import FIXTURES

PACKAGE = Path(needling_facts.__file__).parent
GOOD = FIXTURES / "good"
_CODE_SHAPE = re.compile(r"^[a-z]+\.[a-z0-9]+(?:-[a-z0-9]+)*$")


# --- every declared code is reported by `check` on some fixture -------------------------------


def _check_codes(*args: str) -> set[str]:
    out = io.StringIO()
    main(["check", "--json", *args], stdout=out)
    return {problem["code"] for problem in json.loads(out.getvalue())}


def _fixture_runs() -> list[list[str]]:
    """`check` arguments for every fixture folder and every fixture bibliography."""
    runs = []
    for folder in sorted(p for p in FIXTURES.iterdir() if (p / "claims").is_dir()):
        runs.append(["--bib", str(folder / "references.bib"), "--claims", str(folder / "claims")])
    for bib in sorted(FIXTURES.rglob("*.bib")):
        runs.append(["--bib", str(bib), "--claims", str(GOOD / "claims")])
    good = ["--bib", str(GOOD / "references.bib"), "--claims", str(GOOD / "claims")]
    runs.append([*good, "--docs", str(FIXTURES / "docs-errors")])
    runs.append([*good, "--records", str(FIXTURES / "broken-records")])
    runs.append([*good, "--records", str(FIXTURES / "no-such-records-folder")])
    return runs


def test_every_declared_code_is_reported_by_check_on_a_fixture(tmp_path: Path) -> None:
    seen: set[str] = set()
    for args in _fixture_runs():
        seen |= _check_codes(*args)
    # What cannot be a committed file: paths that do not exist, a link that points nowhere.
    claims = tmp_path / "claims"
    claims.mkdir()
    (claims / "gone.md").symlink_to(tmp_path / "nowhere.md")
    seen |= _check_codes("--bib", str(GOOD / "references.bib"), "--claims", str(claims))
    # `check` refuses a missing --bib or --claims before loading; `load` (the Python API and
    # the MkDocs plugin) reports them as problems.
    for bib, folder in (
        (tmp_path / "no-such.bib", claims),
        (GOOD / "references.bib", tmp_path / "no"),
    ):
        seen |= {problem.code for problem in load_from(bib, folder).problems}
    assert sorted(set(CODES) - seen) == []
    assert {"ref.id-mismatch", "ref.journal-mismatch", "ref.expression-of-concern"} <= seen
    assert {"docs.unreadable", "claim.unreadable", "claim.dir-not-found"} <= seen


# --- no code is written anywhere but its declaration ------------------------------------------


def _names_a_module(text: str) -> bool:
    path = PACKAGE / text.replace(".", "/")
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _is_declaration(node: ast.AST) -> TypeGuard[ast.Call]:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "declare_code"
    )


def code_literals(source: str, where: str, namespaces: set[str]) -> list[str]:
    """Codes written outside a `declare_code` call, and `Problem` built by hand, in ``source``.

    A code string, an f-string that builds one (``f"ref.{label}-mismatch"``) and a direct
    ``Problem(...)`` call are all ways to emit a code the type checker cannot see.
    """
    tree = ast.parse(source)
    declared = {id(node.args[0]) for node in ast.walk(tree) if _is_declaration(node) and node.args}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
            if (
                id(node) not in declared
                and _CODE_SHAPE.match(text)
                and text.split(".")[0] in namespaces
                and not _names_a_module(text)
            ):
                found.append(f"{where}:{node.lineno}: code string {text!r}")
        elif isinstance(node, ast.JoinedStr) and node.values:
            first = node.values[0]
            text = str(first.value) if isinstance(first, ast.Constant) else ""
            if "." in text and text.split(".")[0] in namespaces:
                found.append(f"{where}:{node.lineno}: code built by an f-string")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "Problem"
        ):
            found.append(f"{where}:{node.lineno}: Problem(...) instead of CODE.at(...)")
    return sorted(found)


def _namespaces() -> set[str]:
    return {code.split(".")[0] for code in CODES}


def test_no_module_writes_a_code_outside_its_declaration() -> None:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "diagnostics.py" and path.parent == PACKAGE:
            continue  # the registry itself builds Problem from a declared code
        found += code_literals(
            path.read_text("utf-8"), str(path.relative_to(PACKAGE)), _namespaces()
        )
    assert found == []


def test_the_scan_finds_each_way_of_writing_a_code_by_hand() -> None:
    # Guards the test above against a scan that finds nothing.
    planted = (
        'X = declare_code("bib.fine", Severity.ERROR, "s", "e")\n'
        'problems.append(Problem(path, 1, 1, "bib.duplicate-kye", "m"))\n'
        'code = f"ref.{label}-mismatch"\n'
        'if p.code == "claim.unknown-citation": pass\n'
        'module = "evidence.vocabulary"\n'
    )
    assert code_literals(planted, "x.py", _namespaces()) == [
        "x.py:2: Problem(...) instead of CODE.at(...)",
        "x.py:2: code string 'bib.duplicate-kye'",
        "x.py:3: code built by an f-string",
        "x.py:4: code string 'claim.unknown-citation'",
    ]


# --- each code declared once, by a listed module, under its own name --------------------------


def _declarations() -> list[tuple[str, str, str]]:
    """(module, constant name, code) of every `declare_code` call in the package's source."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
        for node in ast.parse(path.read_text("utf-8")).body:
            if isinstance(node, ast.Assign) and _is_declaration(node.value):
                call = node.value
                assert isinstance(call.args[0], ast.Constant)
                target = node.targets[0]
                assert isinstance(target, ast.Name), f"{module}: declare into one name"
                found.append((module, target.id, str(call.args[0].value)))
    return found


def test_each_code_is_declared_once_under_its_own_name_by_a_listed_module() -> None:
    declarations = _declarations()
    codes = [code for _, _, code in declarations]
    assert len(codes) == len(set(codes)) == len(CODES)
    assert set(codes) == set(CODES)
    for module, name, code in declarations:
        assert name == code.replace(".", "_").replace("-", "_").upper(), f"{module}: {name}"
    assert {module for module, _, _ in declarations} == set(DECLARING_MODULES)


def test_the_registry_imports_the_declaring_modules_only_when_read() -> None:
    script = (
        "import sys\n"
        "from needling_facts import diagnostics\n"
        "assert 'needling_facts.sources.bibtex.read' not in sys.modules\n"
        "print(len(diagnostics.CODES))\n"
        "assert 'needling_facts.site.handbook' in sys.modules\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) == len(_declarations())


def test_a_code_declared_twice_raises_naming_both_modules() -> None:
    with pytest.raises(
        ValueError,
        match=r"'bib.duplicate-key' is declared twice: in "
        r"needling_facts.sources.bibtex.read and in tests.test_codes",
    ):
        declare_code("bib.duplicate-key", Severity.WARNING, "Another meaning.", "x")
    assert CODES["bib.duplicate-key"] is BIB_DUPLICATE_KEY


def test_a_duplicate_declaration_fails_the_import_of_its_module(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "second_reader.py").write_text(
        "from needling_facts.diagnostics import Severity, declare_code\n"
        'CLAIM_NOT_UTF8 = declare_code("claim.not-utf8", Severity.ERROR, "s", "e")\n',
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ValueError, match="declared twice"):
        __import__("second_reader")


def test_reloading_a_declaring_module_is_not_a_duplicate() -> None:
    script = "import importlib, needling_facts.sources.links as m; importlib.reload(m)"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_problem_refuses_a_code_nobody_declared() -> None:
    with pytest.raises(ValueError, match=r"unregistered diagnostic code 'bib\.duplicate-kye'"):
        Problem("x.bib", 1, 1, "bib.duplicate-kye", "message")
    problem = BIB_DUPLICATE_KEY.at("x.bib", 3, 1, "message")
    assert (problem.code, problem.severity) == ("bib.duplicate-key", Severity.ERROR)
    assert str(problem) == "x.bib:3:1: bib.duplicate-key message"


# --- the handbook's Diagnostics page is the registry ------------------------------------------


def test_the_diagnostics_page_lists_every_code_with_severity_summary_and_example() -> None:
    rows = [line for line in diagnostics_table().splitlines() if line.startswith("| <code")]
    assert len(rows) == len(CODES)
    for row, info in zip(rows, CODES.values(), strict=True):
        assert row.startswith(f'| <code id="{info.code}">{info.code}</code> | {info.severity} |')
        assert f"| {cell(info.summary)} |" in row
        # The example as typed: inert, so Markdown makes no link or code span inside it.
        assert f"<code>{inert(cell(info.example))}</code> |" in row
