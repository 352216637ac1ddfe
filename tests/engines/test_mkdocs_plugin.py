"""The MkDocs plugin's hooks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import needling_facts as nf
from needling_facts.engines.mkdocs import NeedlingFactsPlugin


class _Server:
    def __init__(self) -> None:
        self.watched: list[str] = []

    def watch(self, path: str) -> None:
        self.watched.append(path)


def test_on_serve_watches_the_bibliography_and_the_claims() -> None:
    plugin = NeedlingFactsPlugin()
    server = _Server()
    config: Any = None
    plugin.library = None  # disabled: nothing to watch
    plugin.paths = (Path("/x/references.bib"), Path("/x/claims"))
    assert plugin.on_serve(server, config=config, builder=None) is server
    assert server.watched == []
    plugin.library = nf.load()
    assert plugin.on_serve(server, config=config, builder=None) is server
    assert server.watched == ["/x/references.bib", "/x/claims"]
