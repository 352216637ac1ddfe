"""The handbook's hand-written folder in, a complete docs folder out, never through a link.

``pages --docs docs --out DIR`` copies the hand-written pages beside the generated ones so that
any Markdown engine can build the site. The docs folder comes from pull requests: a symbolic
link in it that leaves the folder (``docs/notes.md -> ~/.ssh/id_rsa``) is never read or
copied, and ``check --docs`` reports it; links that stay inside are read as their target.
"""

from __future__ import annotations

import os
import stat
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from needling_facts.diagnostics import Problem, Severity, declare_code
from needling_facts.errors import UnreadableFileError, UnsafeWriteError
from needling_facts.sources.safe_read import read_regular_file
from needling_facts.sources.safe_write import OutputFolder
from needling_facts.sources.text import read_text

__all__ = [
    "DOCS_LINK_OUTSIDE",
    "DOCS_UNREADABLE",
    "DocsFolder",
    "read_changelog",
    "read_config_nav",
    "read_docs",
    "write_docs",
]

DOCS_UNREADABLE = declare_code(
    "docs.unreadable",
    Severity.ERROR,
    "A hand-written page given to `check --docs` cannot be read or is not UTF-8.",
    "docs/index.md saved as Latin-1",
)
DOCS_LINK_OUTSIDE = declare_code(
    "docs.link-outside",
    Severity.ERROR,
    "A symbolic link in the docs folder points outside it: it is never read or copied "
    "(a pull request could otherwise publish a private file).",
    "docs/notes.md -> /home/me/.ssh/id_rsa",
)

MAX_DOCS_FILE = 64 << 20
"""64 MiB: far above any page or image a handbook holds."""


@dataclass(slots=True)
class DocsFolder:
    """What a docs folder holds, by POSIX path relative to it."""

    root: Path
    pages: dict[str, str] = field(default_factory=dict)
    """Markdown pages (``*.md``), as text."""
    assets: dict[str, bytes] = field(default_factory=dict)
    """Every other regular file (images, CSS), as bytes."""
    problems: list[Problem] = field(default_factory=list)
    """Links that leave the folder and files that cannot be read: neither is copied."""


def read_docs(root: Path) -> DocsFolder:
    """Every regular file under ``root``; folders reached through links are not entered."""
    docs = DocsFolder(root)
    real_root = Path(os.path.realpath(root))
    for folder, folders, files in os.walk(root, followlinks=False):
        folders.sort()
        for name in sorted(files) + sorted(f for f in folders if Path(folder, f).is_symlink()):
            path = Path(folder, name)
            relative = path.relative_to(root).as_posix()
            if path.is_symlink():
                target = Path(os.path.realpath(path))
                if not target.is_relative_to(real_root):
                    docs.problems.append(
                        DOCS_LINK_OUTSIDE.at(
                            str(path),
                            1,
                            1,
                            f"symbolic link to {str(target)!r}, outside {str(root)!r}: "
                            "not read and not copied",
                        )
                    )
                    continue
            try:
                info = os.stat(path)
            except OSError:
                info = None
            if info is None or not stat.S_ISREG(info.st_mode):
                continue  # a folder reached through an inner link, a FIFO, a socket: skipped
            try:
                data = read_regular_file(path, MAX_DOCS_FILE)
            except UnreadableFileError as error:
                docs.problems.append(DOCS_UNREADABLE.at(str(path), 1, 1, error.reason))
                continue
            if name.endswith(".md"):
                text, problem = read_text(data, str(path), DOCS_UNREADABLE)
                docs.problems.extend([problem] if problem else [])
                docs.pages[relative] = text
            else:
                docs.assets[relative] = data
    return docs


def write_docs(
    folder: OutputFolder,
    docs: DocsFolder | None,
    generated: Mapping[str, str],
    expand: Callable[[str, str], str],
) -> None:
    """The hand-written files (pages through ``expand``), then the generated pages.

    A generated page never replaces a hand-written one (the MkDocs plugin refuses the same).
    """
    if docs is not None:
        taken = sorted(set(docs.pages) & set(generated))
        if taken:
            raise UnsafeWriteError(
                str(docs.root / taken[0]),
                "is hand-written, and a generated page has the same path; rename the page",
            )
        for relative, data in docs.assets.items():
            folder.write(relative, data)
        for relative, text in docs.pages.items():
            folder.write(relative, expand(relative, text))
    for relative, text in generated.items():
        folder.write(relative, text)


def read_changelog(path: Path) -> str:
    """The changelog's text for the data API's ``changes.json``; "" when there is no file
    (an installed package ships none). Unreadable or not UTF-8: `UnreadableFileError`."""
    if not path.exists():
        return ""
    try:
        return read_regular_file(path).decode("utf-8")
    except UnicodeDecodeError as error:
        raise UnreadableFileError(str(path), f"not UTF-8 ({error.reason})") from None


class _ConfigLoader(yaml.SafeLoader):
    """A safe loader that reads any other tag (MkDocs' ``!ENV``, ``!!python/name``) as None:
    only the nav is read from the config."""


_ConfigLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def read_config_nav(path: Path) -> list[Any]:
    """The ``nav`` of an engine's config: ``zensical.toml`` (``[project] nav``) or an
    ``mkdocs.yml``; [] when it has none. Unreadable, malformed, or a nav that is not a
    list: `UnreadableFileError`, naming the file."""
    data = read_regular_file(path)
    try:
        if path.suffix == ".toml":
            config: Any = tomllib.loads(data.decode("utf-8"))
            config = config.get("project", config)
        else:
            config = yaml.load(data.decode("utf-8"), Loader=_ConfigLoader)  # a SafeLoader
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, yaml.YAMLError) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise UnreadableFileError(str(path), f"not a readable config: {reason}") from None
    nav = config.get("nav") if isinstance(config, dict) else None
    if nav is None:
        return []
    if not isinstance(nav, list):
        raise UnreadableFileError(str(path), "its nav is not a list")
    return nav
