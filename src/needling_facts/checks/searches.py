"""Problems of the screening logs against the claims and the bibliography.

Each search file must belong to a claim, each claim (when the searches folder exists) must
have one, and each log must agree with its claim's evidence: every cited reference marked
included, nothing included that the evidence does not cite, no study twice, and identifiers
that agree with the bibliography. Format problems (bad YAML, an unknown decision, an exclusion
without a reason) are found while reading (`needling_facts.sources.searches`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from needling_facts.diagnostics import CodeInfo, Problem, Severity, declare_code
from needling_facts.evidence.claim import Claim
from needling_facts.evidence.reference import Reference
from needling_facts.evidence.search import Candidate, Decision
from needling_facts.sources.claim_files import ClaimFile
from needling_facts.sources.searches import SUFFIX, SearchFile, SearchSet

__all__ = ["check_searches"]

SEARCH_DUPLICATE_CANDIDATE = declare_code(
    "search.duplicate-candidate",
    Severity.ERROR,
    "The same study is in one screening log twice (the same id, the same bib key, or a "
    "PMID or DOI that the bibliography gives for another entry's key).",
    "two entries with id: pmid:31985622",
)
SEARCH_UNKNOWN_REFERENCE = declare_code(
    "search.unknown-reference",
    Severity.ERROR,
    "A screening entry's `ref` (or `bib:` id) names no entry of the bibliography.",
    "ref: Nobody2020",
)
SEARCH_INCLUDED_NOT_CITED = declare_code(
    "search.included-not-cited",
    Severity.ERROR,
    "A candidate marked included is not cited by any evidence item of the claim.",
    "{id: bib:Nobody2020, decision: included} with no evidence item citing Nobody2020",
)
SEARCH_CITED_NOT_INCLUDED = declare_code(
    "search.cited-not-included",
    Severity.ERROR,
    "An evidence item cites a reference that the claim's screening log does not mark "
    "included (absent from the log, or excluded or pending there).",
    "ref: Alam2014 in the claim, no screening entry for Alam2014",
)
SEARCH_ID_MISMATCH = declare_code(
    "search.id-mismatch",
    Severity.ERROR,
    "A screening entry's PMID or DOI differs from the one the bibliography gives for its `ref`.",
    "{id: pmid:1, ref: Alster2020a} where the bib says pmid = {31985622}",
)
SEARCH_UNKNOWN_CLAIM = declare_code(
    "search.unknown-claim",
    Severity.ERROR,
    "A search file is named after no claim of the claims folder.",
    "searches/acne.yaml without claims/acne.md",
)
SEARCH_MISSING_FILE = declare_code(
    "search.missing-file",
    Severity.WARNING,
    "A claim has no search file in the searches folder beside the claims (only checked "
    "when that folder exists).",
    "claims/acne-scars.md without searches/acne-scars.yaml",
)


def check_searches(
    searches: SearchSet,
    claim_files: Iterable[ClaimFile],
    references: Mapping[str, Reference],
) -> list[Problem]:
    """Every problem between the search files, the claims and the bibliography."""
    if not searches.present:
        return []
    files = list(claim_files)
    claims = {f.claim_id: f.claim for f in files}
    problems: list[Problem] = []
    for claim_id, search in searches.files.items():
        if claim_id not in claims:
            problems.append(
                SEARCH_UNKNOWN_CLAIM.at(
                    search.path,
                    1,
                    1,
                    f"no claim {claim_id!r} in the claims folder: a search file is named after "
                    "its claim's id",
                )
            )
    for file in files:
        if file.claim_id not in searches.files:
            problems.append(
                SEARCH_MISSING_FILE.at(
                    file.path,
                    1,
                    1,
                    f"no search file for this claim: add {searches.folder}/{file.claim_id}"
                    f"{SUFFIX} with its saved search and screening log",
                )
            )
    keys_by_id = _keys_by_identifier(references)
    for claim_id, search in searches.files.items():
        claim = claims.get(claim_id)
        if claim is not None and search.record is not None:
            problems += _log_problems(search, claim, references, keys_by_id)
    return problems


def _keys_by_identifier(references: Mapping[str, Reference]) -> dict[str, str]:
    """``pmid:N`` and ``doi:x`` (lower case) -> bib key."""
    found: dict[str, str] = {}
    for key, reference in references.items():
        if reference.pmid:
            found.setdefault(f"pmid:{reference.pmid}", key)
        if reference.doi:
            found.setdefault(f"doi:{reference.doi.lower()}", key)
    return found


def _identity(candidate: Candidate) -> str:
    return f"doi:{candidate.value.lower()}" if candidate.kind == "doi" else candidate.id


def _work_key(candidate: Candidate, keys_by_id: Mapping[str, str]) -> str | None:
    """The bib key the candidate stands for: its ``ref``/``bib:`` id, or its PMID or DOI's."""
    return candidate.cited_key or keys_by_id.get(_identity(candidate))


def _log_problems(
    search: SearchFile,
    claim: Claim,
    references: Mapping[str, Reference],
    keys_by_id: Mapping[str, str],
) -> list[Problem]:
    assert search.record is not None
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    included: set[str] = set()
    decided: dict[str, tuple[Decision, int]] = {}
    cited = set(claim.cited_keys)

    def problem(index: int, code: CodeInfo, message: str) -> None:
        problems.append(code.at(search.path, search.line_of("screening", index), 1, message))

    for index, candidate in enumerate(search.record.screening):
        line = search.line_of("screening", index)
        key = _work_key(candidate, keys_by_id)
        names = {_identity(candidate)} | ({f"bib:{key}"} if key else set())
        if key in references:
            names |= {n for n, k in keys_by_id.items() if k == key}
        own = _identity(candidate)
        again = [n for n in (own, *sorted(names - {own})) if n in seen]
        if again:
            problem(
                index,
                SEARCH_DUPLICATE_CANDIDATE,
                f"{again[0]} is already in the screening log (line {seen[again[0]]}); a study is "
                "listed once",
            )
        for name in names:
            seen.setdefault(name, line)
        if candidate.cited_key is not None and candidate.cited_key not in references:
            problem(
                index,
                SEARCH_UNKNOWN_REFERENCE,
                f"{candidate.cited_key!r} is not a key of the bibliography",
            )
        elif candidate.cited_key is not None and key is not None:
            problems += _id_mismatch(search, index, candidate, references[key])
        if key is not None:
            decided.setdefault(key, (candidate.decision, line))
        if candidate.decision is not Decision.INCLUDED:
            continue
        if key is None or key not in cited:
            what = f"{candidate.id} ({key})" if key and key not in candidate.id else candidate.id
            problem(
                index,
                SEARCH_INCLUDED_NOT_CITED,
                f"{what} is marked included, but no evidence item of {claim.id!r} cites it",
            )
        else:
            included.add(key)
    for key in claim.cited_keys:
        if key in included or key not in references:
            continue
        state, line = decided.get(key, (None, search.line_of("screening")))
        where = "is not in the screening log" if state is None else f"is marked {state.value}"
        problems.append(
            SEARCH_CITED_NOT_INCLUDED.at(
                search.path,
                line,
                1,
                f"{key!r} is cited by the claim's evidence but {where}; a cited study is "
                "marked included",
            )
        )
    return problems


def _id_mismatch(
    search: SearchFile, index: int, candidate: Candidate, reference: Reference
) -> list[Problem]:
    ours = candidate.pmid or candidate.doi
    theirs = reference.pmid if candidate.kind == "pmid" else reference.doi
    if ours is None or theirs is None or ours.lower() == theirs.lower():
        return []
    return [
        SEARCH_ID_MISMATCH.at(
            search.path,
            search.line_of("screening", index),
            1,
            f"{candidate.id} differs from the bibliography's {candidate.kind} of "
            f"{reference.key!r}: {theirs}",
        )
    ]
