"""Find, read and cache the sources, and build a `Library` from them."""

from __future__ import annotations

import hashlib
import os
import pickle
import threading
from collections import OrderedDict
from functools import cache
from pathlib import Path

from .bibliography import ParsedBibliography, read_bibliography
from .checks import check_library
from .claim_files import ClaimFile, read_claim_file
from .library import Library
from .problems import Problem

__all__ = ["bundled_paths", "load", "load_from", "repository_paths"]

_PACKAGE_DIR = Path(__file__).resolve().parent
CLAIMS_FOLDER = "content"


def repository_paths(start: Path | None = None) -> tuple[Path, Path] | None:
    """``(references.bib, claims dir)`` of the needling-facts checkout containing ``start``."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        bib = folder / "references.bib"
        claims = folder / "src" / "needling_facts" / CLAIMS_FOLDER
        if bib.is_file() and claims.is_dir():
            return bib, claims
    return None


def bundled_paths() -> tuple[Path, Path]:
    """The data shipped with the package: in the wheel, or the checkout of an editable install."""
    shipped = _PACKAGE_DIR / "references.bib"
    if not shipped.is_file():
        # Editable install from the src/ layout: references.bib stays at the repository root.
        shipped = _PACKAGE_DIR.parent.parent / "references.bib"
    return shipped, _PACKAGE_DIR / CLAIMS_FOLDER


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
    default_bib, default_claims = bundled_paths()
    return load_from(Path(bib or default_bib), Path(claims_dir or default_claims))


def load_from(bib: Path, claims_dir: Path, *, cache_dir: Path | None = None) -> Library:
    """Load a library; ``cache_dir`` keeps the parsed bibliography on disk between processes
    (keyed by the file's content), so a fresh ``mkdocs build`` does not parse it again."""
    parsed = _read_bibliography_cached(bib, cache_dir)
    claim_files, folder_problems = read_claim_folder(claims_dir)
    problems = [*parsed.problems, *folder_problems]
    for file in claim_files:
        problems.extend(file.problems)
    problems.extend(check_library(parsed.references, claim_files))
    claims = {f.claim_id: f.claim for f in claim_files if f.claim is not None}
    return Library(
        claims=claims,
        references=parsed.references,
        problems=tuple(problems),
        bib_path=str(bib),
        claims_dir=str(claims_dir),
        claim_files_read=len(claim_files),
    )


def read_claim_folder(claims_dir: Path) -> tuple[list[ClaimFile], list[Problem]]:
    if not claims_dir.is_dir():
        return [], [Problem(str(claims_dir), 1, 1, "claim.dir-not-found", "no such folder")]
    files = [_read_claim_file_cached(path) for path in sorted(claims_dir.rglob("*.md"))]
    return files, []


# `mkdocs serve` reloads everything after each edit; unchanged claim files are not parsed again.
_CLAIM_CACHE_SIZE = 50_000
_claim_cache: dict[tuple[str, str], ClaimFile] = {}
_claim_cache_lock = threading.Lock()


def _read_claim_file_cached(path: Path) -> ClaimFile:
    data = path.read_bytes()
    cache_key = (str(path), hashlib.sha256(data).hexdigest())
    with _claim_cache_lock:
        cached = _claim_cache.get(cache_key)
    if cached is not None:
        return cached
    parsed = read_claim_file(path, data)
    with _claim_cache_lock:
        if len(_claim_cache) >= _CLAIM_CACHE_SIZE:
            _claim_cache.clear()
        _claim_cache[cache_key] = parsed
    return parsed


# Parsing the bibliography dominates load time; `mkdocs serve` rebuilds after every edit, so
# the parse is cached on the file's content (not its mtime, which editors and git touch).
_BIB_CACHE_SIZE = 4
_bib_cache: OrderedDict[tuple[str, str], ParsedBibliography] = OrderedDict()
_bib_cache_lock = threading.Lock()


def _read_bibliography_cached(path: Path, cache_dir: Path | None = None) -> ParsedBibliography:
    try:
        data = path.read_bytes()
    except OSError:
        return read_bibliography(path)
    cache_key = (str(path), hashlib.sha256(data).hexdigest())
    with _bib_cache_lock:
        cached = _bib_cache.get(cache_key)
        if cached is not None:
            _bib_cache.move_to_end(cache_key)
            return cached
    parsed = _read_disk_cache(cache_dir, cache_key) if cache_dir else None
    if parsed is None:
        parsed = read_bibliography(path, data)
        if cache_dir is not None:
            _write_disk_cache(cache_dir, cache_key, parsed)
    with _bib_cache_lock:
        _bib_cache[cache_key] = parsed
        while len(_bib_cache) > _BIB_CACHE_SIZE:
            _bib_cache.popitem(last=False)
    return parsed


def _disk_cache_path(cache_dir: Path, cache_key: tuple[str, str]) -> Path:
    from ._version import __version__

    digest = hashlib.sha256(f"{__version__}\0{cache_key[0]}\0{cache_key[1]}".encode()).hexdigest()
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
