"""Problems of the screening logs against the claims and the bibliography.

Each search file must belong to a claim, each claim (when the searches folder exists) must
have one, and each log must agree with its claim's evidence: every cited reference marked
included, nothing included that the evidence does not cite, no study twice, and identifiers
that agree with the bibliography. Format problems (bad YAML, an unknown decision, an exclusion
without a reason) are found while reading (`needling_facts.sources.searches`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from needling_facts.diagnostics import Problem
from needling_facts.evidence.claim import Claim
from needling_facts.evidence.reference import Reference
from needling_facts.evidence.search import Candidate, Decision
from needling_facts.sources.claim_files import ClaimFile
from needling_facts.sources.searches import SUFFIX, SearchFile, SearchSet

__all__ = ["check_searches"]


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
                Problem(
                    search.path,
                    1,
                    1,
                    "search.unknown-claim",
                    f"no claim {claim_id!r} in the claims folder: a search file is named after "
                    "its claim's id",
                )
            )
    for file in files:
        if file.claim_id not in searches.files:
            problems.append(
                Problem(
                    file.path,
                    1,
                    1,
                    "search.missing-file",
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

    def problem(index: int, code: str, message: str) -> None:
        problems.append(Problem(search.path, search.line_of("screening", index), 1, code, message))

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
                "search.duplicate-candidate",
                f"{again[0]} is already in the screening log (line {seen[again[0]]}); a study is "
                "listed once",
            )
        for name in names:
            seen.setdefault(name, line)
        if candidate.cited_key is not None and candidate.cited_key not in references:
            problem(
                index,
                "search.unknown-reference",
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
                "search.included-not-cited",
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
            Problem(
                search.path,
                line,
                1,
                "search.cited-not-included",
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
        Problem(
            search.path,
            search.line_of("screening", index),
            1,
            "search.id-mismatch",
            f"{candidate.id} differs from the bibliography's {candidate.kind} of "
            f"{reference.key!r}: {theirs}",
        )
    ]
