from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pylatexenc.latex2text import LatexNodes2Text

from needling_facts.sources.text import decode_text

REFERENCE = LatexNodes2Text(math_mode="text", strict_latex_spaces=True)


def reference_decode(value: str) -> str:
    return " ".join(REFERENCE.latex_to_text(" ".join(value.split())).split())


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        ('M{\\"u}ller', "Müller"),
        ("Garc{\\'\\i}a", "García"),
        ("{\\O}stergaard", "Østergaard"),
        ("Fran{\\c{c}}ois", "François"),
        ("\\L{}\\'od\\'z", "Łódź"),
        ("Needling {and} the {MRI}", "Needling and the MRI"),
        ("A \\& B, 50\\%", "A & B, 50%"),
        ("Microneedling--a review", "Microneedling\u2013a review"),
        ("\\emph{bold} $\\alpha$", reference_decode("\\emph{bold} $\\alpha$")),
    ],
)
def test_common_latex_decodes_to_unicode(latex: str, text: str) -> None:
    assert decode_text(latex) == text


accent = st.sampled_from(
    ["\\'", '\\"', "\\`", "\\^", "\\~", "\\=", "\\.", "\\c ", "\\v ", "\\u ", "\\H "]
)
letter = st.sampled_from([*list("aeiouncszgAEOUCSZ"), "\\i"])
piece = st.one_of(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz ABC-,.", min_size=1, max_size=8),
    st.builds(lambda a, x: f"{{{a}{x}}}", accent, letter),
    st.builds(lambda a, x: f"{a}{{{x}}}", accent, letter),
    st.sampled_from(["{\\o}", "{\\O}", "{\\ss}", "{\\ae}", "\\&", "{\\aa}", "{\\l}", "{MRI}"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(piece, min_size=1, max_size=6).map("".join))
def test_fast_path_agrees_with_pylatexenc(value: str) -> None:
    assert decode_text(value) == reference_decode(value)
