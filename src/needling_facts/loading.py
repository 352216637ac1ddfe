"""Find, read and cache the sources, and build a `Library` from them."""

from __future__ import annotations

import hashlib
import os
import pickle
import threading
from collections import OrderedDict
from functools import cache
from pathlib import Path

from needling_facts.checks.claims import CLAIM_UNKNOWN_CITATION, check_library
from needling_facts.checks.records import check_records, enrich_references
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


@cache
def _bundled_library() -> Library:
    return load_from(*bundled_paths())


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
    parsed = _read_bibliography_cached(bib, cache_dir)
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
    # A file whose name is not a valid id is checked (every problem reported) but not kept:
    # its claim carries a stand-in id, so nothing could link to it.
    claims = {f.claim_id: f.claim for f in claim_files if f.claim and f.claim.id == f.claim_id}
    return Library(
        claims=claims,
        references=enrich_references(parsed.references, records),
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
# One entry per path (the latest content), least recently used dropped first: editing a file
# a hundred times keeps one version, not a hundred.
_CLAIM_CACHE_SIZE = 50_000
_claim_cache: OrderedDict[str, tuple[str, ClaimFile]] = OrderedDict()
_claim_cache_lock = threading.Lock()


def _read_claim_file_cached(path: Path) -> ClaimFile:
    try:
        data = read_regular_file(path, MAX_FILE_SIZE)
    except UnreadableFileError as error:
        return unreadable_claim_file(path, error.reason)
    name, digest = str(path), hashlib.sha256(data).hexdigest()
    with _claim_cache_lock:
        cached = _claim_cache.get(name)
        if cached is not None and cached[0] == digest:
            _claim_cache.move_to_end(name)
            return cached[1]
    parsed = read_claim_file(path, data)
    with _claim_cache_lock:
        _claim_cache[name] = (digest, parsed)
        _claim_cache.move_to_end(name)
        while len(_claim_cache) > _CLAIM_CACHE_SIZE:
            _claim_cache.popitem(last=False)
    return parsed


# Parsing the bibliography dominates load time; `mkdocs serve` rebuilds after every edit, so
# the parse is cached on the file's content (not its mtime, which editors and git touch).
_BIB_CACHE_SIZE = 4
_bib_cache: OrderedDict[tuple[str, str], ParsedBibliography] = OrderedDict()
_bib_cache_lock = threading.Lock()


def _read_bibliography_cached(path: Path, cache_dir: Path | None = None) -> ParsedBibliography:
    try:
        data = read_regular_file(path)
    except UnreadableFileError:
        return read_bibliography(path)
    cache_key = (str(path), hashlib.sha256(data).hexdigest())
    with _bib_cache_lock:
        cached = _bib_cache.get(cache_key)
        if cached is not None:
            _bib_cache.move_to_end(cache_key)
            return cached
    parsed = _read_disk_cache(cache_dir, cache_key) if cache_dir else None
    if parsed is None:
        # Decode here and drop the bytes before parsing: a 50 MB file is then held once, not twice.
        text, problem = read_text(data, str(path), BIB_NOT_UTF8)
        del data
        parsed = parse_bibliography(text, str(path))
        del text
        if problem is not None:
            parsed.problems.insert(0, problem)
        if cache_dir is not None:
            _write_disk_cache(cache_dir, cache_key, parsed)
    with _bib_cache_lock:
        _bib_cache[cache_key] = parsed
        while len(_bib_cache) > _BIB_CACHE_SIZE:
            _bib_cache.popitem(last=False)
    return parsed


def _disk_cache_path(cache_dir: Path, cache_key: tuple[str, str]) -> Path:
    from needling_facts._version import __version__

    # The model's field names too: an editable install changes the model without a new
    # version, and an old pickle would then load into objects that lack the new fields.
    shape = ",".join(Reference.model_fields)
    text = f"{__version__}\0{shape}\0{cache_key[0]}\0{cache_key[1]}"
    digest = hashlib.sha256(text.encode()).hexdigest()
    return cache_dir / f"bibliography-{digest[:24]}.pickle"


def _read_disk_cache(cache_dir: Path, cache_key: tuple[str, str]) -> ParsedBibliography | None:
    # Our own cache, written by this version of the package for this exact content.
    try:
        with _disk_cache_path(cache_dir, cache_key).open("rb") as file:
            value = pickle.load(file)
    except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, TypeError):
        return None
    return value if isinstance(value, ParsedBibliography) else None


def _write_disk_cache(
    cache_dir: Path, cache_key: tuple[str, str], parsed: ParsedBibliography
) -> None:
    target = _disk_cache_path(cache_dir, cache_key)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        for old in cache_dir.glob("bibliography-*.pickle"):
            old.unlink(missing_ok=True)  # one parsed bibliography is enough
        temporary = target.with_suffix(f".{os.getpid()}.tmp")
        with temporary.open("wb") as file:
            pickle.dump(parsed, file, protocol=pickle.HIGHEST_PROTOCOL)
        temporary.replace(target)
    except OSError:
        pass  # a read-only checkout still builds; it only parses every time


def clear_caches() -> None:
    """Forget parsed sources (for benchmarks that measure a cold load)."""
    with _bib_cache_lock:
        _bib_cache.clear()
    with _claim_cache_lock:
        _claim_cache.clear()
