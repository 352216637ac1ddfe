"""Page URLs as MkDocs and Zensical make them from source paths (no engine imported)."""

from __future__ import annotations

import posixpath
from typing import Literal

__all__ = ["UrlScheme", "absolute_url", "href", "page_url", "relative_url"]

UrlScheme = Literal["directory", "html", "source"]
"""How a link to another page is written in HTML we generate: MkDocs URLs with
``use_directory_urls`` true (``directory``) or false (``html``), or the target's source path
(``source``: ``../claims/x.md``), for engines such as Zensical that resolve links to source
files even in raw HTML."""


def page_url(source: str, directory_urls: bool = True) -> str:
    """A page's URL from its source path, as MkDocs and Zensical make it."""
    stem = source.removesuffix(".md")
    if not directory_urls:
        return stem + ".html"
    if stem == "index" or stem.endswith("/index"):
        return stem.removesuffix("index")
    return stem + "/"


def relative_url(page: str, target: str, directory_urls: bool = True) -> str:
    """URL of ``target``'s page relative to ``page``'s (both given as source paths):
    ``claims/x.md`` seen from ``index.md`` is ``claims/x/`` with directory URLs."""
    here, there = page_url(page, directory_urls), page_url(target, directory_urls)
    base = here if here.endswith("/") or not here else posixpath.dirname(here)
    relative = posixpath.relpath(there or ".", base or ".")
    if there.endswith("/") or not there:
        relative = relative.rstrip("/") + "/"
    return relative.removeprefix("./") if relative != "./" else "./"


def href(page: str, target: str, scheme: UrlScheme) -> str:
    """A link from ``page`` to ``target`` (both source paths) in the given scheme."""
    if scheme == "source":
        return posixpath.relpath(target, posixpath.dirname(page) or ".")
    return relative_url(page, target, scheme == "directory")


def absolute_url(site_url: str, source: str, directory_urls: bool = True) -> str:
    """A page's full address under ``site_url`` (MkDocs' setting), from its source path."""
    return site_url.rstrip("/") + "/" + page_url(source, directory_urls)
