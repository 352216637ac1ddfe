"""``fmt`` is lossless on the shapes real files have, judged by an independent parser (pybtex).

Generated files mix every class from issue 13: case-variant duplicate fields (refused),
``%`` comments inside and between entries, commented-out entries, quoted values with braces and
quotes, ``\\\\{`` in braces, CRLF line endings, ``@string`` concatenation and brace-less
``@Comment`` lines. Then a corpus of files in the shapes Zotero/Better BibTeX, JabRef, Mendeley
and a hand-written biblatex file have (written for these tests, every record made up).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from needling_facts.sources.bibtex.layout import FormatRefusedError, format_bibliography
from needling_facts.sources.bibtex.read import parse_bibliography
from tests.conftest import FIXTURES, REPO
from tests.differential.bibjudge import comment_lines, pybtex_view

CORPUS = sorted((FIXTURES / "bib-corpus").glob("*.bib"))
CLASSES = FIXTURES / "bib-lossless"

words = st.text(
    alphabet=st.characters(whitelist_categories=("Lu", "Ll", "Nd"), whitelist_characters=" -.:'"),
    min_size=1,
    max_size=12,
).map(str.strip).filter(bool)  # fmt: skip
comment_text = st.text(
    alphabet=st.characters(whitelist_categories=("Lu", "Ll", "Nd"), whitelist_characters=" =,@{}():"),
    max_size=20,
)  # fmt: skip


@st.composite
def values(draw: st.DrawFn) -> str:
    kind = draw(
        st.sampled_from(
            ["brace", "quote", "quote-braces", "backslash", "macro", "concat", "number"]
        )
    )
    word = draw(words)
    if kind == "brace":
        return "{" + word + "}"
    if kind == "quote":
        return '"' + word + '"'
    if kind == "quote-braces":  # "Simon {"}the {saint"} Templar"
        return f'"{word} {{"}}the {{{word}"}} x"'
    if kind == "backslash":  # {...\\{}}
        return "{" + word + "\\\\{}}"
    if kind == "macro":
        return draw(st.sampled_from(["j", "derm", "jan"]))
    if kind == "concat":  # j # { Suppl}
        return draw(st.sampled_from(["j", "derm"])) + " # { " + word + '} # "x"'
    return str(draw(st.integers(1, 2999)))


FIELD_NAMES = ["title", "journal", "year", "volume", "pages", "note", "abstract", "zfield", "url"]


@st.composite
def entries(draw: st.DrawFn, key: str) -> tuple[str, bool]:
    """An entry and whether it has a case-variant duplicate field (which fmt must refuse)."""
    names = draw(st.lists(st.sampled_from(FIELD_NAMES), min_size=1, max_size=5, unique=True))
    lines = []
    for name in names:
        if draw(st.booleans()):
            lines.append(f"  % {draw(comment_text)}".rstrip())
        shown = name.capitalize() if draw(st.booleans()) else name
        lines.append(f"  {shown} = {draw(values())},")
    lines.append("  author = {Alpha, Ann and Beta, Bo and others},")
    duplicate = draw(st.integers(0, 9)) == 0
    if duplicate:
        lines.append(f"  {names[0].upper()} = {{Again}},")
    if draw(st.booleans()):
        lines.append("  % closing remark")
    head = f"@{draw(st.sampled_from(['article', 'Article', 'misc', 'BOOK']))}{{{key},"
    return "\n".join([head, *lines, "}"]), duplicate


@st.composite
def bib_files(draw: st.DrawFn) -> tuple[str, bool]:
    blocks = ["@string{j = {J Dermatol}}", '@String{derm = "Derm" # j}']
    if draw(st.booleans()):
        blocks.insert(0, "@Comment jabref-meta: databaseType:biblatex;")
    keys = draw(
        st.lists(st.from_regex(r"[A-Z][a-z]{1,6}20[0-9]{2}", fullmatch=True), min_size=1, max_size=5, unique_by=str.lower)
    )  # fmt: skip
    refused = False
    for key in keys:
        entry, duplicate = draw(entries(key))
        refused = refused or duplicate
        if draw(st.booleans()):
            entry = f"% About {key}: Keep THIS Case\n{entry}"
        blocks.append(entry)
        if draw(st.integers(0, 3)) == 0:  # a commented-out entry must stay commented out
            dead = f"@article{{Dead{key}, title = {{Gone}}, year = 2000}}"
            blocks.append(
                draw(
                    st.sampled_from(
                        [
                            f"%{dead}",
                            f"% {dead}",
                            "\n".join("%" + line for line in entry.splitlines()).replace(
                                key, "Dead" + key
                            ),
                        ]
                    )
                )
            )
    text = "\n\n".join(blocks) + "\n"
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    return text, refused


def assert_lossless(before: str, after: str) -> None:
    assert pybtex_view(after) == pybtex_view(before)
    assert comment_lines(after) == comment_lines(before)
    if "\r\n" in before:
        assert after.count("\r\n") == after.count("\n")
    else:
        assert "\r" not in after


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bib_files())
def test_fmt_is_lossless_by_an_independent_parser(case: tuple[str, bool]) -> None:
    text, refused = case
    if refused:
        with pytest.raises(FormatRefusedError, match=r"bib\.duplicate-field"):
            format_bibliography(text)
        return
    out = format_bibliography(text)
    assert_lossless(text, out)
    assert format_bibliography(out) == out


CLASS_CASES = sorted(CLASSES.glob("*.bib"))


@pytest.mark.parametrize("path", CLASS_CASES, ids=[p.stem for p in CLASS_CASES])
def test_each_class_formats_losslessly(path: Path) -> None:
    text = path.read_bytes().decode("utf-8")
    out = format_bibliography(text, str(path))
    assert_lossless(text, out)
    assert format_bibliography(out) == out


def test_case_variant_duplicate_field_is_refused() -> None:
    text = "@article{A2020,\n  title = {One},\n  Title = {Two},\n  year = {2020},\n}\n"
    with pytest.raises(FormatRefusedError, match="sets 'Title' again"):
        format_bibliography(text)


def test_comments_stay_verbatim_and_attached() -> None:
    out = format_bibliography((CLASSES / "comments-inside.bib").read_text())
    assert "  % Inside Comment, CAPS: keep\n  title = {One}," in out
    assert "  author = {Alpha, Ann}, % trailing Note\n" in out
    assert "%@article{Dead2019," in out


@pytest.mark.parametrize("path", CORPUS, ids=[p.stem for p in CORPUS])
def test_real_tool_shapes_format_losslessly(path: Path) -> None:
    text = path.read_bytes().decode("utf-8")
    out = format_bibliography(text, str(path))
    assert_lossless(text, out)
    assert format_bibliography(out) == out


def test_the_project_bibliography_formats_losslessly() -> None:
    text = (REPO / "references.bib").read_text()
    assert_lossless(text, format_bibliography(text))


READING = [
    # (text, code or None, what the reader must see)
    (
        "@string{j = {J Dermatol}}\n@misc{A2020, journal = j # { Suppl}, title={T}}",
        None,
        "J Dermatol Suppl",
    ),
    ("@misc{A2020, journal = nomacro, title={T}}", "bib.undefined-macro", None),
    ("@misc{A2020, title={T}, pmid = {023216209}}", "bib.invalid-pmid", None),
    (
        "@misc{A2020, title={T}, pmcid = {PMC1}}\n@misc{B2020, title={U}, pmcid = {pmc1}}",
        "bib.duplicate-pmcid",
        None,
    ),
    ("@misc{A2020, title={T}, Title={U}}", "bib.duplicate-field", None),
    ("@Comment jabref-meta: databaseType:bibtex;\n@misc{A2020, title={T}}", None, None),
    ('@misc{A2020, title = "Simon {"}the {saint"} Templar"}', None, None),
]


@pytest.mark.parametrize(("text", "code", "journal"), READING)
def test_reading_resolves_and_reports(text: str, code: str | None, journal: str | None) -> None:
    parsed = parse_bibliography(text, "x.bib")
    codes = [p.code for p in parsed.problems]
    assert codes == ([code] if code else []), parsed.problems
    if journal:
        assert parsed.references["A2020"].journal == journal


def test_and_others_is_not_an_author() -> None:
    parsed = parse_bibliography(
        "@article{A2020, title={T}, author={Alpha, Ann and others}}", "x.bib"
    )
    assert [p.family for p in parsed.references["A2020"].authors] == ["Alpha"]


def test_quoted_value_with_braced_quotes_is_read_whole() -> None:
    parsed = parse_bibliography(
        '@book{Q2020, title = "Simon {"}the {saint"} Templar", year = 2020}', "x.bib"
    )
    assert parsed.references["Q2020"].title == 'Simon "the saint" Templar'
    assert parsed.references["Q2020"].year == 2020


def test_add_refuses_a_duplicate_pmcid_and_a_leading_zero_pmid(tmp_path: Path) -> None:
    from needling_facts.edit.add import add_entries

    bib = tmp_path / "refs.bib"
    bib.write_text("@misc{A2020, title = {T}, pmcid = {PMC3531004}}\n")
    refused = add_entries(bib, "@misc{B2020, title = {U}, pmcid = {pmc3531004}}\n").refused
    assert any("PMCID PMC3531004 is already in entry 'A2020'" in r for r in refused)
    refused = add_entries(bib, "@misc{C2020, title = {V}, pmid = {023216209}}\n").refused
    assert any("bib.invalid-pmid" in r for r in refused)
