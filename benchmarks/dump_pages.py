"""MkDocs hook for the build benchmark: writes each page's final Markdown to a folder, so the
same pages can be built again as plain static files (the baseline the plugin is compared to)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from mkdocs.plugins import event_priority


@event_priority(-100)  # after every plugin, including needling-facts
def on_page_markdown(markdown: str, page: Any, **_: Any) -> str:
    target = Path(os.environ["NF_DUMP_PAGES"]) / page.file.src_uri
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(markdown, encoding="utf-8")
    return markdown
