from __future__ import annotations

import os
from pathlib import Path

import pytest

import needling_facts as nf

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parent.parent

BUNDLED_WARNINGS = ("bib.no-author", "bib.no-identifier", "bib.no-year")
"""The only warnings the bundled data may carry: studies cited without a byline, identifier or
year that no public record we read showed (the field is left out, never the study)."""


def only_known_warnings(lines: list[str]) -> bool:
    """Whether every line `check` printed is one of `BUNDLED_WARNINGS`."""
    return all(any(f" {code} warning: " in line for code in BUNDLED_WARNINGS) for line in lines)


def line_containing(path: Path, needle: str, occurrence: int = 1) -> int:
    """1-based line of the n-th line of ``path`` that contains ``needle``."""
    seen = 0
    for number, line in enumerate(
        path.read_text(encoding="utf-8", errors="replace").splitlines(), 1
    ):
        if needle in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{needle!r} not found in {path}")


@pytest.fixture(autouse=True, scope="session")
def _cache_home(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The package's default cache folder is the user's: tests (and the builds they start, which
    inherit the variable) use one of their own instead. Never unset: exit handlers that save
    formatted entries run after the session and must not reach the user's folder either."""
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache-home"))


def cache_home() -> Path:
    """The test session's cache home (``$XDG_CACHE_HOME``)."""
    return Path(os.environ["XDG_CACHE_HOME"])


@pytest.fixture(scope="session")
def bundled() -> nf.Library:
    """The bundled library, loaded on first use (never at a test module's import)."""
    return nf.load()


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


def device_file(folder: Path) -> Path:
    """A character device (a copy of /dev/null's) inside ``folder``.

    Tests that check a device is never replaced use this one, not /dev/null itself: under
    mutation testing the refusal is mutated away, and the real /dev/null must survive that.
    """
    import os
    import stat

    path = folder / "null-device"
    try:
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("creating a device file needs root")
    return path
