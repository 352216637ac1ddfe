"""A unified diff of a bibliography and its formatted text, in time linear in the file size.

``difflib.unified_diff`` on whole files is quadratic when many lines differ (a 7 MB file took
16 s, 50 MB never finished). ``fmt`` changes a file entry by entry, so both texts are cut into
chunks, one per block (an ``@`` line and the ``%`` lines just above it), and chunks are matched
by their citation key; only chunks that differ are diffed, each on its own few lines. Line
numbers in the hunk headers are those of the whole files, so the output is a normal unified
diff; if the formatter also reorders entries, a last line says so.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator

__all__ = ["entry_diff"]

_KEY = re.compile(r"[ \t]*@[ \t]*(\w+)[ \t]*[{(][ \t]*([^,\s]*)")
# A block starts at an @ line, together with the run of % lines just above it.
_START = re.compile(r"^(?:[ \t]*%[^\n]*\n)*[ \t]*@", re.MULTILINE)

Chunk = tuple[str, int, str]
"""(match key, 0-based first line, text)."""


def _chunks(text: str) -> list[Chunk]:
    """The text cut into blocks, without a per-line copy of the whole file."""
    starts = [match.start() for match in _START.finditer(text)]
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    chunks: list[Chunk] = []
    seen: dict[str, int] = {}
    line = 0
    for number, start in enumerate(starts):
        end = starts[number + 1] if number + 1 < len(starts) else len(text)
        body = text[start:end]
        at = body.find("@")
        head_start = body.rfind("\n", 0, at) + 1 if at >= 0 else 0
        found = _KEY.match(body, head_start) if at >= 0 else None
        kind, key = (found.group(1).lower(), found.group(2).lower()) if found else ("", "")
        name = key if kind not in ("", "string", "preamble", "comment") and key else kind
        # Blocks without a key (@string, comments) match in their order of appearance.
        seen[name] = seen.get(name, 0) + 1
        chunks.append((f"{name}#{seen[name]}", line, body))
        line += body.count("\n")
    return chunks


def _hunks(a: list[str], a_start: int, b: list[str], b_start: int) -> Iterator[str]:
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for group in matcher.get_grouped_opcodes(3):
        i1, i2, j1, j2 = group[0][1], group[-1][2], group[0][3], group[-1][4]
        yield f"@@ -{a_start + i1 + 1},{i2 - i1} +{b_start + j1 + 1},{j2 - j1} @@\n"
        for tag, x1, x2, y1, y2 in group:
            if tag == "equal":
                yield from (" " + line for line in a[x1:x2])
                continue
            yield from ("-" + line for line in a[x1:x2])
            yield from ("+" + line for line in b[y1:y2])


def _ended(line: str) -> str:
    return line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"


def entry_diff(original: str, formatted: str, fromfile: str, tofile: str) -> str:
    """What ``fmt`` would change, as a unified diff ("" when nothing)."""
    if original == formatted:
        return ""
    before = _chunks(original)
    after = _chunks(formatted)
    old = {name: (start, body) for name, start, body in before}
    out: list[str] = [f"--- {fromfile}\n", f"+++ {tofile}\n"]
    matched: set[str] = set()
    for name, start, body in after:
        a_start, a_body = old.get(name, (0, ""))
        if name in old:
            matched.add(name)
        if a_body != body:
            a_lines, b_lines = a_body.splitlines(keepends=True), body.splitlines(keepends=True)
            out.extend(_ended(line) for line in _hunks(a_lines, a_start, b_lines, start))
    for name, start, body in before:
        if name not in matched:
            lines = body.splitlines(keepends=True)
            out.extend(_ended(line) for line in _hunks(lines, start, [], 0))
    if [name for name, _, _ in before if name in matched] != [
        name for name, _, _ in after if name in matched
    ]:
        out.append("# fmt also sorts the entries by citation key\n")
    return "".join(out)
