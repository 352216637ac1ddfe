"""The data API published with the handbook (``api/v1/``), as data: site path -> bytes.

Apps in any language read the library from the site itself, without Python::

    api/v1/index.json            data and schema versions; every file with its sha256 and schema
    api/v1/claims.json           one line per claim: id, title, outcome, certainty, verdict, links
    api/v1/claims/{id}.json      one claim as the ``json`` export holds it, plus its body as
                                 Markdown, sanitised HTML (citations numbered, reference list)
                                 and plain text
    api/v1/references.json       every reference as CSL-JSON (as ``export --format csl-json``)
    api/v1/references/{key}.json one reference as a CSL-JSON item
    api/v1/changes.json          the content changelog, newest first
    api/v1/fhir.json             the library as a FHIR R5 Bundle (as ``export --format fhir``)
    api/v1/schema/*.schema.json  JSON Schemas (2020-12) with absolute ``$id`` under the site URL

Claims and references are serialised by `needling_facts.export` (the ``json`` and ``csl-json``
formats), never a second time here. What the versions promise is in ``docs/data-api.md``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping
from html.parser import HTMLParser
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from needling_facts._version import DATA_VERSION, __version__
from needling_facts.errors import NeedlingFactsError, UsageError
from needling_facts.evidence.grade import Certainty
from needling_facts.evidence.vocabulary import ClaimStatus, Outcome, Verdict
from needling_facts.export.csl_json import to_csl_json
from needling_facts.export.fhir import build_bundle, validate_bundle
from needling_facts.export.json_schema import DRAFT, schema_of
from needling_facts.export.library_json import (
    ExportedGeneralClaim,
    ExportedScarClaim,
    SchemaVersion,
    build_export,
)
from needling_facts.library import Library
from needling_facts.render.citations import key_slug, render_citations
from needling_facts.render.csl import FormattedReference
from needling_facts.render.paths import claim_path
from needling_facts.render.sanitize import clean_html
from needling_facts.site.handbook import BIBLIOGRAPHY
from needling_facts.site.urls import page_url

__all__ = [
    "API_ROOT",
    "CSL_SCHEMA",
    "DEFAULT_SITE_URL",
    "FHIR_BUNDLE",
    "SCHEMAS",
    "ChangeLog",
    "ClaimDocument",
    "ClaimList",
    "ContentChange",
    "build_api",
    "content_changes",
]

DEFAULT_SITE_URL = "https://needling-facts.github.io/needling-facts/"
"""The handbook's address (``site_url`` in ``mkdocs.yml``; ``pages --site-url``'s default)."""

API_ROOT = "api/v1/"
"""Where the API lives in the built site. A new major version gets a new folder."""

CSL_SCHEMA = "https://resource.citationstyles.org/schema/v1.0/input/json/csl-data.json"
"""The CSL-JSON schema the reference files follow (kept by the Citation Style Language)."""

FHIR_BUNDLE = "http://hl7.org/fhir/StructureDefinition/Bundle"
"""What ``fhir.json`` conforms to: FHIR R5's definition of a Bundle (FHIR validates against
StructureDefinitions, named by their canonical URL, rather than a JSON Schema)."""


class _Document(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_version: SchemaVersion = "2.3"
    """The shape of these documents; see the data-versioning policy."""
    data_version: str = DATA_VERSION
    """The content's version (a date, with ``.N`` for a second release that day)."""


class ClaimBody(BaseModel):
    """A claim's handbook prose in three forms."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    markdown: str
    """As written, citations as ``[@Key]``."""
    html: str
    """Sanitised HTML: citations numbered and linked to the reference list that ends it."""
    text: str
    """Plain text of the HTML: citations as ``[1]``, then the numbered reference list."""


class ClaimDocument(_Document):
    """``claims/{id}.json``: one claim with its evidence, references and rendered body."""

    model_config = ConfigDict(title="needling-facts claim")

    url: str
    """The claim's page in the handbook."""
    claim: Annotated[ExportedScarClaim | ExportedGeneralClaim, Field(discriminator="outcome")]
    """The claim as the ``json`` export holds it (evidence, GRADE, resolved references)."""
    body: ClaimBody


class ClaimSummary(BaseModel):
    """One claim in ``claims.json``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    title: str
    outcome: Outcome
    certainty: Certainty
    verdict: Verdict
    status: ClaimStatus
    url: str
    """The claim's page in the handbook."""
    href: str
    """Its document, relative to ``api/v1/``."""


class ClaimList(_Document):
    """``claims.json``: every claim, withdrawn ones included (their ids stay valid)."""

    model_config = ConfigDict(title="needling-facts claims")

    claims: tuple[ClaimSummary, ...]


class ContentChange(BaseModel):
    """One content release in the changelog."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    data_version: str
    markdown: str
    """What changed, as the changelog says it."""


class ChangeLog(_Document):
    """``changes.json``: the content changelog (``CHANGELOG.md``, section Content)."""

    model_config = ConfigDict(title="needling-facts content changes")

    changes: tuple[ContentChange, ...]
    """Newest first."""


class ApiFile(BaseModel):
    """One file of the API, listed in ``index.json``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    path: str
    """Relative to ``api/v1/``."""
    sha256: str
    media_type: str
    schema_url: str
    """The JSON Schema the file follows (for ``fhir.json``, FHIR's StructureDefinition)."""


class ApiIndex(_Document):
    """``index.json``: the versions and every other file of the API."""

    model_config = ConfigDict(title="needling-facts data API index")

    package_version: str = __version__
    files: tuple[ApiFile, ...]


SCHEMAS: Mapping[str, type[BaseModel]] = {
    "schema/index.schema.json": ApiIndex,
    "schema/claims.schema.json": ClaimList,
    "schema/claim.schema.json": ClaimDocument,
    "schema/changes.schema.json": ChangeLog,
}
"""Each schema file by its path under ``api/v1/``, and the model it describes."""

_CONTENT = re.compile(r"^## Content\s*$(?P<section>.*?)(?=^## |\Z)", re.M | re.S)
_RELEASE = re.compile(r"^### +(?P<version>\S+)\s*$", re.M)


def content_changes(changelog: str) -> tuple[ContentChange, ...]:
    """The releases of the changelog's ``## Content`` section, in the order written."""
    found = _CONTENT.search(changelog)
    if found is None:
        return ()
    parts = _RELEASE.split(found.group("section"))
    # split() gives [preamble, version, text, version, text, ...]
    return tuple(
        ContentChange(data_version=version, markdown=text.strip() + "\n")
        for version, text in zip(parts[1::2], parts[2::2], strict=True)
    )


class _Text(HTMLParser):
    """Text of an HTML fragment, one line per block element."""

    _BLOCKS = frozenset({"p", "li", "div", "ol", "ul", "h1", "h2", "h3", "h4", "tr", "br"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self.numbers: list[int] = []
        """The last number of each open ``<ol>``."""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        del attrs
        if tag in self._BLOCKS:
            self.pieces.append("\n")
        if tag == "ol":
            self.numbers.append(0)
        elif tag == "li" and self.numbers:
            # A numbered list keeps its numbers: the text cites references as [1], [2].
            self.numbers[-1] += 1
            self.pieces.append(f"{self.numbers[-1]}. ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._BLOCKS:
            self.pieces.append("\n")
        if tag == "ol" and self.numbers:
            self.numbers.pop()

    def handle_data(self, data: str) -> None:
        # Source line breaks inside a paragraph are spaces, as a browser shows them.
        self.pieces.append(re.sub(r"\s+", " ", data))


def _plain_text(fragment: str) -> str:
    parser = _Text()
    parser.feed(fragment)
    parser.close()
    lines = (line.strip() for line in "".join(parser.pieces).splitlines())
    return "\n".join(line for line in lines if line) + "\n"


def _json(model: BaseModel) -> bytes:
    return (model.model_dump_json(indent=2, exclude_none=True) + "\n").encode()


def _plain_json(value: Any) -> bytes:
    return (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode()


def build_api(
    library: Library,
    formatted: Mapping[str, FormattedReference],
    to_html: Callable[[str], str],
    site_url: str,
    *,
    changelog: str = "",
    directory_urls: bool = True,
) -> dict[str, bytes]:
    """Every file of ``api/v1/`` by its path in the site, for ``library``.

    ``to_html`` turns Markdown into HTML (the engine's Markdown; the result is sanitised here).
    ``site_url`` is the site's absolute URL: schema ``$id`` and page links are made from it.
    ``changelog`` is the text of ``CHANGELOG.md``; without one ``changes.json`` lists none.
    """
    if not re.fullmatch(r"https?://[^\s/]+(/\S*)?", site_url):
        raise UsageError(f"the site URL must be an absolute http(s) URL, not {site_url!r}")
    base = site_url.rstrip("/") + "/"
    api_url = base + API_ROOT
    export = build_export(library)
    bibliography = base + page_url(BIBLIOGRAPHY, directory_urls)
    files: dict[str, tuple[bytes, str, str]] = {}  # path -> (data, media type, schema)

    def add(path: str, data: bytes, schema: str, media_type: str = "application/json") -> None:
        if path in files:  # two BibTeX keys that differ only in characters a URL cannot hold
            raise NeedlingFactsError(f"the data API would write {API_ROOT}{path} twice")
        files[path] = (data, media_type, schema if "://" in schema else api_url + schema)

    summaries = []
    for claim in export.claims:
        url = base + page_url(claim_path(claim.id), directory_urls)
        cited = render_citations(
            claim.body, library.references, formatted, bibliography_url=bibliography
        )
        body_html = clean_html(to_html(cited.markdown))
        body = ClaimBody(markdown=claim.body, html=body_html, text=_plain_text(body_html))
        document = ClaimDocument(url=url, claim=claim, body=body)
        href = f"claims/{claim.id}.json"
        add(href, _json(document), "schema/claim.schema.json")
        summaries.append(
            ClaimSummary(
                id=claim.id,
                title=claim.title,
                outcome=claim.outcome,
                certainty=claim.certainty,
                verdict=claim.verdict,
                status=claim.status,
                url=url,
                href=href,
            )
        )
    add("claims.json", _json(ClaimList(claims=tuple(summaries))), "schema/claims.schema.json")
    csl = "application/vnd.citationstyles.csl+json"
    items = [to_csl_json(reference) for reference in library.references.values()]
    add("references.json", _plain_json(items), CSL_SCHEMA, csl)
    for item in items:
        add(f"references/{key_slug(item['id'])}.json", _plain_json(item), CSL_SCHEMA, csl)
    # Validated like the export (fhir.resources, in the docs extra): never an invalid Bundle.
    bundle = build_bundle(library)
    validate_bundle(bundle)
    add("fhir.json", _plain_json(bundle), FHIR_BUNDLE, "application/fhir+json")
    changes = ChangeLog(changes=content_changes(changelog))
    add("changes.json", _json(changes), "schema/changes.schema.json")
    for path, model in SCHEMAS.items():
        schema = schema_of(model, api_url + path)
        add(path, _plain_json(schema), DRAFT, "application/schema+json")
    index = ApiIndex(
        files=tuple(
            ApiFile(
                path=path,
                sha256=hashlib.sha256(data).hexdigest(),
                media_type=media_type,
                schema_url=schema,
            )
            for path, (data, media_type, schema) in sorted(files.items())
        )
    )
    add("index.json", _json(index), "schema/index.schema.json")
    return {API_ROOT + path: data for path, (data, _, _) in files.items()}
