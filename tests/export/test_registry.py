"""The export registry is the one list of formats: the CLI, the README and the docs read it."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

import needling_facts as nf
from needling_facts.cli.commands import main
from needling_facts.export.registry import FORMATS
from needling_facts.render.export_formats import export_formats_table
from needling_facts.site.handbook import MARKERS, expand_markers
from tests.conftest import REPO

README = (REPO / "README.md").read_text("utf-8")


def test_the_readme_table_is_the_registry() -> None:
    section = README.split("## Data for apps", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([^`]+)` \|", section, flags=re.MULTILINE)
    assert rows == list(FORMATS)
    assert export_formats_table() in section


def test_the_readme_synopsis_names_every_format() -> None:
    synopsis = re.search(r"^needling-facts export --format (\S+)", README, flags=re.MULTILINE)
    assert synopsis is not None
    assert synopsis[1].split("|") == list(FORMATS)


def test_the_handbook_lists_the_registry() -> None:
    method = (REPO / "docs" / "method.md").read_text("utf-8")
    assert MARKERS["export-formats"] in method
    page = expand_markers(nf.load(), "method.md", method)
    assert export_formats_table() in page
    assert MARKERS["export-formats"] not in page


def test_the_cli_offers_exactly_the_registered_formats(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["export", "--format", "nope"], stdout=io.StringIO()) == 2
    offered = re.search(r"choose from (.*)\)", capsys.readouterr().err)
    assert offered is not None
    assert re.findall(r"'([^']+)'", offered[1]) == list(FORMATS)


@pytest.mark.parametrize("name", list(FORMATS))
def test_every_format_writes_what_its_media_type_says(
    name: str, bundled: nf.Library, tmp_path: Path
) -> None:
    fmt = FORMATS[name]
    assert fmt.name == name
    assert fmt.extension.startswith(".")
    assert fmt.description.endswith(".")
    text = fmt.write(bundled)
    assert fmt.media_type.endswith("json")  # every format so far is JSON; parse it
    assert json.loads(text)
    target = tmp_path / f"library{fmt.extension}"
    assert main(["export", "--format", name, "-o", str(target)], stdout=io.StringIO()) == 0
    assert target.read_text("utf-8") == text
