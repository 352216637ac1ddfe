"""Find, read and cache the sources, and build a `Library` from them."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from needling_facts._cache import Cache, clear, content_key, read_entry, write_entry
from needling_facts.checks.claims import CLAIM_UNKNOWN_CITATION, check_library
from needling_facts.checks.records import check_records, enrich_references
from needling_facts.checks.searches import check_searches
from needling_facts.diagnostics import Problem, Severity, declare_code
from needling_facts.errors import UnreadableFileError
from needling_facts.evidence.reference import Reference
from needling_facts.library import Library
from needling_facts.sources.bibtex.read import (
    BIB_FILE_NOT_FOUND,
    BIB_NOT_UTF8,
    ParsedBibliography,
    parse_bibliography,
    read_bibliography,
)
from needling_facts.sources.claim_files import (
    MAX_FILE_SIZE,
    ClaimFile,
    read_claim_file,
    unreadable_claim_file,
)
from needling_facts.sources.records import read_records, records_dir_for
from needling_facts.sources.safe_read import read_regular_file
from needling_facts.sources.searches import read_searches, searches_dir_for
from needling_facts.sources.text import read_text

__all__ = ["bundled_paths", "load", "load_from", "repository_paths"]

CLAIM_DIR_NOT_FOUND = declare_code(
    "claim.dir-not-found",
    Severity.ERROR,
    "The claims folder does not exist.",
    "--claims missing/",
)
REF_RECORDS_NOT_FOUND = declare_code(
    "ref.records-not-found",
    Severity.ERROR,
    "The records folder named with --records (or records_dir) does not exist.",
    "--records missing-folder/",
)

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"
CLAIMS_FOLDER = "claims"


def repository_paths(start: Path | None = None) -> tuple[Path, Path] | None:
    """``(references.bib, claims dir)`` of the needling-facts checkout containing ``start``."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        bib = folder / "references.bib"
        claims = folder / "src" / "needling_facts" / "data" / CLAIMS_FOLDER
        if bib.is_file() and claims.is_dir():
            return bib, claims
    return None


def bundled_paths() -> tuple[Path, Path]:
    """The data shipped with the package: in the wheel, or the checkout of an editable install."""
    shipped = DATA_DIR / "references.bib"
    if not shipped.is_file():
        # Editable install from the src/ layout: references.bib stays at the repository root.
        shipped = PACKAGE_DIR.parent.parent / "references.bib"
    return shipped, DATA_DIR / CLAIMS_FOLDER


_bundled_lock = threading.Lock()
_BUNDLED: Cache[Library] = Cache("the bundled library", max_slots=1)


def _bundled_library() -> Library:
    # The bundled files do not change while the package is installed: one constant key.
    found = _BUNDLED.get("bundled", "bundled")
    if found is None:
        found = _BUNDLED.put("bundled", "bundled", load_from(*bundled_paths()))
    return found


def load(*, bib: str | Path | None = None, claims_dir: str | Path | None = None) -> Library:
    """The bundled library (built once, then cached), or one built from your own files.

    ``nf.load()`` reads the data shipped with the package; ``nf.load(bib=..., claims_dir=...)``
    reads any bibliography and claim folder with the same engine (either may be omitted to use
    the bundled one). Problems are collected in ``Library.problems``; nothing raises for bad
    content.
    """
    if bib is None and claims_dir is None:
        with _bundled_lock:
            return _bundled_library()
    for name, value in (("bib", bib), ("claims_dir", claims_dir)):
        if value is not None and not str(value).strip():
            raise ValueError(f"{name}: empty path (pass None for the bundled data)")
    default_bib, default_claims = bundled_paths()
    return load_from(
        Path(default_bib if bib is None else bib),
        Path(default_claims if claims_dir is None else claims_dir),
    )


def load_from(
    bib: Path, claims_dir: Path, records_dir: Path | None = None, *, cache_dir: Path | None = None
) -> Library:
    """Build a library; frozen records are read from ``records_dir`` (default: the ``records``
    folder beside ``claims_dir``) and, when that folder exists, compared with the bib.
    ``cache_dir`` keeps the parsed bibliography on disk between processes (keyed by the file's
    content), so a fresh ``mkdocs build`` does not parse it again."""
    parsed = parsed_bibliography(bib, cache_dir)
    claim_files, folder_problems = read_claim_folder(claims_dir)
    records = read_records(records_dir or records_dir_for(claims_dir))
    problems = [*parsed.problems, *folder_problems, *records.problems]
    if records_dir is not None and not records.present:
        # Named and missing: comparing nothing would pass every reference silently.
        problems.append(REF_RECORDS_NOT_FOUND.at(str(records_dir), 1, 1, "no such records folder"))
    for file in claim_files:
        problems.extend(file.problems)
    checked = check_library(parsed.references, claim_files)
    if any(p.code == BIB_FILE_NOT_FOUND.code for p in parsed.problems):
        # Without the bibliography every cited key is "unknown": report the cause alone.
        checked = [p for p in checked if p.code != CLAIM_UNKNOWN_CITATION.code]
    problems.extend(checked)
    problems.extend(check_records(parsed.references, records))
    searches = read_searches(searches_dir_for(claims_dir))  # living evidence: beside claims/
    problems += [*searches.problems, *check_searches(searches, claim_files, parsed.references)]
    # A file whose name is not a valid id is checked (every problem reported) but not kept:
    # its claim carries a stand-in id, so nothing could link to it.
    claims = {f.claim_id: f.claim for f in claim_files if f.claim and f.claim.id == f.claim_id}
    return Library(
        claims=claims,
        references=enrich_references(parsed.references, records),
        searches={k: v for k, v in searches.records.items() if k in claims},
        problems=tuple(problems),
        bib_path=str(bib),
        claims_dir=str(claims_dir),
        claim_files_read=len(claim_files),
    )


def claim_paths(claims_dir: Path) -> list[Path]:
    """Every ``*.md`` under ``claims_dir``, sorted, without following links to folders.

    Not following folder links means a link loop cannot make the walk endless; a link to a
    file is listed (and read through). Whatever is listed is read by `read_claim_file`, which
    turns a folder, FIFO or broken link into a problem instead of an exception or a hang.
    """
    found: list[Path] = []
    for folder, subfolders, names in os.walk(claims_dir, followlinks=False):
        base = Path(folder)
        subfolders.sort()
        # A folder named like a claim file is listed so that it is reported, not ignored.
        found += [base / name for name in names if name.endswith(".md")]
        found += [base / name for name in subfolders if name.endswith(".md")]
    return sorted(found)


def read_claim_folder(claims_dir: Path) -> tuple[list[ClaimFile], list[Problem]]:
    if not claims_dir.is_dir():
        return [], [CLAIM_DIR_NOT_FOUND.at(str(claims_dir), 1, 1, "no such folder")]
    files = [_read_claim_file_cached(path) for path in claim_paths(claims_dir)]
    return files, []


# `mkdocs serve` reloads everything after each edit; unchanged claim files are not parsed again.
# One entry per path (the latest content): editing a file a hundred times keeps one version.
# A ClaimFile is never changed after `read_claim_file` returns it, so it can be shared.
_CLAIM_FILES: Cache[ClaimFile] = Cache("parsed claim files", max_slots=50_000)


def _read_claim_file_cached(path: Path) -> ClaimFile:
    try:
        data = read_regular_file(path, MAX_FILE_SIZE)
    except UnreadableFileError as error:
        return unreadable_claim_file(path, error.reason)
    slot, key = str(path), content_key(data)
    found = _CLAIM_FILES.get(slot, key)
    if found is None:
        found = _CLAIM_FILES.put(slot, key, read_claim_file(path, data))
    return found


class StoredBibliography(BaseModel):
    """A parsed bibliography as plain data: what the cache keeps in memory and on disk."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    path: str
    references: dict[str, Reference]
    problems: tuple[Problem, ...]

    @classmethod
    def of(cls, parsed: ParsedBibliography) -> StoredBibliography:
        return cls(path=parsed.path, references=parsed.references, problems=tuple(parsed.problems))

    def parsed(self) -> ParsedBibliography:
        """A new `ParsedBibliography` (its dict and list are the caller's to change)."""
        return ParsedBibliography(self.path, dict(self.references), list(self.problems))


# Parsing the bibliography dominates load time (3.5 s for 5,000 entries; 0.4 s to read it back
# from disk); `mkdocs serve` rebuilds after every edit, so the parse is cached on the file's
# content (not its mtime, which editors and git touch).
_BIBLIOGRAPHIES: Cache[StoredBibliography] = Cache("parsed bibliographies", max_slots=8)
_BIBLIOGRAPHY_KIND = "bibliography"


def parsed_bibliography(path: Path, cache_dir: Path | None = None) -> ParsedBibliography:
    """`read_bibliography`, cached by the file's content: in memory, and with ``cache_dir``
    on disk between processes (verified on read, see `needling_facts._cache`)."""
    try:
        data = read_regular_file(path)
    except UnreadableFileError:
        return read_bibliography(path)
    slot, key = str(path), content_key(data)
    found = _BIBLIOGRAPHIES.get(slot, key)
    # On disk the parser's versions count too: another process may run another bibtexparser.
    disk_key = content_key(key, *_parser_versions()) if cache_dir is not None else ""
    if found is None and cache_dir is not None:
        found = read_entry(cache_dir, _BIBLIOGRAPHY_KIND, slot, disk_key, StoredBibliography)
    if found is None:
        # Decode here and drop the bytes before parsing: a 50 MB file is then held once, not twice.
        text, problem = read_text(data, str(path), BIB_NOT_UTF8)
        del data
        parsed = parse_bibliography(text, str(path))
        del text
        if problem is not None:
            parsed.problems.insert(0, problem)
        found = StoredBibliography.of(parsed)
        if cache_dir is not None:
            write_entry(cache_dir, _BIBLIOGRAPHY_KIND, slot, disk_key, found)
    return _BIBLIOGRAPHIES.put(slot, key, found).parsed()


def _parser_versions() -> tuple[str, ...]:
    # A new bibtexparser or pylatexenc may read the same bytes differently. Asked from the
    # installed metadata: importing them only to ask would undo what the disk entry saves.
    from importlib.metadata import version

    return tuple(f"{name}=={version(name)}" for name in ("bibtexparser", "pylatexenc"))


def clear_caches() -> None:
    """Forget every cached value in memory (for benchmarks that measure a cold load): calls
    the package's one `needling_facts._cache.clear`."""
    clear()
