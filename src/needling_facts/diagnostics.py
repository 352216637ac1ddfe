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
        "A field required for the entry type is absent (article: title, journal, year), "
        "also after biblatex inheritance (`crossref`, `xdata`) and aliases (`journaltitle` for "
        "`journal`, `date` for `year`).",
        "@article{Key2020, title = {x}}",
    ),
    CodeInfo(
        "bib.no-author",
        W,
        "An article has no author field. Allowed, because a byline no public record shows is left "
        "out rather than guessed; the citation then starts with the title.",
        "@article{IntWoundJ2021, title = {...}, journal = {Int Wound J}, year = {2021}}",
    ),
    CodeInfo(
        "bib.no-identifier",
        W,
        "An article has no DOI, PubMed id or PubMed Central id. Allowed, because an identifier "
        "no public record shows is left out rather than guessed; the entry stays on the to-do "
        "list until one is seen.",
        "@article{Bonati2017, title = {...}, journal = {J Drugs Dermatol}, year = {2017}}",
    ),
    CodeInfo(
        "bib.duplicate-pmcid",
        E,
        "Two entries have the same PubMed Central id.",
        "pmcid = {PMC3531004} in two entries",
    ),
    CodeInfo(
        "bib.undefined-macro",
        E,
        "A field uses a name that no `@string` defines (BibTeX would print it as nothing).",
        "journal = jdt without @string{jdt = ...}",
    ),
    CodeInfo(
        "bib.unknown-crossref",
        E,
        "A `crossref` or `xdata` field names no entry of the file, or loops back to the entry.",
        "crossref = {NoSuchProceedings}",
    ),
    CodeInfo("bib.invalid-year", E, "The year is not a four-digit number.", "year = {in press}"),
    CodeInfo(
        "bib.invalid-doi",
        E,
        "The DOI does not look like a DOI (10.NNNN/suffix).",
        "doi = {doi:10.1111}",
    ),
    CodeInfo(
        "bib.invalid-pmid",
        E,
        "The PMID is not a number without a leading zero.",
        "pmid = {PMC123}, pmid = {023216209}",
    ),
    CodeInfo("bib.invalid-pmcid", E, "The PMCID is not PMC followed by digits.", "pmcid = {123}"),
    CodeInfo(
        "bib.unused-reference",
        W,
        "No claim cites the reference, in its evidence or its prose.",
        "an entry no claim names",
    ),
    CodeInfo(
        "ref.invalid-record",
        E,
        "A frozen record file (`records/<Key>.json`) is not valid JSON, does not follow the "
        "record format, or names another key than its file name.",
        'records/Alam2014.json: {"key": "Alam2014", "records": []}',
    ),
    CodeInfo(
        "ref.no-record",
        W,
        "The reference has no frozen record to be checked against; `needling-facts verify KEY "
        "--write` fetches one.",
        "an entry without records/<Key>.json",
    ),
    CodeInfo(
        "ref.title-mismatch",
        E,
        "The title differs from a record's title (compared without case, punctuation, accents, "
        "LaTeX or HTML): often a DOI that points at a different paper.",
        "title = {Microneedling for acne scars} with the DOI of a paper on melasma",
    ),
    CodeInfo(
        "ref.year-mismatch",
        E,
        "The year is neither the records' year nor their print-publication year.",
        "year = {2015} where PubMed says 2016",
    ),
    CodeInfo(
        "ref.pages-mismatch",
        E,
        "The page range differs from the records' (en dash, hyphen and abbreviated ranges such "
        "as 1421-9 count as the same).",
        "pages = {844--848} where the record says 844-849",
    ),
    CodeInfo(
        "ref.volume-mismatch",
        E,
        "The volume differs from the records' volume (leading zeros aside).",
        "volume = {53} where the record says 54",
    ),
    CodeInfo(
        "ref.issue-mismatch",
        E,
        "The issue (BibTeX `number`) differs from the records' issue (leading zeros aside).",
        "number = {2} where PubMed says 74(3)",
    ),
    CodeInfo(
        "ref.journal-mismatch",
        E,
        "The journal is neither the records' full title nor an abbreviation of it (an NLM "
        "abbreviation such as J Clin Aesthet Dermatol is not a mismatch).",
        "journal = {Dermatol Surg} where the record says Burns",
    ),
    CodeInfo(
        "ref.id-mismatch",
        E,
        "The DOI, PMID or PMCID differs from the one the records give for the work.",
        "pmid = {24919798} where the record says 24919799",
    ),
    CodeInfo(
        "ref.retracted",
        E,
        "A record says the work was retracted (Crossref `updated-by`, PubMed 'Retraction in').",
        "a DOI whose Crossref record has updated-by type retraction",
    ),
    CodeInfo(
        "ref.correction",
        W,
        "A record lists a correction (erratum, corrigendum) of the work: read it before citing "
        "numbers.",
        "a DOI whose Crossref record has updated-by type correction",
    ),
    CodeInfo(
        "ref.expression-of-concern",
        W,
        "The journal published an expression of concern about the work.",
        "a DOI whose Crossref record has updated-by type expression_of_concern",
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
        "claim.yaml-alias",
        E,
        "The front matter uses a YAML anchor or alias; claim files need none, and aliases can "
        "expand without bound, so they are refused.",
        "a: &x [1]\nb: *x",
    ),
    CodeInfo(
        "claim.yaml-limit",
        E,
        "The front matter is larger than 256 KiB or nests deeper than 20 levels.",
        "a: [[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]",
    ),
    CodeInfo(
        "claim.duplicate-key",
        E,
        "A key is set twice in one mapping; YAML would silently keep only one value.",
        "certainty: low\ncertainty: high",
    ),
    CodeInfo(
        "claim.unreadable",
        E,
        "A `*.md` entry in the claims folder cannot be read as a file: a folder, FIFO, device, "
        "broken or looping link, unreadable or over 1 MiB. It is skipped; the others are read.",
        "a broken symbolic link acne.md",
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
        "The GRADE profile starts `high`, but no supporting or contradicting item is randomised "
        "(RCT, split-face RCT, systematic review or meta-analysis); observational evidence "
        "starts `low`.",
        "starting_level: high with only case series",
    ),
    CodeInfo(
        "claim.missing-grade",
        E,
        "An active claim has no `grade` profile to compute its certainty from.",
        "certainty: low with no grade block",
    ),
    CodeInfo(
        "claim.certainty-mismatch",
        E,
        "The stated certainty differs from the one the GRADE profile computes; the message "
        "shows the computation.",
        "certainty: low with a profile starting high and no downgrades",
    ),
    CodeInfo(
        "claim.wording-too-strong",
        W,
        "The statement sounds surer than its certainty allows (moderate: probably/likely; low: "
        "may; very low: very uncertain; see the method page for the phrases).",
        "statement: Microneedling improves scars. with certainty: low",
    ),
    CodeInfo(
        "claim.overlapping-reviews",
        W,
        "Two reviews cited by one claim include the same primary study; totals count it once, "
        "but the reviews are not independent.",
        "two meta-analyses both with includes: [Alam2014]",
    ),
    CodeInfo(
        "evidence.missing-risk-of-bias",
        E,
        "A trial (RCT, split-face RCT, non-randomised trial) that supports or contradicts the "
        "claim has no `risk_of_bias` record (`tool: not-assessed` with a reason is allowed).",
        "design: rct, stance: supports, no risk_of_bias",
    ),
    CodeInfo(
        "evidence.unknown-include",
        E,
        "A review's `includes` names a key that is not cited by the same claim's evidence.",
        "includes: [Nobody2020]",
    ),
    CodeInfo(
        "evidence.includes-not-review",
        E,
        "`includes` is set on an item that is not a meta-analysis or systematic review.",
        "design: rct with includes: [Other2019]",
    ),
    CodeInfo(
        "ref.inconsistent-design",
        E,
        "One reference is cited with different designs or participant counts in different "
        "places; a study is described the same way everywhere.",
        "AbdelHay2016 as rct with 30 participants in one claim, as case-series in another",
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
    # Living evidence: search files (data/searches/<claim-id>.yaml), checked by checks.searches.
    CodeInfo(
        "search.unreadable",
        E,
        "A search file cannot be read as a file (a folder, FIFO, broken link, over 256 KiB) or "
        "is not UTF-8.",
        "searches/acne-scars.yaml saved as Latin-1",
    ),
    CodeInfo(
        "search.invalid-yaml",
        E,
        "A search file is not valid YAML, is empty or is not a mapping (anchors, aliases and "
        "duplicate keys are refused as in claim files).",
        "searches: [unclosed",
    ),
    CodeInfo(
        "search.invalid-value",
        E,
        "A field of a search file is missing, unknown, of the wrong type or not an allowed "
        "value (a candidate id is pmid:, doi:, registry:, bib: or desc:).",
        "screening: [{id: 12345, decision: included}]",
    ),
    CodeInfo(
        "search.unknown-decision",
        E,
        "A screening decision is not included, excluded or pending.",
        "decision: maybe",
    ),
    CodeInfo(
        "search.excluded-without-reason",
        E,
        "An excluded candidate gives no reason from the fixed list (wrong-population, "
        "wrong-intervention, wrong-comparison, wrong-design, no-usable-outcome, not-a-study, "
        "duplicate, not-retrieved, record-not-confirmed).",
        "{id: pmid:123, decision: excluded}",
    ),
    CodeInfo(
        "search.duplicate-candidate",
        E,
        "The same study is in one screening log twice (the same id, the same bib key, or a "
        "PMID or DOI that the bibliography gives for another entry's key).",
        "two entries with id: pmid:31985622",
    ),
    CodeInfo(
        "search.included-not-cited",
        E,
        "A candidate marked included is not cited by any evidence item of the claim.",
        "{id: bib:Nobody2020, decision: included} with no evidence item citing Nobody2020",
    ),
    CodeInfo(
        "search.cited-not-included",
        E,
        "An evidence item cites a reference that the claim's screening log does not mark "
        "included (absent from the log, or excluded or pending there).",
        "ref: Alam2014 in the claim, no screening entry for Alam2014",
    ),
    CodeInfo(
        "search.unknown-reference",
        E,
        "A screening entry's `ref` (or `bib:` id) names no entry of the bibliography.",
        "ref: Nobody2020",
    ),
    CodeInfo(
        "search.id-mismatch",
        E,
        "A screening entry's PMID or DOI differs from the one the bibliography gives for its "
        "`ref`.",
        "{id: pmid:1, ref: Alster2020a} where the bib says pmid = {31985622}",
    ),
    CodeInfo(
        "search.unknown-claim",
        E,
        "A search file is named after no claim of the claims folder.",
        "searches/acne.yaml without claims/acne.md",
    ),
    CodeInfo(
        "search.missing-file",
        W,
        "A claim has no search file in the searches folder beside the claims (only checked "
        "when that folder exists).",
        "claims/acne-scars.md without searches/acne-scars.yaml",
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
