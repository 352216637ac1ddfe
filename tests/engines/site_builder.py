"""Build real MkDocs sites for the tests (subprocess, like a contributor would)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from tests.conftest import FIXTURES, REPO, cache_home


def build(config: Path, site_dir: Path, *, strict: bool = True) -> subprocess.CompletedProcess[str]:
    args = [sys.executable, "-m", "mkdocs", "build", "-f", str(config), "-d", str(site_dir)]
    if strict:
        args.append("--strict")
    env = {"NO_MKDOCS_2_WARNING": "1", "PATH": "", "XDG_CACHE_HOME": str(cache_home())}
    return subprocess.run(args, capture_output=True, text=True, cwd=REPO, env=env)


def small_site(root: Path, *, bib: Path, claims: Path, index: str, extra: str = "") -> Path:
    """A site of our own: one hand-written page plus the plugin's pages for ``bib``/``claims``."""
    docs = root / "docs"
    docs.mkdir(parents=True)
    (docs / "index.md").write_text(index, encoding="utf-8")
    config = root / "mkdocs.yml"
    config.write_text(
        textwrap.dedent(
            f"""\
            site_name: test
            theme: {{name: material, font: false}}
            markdown_extensions: [tables, attr_list, md_in_html, admonition]
            plugins:
              - needling-facts:
                  bib: {bib}
                  claims_dir: {claims}
            {extra}
            """
        ),
        encoding="utf-8",
    )
    return config


def fixture_site(root: Path, case: str, index: str = "# Home\n") -> Path:
    """`small_site` over the bibliography and claims of ``tests/fixtures/<case>``."""
    return small_site(
        root, bib=FIXTURES / case / "references.bib", claims=FIXTURES / case / "claims", index=index
    )
