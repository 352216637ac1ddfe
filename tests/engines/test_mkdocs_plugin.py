"""The MkDocs plugin's hooks."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import needling_facts as nf
from needling_facts.engines.mkdocs import NeedlingFactsPlugin
from tests.conftest import FIXTURES


class _Server:
    def __init__(self) -> None:
        self.watched: list[str] = []

    def watch(self, path: str) -> None:
        self.watched.append(path)


def test_on_serve_watches_every_input_that_exists(tmp_path: Path) -> None:
    plugin = NeedlingFactsPlugin()
    server = _Server()
    config: Any = None
    bib, claims = tmp_path / "references.bib", tmp_path / "data" / "claims"
    plugin.library = None  # disabled: nothing to watch
    plugin.paths = (bib, claims)
    assert plugin.on_serve(server, config=config, builder=None) is server
    assert server.watched == []
    bib.touch()
    claims.mkdir(parents=True)
    (tmp_path / "data" / "records").mkdir()
    plugin.library = nf.load()
    assert plugin.on_serve(server, config=config, builder=None) is server
    # No searches folder yet: watching a missing path would stop the server.
    assert server.watched == [str(bib), str(claims), str(tmp_path / "data" / "records")]
    (tmp_path / "data" / "searches").mkdir()
    server.watched.clear()
    plugin.on_serve(server, config=config, builder=None)
    assert server.watched[-1] == str(tmp_path / "data" / "searches")
    assert plugin.serving  # from now on an invalid input gives an error page, not a failure


def test_only_a_server_turns_errors_into_an_error_page() -> None:
    plugin = NeedlingFactsPlugin()
    plugin.on_startup(command="build", dirty=False)
    assert not plugin.serving
    plugin.on_startup(command="serve", dirty=False)
    assert plugin.serving


def test_the_error_page_lists_library_and_hand_written_page_errors(tmp_path: Path) -> None:
    plugin = NeedlingFactsPlugin()
    plugin.library = nf.load(claims_dir=FIXTURES / "claim-errors" / "claims")
    plugin.root = tmp_path
    config: Any = SimpleNamespace(docs_dir=str(tmp_path / "docs"))
    errors = plugin._errors(config, {"index.md": "# Home\n\nSee [@Nobody2099].\n"})
    assert errors  # a list of problems, shown relative to the folder of mkdocs.yml
    assert all(p.severity is nf.Severity.ERROR for p in errors)
    assert "docs/index.md:3:5: cite.unknown-key unknown citation key 'Nobody2099'" in map(
        str, errors
    )
    library_errors = [p for p in plugin.library.problems if p.severity is nf.Severity.ERROR]
    assert len(errors) == len(library_errors) + 1
