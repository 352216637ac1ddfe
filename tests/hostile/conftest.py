"""Shared by the hostile-input suites."""

from __future__ import annotations

import shutil
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from needling_facts.loading import load_from
from tests.conftest import FIXTURES


@pytest.fixture
def alarm() -> Iterator[None]:
    """Fail (instead of hanging the suite) if the test blocks for 20 s: a FIFO read would."""

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError("blocked for 20 s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(20)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def edited_claim_problems(
    tmp_path: Path, claim: str, old: str, new: str
) -> tuple[Path, list[tuple[str, int, str]]]:
    """Copy the good fixture, replace ``old`` by ``new`` once in ``claims/<claim>.md``, load it:
    that file's path and its problems as (code, line, message)."""
    good = FIXTURES / "good"
    claims = tmp_path / "claims"
    shutil.copytree(good / "claims", claims)
    path = claims / f"{claim}.md"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    library = load_from(good / "references.bib", claims)
    return path, [(p.code, p.line, p.message) for p in library.problems if p.path == str(path)]
