from __future__ import annotations

import re
import tomllib

import needling_facts as nf
from tests.conftest import REPO


def test_data_version_is_the_latest_content_entry_of_the_changelog() -> None:
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    content = changelog.split("## Content", 1)[1].split("\n## ", 1)[0]
    versions = re.findall(r"^### (\S+)", content, re.MULTILINE)
    assert versions[0] == nf.DATA_VERSION


def test_changelog_lists_every_claim_of_the_current_content() -> None:
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    for claim in nf.load().claims.values():
        assert f"`{claim.id}` | {claim.verdict.label} | {claim.certainty.label} |" in changelog


def test_package_version_matches_pyproject() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["version"] == nf.__version__
    package = (REPO / "CHANGELOG.md").read_text(encoding="utf-8").split("## Package", 1)[1]
    assert f"### {nf.__version__}" in package
