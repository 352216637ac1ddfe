from __future__ import annotations

import os
from pathlib import Path

import bibtexparser
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from needling_facts.sources.bibtex.layout import (
    FormatRefusedError,
    canonical_value,
    format_bibliography,
)
from needling_facts.sources.safe_write import write_text
from tests.conftest import FIXTURES, REPO

MESSY = """\
% File header: keep me on top.

@STRING(jcd = "J Cosmet Dermatol")
@preamble{"\\newcommand{\\noop}[1]{}"}

% About Zed
@Article{Zed2020, Year = 2020, title = "Quoted {MRI} title", journal = jcd,
   author = {Zed, Zoe and M{\\"u}ller, J{\\"o}rg},
  note = {multi
   line}, pages = {1--2}, extra = jcd # { suffix}}

@comment{an explicit comment}
@book{alpha2019, title={Alpha}, publisher = {P}, year={2019}}

% trailing comment
"""


def entries(text: str) -> dict[str, dict[str, str]]:
    library = bibtexparser.parse_string(text, parse_stack=[])
    return {
        e.key: {f.key.lower(): canonical_value(str(f.value)) for f in e.fields}
        for e in library.entries
    }


def test_canonical_layout() -> None:
    out = format_bibliography(MESSY)
    assert out.startswith("% File header: keep me on top.\n\n@string{jcd = {J Cosmet Dermatol}}")
    assert out.index("@book{alpha2019,") < out.index("% About Zed\n@article{Zed2020,")
    assert "@comment{an explicit comment}\n@book{alpha2019," in out
    zed = out[out.index("@article{Zed2020") :].split("\n}\n")[0]
    assert zed.splitlines()[1:] == [
        '  author = {Zed, Zoe and M{\\"u}ller, J{\\"o}rg},',
        "  title = {Quoted {MRI} title},",
        "  journal = jcd,",
        "  year = {2020},",
        "  pages = {1--2},",
        "  note = {multi",
        "   line},",
        "  extra = jcd # { suffix},",
    ]
    assert out.endswith("% trailing comment\n")


def test_lossless_and_idempotent_on_a_messy_file() -> None:
    out = format_bibliography(MESSY)
    assert format_bibliography(out) == out
    assert entries(out) == entries(MESSY)
    for piece in (
        "File header",
        "About Zed",
        "an explicit comment",
        "trailing comment",
        "\\newcommand",
    ):
        assert piece in out


def test_repository_bibliography_is_formatted() -> None:
    text = (REPO / "references.bib").read_text(encoding="utf-8")
    assert format_bibliography(text) == text, "run: needling-facts fmt"


@pytest.mark.parametrize("case", ["bib-errors"])
def test_files_with_parse_errors_are_refused(case: str) -> None:
    with pytest.raises(FormatRefusedError) as refused:
        format_bibliography((FIXTURES / case / "references.bib").read_text(), "x.bib")
    codes = {p.code for p in refused.value.problems}
    assert codes == {
        "bib.parse-error",
        "bib.duplicate-field",
        "bib.duplicate-key",
        "bib.unparsed-text",
    }


def test_atomic_write_keeps_mode_and_leaves_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "refs.bib"
    path.write_text("old")
    os.chmod(path, 0o640)
    write_text(path, "new\n")
    assert path.read_text() == "new\n"
    assert path.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["refs.bib"]


# --- property-based round trip ------------------------------------------------------------

plain = (
    st.text(
        alphabet=st.characters(
            whitelist_categories=("L", "N", "Zs"), whitelist_characters="-.,:;()'/"
        ),
        min_size=1,
        max_size=20,
    )
    .map(str.strip)
    .filter(bool)
)
braced = st.recursive(
    plain, lambda inner: st.builds(lambda a, b: f"{a} {{{b}}}", plain, inner), max_leaves=3
)
names = st.sampled_from(
    [
        "author",
        "title",
        "journal",
        "year",
        "volume",
        "number",
        "pages",
        "doi",
        "pmid",
        "note",
        "abstract",
        "keywords",
        "url",
        "zfield",
    ]
)
macro_names = st.sampled_from(["jcd", "derm", "surg"])


@st.composite
def values(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["brace", "quote", "number", "macro", "concat"]))
    if kind == "brace":
        return "{" + draw(braced) + "}"
    if kind == "quote":
        return '"' + draw(braced) + '"'
    if kind == "number":
        return str(draw(st.integers(0, 3000)))
    if kind == "macro":
        return draw(macro_names)
    return draw(macro_names) + " # {" + draw(plain) + "}"


@st.composite
def bib_files(draw: st.DrawFn) -> str:
    blocks = ['@string{jcd = "J C D"}', "@string{derm = {Derm}}", "@string{surg = {Surg}}"]
    keys = draw(
        st.lists(
            st.from_regex(r"[A-Za-z][A-Za-z0-9]{0,8}", fullmatch=True),
            min_size=1,
            max_size=6,
            unique_by=str.lower,
        )
    )
    for key in keys:
        fields = draw(st.lists(names, min_size=1, max_size=6, unique=True))
        body = ",\n".join(f"  {name} = {draw(values())}" for name in fields)
        entry = (
            f"@{draw(st.sampled_from(['article', 'Article', 'book', 'misc']))}{{{key},\n{body}\n}}"
        )
        if draw(st.booleans()):
            entry = f"% note on {key}\n" + entry
        blocks.append(entry)
    if draw(st.booleans()):
        blocks.insert(0, "% header")
    if draw(st.booleans()):
        blocks.append("% trailing")
    return "\n\n".join(blocks) + "\n"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bib_files())
def test_round_trip_keeps_everything_and_is_idempotent(text: str) -> None:
    out = format_bibliography(text)
    assert format_bibliography(out) == out
    assert entries(out) == entries(text)
    for line in text.splitlines():
        if line.startswith("%") or line.startswith("@string"):
            assert line.replace('"J C D"', "{J C D}") in out


def test_free_comments_stay_on_top_and_the_last_paragraph_moves_with_its_entry() -> None:
    from needling_facts.sources.bibtex.layout import format_bibliography

    out = format_bibliography(
        "% a\n\n% b\n\n% c\n@misc{Z2020, title = {T}}\n@misc{A2020, title = {U}}\n"
    )
    assert out.index("% a") < out.index("% b") < out.index("@misc{A2020") < out.index("% c")
    assert "% c\n@misc{Z2020," in out


def test_refusal_names_the_file() -> None:
    from needling_facts.sources.bibtex.layout import FormatRefusedError, format_bibliography

    with pytest.raises(FormatRefusedError) as refused:
        format_bibliography("@misc{A, title = {x}}\n@misc{A, title = {y}}\n", "mine.bib")
    assert [p.path for p in refused.value.problems] == ["mine.bib"]
