"""Build caches: formatted entries and the parsed bibliography survive a new process."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from needling_facts import loading
from needling_facts.evidence.reference import Reference
from needling_facts.render import csl
from needling_facts.render.csl import EntryFormatter
from tests.conftest import FIXTURES

BIB = FIXTURES / "good" / "references.bib"


def test_formatted_entries_are_kept_on_disk_per_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    references = loading.load_from(BIB, FIXTURES / "good" / "claims").references
    monkeypatch.setattr(csl, "_entry_cache", {})  # what earlier tests formatted is not on disk
    first = EntryFormatter(references, cache_dir=tmp_path)
    html = first["Muller2020"].html
    first.save()
    (stored,) = tmp_path.glob("formatted-*.json")
    assert "Needling and the MRI of skin" in stored.read_text(encoding="utf-8")
    # A new process: the in-memory cache is empty and citeproc must not be asked again.
    monkeypatch.setattr(csl, "_entry_cache", {})

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("formatted again")

    monkeypatch.setattr(csl, "format_references", refuse)
    assert EntryFormatter(references, cache_dir=tmp_path)["Muller2020"].html == html
    # Only what is asked for is formatted: the other entry is not in the file.
    assert "Percutaneous" not in stored.read_text(encoding="utf-8")


def test_parsed_bibliography_is_kept_on_disk_by_content(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bib = tmp_path / "references.bib"
    shutil.copy(BIB, bib)
    cache = tmp_path / "cache"
    loading.clear_caches()
    first = loading.load_from(bib, FIXTURES / "good" / "claims", cache_dir=cache)
    assert list(cache.glob("bibliography-*.pickle"))
    loading.clear_caches()
    monkeypatch.setattr(loading, "read_bibliography", lambda *a: pytest.fail("parsed again"))
    again = loading.load_from(bib, FIXTURES / "good" / "claims", cache_dir=cache)
    assert again.references == first.references
    # An edit changes the content hash: the file is parsed again (and the old entry replaced).
    monkeypatch.undo()
    loading.clear_caches()
    bib.write_text(bib.read_text(encoding="utf-8").replace("{Test J}", "{Other J}"), "utf-8")
    edited = loading.load_from(bib, FIXTURES / "good" / "claims", cache_dir=cache)
    assert edited.references != first.references
    assert len(list(cache.glob("bibliography-*.pickle"))) == 1


def test_a_changed_reference_model_does_not_reuse_an_old_pickle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An editable install changes the model without a new version number; objects unpickled
    # from before would lack the new fields and fail on first use.
    key = ("references.bib", "0" * 64)
    before = loading._disk_cache_path(tmp_path, key)

    grown = type("Grown", (), {"model_fields": {**Reference.model_fields, "new": None}})
    monkeypatch.setattr(loading, "Reference", grown)
    assert loading._disk_cache_path(tmp_path, key) != before
