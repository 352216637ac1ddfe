"""The built wheel, installed in a fresh virtual environment, carries the same data."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from needling_facts.cli.commands import main
from tests.conftest import REPO, only_known_warnings

pytestmark = pytest.mark.slow


def run(*args: str | Path, cwd: Path) -> str:
    result = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_wheel_installs_and_loads_bundled_data_outside_the_repository(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    run(
        sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", dist, REPO, cwd=REPO
    )
    (wheel,) = dist.glob("needling_facts-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "needling_facts/data/references.bib" in names
    assert "needling_facts/py.typed" in names
    assert "needling_facts/render/handbook.css" in names  # the stylesheet is read from the package
    assert "needling_facts/data/claims/acne-scars.md" in names
    assert "needling_facts/data/records/Alam2014.json" in names  # frozen records ship too
    assert "needling_facts/data/searches/acne-scars.yaml" in names  # and the search files

    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    run(python, "-m", "pip", "install", "-q", "--no-deps", "--no-index", wheel, cwd=tmp_path)
    # The dependencies come from this environment (no network in tests); needling_facts does not:
    # the editable install's .pth file is not processed from a directory added this way.
    site = Path(
        run(
            python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))", cwd=tmp_path
        ).strip()
    )
    (site / "deps.pth").write_text(sysconfig.get_path("purelib") + "\n")

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    location = run(python, "-c", "import needling_facts as nf; print(nf.__file__)", cwd=elsewhere)
    assert location.startswith(str(venv))
    out = run(venv / "bin" / "needling-facts", "check", cwd=elsewhere)
    *problems, summary = out.splitlines()
    assert ": 0 errors," in summary
    assert only_known_warnings(problems)
    installed = json.loads(
        run(venv / "bin" / "needling-facts", "export", "--format", "json", cwd=elsewhere)
    )

    here = io.StringIO()
    assert main(["export", "--format", "json"], stdout=here) == 0
    assert installed == json.loads(here.getvalue())
    assert len(installed["claims"]) >= 15
