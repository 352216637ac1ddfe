"""Diagnostics: every problem has a stable code, a severity and the place it is about."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["CODES", "CodeInfo", "Problem", "Severity"]


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class CodeInfo:
    """What a diagnostic code means, with a minimal input that triggers it (for the handbook)."""

    code: str
    severity: Severity
    summary: str
    example: str


def _codes(*infos: CodeInfo) -> dict[str, CodeInfo]:
    return {info.code: info for info in infos}


E, W = Severity.ERROR, Severity.WARNING

CODES: dict[str, CodeInfo] = _codes(
    CodeInfo(
        "bib.file-not-found",
        E,
        "The bibliography file does not exist or cannot be read.",
        "--bib missing.bib",
    ),
    CodeInfo(
        "bib.not-utf8", E, "The bibliography file is not valid UTF-8.", "a Latin-1 byte \\xe9"
    ),
    CodeInfo(
        "bib.parse-error",
        E,
        "bibtexparser could not parse a block; the entries around it are still read.",
        "@article{Key2020,\n  title = {Unclosed\n  year = 2020,\n}",
    ),
    CodeInfo(
        "bib.unparsed-text",
        E,
        "Text outside any entry looks like an entry that the parser skipped (e.g. `@article` "
        "without a brace).",
        "@article Key2020, title = {x}}",
    ),
    CodeInfo(
        "bib.duplicate-key",
        E,
        "Two entries share a citation key; only the first is used.",
        "@article{Key2020, ...}\n@article{Key2020, ...}",
    ),
    CodeInfo(
        "bib.duplicate-field",
        E,
        "An entry sets the same field twice; the first value is used.",
        "@article{Key2020, year = {2020}, year = {2021}}",
    ),
    CodeInfo(
        "bib.duplicate-doi",
        E,
        "Two entries have the same DOI (compared case-insensitively).",
        "doi = {10.1111/ABC} in one entry, doi = {10.1111/abc} in another",
    ),
    CodeInfo(
        "bib.duplicate-pmid",
        E,
        "Two entries have the same PubMed id.",
        "pmid = {23216209} in two entries",
    ),
    CodeInfo(
        "bib.missing-field",
        E,
        "A field required for the entry type is absent (article: author, title, journal, year).",
        "@article{Key2020, title = {x}}",
    ),
    CodeInfo("bib.invalid-year", E, "The year is not a four-digit number.", "year = {in press}"),
    CodeInfo(
        "bib.invalid-doi",
        E,
        "The DOI does not look like a DOI (10.NNNN/suffix).",
        "doi = {doi:10.1111}",
    ),
    CodeInfo("bib.invalid-pmid", E, "The PMID is not a number.", "pmid = {PMC123}"),
    CodeInfo("bib.invalid-pmcid", E, "The PMCID is not PMC followed by digits.", "pmcid = {123}"),
    CodeInfo(
        "bib.unused-reference",
        W,
        "No claim cites the reference, in its evidence or its prose.",
        "an entry no claim names",
    ),
    CodeInfo("claim.dir-not-found", E, "The claims folder does not exist.", "--claims missing/"),
    CodeInfo("claim.not-utf8", E, "The claim file is not valid UTF-8.", "a Latin-1 byte"),
    CodeInfo(
        "claim.no-front-matter",
        E,
        "The claim file does not start with YAML front matter between `---` lines.",
        "a Markdown file without ---",
    ),
    CodeInfo(
        "claim.invalid-yaml",
        E,
        "The front matter is not valid YAML, or not a mapping.",
        "title: [unclosed",
    ),
    CodeInfo(
        "claim.unknown-field",
        E,
        "The front matter has a key the format does not know (often a typo).",
        "certainity: low",
    ),
    CodeInfo(
        "claim.missing-field",
        E,
        "A required field is absent.",
        "a claim without `verdict`",
    ),
    CodeInfo(
        "claim.invalid-value",
        E,
        "A field's value has the wrong type or is not one of the allowed values.",
        "certainty: strong",
    ),
    CodeInfo(
        "claim.invalid-id",
        E,
        "The file name is not a valid claim id (lowercase letters, digits and hyphens).",
        "Acne_Scars.md",
    ),
    CodeInfo(
        "claim.id-mismatch",
        E,
        "The front matter's `id` differs from the file name, which is the claim's id.",
        "id: acne in acne-scars.md",
    ),
    CodeInfo(
        "claim.duplicate-id",
        E,
        "Two claim files (in different folders) have the same id.",
        "a/acne.md and b/acne.md",
    ),
    CodeInfo(
        "claim.unknown-citation",
        E,
        "An evidence item or the prose cites a key that is not in the bibliography.",
        "ref: Nobody2020",
    ),
    CodeInfo(
        "claim.citation-not-in-evidence",
        W,
        "The prose cites a reference that is not listed among the claim's evidence items.",
        "[@Other2019] in the body only",
    ),
    CodeInfo(
        "claim.certainty-unsupported",
        E,
        "The certainty grade is higher than the supporting evidence's designs allow "
        "(see the method page).",
        "certainty: high with only case series",
    ),
    CodeInfo(
        "claim.verdict-unsupported",
        E,
        "The verdict needs evidence of a stance the claim lacks (supported: a supporting item; "
        "contradicted: a contradicting item).",
        "verdict: supported with no `stance: supports` item",
    ),
    CodeInfo(
        "claim.verdict-certainty-mismatch",
        W,
        "The article's wording is judged `supported` while the certainty is `very-low`.",
        "verdict: supported with certainty: very-low",
    ),
    CodeInfo(
        "cite.unparsed",
        E,
        "A bracket holds `@key` but is not a citation in pandoc's syntax, so it would be printed "
        "as raw text; escape a `;` inside a locator as `\\;`, or an `@` that is no citation as "
        "`\\@`.",
        "[@Tan2019, Abstract; keloid volume table]",
    ),
    CodeInfo(
        "cite.unknown-key",
        E,
        "A hand-written page (`check --docs`) cites a key that is not in the bibliography.",
        "[@NoSuchKey2020]",
    ),
    CodeInfo(
        "content.unsafe-link",
        E,
        "A link with a scheme other than http, https or mailto (`javascript:`, `data:`...), "
        "or an attribute list setting an event handler or style, in a claim file or a "
        "bibliography field; the handbook would strip it, so it is an error at its line.",
        "finding: see [this](javascript:alert(1))",
    ),
    CodeInfo(
        "docs.unreadable",
        E,
        "A hand-written page given to `check --docs` cannot be read or is not UTF-8.",
        "docs/index.md saved as Latin-1",
    ),
)


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One located diagnostic. Lines and columns are 1-based."""

    path: str
    line: int
    col: int
    code: str
    message: str

    def __post_init__(self) -> None:
        if self.code not in CODES:
            raise ValueError(f"unregistered diagnostic code {self.code!r}")

    @property
    def severity(self) -> Severity:
        return CODES[self.code].severity

    def __str__(self) -> str:
        prefix = "" if self.severity is Severity.ERROR else "warning: "
        return f"{self.path}:{self.line}:{self.col}: {self.code} {prefix}{self.message}"
