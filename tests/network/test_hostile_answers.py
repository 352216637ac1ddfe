"""Hostile answers from a real local server (127.0.0.1 only, bounded): every one is one
`FetchError` or `ResponseFormatError` line, never a hang, a traceback or a huge read.

Issue 19 class 5: a server dripping one byte every few seconds hung ``verify`` (timeouts are per
read); a 300 MB answer was read whole; redirects to other hosts were followed; malformed
answers were tracebacks; control characters reached references.bib.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from needling_facts.network.client import FetchError, ServiceConfig, Services
from needling_facts.network.responses import ResponseFormatError, crossref_record, pubmed_record

SEEN = dt.date(2026, 12, 7)
Handler = Callable[[BaseHTTPRequestHandler], None]


@pytest.fixture
def server() -> Iterator[tuple[str, dict[str, Handler]]]:
    routes: dict[str, Handler] = {}

    class Answer(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            routes[self.path.split("?")[0]](self)

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Answer)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", routes
    httpd.shutdown()
    httpd.server_close()


def _services(base: str, **overrides: Any) -> Services:
    config = ServiceConfig(crossref=base, eutils=base, timeout=2.0, **overrides)
    return Services(config, sleep=lambda _: None)


def _json(handler: BaseHTTPRequestHandler, body: bytes, status: int = 200) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def test_a_slow_drip_meets_the_overall_deadline(server: tuple[str, dict[str, Handler]]) -> None:
    base, routes = server

    def drip(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", "1000")
        handler.end_headers()
        for _ in range(40):  # 20 s of drip if nobody stops reading: bounded either way
            try:
                handler.wfile.write(b" ")
                handler.wfile.flush()
            except OSError:
                return
            time.sleep(0.5)

    routes["/works/10.5555/drip"] = drip
    start = time.monotonic()
    with _services(base, deadline=2.0) as services, pytest.raises(FetchError, match="not complete"):
        services.crossref_work("10.5555/drip")
    assert time.monotonic() - start < 6  # each read returned within the per-read timeout


def test_an_oversized_answer_is_cut_at_the_cap(server: tuple[str, dict[str, Handler]]) -> None:
    base, routes = server
    routes["/works/10.5555/huge"] = lambda h: _json(h, b"[" + b"0," * 300_000 + b"0]")
    with _services(base, max_bytes=100_000) as services, pytest.raises(FetchError) as caught:
        services.crossref_work("10.5555/huge")
    assert caught.value.kind == "too-large"


def _redirect(to: str) -> Handler:
    def handler(h: BaseHTTPRequestHandler) -> None:
        h.send_response(302)
        h.send_header("Location", to)
        h.send_header("Content-Length", "0")
        h.end_headers()

    return handler


def test_a_redirect_to_another_host_is_refused(server: tuple[str, dict[str, Handler]]) -> None:
    base, routes = server
    routes["/works/10.5555/away"] = _redirect("http://127.0.0.2:9/steal")
    with _services(base) as services, pytest.raises(FetchError, match="another host"):
        services.crossref_work("10.5555/away")


def test_a_redirect_loop_ends(server: tuple[str, dict[str, Handler]]) -> None:
    base, routes = server
    routes["/works/10.5555/loop"] = _redirect("/works/10.5555/loop")
    with _services(base) as services, pytest.raises(FetchError, match="redirects"):
        services.crossref_work("10.5555/loop")


def test_a_same_host_redirect_is_followed(server: tuple[str, dict[str, Handler]]) -> None:
    base, routes = server
    routes["/works/10.5555/moved"] = _redirect("/works/10.5555/here")
    routes["/works/10.5555/here"] = lambda h: _json(h, b'{"message": {"DOI": "10.5555/here"}}')
    with _services(base) as services:
        assert services.crossref_work("10.5555/moved")["message"]["DOI"] == "10.5555/here"


CROSSREF_MESSAGES = [
    {"DOI": "10.5555/a", "author": None},
    {"DOI": "10.5555/a", "issued": {"date-parts": [[10**400]]}},
    {"DOI": "10.5555/a", "issued": {"date-parts": "2020"}},
    {"DOI": "10.5555/a", "volume": {"nested": True}},
    {"DOI": "10.5555/a", "title": ["A title\u0007 with a bell"]},
    {"DOI": "10.5555/a", "title": ["Reversed \u202e text"]},
]


@pytest.mark.parametrize("message", CROSSREF_MESSAGES)
def test_a_malformed_crossref_answer_is_one_format_error(message: dict[str, Any]) -> None:
    payload = json.loads(json.dumps({"message": message}))
    with pytest.raises(ResponseFormatError):
        crossref_record(payload, SEEN)


PUBMED = (
    "<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>99000001</PMID><Article>"
    "<Journal><JournalIssue><PubDate>{date}</PubDate></JournalIssue></Journal>"
    "<ArticleTitle>{title}</ArticleTitle></Article></MedlineCitation></PubmedArticle>"
    "</PubmedArticleSet>"
)


@pytest.mark.parametrize(
    ("date", "title"),
    [
        ("<Year>2020</Year><Month>\u00b2</Month>", "A title"),
        ("<Year>20x0</Year>", "A title"),
        ("<Year>2020</Year>", "A title &#x1b;[31m red"),
    ],
)
def test_a_malformed_pubmed_answer_is_one_format_error(date: str, title: str) -> None:
    with pytest.raises(ResponseFormatError):
        pubmed_record(PUBMED.format(date=date, title=title), SEEN)


def test_a_number_where_a_title_goes_is_a_title_not_seen() -> None:
    work = crossref_record({"message": {"DOI": "10.5555/a", "title": [12345]}}, SEEN)
    assert work.record.fields.title is None  # left out, never printed as "12345"


def test_a_well_formed_pubmed_answer_still_reads() -> None:
    work = pubmed_record(PUBMED.format(date="<Year>2020</Year>", title="A title"), SEEN)
    assert (work.record.fields.pmid, work.record.fields.year) == ("99000001", 2020)
