"""``needling-facts watch`` against a real HTTP server on 127.0.0.1 that answers in E-utilities'
and Crossref's documented formats (recorded responses in tests/fixtures/network/watch)."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import yaml

from needling_facts.cli import network as cli_network
from needling_facts.cli.commands import main
from needling_facts.network.client import CROSSREF_URL_ENV, EUTILS_URL_ENV, Services
from needling_facts.network.watch import parse_esearch, parse_esummary
from needling_facts.sources.searches import read_search_file
from tests.conftest import FIXTURES, REPO

RECORDED = FIXTURES / "network" / "watch"
PROJECT = FIXTURES / "watch"
TODAY = dt.date.today()

Answer = tuple[int, dict[str, str], bytes]


def _file(name: str) -> Answer:
    kind = "application/json" if name.endswith(".json") else "text/xml"
    return 200, {"Content-Type": kind}, (RECORDED / name).read_bytes()


def recorded(path: str, query: dict[str, str]) -> Answer:
    """The services as documented, answering from the recorded files."""
    if path == "/eutils/esearch.fcgi":
        return _file("esearch-texture.json" if "textur" in query["term"] else "esearch-scars.json")
    if path == "/eutils/esummary.fcgi":
        return _file("esummary-scars.json")
    if path == "/eutils/efetch.fcgi":
        return _file(
            {"99000020": "pubmed-watched.xml", "99000021": "pubmed-quiet.xml"}[query["id"]]
        )
    if path == "/crossref/works/10.5555/watched.2018":
        return _file("crossref-watched.json")
    if path == "/crossref/works/10.5555/quiet.2021":
        return _file("crossref-quiet.json")
    return 404, {}, b"not found"


@dataclass
class LocalServices:
    """A real HTTP server; ``answer`` decides each response and ``requests`` records them."""

    server: ThreadingHTTPServer
    answer: Callable[[str, dict[str, str]], Answer] = recorded
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    delay: float = 0.0

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"


@pytest.fixture
def local(monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalServices]:
    state: LocalServices

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            path = unquote(parts.path)
            state.requests.append((path, query))
            if state.delay:
                time.sleep(state.delay)
            status, headers, body = state.answer(path, query)
            try:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (the timeout test)

        def log_message(self, *_: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state = LocalServices(server)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv(EUTILS_URL_ENV, f"{state.url}/eutils")
    monkeypatch.setenv(CROSSREF_URL_ENV, f"{state.url}/crossref")
    monkeypatch.delenv("NEEDLING_FACTS_MAILTO", raising=False)
    monkeypatch.delenv("NCBI_API_KEY", raising=False)
    # No real waiting between NCBI requests (3 a second) or before retrying a 429.
    monkeypatch.setattr(
        cli_network, "_services", lambda config: Services(config, sleep=lambda _: None)
    )
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(PROJECT, tmp_path / "project")
    return tmp_path / "project"


def _watch(project: Path, *args: str) -> tuple[int, str, str]:
    out = io.StringIO()
    err_before = sys.stderr
    sys.stderr = io.StringIO()
    try:
        status = main(
            [
                "watch",
                "--bib",
                str(project / "references.bib"),
                "--claims",
                str(project / "claims"),
                *args,
            ],
            stdout=out,
        )
        err = sys.stderr.getvalue()
    finally:
        sys.stderr = err_before
    return status, out.getvalue(), err


def _files(project: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((project / "searches").iterdir())}


def test_new_candidates_and_a_new_retraction_are_reported_and_nothing_written(
    local: LocalServices, project: Path
) -> None:
    before = _files(project)
    status, report, err = _watch(project)
    assert status == 1  # something new
    assert _files(project) == before  # without --write nothing is written
    assert report.startswith(f"# needling-facts watch, {TODAY.isoformat()}\n")
    assert "2 claims watched: 1 with something new, 0 with a failed look-up." in report
    scars = report.split("## scars\n", 1)[1].split("## texture", 1)[0]
    # 4 found: one is in the bibliography, one already pending in the log; two are new.
    assert (
        f"Saved PubMed search, every record up to {TODAY.isoformat()} (first run): 4 found, 2 new."
        in scars
    )
    assert (
        "- PMID [99000041](https://pubmed.ncbi.nlm.nih.gov/99000041/): Needling versus laser for "
        "test scars: a randomised trial. Journal of Test Dermatology, 2026; Journal Article, "
        "Randomized Controlled Trial."
    ) in scars
    assert "99000040" in scars
    assert "99000031" not in report
    assert "99000020)" not in report
    assert (
        "- `Tester2018`: retraction of 2026-11-20 (doi:10.5555/watched-retraction.2026) "
        "(Crossref); freeze it with `needling-facts verify Tester2018 --write`"
    ) in scars
    assert "- `Tester2018`: retraction (PMID 99000050) (PubMed)" in scars
    texture = report.split("## texture\n", 1)[1]
    # The known correction of Quiet2021 is not news; PubMed's remark on the query is shown.
    assert "correction" not in texture
    assert "Saved PubMed search, records entered 2026-10-01 to" in texture
    assert '- quoted phrase not found: "skin textur"[tiab]' in texture
    assert "No items found" not in report
    assert "Traceback" not in err
    assert "watch [1/2] scars" in err
    esearch = [q for p, q in local.requests if p == "/eutils/esearch.fcgi"]
    assert "mindate" not in esearch[0]  # never run: the whole database
    assert esearch[1] | {"term": ""} == {
        "term": "",
        "retmax": "1000",
        "datetype": "edat",
        "mindate": "2026/10/01",
        "maxdate": TODAY.strftime("%Y/%m/%d"),
        "db": "pubmed",
        "retmode": "json",
        "tool": "needling-facts",
    }
    [summary] = [q for p, q in local.requests if p == "/eutils/esummary.fcgi"]
    assert summary["id"] == "99000041,99000040"  # only the new ones are summarised


def test_write_adds_pending_candidates_and_moves_last_searched(
    local: LocalServices, project: Path
) -> None:
    status, report, _ = _watch(project, "--write")
    assert status == 1
    assert "2 new. Written as pending." in report
    scars = read_search_file(project / "searches" / "scars.yaml").record
    assert scars is not None
    assert scars.last_searched == TODAY
    added = scars.screening[-2:]
    assert [c.id for c in added] == ["pmid:99000041", "pmid:99000040"]
    assert {c.decision.value for c in added} == {"pending"}
    assert added[0].found == TODAY
    assert added[0].title == "Needling versus laser for test scars: a randomised trial."
    assert (
        added[0].note
        == "Journal of Test Dermatology, 2026; Journal Article, Randomized Controlled Trial"
    )
    texture = read_search_file(project / "searches" / "texture.yaml").record
    assert texture is not None
    assert texture.last_searched == TODAY  # searched, nothing new: the date still moves
    assert len(texture.screening) == 1
    # The library still checks clean, and a second run finds no new candidates.
    status, report, _ = _watch(project, "--json")
    data = json.loads(report)
    assert [c["new"] for c in data["claims"]] == [[], []]
    assert data["has_news"] is True  # the retraction is news until `verify --write` freezes it
    assert status == 1


def test_json_report(local: LocalServices, project: Path) -> None:
    status, report, _ = _watch(project, "scars", "--json")
    assert status == 1
    data = json.loads(report)
    assert data["run_date"] == TODAY.isoformat()
    assert (data["has_news"], data["failed"]) == (True, False)
    [scars] = data["claims"]
    assert scars["claim"] == "scars"
    assert scars["since"] is None
    assert scars["found"] == 4
    assert scars["new"][0] == {
        "pmid": "99000041",
        "title": "Needling versus laser for test scars: a randomised trial.",
        "journal": "Journal of Test Dermatology",
        "year": 2026,
        "types": ["Journal Article", "Randomized Controlled Trial"],
        "doi": "10.5555/novel.2026",
    }
    assert scars["notices"][0] == {
        "key": "Tester2018",
        "service": "Crossref",
        "new": True,
        "update": {
            "type": "retraction",
            "doi": "10.5555/watched-retraction.2026",
            "date": "2026-11-20",
            "label": "Retraction",
        },
    }


def _failing(kind: str) -> Callable[[str, dict[str, str]], Answer]:
    def answer(path: str, query: dict[str, str]) -> Answer:
        if path == "/eutils/esearch.fcgi" and "textur" not in query["term"]:
            if kind == "429":
                return 429, {"Retry-After": "1"}, b"Too Many Requests"
            if kind == "5xx":
                return 503, {}, b"Service Unavailable"
            if kind == "malformed":
                return 200, {"Content-Type": "application/json"}, b'{"esearchresult": {"count": '
        return recorded(path, query)

    return answer


@pytest.mark.parametrize(
    ("kind", "line"),
    [
        (
            "429",
            "- scars: PubMed esearch: rate limited (429); the service asks to wait 1 s; try again "
            "later",
        ),
        ("5xx", "- scars: PubMed esearch: service error (503); try again later"),
        ("malformed", "- scars: PubMed esearch: the answer is not JSON"),
    ],
)
def test_each_failure_is_one_line_and_writes_nothing_for_that_claim(
    local: LocalServices, project: Path, kind: str, line: str
) -> None:
    local.answer = _failing(kind)
    before = _files(project)
    status, report, err = _watch(project, "--write")
    assert status == 3
    assert [x for x in report.splitlines() if "PubMed esearch" in x] == [line]
    assert "Traceback" not in report + err
    assert _files(project)["scars.yaml"] == before["scars.yaml"]  # the failed claim untouched
    assert _files(project)["texture.yaml"] != before["texture.yaml"]  # the other one searched
    if kind == "429":
        tries = [
            p
            for p, q in local.requests
            if p == "/eutils/esearch.fcgi" and "textur" not in q["term"]
        ]
        assert len(tries) == 3  # asked, then twice more after the wait asked for


def test_a_timeout_is_one_line(local: LocalServices, project: Path) -> None:
    local.delay = 1.0
    status, report, err = _watch(project, "scars", "--timeout", "0.2")
    assert status == 3
    failures = [x for x in report.splitlines() if x.startswith("- scars: ")]
    assert failures[0] == "- scars: PubMed esearch: timed out after 0.2 s"
    assert all("timed out after 0.2 s" in x for x in failures)
    assert "Traceback" not in report + err


def test_no_network_at_all_is_one_line(
    local: LocalServices, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(EUTILS_URL_ENV, "http://127.0.0.1:9/eutils")  # nothing listens on port 9
    status, report, err = _watch(project)
    assert status == 3
    assert report == ""
    [line] = [x for x in err.splitlines() if x.startswith("needling-facts:")]
    assert line.startswith("needling-facts: error: no network: cannot reach 127.0.0.1")


def test_usage_errors(local: LocalServices, project: Path) -> None:
    status, _, err = _watch(project, "scar")
    assert status == 2
    assert "needling-facts: error: no claim 'scar' in" in err
    assert "did you mean 'scars'?" in err
    status, _, err = _watch(project, "--timeout", "0")
    assert status == 2
    assert local.requests == []


def test_parsers_refuse_what_is_not_the_documented_format() -> None:
    assert parse_esearch(json.loads((RECORDED / "esearch-scars.json").read_text()))[0] == 4
    bad_answers: list[object] = [{}, {"esearchresult": []}, {"esearchresult": {"idlist": []}}, [1]]
    for bad in bad_answers:
        with pytest.raises(ValueError, match="esearch answer"):
            parse_esearch(bad)
    with pytest.raises(ValueError, match="PubMed refused the query: bad term"):
        parse_esearch({"esearchresult": {"ERROR": "bad term"}})
    assert parse_esummary({"result": {"uids": ["1"], "1": {"uid": "1", "error": "x"}}}) == {}
    with pytest.raises(ValueError, match="esummary answer"):
        parse_esummary({"result": {}})


def _documented_workflow() -> dict[Any, Any]:
    """The GitHub Actions workflow printed in docs/living-evidence.md."""
    text = (REPO / "docs" / "living-evidence.md").read_text("utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", text, re.DOTALL)
    [workflow] = [b for b in blocks if b.startswith("name: Living evidence")]
    loaded: dict[Any, Any] = yaml.safe_load(workflow)
    return loaded


def _checkout(tmp_path: Path) -> Path:
    """The watch fixture laid out as a checkout, so that watch finds it from its folder."""
    root = tmp_path / "checkout"
    data = root / "src" / "needling_facts" / "data"
    data.mkdir(parents=True)
    shutil.copy(PROJECT / "references.bib", root / "references.bib")
    for folder in ("claims", "searches", "records"):
        shutil.copytree(PROJECT / folder, data / folder)
    return root


@pytest.mark.slow
def test_the_documented_workflow_step_runs_against_recorded_responses(
    local: LocalServices, tmp_path: Path
) -> None:
    """The schedule's watch step, exactly as docs/living-evidence.md prints it, in bash."""
    workflow = _documented_workflow()
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true, as PyYAML does
    assert triggers["schedule"] == [{"cron": "0 6 1 * *"}]
    [step] = [s for s in workflow["jobs"]["watch"]["steps"] if s.get("id") == "watch"]
    assert set(step["env"]) == {"NEEDLING_FACTS_MAILTO", "NCBI_API_KEY"}
    root = _checkout(tmp_path)
    output, summary = tmp_path / "output", tmp_path / "summary"
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "GITHUB_OUTPUT": str(output),
        "GITHUB_STEP_SUMMARY": str(summary),
        EUTILS_URL_ENV: f"{local.url}/eutils",
        CROSSREF_URL_ENV: f"{local.url}/crossref",
        "NEEDLING_FACTS_MAILTO": "maintainer@example.org",
        "NCBI_API_KEY": "",
    }
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr  # status 1 (news) is not a failed step
    assert output.read_text() == "status=1\n"
    report = (root / "watch-report.md").read_text("utf-8")
    assert "## scars" in report
    assert summary.read_text("utf-8") == report
    eutils = [q for p, q in local.requests if p.startswith("/eutils/")]
    assert eutils
    assert all(q.get("email") == "maintainer@example.org" for q in eutils)
    written = read_search_file(root / "src/needling_facts/data/searches/scars.yaml").record
    assert written is not None
    assert written.last_searched == TODAY
    assert [c.id for c in written.pending] == ["pmid:99000031", "pmid:99000041", "pmid:99000040"]
