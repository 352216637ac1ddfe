from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from needling_facts.evidence.claim import ScarClaim
from needling_facts.loading import read_claim_folder
from needling_facts.sources.claim_files import parse_claim_file, read_claim_file
from tests.conftest import FIXTURES, line_containing

CLAIMS = FIXTURES / "claim-errors" / "claims"


def test_good_claim_file_reads_into_a_typed_claim() -> None:
    file = read_claim_file(FIXTURES / "good" / "claims" / "acne-scars.md")
    assert file.problems == []
    claim = file.claim
    assert isinstance(claim, ScarClaim)
    assert claim.id == "acne-scars"
    assert claim.protocol.needle_depth_mm is not None
    assert str(claim.protocol.needle_depth_mm) == "1.5\u20132"
    assert claim.body.startswith("Scars improved")
    assert [c.key for c in file.body_citations] == ["Fabbrocini2014"]  # not the one in code
    assert file.body_citations[0].line == line_containing(
        FIXTURES / "good" / "claims" / "acne-scars.md", "[@Fabbrocini2014, p. 149]"
    )


CASES = [
    ("no-front.md", "claim.no-front-matter", None),
    ("bad-yaml.md", "claim.invalid-yaml", "---"),
    ("typo-field.md", "claim.unknown-field", "certainity:"),
    ("bad-enum.md", "claim.invalid-value", "certainty: strong"),
    ("missing-verdict.md", "claim.missing-field", "title:"),
    ("id-mismatch.md", "claim.id-mismatch", "id: something-else"),
    ("Bad_Name.md", "claim.invalid-id", None),
    ("scar-types-elsewhere.md", "claim.unknown-field", "scar_types:"),
    ("scar-without-types.md", "claim.missing-field", "title:"),
    ("bad-outcome.md", "claim.invalid-value", "outcome: wrinkles"),
    ("unknown-citation.md", "claim.invalid-value", "stance: agrees"),
    ("latin1.md", "claim.not-utf8", "Caf"),
]


@pytest.mark.parametrize(("name", "code", "needle"), CASES)
def test_each_bad_claim_file_is_reported_at_its_line(
    name: str, code: str, needle: str | None
) -> None:
    path = CLAIMS / name
    file = read_claim_file(path)
    expected = 1 if needle is None else line_containing(path, needle, 2 if needle == "---" else 1)
    assert (code, expected) in [(p.code, p.line) for p in file.problems], file.problems


def test_typo_suggests_the_known_field() -> None:
    file = read_claim_file(CLAIMS / "typo-field.md")
    messages = [p.message for p in file.problems if p.code == "claim.unknown-field"]
    assert messages == ["unknown field 'certainity'; did you mean 'certainty'?"]


def test_unclosed_front_matter() -> None:
    file = parse_claim_file("---\ntitle: x\n", "x.md", "x")
    assert [p.code for p in file.problems] == ["claim.no-front-matter"]


def test_front_matter_must_be_a_mapping() -> None:
    file = parse_claim_file("---\n- a\n- b\n---\nbody\n", "x.md", "x")
    assert [p.code for p in file.problems] == ["claim.invalid-yaml"]


def test_loader_filled_fields_cannot_be_set() -> None:
    text = (
        (FIXTURES / "good" / "claims" / "collagen.md")
        .read_text()
        .replace("outcome: collagen", "outcome: collagen\nbody: sneaky")
    )
    file = parse_claim_file(text, "collagen.md", "collagen")
    assert [(p.code, p.line) for p in file.problems] == [("claim.unknown-field", 5)]
    assert file.claim is not None
    assert "sneaky" not in file.claim.body


def test_a_folder_reads_every_file_and_keeps_the_good_ones(tmp_path: Path) -> None:
    files, problems = read_claim_folder(CLAIMS)
    assert problems == []
    assert len(files) == len(list(CLAIMS.rglob("*.md")))
    # Good claims beside broken ones are read and kept; each broken one reports its own problem.
    mixed = tmp_path / "mixed"
    shutil.copytree(FIXTURES / "good" / "claims", mixed)
    shutil.copy(CLAIMS / "bad-yaml.md", mixed / "bad-yaml.md")
    files, problems = read_claim_folder(mixed)
    kept = sorted(f.claim.id for f in files if f.claim is not None)
    assert kept == ["acne-scars", "collagen"]
    assert [
        (Path(f.path).name, [p.code for p in f.problems]) for f in files if f.claim is None
    ] == [("bad-yaml.md", ["claim.invalid-yaml"])]
    _, missing = read_claim_folder(tmp_path / "nope")
    assert [p.code for p in missing] == ["claim.dir-not-found"]
