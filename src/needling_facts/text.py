"""Small text helpers shared by the readers: UTF-8 with a located error, LaTeX to Unicode."""

from __future__ import annotations

from functools import cache
from typing import Any

from .problems import Problem

__all__ = ["decode_text", "read_text"]


def read_text(data: bytes, path: str, code: str) -> tuple[str, Problem | None]:
    """Decode UTF-8; on failure, report the first bad byte's line and read on with U+FFFD."""
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        col = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        message = f"not valid UTF-8 (byte 0x{data[error.start]:02x}); save the file as UTF-8"
        return data.decode("utf-8", errors="replace"), Problem(path, line, col, code, message)


@cache
def _latex_decoder() -> Any:
    from pylatexenc.latex2text import LatexNodes2Text

    return LatexNodes2Text(math_mode="text", strict_latex_spaces=True)


def decode_text(value: str) -> str:
    r"""LaTeX to Unicode (``M{\"u}ller`` -> ``Müller``), whitespace folded.

    Only values with a backslash or brace go through the decoder: it is by far the slowest
    step of reading a bibliography, and most values are plain text.
    """
    folded = " ".join(value.split())
    if "\\" in folded or "$" in folded:
        return " ".join(str(_latex_decoder().latex_to_text(folded)).split())
    if "{" in folded:
        return folded.replace("{", "").replace("}", "")
    return folded
