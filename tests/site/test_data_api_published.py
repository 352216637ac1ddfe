"""The data API lands in the built site: from the MkDocs plugin and from ``pages``."""

from __future__ import annotations

import hashlib
import io
import json
import re
from pathlib import Path

import pytest

from needling_facts.cli import main
from needling_facts.site.data_api import DEFAULT_SITE_URL
from tests.conftest import FIXTURES, REPO
from tests.engines.site_builder import build, fixture_site

SITE = "https://example.org/handbook/"


def _index_matches_files(api: Path) -> list[str]:
    index = json.loads((api / "index.json").read_text("utf-8"))
    for entry in index["files"]:
        assert hashlib.sha256((api / entry["path"]).read_bytes()).hexdigest() == entry["sha256"]
    return [entry["path"] for entry in index["files"]]


@pytest.mark.slow
def test_mkdocs_build_publishes_the_api_and_canonical_links(tmp_path: Path) -> None:
    config = fixture_site(tmp_path, "good")
    config.write_text(config.read_text("utf-8") + f"site_url: {SITE}\n", encoding="utf-8")
    result = build(config, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    api = tmp_path / "site" / "api" / "v1"
    files = _index_matches_files(api)
    claim_files = [f for f in files if f.startswith("claims/")]
    assert claim_files == sorted(
        f"claims/{p.stem}.json" for p in (FIXTURES / "good" / "claims").iterdir()
    )
    schema = json.loads((api / "schema" / "claim.schema.json").read_text("utf-8"))
    assert schema["$id"] == f"{SITE}api/v1/schema/claim.schema.json"
    claim_id = claim_files[0].removeprefix("claims/").removesuffix(".json")
    page = (tmp_path / "site" / "claims" / claim_id / "index.html").read_text("utf-8")
    assert f'<link rel="canonical" href="{SITE}claims/{claim_id}/">' in page
    sitemap = (tmp_path / "site" / "sitemap.xml").read_text("utf-8")
    assert f"<loc>{SITE}claims/{claim_id}/</loc>" in sitemap


@pytest.mark.slow
def test_without_a_site_url_there_is_no_api(tmp_path: Path) -> None:
    result = build(fixture_site(tmp_path, "good"), tmp_path / "site")
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "site" / "api").exists()


def test_the_handbook_config_names_the_default_site_url() -> None:
    config = (REPO / "mkdocs.yml").read_text("utf-8")
    assert re.search(rf"^site_url: {re.escape(DEFAULT_SITE_URL)}$", config, re.M)
    assert re.search(r"^\s+- Data API: data-api\.md$", config, re.M)


GOOD = [
    "--bib",
    str(FIXTURES / "good" / "references.bib"),
    "--claims",
    str(FIXTURES / "good" / "claims"),
]


def test_pages_writes_the_api_beside_the_pages(tmp_path: Path) -> None:
    out = io.StringIO()
    args = ["pages", *GOOD, "--out", str(tmp_path / "docs"), "--site-url", SITE, "--cache-dir", ""]
    assert main(args, stdout=out) == 0
    api = tmp_path / "docs" / "api" / "v1"
    files = _index_matches_files(api)
    assert f"and {len(files) + 1} data API files" in out.getvalue()
    claims = json.loads((api / "claims.json").read_text("utf-8"))["claims"]
    assert claims
    assert all(c["url"].startswith(SITE) for c in claims)
    # The checkout's changelog, found from the current folder.
    changes = json.loads((api / "changes.json").read_text("utf-8"))["changes"]
    assert changes
    assert changes[0]["data_version"]


def test_pages_refuses_a_relative_site_url(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["pages", *GOOD, "--out", str(tmp_path / "docs"), "--site-url", "handbook/"]
    assert main(args, stdout=io.StringIO()) == 2
    err = capsys.readouterr().err
    assert err.strip().splitlines() == [
        "needling-facts: error: the site URL must be an absolute http(s) URL, not 'handbook/'"
    ]


def test_pages_names_an_unreadable_changelog(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    latin1 = tmp_path / "CHANGELOG.md"
    latin1.write_bytes("## Content\n\n### 1\n\nCaf\xe9\n".encode("latin-1"))
    args = ["pages", *GOOD, "--out", str(tmp_path / "docs"), "--changelog", str(latin1)]
    assert main(args, stdout=io.StringIO()) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "CHANGELOG.md: not UTF-8" in err[0]
