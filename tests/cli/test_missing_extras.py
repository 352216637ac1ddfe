"""Without an optional extra, a command says which to install, in one line; never a traceback.

Each command runs for real (``python -m needling_facts``) in a subprocess whose import system
refuses the extra's modules, as an installation without them would.
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from needling_facts.cli.extras import EXTRA_OF_MODULE
from needling_facts.export.registry import FORMATS
from tests.conftest import FIXTURES, REPO

DOCS = [m for m, extra in EXTRA_OF_MODULE.items() if extra == "docs"]
VERIFY = [m for m, extra in EXTRA_OF_MODULE.items() if extra == "verify"]
FHIR = [m for m, extra in EXTRA_OF_MODULE.items() if extra == "fhir"]
SOURCES = ["--bib", str(FIXTURES / "good" / "references.bib")]
SOURCES += ["--claims", str(FIXTURES / "good" / "claims")]

# Refuses to import the named top-level modules (and their submodules), then runs the command
# line exactly as `python -m needling_facts` does.
_BLOCKED_RUN = """
import importlib.abc, runpy, sys

BLOCKED = set(sys.argv.pop(1).split(","))

class Blocker(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, Blocker())
runpy.run_module("needling_facts", run_name="__main__", alter_sys=True)
"""


def _run_without(
    blocked: list[str], *argv: str, cwd: Path, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "NEEDLING_FACTS_MAILTO": ""}
    return subprocess.run(
        [sys.executable, "-c", _BLOCKED_RUN, ",".join(blocked), *argv],
        cwd=cwd,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _hint(what: str, extra: str) -> str:
    install = f'pip install "needling-facts[{extra}]"'
    return f"needling-facts: error: {what} needs the {extra} extra: {install}"


def test_pages_without_the_docs_extra_names_it(tmp_path: Path) -> None:
    out = tmp_path / "site"
    done = _run_without(DOCS, "pages", "--out", str(out), *SOURCES, cwd=tmp_path)
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr.splitlines() == [_hint("pages", "docs")]
    assert not out.exists()  # nothing half-written
    readme = " ".join((REPO / "README.md").read_text("utf-8").split())
    assert f"`{_hint('pages', 'docs')}`" in readme  # the README shows the real line


@pytest.mark.parametrize(
    ("argv", "what"),
    [
        (["verify"], "verify"),
        (["verify", "--find-ids"], "verify"),
        (["add", "--doi", "10.1000/new"], "add --doi"),
        (["add", "--pmid", "123"], "add --pmid"),
    ],
    ids=["verify", "find-ids", "add-doi", "add-pmid"],
)
def test_network_commands_without_the_verify_extra_name_it(
    tmp_path: Path, argv: list[str], what: str
) -> None:
    bib = tmp_path / "references.bib"
    bib.write_text((FIXTURES / "good" / "references.bib").read_text("utf-8"), "utf-8")
    before = bib.read_bytes()
    done = _run_without(VERIFY, *argv, "--bib", str(bib), cwd=tmp_path)
    assert (done.returncode, done.stdout) == (1, "")
    errors = [line for line in done.stderr.splitlines() if ": note: " not in line]
    assert errors == [_hint(what, "verify")]
    assert bib.read_bytes() == before


def test_the_fhir_export_without_the_fhir_extra_names_it(tmp_path: Path) -> None:
    target = tmp_path / "library.fhir.json"
    done = _run_without(
        FHIR, "export", "--format", "fhir", "-o", str(target), *SOURCES, cwd=tmp_path
    )
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr.splitlines() == [_hint("export --format fhir", "fhir")]
    assert not target.exists()  # nothing half-written


@pytest.mark.parametrize(
    "argv",
    [
        ["check"],
        ["list"],
        ["show", "collagen"],
        *(["export", "--format", name] for name in FORMATS if name != "fhir"),
    ],
    ids="-".join,
)
def test_the_core_commands_need_no_extra(tmp_path: Path, argv: list[str]) -> None:
    done = _run_without([*DOCS, *VERIFY, *FHIR], *argv, *SOURCES, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout
    assert "Traceback" not in done.stderr


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _extra_requirements() -> dict[str, set[str]]:
    """Each extra of the installed package -> the distributions it adds."""
    by_extra: dict[str, set[str]] = {}
    for line in importlib.metadata.requires("needling-facts") or []:
        requirement = Requirement(line)
        for extra in ("docs", "verify", "zensical", "fhir"):
            if requirement.marker and requirement.marker.evaluate({"extra": extra}):
                by_extra.setdefault(extra, set()).add(_canonical(requirement.name))
    return by_extra


def test_the_module_table_agrees_with_the_package_metadata() -> None:
    by_extra = _extra_requirements()
    providers = importlib.metadata.packages_distributions()
    covered: set[str] = set()
    for module, extra in EXTRA_OF_MODULE.items():
        distributions = {_canonical(d) for d in providers.get(module, [])}
        assert distributions, f"{module} is not installed in the test environment"
        # A module two distributions provide (pypandoc: pypandoc-binary in docs, plain
        # pypandoc from the bench extra's mkdocs-bibtex) needs one of them in its extra.
        assert distributions & by_extra[extra], (module, extra)
        covered |= distributions
    # Every distribution an extra adds is named by some module here.
    assert set().union(*by_extra.values()) <= covered
