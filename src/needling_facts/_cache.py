"""The package's one cache: content-keyed, bounded, immutable values; plain JSON on disk,
verified before it is believed.

Everything the package keeps of what it has read (files, parses, formatted entries, the
bundled library) is kept in a `Cache`, and `clear` empties them all. (``functools.cache`` is
left only on pure functions of installed files or constants: a CSL style, a compiled regex.)

**Keys.** A value is found by its *slot* (what it is for: a file's path, a reference in a
style) and its *key* (`content_key` of everything that changes it: the input's bytes, the
package version, the style...). A slot keeps only the value for its latest key.

**Size.** One policy for every cache: one value per slot, and beyond ``max_slots`` the least
recently used slot is dropped. Editing a file a hundred times under ``mkdocs serve`` keeps one
parsed version of it, not a hundred.

**Disk** (optional, to share work between processes): one JSON file per slot, written by
`write_entry` and read by `read_entry`, which trusts nothing it reads. The file must be a
regular file (links are not followed) of at most `MAX_FILE_BYTES`; it must carry an HMAC made
with a random secret that lives in the user's cache folder (never in a repository); and its
value must validate against the pydantic model it is read as. The cache's keys are derived
from public inputs, so without the secret anyone could write a file with the right name: a
file committed to a repository, or copied from another machine, fails the check and is
rebuilt. Values are plain JSON, so reading one never runs code.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import stat
import threading
import weakref
from collections import OrderedDict
from collections.abc import Hashable
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from needling_facts._version import __version__

__all__ = [
    "MAX_FILE_BYTES",
    "Cache",
    "cache_directory",
    "clear",
    "content_key",
    "default_directory",
    "read_entry",
    "write_entry",
]

V = TypeVar("V")
M = TypeVar("M", bound=BaseModel)

FOLDER_NAME = "needling-facts"
SECRET_NAME = "secret.key"
MAX_FILE_BYTES = 256 * 2**20
"""256 MiB: ten times the parsed form of a 50,000-entry bibliography; a bigger file is not ours."""

_SECRET_BYTES = 32
_ENTRY_NAME = re.compile(r"^[a-z]+-[0-9a-f]{32}\.json$")
# A file is one JSON object, {"mac":"<hex>","value":<the model's JSON>}, written byte for byte
# so that the value's exact bytes can be checked without parsing them first.
_MAC_HEAD, _MAC_SPLIT, _MAC_TAIL = b'{"mac":"', b'","value":', b"}"
_MAC_LENGTH = 64


def content_key(*parts: str | bytes) -> str:
    """The sha256 (hex) of the package version and ``parts``, each length-prefixed so that
    ``("ab", "c")`` and ``("a", "bc")`` differ."""
    digest = hashlib.sha256()
    for part in (__version__, *parts):
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


_ALL: weakref.WeakSet[Cache[Any]] = weakref.WeakSet()


class Cache(Generic[V]):
    """Values by slot and key, at most ``max_slots`` of them, least recently used dropped first.

    Values are shared by every caller, so they must be immutable (frozen models, tuples).
    Thread-safe: a build may load from several threads.
    """

    def __init__(self, name: str, max_slots: int) -> None:
        self.name = name
        self.max_slots = max_slots
        self._entries: OrderedDict[Hashable, tuple[str, V]] = OrderedDict()
        self._lock = threading.Lock()
        _ALL.add(self)

    def get(self, slot: Hashable, key: str) -> V | None:
        """The value stored for ``slot`` if it was made from ``key``; else None."""
        with self._lock:
            found = self._entries.get(slot)
            if found is None or found[0] != key:
                return None
            self._entries.move_to_end(slot)
            return found[1]

    def put(self, slot: Hashable, key: str, value: V) -> V:
        """Store ``value`` as the slot's one value (replacing any other key's); returns it."""
        with self._lock:
            self._entries[slot] = (key, value)
            self._entries.move_to_end(slot)
            while len(self._entries) > self.max_slots:
                self._entries.popitem(last=False)
        return value

    def values(self) -> list[V]:
        """Every stored value, least recently used first."""
        with self._lock:
            return [value for _, value in self._entries.values()]

    def clear(self) -> None:
        """Forget every value."""
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"<Cache {self.name!r}: {len(self)} of {self.max_slots}>"


def default_directory() -> Path | None:
    """``$XDG_CACHE_HOME/needling-facts``, else ``~/.cache/needling-facts``: outside any
    repository, so a pull request cannot put files there. None when there is no home."""
    configured = os.environ.get("XDG_CACHE_HOME", "")
    if os.path.isabs(configured):
        return Path(configured) / FOLDER_NAME
    try:
        return Path.home() / ".cache" / FOLDER_NAME
    except RuntimeError:  # no HOME and no password entry
        return None


def cache_directory(configured: str, base: Path | None = None) -> Path | None:
    """The folder an option names (relative to ``base``), or `default_directory` for ``""``."""
    if not configured.strip():
        return default_directory()
    folder = Path(configured).expanduser()
    return folder if base is None else base / folder


def clear(*, disk: bool = False, directory: Path | None = None) -> None:
    """Empty every cache in memory; with ``disk``, also delete the entry files in
    ``directory`` (default: `default_directory`). The secret is kept."""
    for cache in list(_ALL):
        cache.clear()
    folder = directory or default_directory()
    if not disk or folder is None or not folder.is_dir():
        return
    for path in folder.iterdir():
        if _ENTRY_NAME.match(path.name):
            path.unlink(missing_ok=True)


def _entry_path(directory: Path, kind: str, slot: str) -> Path:
    return directory / f"{kind}-{hashlib.sha256(slot.encode('utf-8')).hexdigest()[:32]}.json"


_SCHEMAS: Cache[str] = Cache("model schema fingerprints", max_slots=64)


def _schema_fingerprint(model: type[BaseModel]) -> str:
    # An editable install changes a model without a new version: its schema is in the MAC, so
    # entries written for the old shape are rebuilt instead of validated into the new one.
    name = f"{model.__module__}.{model.__qualname__}"
    found = _SCHEMAS.get(name, name)
    if found is None:
        schema = json.dumps(model.model_json_schema(), sort_keys=True)
        found = _SCHEMAS.put(name, name, hashlib.sha256(schema.encode("utf-8")).hexdigest())
    return found


def _mac(
    secret: bytes, kind: str, slot: str, key: str, model: type[BaseModel], value: bytes
) -> str:
    signed = hmac.new(secret, digestmod=hashlib.sha256)
    for part in (kind, slot, key, _schema_fingerprint(model)):
        data = part.encode("utf-8")
        signed.update(len(data).to_bytes(8, "big"))
        signed.update(data)
    signed.update(value)
    return signed.hexdigest()


def read_entry(directory: Path, kind: str, slot: str, key: str, model: type[M]) -> M | None:
    """The value stored on disk for ``slot`` and ``key``, or None when there is none or it is
    not exactly what this user's `write_entry` wrote (tampered, stale, foreign, not a regular
    file, too big, or not valid as ``model``): the caller then rebuilds it."""
    secret = _secret(create=False)
    if secret is None:
        return None
    data = _read_regular(_entry_path(directory, kind, slot), MAX_FILE_BYTES)
    if data is None:
        return None
    signed = _unwrap(data)
    if signed is None:
        return None
    mac, value = signed
    if not hmac.compare_digest(mac, _mac(secret, kind, slot, key, model, value).encode("ascii")):
        return None
    try:
        return model.model_validate_json(value)
    except ValidationError:
        return None


def _unwrap(data: bytes) -> tuple[bytes, bytes] | None:
    """``(mac, value)`` of a file shaped as `write_entry` writes it; else None."""
    start = len(_MAC_HEAD)
    end = start + _MAC_LENGTH
    if not data.startswith(_MAC_HEAD) or not data.endswith(_MAC_TAIL):
        return None
    if data[end : end + len(_MAC_SPLIT)] != _MAC_SPLIT:
        return None
    return data[start:end], data[end + len(_MAC_SPLIT) : -len(_MAC_TAIL)]


def write_entry(directory: Path, kind: str, slot: str, key: str, value: BaseModel) -> None:
    """Store ``value`` as the slot's one file (atomically); a read-only or home-less machine
    skips it and simply rebuilds next time."""
    secret = _secret(create=True)
    if secret is None:
        return
    data = value.model_dump_json().encode("utf-8")
    mac = _mac(secret, kind, slot, key, type(value), data).encode("ascii")
    target = _entry_path(directory, kind, slot)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        temporary.write_bytes(b"".join((_MAC_HEAD, mac, _MAC_SPLIT, data, _MAC_TAIL)))
        temporary.replace(target)
    except OSError:
        temporary.unlink(missing_ok=True)


def _read_regular(path: Path, limit: int) -> bytes | None:
    """The bytes of ``path`` if it is a regular file (not a link) of at most ``limit`` bytes."""
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        handle = os.open(path, flags)
    except OSError:
        return None
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        chunks: list[bytes] = []
        size = 0
        while chunk := os.read(handle, 1 << 20):
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:  # grew since the fstat
                return None
        return b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(handle)


def _secret(*, create: bool) -> bytes | None:
    """This user's random secret, from the default cache folder (made on first write).

    Only a file that this user owns and that nobody else may read or write is believed: a
    secret checked out from a repository is group- or world-readable and is refused.
    """
    folder = default_directory()
    if folder is None:
        return None
    path = folder / SECRET_NAME
    found = _read_secret(path)
    if found is not None or not create:
        return found
    temporary = folder / f".{SECRET_NAME}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(handle, secrets.token_bytes(_SECRET_BYTES))
        finally:
            os.close(handle)
        # A hard link never replaces: of two processes starting at once, the first one wins and
        # the other reads the winner's secret.
        os.link(temporary, path)
    except FileExistsError:
        pass
    except OSError:
        return None
    finally:
        temporary.unlink(missing_ok=True)
    return _read_secret(path)


def _read_secret(path: Path) -> bytes | None:
    try:
        info = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode) or info.st_size != _SECRET_BYTES:
        return None
    getuid = getattr(os, "getuid", None)  # POSIX; on Windows the profile folder's ACL guards it
    if getuid is not None and (info.st_uid != getuid() or info.st_mode & 0o077):
        return None
    return _read_regular(path, _SECRET_BYTES)
