"""Issue 17: a field declared once on the model reaches the skeleton, ``show``, the claim page
and the export, with nothing else edited.

The test adds the fields the way a contributor would, by editing the models' source: it copies
the package, inserts one declaration into `Evidence` and one into `Claim`, and runs the real
functions of that copy in a fresh interpreter.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import needling_facts
from tests.conftest import FIXTURES

PACKAGE = Path(needling_facts.__file__).parent

EVIDENCE_FIELD = """\
    follow_up: Annotated[str | None, Spec(label="Follow-up")] = Field(
        default=None, description="How long participants were followed after treatment."
    )
"""
CLAIM_FIELD = """\
    setting: Annotated[str | None, Spec(label="Setting")] = Field(
        default=None, description="Where the studies treated people, e.g. a clinic."
    )
"""

RUN = """
import io, json, sys
from pathlib import Path
import needling_facts
from needling_facts.cli.commands import main
from needling_facts.edit.new_claim import new_claim_text
from needling_facts.export.json_schema import export_schema
from needling_facts.export.library_json import export_json
from needling_facts.loading import load_from
from needling_facts.render.pages import claim_page

bib, claims = Path(sys.argv[1]), Path(sys.argv[2])
library = load_from(bib, claims)
claim = library.claim("acne-scars")
show, check = io.StringIO(), io.StringIO()
main(["show", "acne-scars", "--bib", str(bib), "--claims", str(claims)], stdout=show)
code = main(["check", "--bib", str(bib), "--claims", str(claims)], stdout=check)
print(json.dumps({
    "package": needling_facts.__file__,
    "skeleton": new_claim_text("new-claim", "2026-01-31"),
    "show": show.getvalue(),
    "check": [code, check.getvalue()],
    "page": claim_page(claim, library.references),
    "export": json.loads(export_json(library)),
    "schema": json.loads(export_schema()),
}))
"""


def _insert(path: Path, before: str, text: str) -> None:
    source = path.read_text(encoding="utf-8")
    assert source.count(before) == 1, f"{before!r} is not once in {path}"
    path.write_text(source.replace(before, text + before), encoding="utf-8")


def test_a_field_declared_once_reaches_every_reader(tmp_path: Path) -> None:
    copy = tmp_path / "src" / "needling_facts"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    _insert(copy / "evidence" / "item.py", "    locator: Annotated[", EVIDENCE_FIELD)
    _insert(copy / "evidence" / "claim.py", "    skin_types: Annotated[", CLAIM_FIELD)
    claims = tmp_path / "claims"
    shutil.copytree(FIXTURES / "good" / "claims", claims)
    _insert(claims / "acne-scars.md", "    locator: Abstract\n", "    follow_up: 3 months\n")
    _insert(claims / "acne-scars.md", "skin_types:", "setting: A dermatology clinic\n")

    result = subprocess.run(
        [sys.executable, "-c", RUN, str(FIXTURES / "good" / "references.bib"), str(claims)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(tmp_path / "src")},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["package"] == str(copy / "__init__.py")  # the edited copy ran
    assert out["check"][0] == 0, out["check"][1]

    # the skeleton: in declaration order, described
    skeleton = out["skeleton"]
    assert skeleton.index("    follow_up:") < skeleton.index("    locator:")
    comment_words = " ".join(
        " ".join(line.split("# ", 1)[1] for line in skeleton.splitlines() if "# " in line).split()
    )
    assert "How long participants were followed after treatment. (optional)" in comment_words
    assert skeleton.index("setting:") < skeleton.index("skin_types:")

    # show: under its label
    assert re.search(r"^    Follow-up: +3 months$", out["show"], re.MULTILINE)
    assert re.search(r"^Setting: +A dermatology clinic$", out["show"], re.MULTILINE)

    # the claim page: a column of the evidence table, labelled for the phone layout, and a
    # row of the population table
    page = out["page"]
    assert '<th scope="col">Stance</th><th scope="col">Follow-up</th>' in page
    assert '<td data-label="Follow-up">3 months</td>' in page
    assert "| Setting | A dermatology clinic |" in page

    # the export: in the data and, described, in its schema
    (claim,) = [c for c in out["export"]["claims"] if c["id"] == "acne-scars"]
    assert claim["evidence"][0]["follow_up"] == "3 months"
    assert claim["setting"] == "A dermatology clinic"
    schema = out["schema"]["$defs"]
    assert schema["Evidence"]["properties"]["follow_up"]["description"] == (
        "How long participants were followed after treatment."
    )
    assert "setting" in schema["ExportedScarClaim"]["properties"]
