"""The only module that talks to the network: Crossref's REST API and NCBI's E-utilities.

Used by ``needling-facts verify``, ``add --doi/--pmid`` and ``watch`` only; ``check``, ``load``
and the handbook build never import it. The base URLs can point at a mirror or a local test
server (``$NEEDLING_FACTS_EUTILS_URL``, ``$NEEDLING_FACTS_CROSSREF_URL``). httpx is an
optional dependency (the ``verify`` extra) and is imported when a `Services` is made.

Etiquette, as the services ask: Crossref's polite pool wants a ``mailto`` in the User-Agent;
E-utilities wants ``tool`` and ``email`` parameters and at most 3 requests a second without an
API key (10 with one), which `Services` enforces by waiting between NCBI requests.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from needling_facts._version import __version__
from needling_facts.errors import NeedlingFactsError

if TYPE_CHECKING:
    import httpx

__all__ = ["FetchError", "OfflineError", "RateLimitedError", "ServiceConfig", "Services"]

MAILTO_ENV = "NEEDLING_FACTS_MAILTO"
NCBI_KEY_ENV = "NCBI_API_KEY"
CROSSREF_URL_ENV = "NEEDLING_FACTS_CROSSREF_URL"
EUTILS_URL_ENV = "NEEDLING_FACTS_EUTILS_URL"
"""Base URLs of a mirror or a local test server, instead of the services' own."""


class FetchError(NeedlingFactsError):
    """One request failed; ``kind`` says how (not-found, rate-limited, timeout, ...)."""

    def __init__(self, kind: str, message: str) -> None:
        self.kind = kind
        super().__init__(message)


class OfflineError(FetchError):
    """The host could not be reached at all (no route, no DNS): most likely no network."""


class RateLimitedError(FetchError):
    """A 429 answer, with the ``wait`` the service asked for (seconds), if it gave one.

    `Services` waits it out a few times before letting it through.
    """

    def __init__(self, retry_after: str | None) -> None:
        self.wait = float(retry_after) if retry_after and retry_after.strip().isdigit() else None
        hint = f"; the service asks to wait {retry_after} s" if retry_after else ""
        super().__init__("rate-limited", f"rate limited (429){hint}; try again later")


@dataclass(frozen=True, slots=True)
class ServiceConfig:
    """Where and how to ask. ``mailto`` defaults to ``$NEEDLING_FACTS_MAILTO``."""

    mailto: str | None = None
    timeout: float = 20.0
    crossref: str = "https://api.crossref.org"
    eutils: str = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"
    ncbi_api_key: str | None = None
    rate_limit_retries: int = 2
    """Times a request answered 429 (rate limited) is tried again, after the wait asked for."""
    longest_wait: float = 60.0
    """A 429 that asks for a longer wait than this (seconds) is reported, not waited out."""
    deadline: float = 60.0
    """Seconds one request may take in all: a server that drips a byte every few seconds
    never trips the per-read ``timeout``, so the whole answer has a deadline too."""
    max_bytes: int = 10 << 20
    """10 MiB: the largest answer read (a PubMed record is a few kilobytes)."""
    redirects: int = 3
    """Redirects followed, to the same host only (a redirect elsewhere is refused)."""

    @classmethod
    def from_environment(cls, mailto: str | None = None, **options: Any) -> ServiceConfig:
        """The defaults, with ``$NEEDLING_FACTS_MAILTO``, ``$NCBI_API_KEY`` and the base URLs
        ``$NEEDLING_FACTS_CROSSREF_URL`` and ``$NEEDLING_FACTS_EUTILS_URL`` when set."""
        urls = {
            name: os.environ[variable].rstrip("/")
            for name, variable in (("crossref", CROSSREF_URL_ENV), ("eutils", EUTILS_URL_ENV))
            if os.environ.get(variable, "").strip()
        }
        return cls(
            mailto=mailto or os.environ.get(MAILTO_ENV) or None,
            ncbi_api_key=os.environ.get(NCBI_KEY_ENV) or None,
            **{**urls, **options},
        )

    @property
    def user_agent(self) -> str:
        contact = f" (mailto:{self.mailto})" if self.mailto else ""
        return f"needling-facts/{__version__}{contact}"

    @property
    def ncbi_interval(self) -> float:
        """Seconds between E-utilities requests: 3 a second, or 10 with an API key."""
        return 0.1 if self.ncbi_api_key else 1 / 3


class Services:
    """A session with both services; use as a context manager."""

    def __init__(
        self,
        config: ServiceConfig,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        import httpx

        self.config = config
        self._httpx = httpx
        self._client = httpx.Client(
            # identity: the byte cap counts what the answer really is, not a gzip that expands.
            headers={
                "User-Agent": config.user_agent,
                "Accept": "application/json",
                "Accept-Encoding": "identity",
            },
            timeout=config.timeout,
            follow_redirects=False,  # followed by hand: same host only, counted
            transport=transport,
        )
        self._sleep = sleep
        self._clock = clock
        self._last_ncbi: float | None = None
        self.reached = False
        """Whether any request got an answer (so a later connection error is not 'offline')."""

    def __enter__(self) -> Services:
        return self

    def __exit__(self, *_: object) -> None:
        self._client.close()

    def _get(self, url: str, params: dict[str, str] | None = None) -> httpx.Response:
        """One GET; a 429 is tried again after the wait the service asks for (or 1, 2 s)."""
        for attempt in range(self.config.rate_limit_retries + 1):
            try:
                return self._get_once(url, params)
            except RateLimitedError as limited:
                wait = limited.wait if limited.wait is not None else float(2**attempt)
                if attempt == self.config.rate_limit_retries or wait > self.config.longest_wait:
                    raise
                self._sleep(wait)
        raise AssertionError("unreachable")  # the loop returns or raises

    def _get_once(self, url: str, params: dict[str, str] | None) -> httpx.Response:
        httpx = self._httpx
        host = httpx.URL(url).host
        started = self._clock()
        for _ in range(self.config.redirects + 1):
            response = self._fetch(url, params, started)
            if response.status_code not in (301, 302, 303, 307, 308):
                return self._status(response)
            location = response.headers.get("Location", "")
            target = httpx.URL(url).join(location)
            if target.host != host or target.scheme not in ("http", "https"):
                raise FetchError(
                    "redirect", f"redirected to another host ({target.host or location!r}); refused"
                )
            url, params = str(target), None
        raise FetchError("redirect", f"more than {self.config.redirects} redirects; refused")

    def _fetch(self, url: str, params: dict[str, str] | None, started: float) -> httpx.Response:
        """One request, its body read in chunks against the byte cap and the deadline."""
        lib = self._httpx
        try:
            with self._client.stream("GET", url, params=params) as response:
                body = bytearray()
                for chunk in response.iter_raw():
                    body += chunk
                    if len(body) > self.config.max_bytes:
                        raise FetchError(
                            "too-large", f"answer larger than {self.config.max_bytes} bytes"
                        )
                    if self._clock() - started > self.config.deadline:
                        raise FetchError(
                            "timeout", f"answer not complete after {self.config.deadline:g} s"
                        )
                self.reached = True
                answer: httpx.Response = lib.Response(
                    response.status_code,
                    headers=response.headers,
                    content=bytes(body),
                    request=response.request,
                )
                return answer
        except lib.TimeoutException:
            raise FetchError("timeout", f"timed out after {self.config.timeout:g} s") from None
        except lib.ConnectError as error:
            host = lib.URL(url).host
            if not self.reached:
                raise OfflineError(
                    "offline", f"no network: cannot reach {host} ({error})"
                ) from None
            raise FetchError("connection", f"cannot reach {host} ({error})") from None
        except lib.TransportError as error:
            raise FetchError("connection", f"{type(error).__name__}: {error}") from None

    def _status(self, response: httpx.Response) -> httpx.Response:
        status = response.status_code
        if status == 404:
            raise FetchError("not-found", "not found (404)")
        if status == 429:
            raise RateLimitedError(response.headers.get("Retry-After"))
        if status >= 500:
            raise FetchError("server-error", f"service error ({status}); try again later")
        if status >= 400:
            raise FetchError("http-error", f"refused ({status})")
        return response

    def _json(self, response: httpx.Response) -> Any:
        try:
            return response.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise FetchError("bad-response", "the answer is not JSON") from None

    def _ncbi(self, endpoint: str, params: dict[str, str]) -> httpx.Response:
        if self._last_ncbi is not None:
            wait = self.config.ncbi_interval - (self._clock() - self._last_ncbi)
            if wait > 0:
                self._sleep(wait)
        self._last_ncbi = self._clock()
        params = {**params, "tool": "needling-facts"}
        if self.config.mailto:
            params["email"] = self.config.mailto
        if self.config.ncbi_api_key:
            params["api_key"] = self.config.ncbi_api_key
        return self._get(f"{self.config.eutils}/{endpoint}", params)

    def crossref_work(self, doi: str) -> Any:
        """The JSON of ``/works/{doi}``."""
        params = {"mailto": self.config.mailto} if self.config.mailto else None
        return self._json(self._get(f"{self.config.crossref}/works/{quote(doi)}", params))

    def crossref_search(self, query: str, rows: int = 5) -> list[Any]:
        """The work items of ``/works?query.bibliographic=...``, best match first."""
        params = {"query.bibliographic": query, "rows": str(rows)}
        if self.config.mailto:
            params["mailto"] = self.config.mailto
        answer = self._json(self._get(f"{self.config.crossref}/works", params))
        try:
            items = answer["message"]["items"]
        except (KeyError, TypeError):
            raise FetchError("bad-response", "Crossref search answer has no items") from None
        if not isinstance(items, list):
            raise FetchError("bad-response", "Crossref search items are not a list")
        return items

    def pubmed_search(self, term: str, retmax: int = 20) -> list[str]:
        """PMIDs that an E-utilities ``esearch`` term finds (e.g. ``10.1/x[doi]``)."""
        params = {"db": "pubmed", "term": term, "retmode": "json", "retmax": str(retmax)}
        answer = self._json(self._ncbi("esearch.fcgi", params))
        try:
            ids = answer["esearchresult"]["idlist"]
        except (KeyError, TypeError):
            raise FetchError("bad-response", "esearch answer has no idlist") from None
        return [str(i) for i in ids]

    def pubmed_ids_for_doi(self, doi: str) -> list[str]:
        """PMIDs whose record carries this DOI (esearch ``term=DOI[doi]``)."""
        return self.pubmed_search(f"{doi}[doi]")

    def eutils_json(self, endpoint: str, params: dict[str, str]) -> Any:
        """The JSON answer of an E-utilities endpoint (``esearch.fcgi``, ``esummary.fcgi``)."""
        return self._json(self._ncbi(endpoint, {**params, "db": "pubmed", "retmode": "json"}))

    def pubmed_article(self, pmid: str) -> str:
        """The efetch XML of one PubMed record."""
        response = self._ncbi("efetch.fcgi", {"db": "pubmed", "id": pmid, "retmode": "xml"})
        return response.text
