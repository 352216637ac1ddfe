"""A real `mkdocs serve` on an invalid input answers with the problems, and recovers.

The server runs as a contributor runs it (a subprocess, strict as the handbook's mkdocs.yml
is, on 127.0.0.1); every request has a timeout, so a server that hangs fails the test
instead of hanging it, and the process is always killed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from needling_facts.cli import main
from tests.conftest import FIXTURES, REPO
from tests.engines.site_builder import build, small_site

pytestmark = pytest.mark.slow

REQUEST_TIMEOUT = 10.0
START_TIMEOUT = 90.0  # the first build, on a machine shared with other test runs
REBUILD_TIMEOUT = 60.0

RECORD = """{
  "key": "Muller2020",
  "records": [{"source": "crossref", "url": "https://api.crossref.org/works/10.5555/m.2020",
               "seen": "2026-11-25", "how": "test fixture", "fields": {"year": %d}}]
}
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fetch(url: str) -> tuple[int, str]:
    """Status and body of ``url``; a server that does not answer in time raises."""
    try:
        with urllib.request.urlopen(url, timeout=REQUEST_TIMEOUT) as response:
            return int(response.status), response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        with error:
            return int(error.code), error.read().decode("utf-8")


@dataclasses.dataclass(frozen=True)
class Server:
    """A running `mkdocs serve`: its base URL, process and output."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def wait_for(
        self, path: str, done: Callable[[int, str], bool], timeout: float
    ) -> tuple[int, str]:
        """Fetch ``path`` until ``done(status, body)``; fails with the last answer (or the
        server's output, if it stopped) after ``timeout``."""
        deadline = time.monotonic() + timeout
        answer: tuple[int, str] = (0, "")
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                output = self.log.read_text(encoding="utf-8")
                raise AssertionError(f"mkdocs serve stopped:\n{output}")
            with contextlib.suppress(OSError):  # not listening yet
                answer = fetch(self.url + path)
                if done(*answer):
                    return answer
            time.sleep(0.3)
        raise AssertionError(f"{path!r} never answered as expected; last: {answer[0]}\n{answer[1]}")


@contextlib.contextmanager
def mkdocs_serve(config: Path, log: Path) -> Iterator[Server]:
    """`mkdocs serve --strict` on ``config`` while the block runs; killed after it."""
    port = _free_port()
    args = [sys.executable, "-m", "mkdocs", "serve", "-f", str(config), "--strict",
            "--dev-addr", f"127.0.0.1:{port}"]  # fmt: skip
    env = {"NO_MKDOCS_2_WARNING": "1", "PATH": "", "XDG_CACHE_HOME": str(log.parent / "xdg")}
    with log.open("w", encoding="utf-8") as output:
        server = subprocess.Popen(args, cwd=REPO, env=env, stdout=output, stderr=subprocess.STDOUT)
        try:
            yield Server(f"http://127.0.0.1:{port}/", server, log)
        finally:
            server.kill()
            server.wait(timeout=30)


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A copy of the `good` fixture with a frozen record that agrees with its bib."""
    copy = tmp_path / "site" / "content"  # inside the site's folder: shown relative to it
    shutil.copytree(FIXTURES / "good", copy)
    (copy / "records").mkdir()
    (copy / "records" / "Muller2020.json").write_text(RECORD % 2020, encoding="utf-8")
    return copy


def _site(tmp_path: Path, content: Path) -> Path:
    return small_site(
        tmp_path / "site", bib=content / "references.bib", claims=content / "claims",
        index="# Home\n\nThe handbook's home.\n",
    )  # fmt: skip


def _shows_problems(status: int, body: str) -> bool:
    return status == 200 and 'class="nf-build-problems"' in body


def _shows_home(status: int, body: str) -> bool:
    return status == 200 and "The handbook's home." in body


def test_an_invalid_claim_is_shown_and_fixing_it_recovers(tmp_path: Path, content: Path) -> None:
    claim = content / "claims" / "collagen.md"
    valid = claim.read_text(encoding="utf-8")
    claim.write_text(valid.replace("verdict: partly-supported", "verdict: <b>maybe</b>"), "utf-8")
    config = _site(tmp_path, content)
    assert build(config, tmp_path / "strict").returncode == 1  # a build still fails
    with mkdocs_serve(config, tmp_path / "serve.log") as server:
        _, home = server.wait_for("", _shows_problems, START_TIMEOUT)
        assert "The handbook has 1 error" in home
        # Located, relative to the folder of mkdocs.yml.
        assert ">content/claims/collagen.md:7:1</code>: <code" in home
        assert 'class="nf-problem-code">claim.invalid-value</code> verdict: Input' in home
        assert "The handbook's home." not in home
        # The claim no longer loads, so the build wrote no page for it: the 404 names it too.
        status, missing = fetch(server.url + "claims/collagen/")
        assert status == 404
        assert "claim.invalid-value" in missing

        claim.write_text(valid, encoding="utf-8")
        _, page = server.wait_for("claims/collagen/", lambda s, _: s == 200, REBUILD_TIMEOUT)
        assert "Collagen after needling" in page
        assert "nf-build-problems" not in page
        assert "The handbook's home." in fetch(server.url)[1]


def test_a_mismatched_record_is_shown_and_fixing_it_recovers(tmp_path: Path, content: Path) -> None:
    record = content / "records" / "Muller2020.json"
    config = _site(tmp_path, content)
    with mkdocs_serve(config, tmp_path / "serve.log") as server:
        server.wait_for("", _shows_home, START_TIMEOUT)
        record.write_text(RECORD % 2021, encoding="utf-8")  # the records folder is watched
        _, home = server.wait_for("", _shows_problems, REBUILD_TIMEOUT)
        assert "ref.year-mismatch</code> year 2020 differs from the records&#x27; 2021" in home
        record.write_text(RECORD % 2020, encoding="utf-8")
        server.wait_for("", _shows_home, REBUILD_TIMEOUT)


def test_a_new_claim_skeleton_is_shown_and_removing_it_recovers(
    tmp_path: Path, content: Path
) -> None:
    # The case: right after `new-claim` every page request used to hang.
    config = _site(tmp_path, content)
    with mkdocs_serve(config, tmp_path / "serve.log") as server:
        server.wait_for("", _shows_home, START_TIMEOUT)
        claims = content / "claims"
        assert main(["new-claim", "needling-tubes", "--claims", str(claims)]) == 0
        _, home = server.wait_for("", _shows_problems, REBUILD_TIMEOUT)
        assert ">content/claims/needling-tubes.md:" in home
        (claims / "needling-tubes.md").unlink()
        server.wait_for("", _shows_home, REBUILD_TIMEOUT)
