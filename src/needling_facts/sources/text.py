"""Small text helpers shared by the readers: UTF-8 with a located error, LaTeX to Unicode."""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import Any

from needling_facts.diagnostics import CodeInfo, Problem

__all__ = ["decode_text", "read_text"]


def read_text(data: bytes, path: str, code: CodeInfo) -> tuple[str, Problem | None]:
    """Decode UTF-8; on failure, report the first bad byte's line and read on with U+FFFD."""
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        col = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        message = f"not valid UTF-8 (byte 0x{data[error.start]:02x}); save the file as UTF-8"
        return data.decode("utf-8", errors="replace"), code.at(path, line, col, message)


@cache
def _latex_decoder() -> Any:
    from pylatexenc.latex2text import LatexNodes2Text

    return LatexNodes2Text(math_mode="text", strict_latex_spaces=True)


# The accents and letters BibTeX files use for names and titles. Anything else goes to
# pylatexenc, which handles all of LaTeX but is about 50 times slower per value.
_ACCENTS = {
    "`": "\u0300", "'": "\u0301", "^": "\u0302", '"': "\u0308", "~": "\u0303", "=": "\u0304",
    ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "k": "\u0328",
    "r": "\u030a", "d": "\u0323", "b": "\u0331",
}  # fmt: skip
_LETTERS = {
    "i": "\u0131", "j": "\u0237", "o": "ø", "O": "Ø", "l": "ł", "L": "Ł", "ss": "ß", "ae": "æ",
    "AE": "Æ", "oe": "œ", "OE": "Œ", "aa": "å", "AA": "Å",
}  # fmt: skip
_ESCAPED = {"&": "&", "%": "%", "$": "$", "_": "_", "#": "#", "{": "{", "}": "}"}
_LETTER = r"(?:\\(?:i|j)(?![A-Za-z])|[A-Za-z])"
_ACCENT = re.compile(
    r"\{?\\(?P<accent>[`'^\"~=.]|[uvHckrdb](?=[\s{]))\s*"
    rf"(?:\{{(?P<braced>{_LETTER})\}}|(?P<bare>{_LETTER}))\}}?"
)
_LETTER_MACRO = re.compile(r"\{?\\(?P<name>ss|ae|AE|oe|OE|aa|AA|o|O|l|L|i|j)(?![A-Za-z])\s*\}?")
_ESCAPE = re.compile(r"\\(?P<char>[&%$_#{}])")


def _accented(match: re.Match[str]) -> str:
    base = match.group("braced") or match.group("bare")
    if base.startswith("\\"):
        base = {"\\i": "i", "\\j": "j"}[base]
    combined = unicodedata.normalize("NFC", base + _ACCENTS[match.group("accent")])
    return combined


def _fast_decode(value: str) -> str | None:
    """Decode the common cases; None when something is left that only pylatexenc knows."""
    text = _ACCENT.sub(_accented, value)
    text = _LETTER_MACRO.sub(lambda m: _LETTERS[m.group("name")], text)
    text = _ESCAPE.sub(lambda m: "\u0000" + _ESCAPED[m.group("char")], text)
    if "\\" in text or "$" in text:
        return None
    return _typography(text.replace("{", "").replace("}", "").replace("\u0000", ""))


def _typography(text: str) -> str:
    if "-" not in text and "~" not in text:
        return text
    return text.replace("---", "\u2014").replace("--", "\u2013").replace("~", "\u00a0")


def decode_text(value: str) -> str:
    r"""LaTeX to Unicode (``M{\"u}ller`` -> ``Müller``), whitespace folded.

    Only values with a backslash, brace or dollar are decoded at all, and the common accents
    are decoded without pylatexenc: its full parse is the slowest step of reading a
    bibliography (see benchmarks/).
    """
    folded = " ".join(value.split())
    if "\\" not in folded and "$" not in folded and "{" not in folded:
        return _typography(folded)
    fast = _fast_decode(folded)
    if fast is not None:
        return " ".join(fast.split())
    return " ".join(str(_latex_decoder().latex_to_text(folded)).split())
