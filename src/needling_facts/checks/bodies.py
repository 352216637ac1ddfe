"""Checks on a claim's bodies of evidence: comparisons, outcome rows and the estimates in them.

Each row's stated certainty must equal what its GRADE profile computes, and the claim's must
equal GRADE's overall certainty (the lowest of the main comparison's critical outcomes). A row
names studies the claim cites; an estimate names a row that exists and lists its study.
"""

from __future__ import annotations

from needling_facts.checks.evidence import (
    CLAIM_CERTAINTY_MISMATCH,
    CLAIM_CERTAINTY_UNSUPPORTED,
    CLAIM_UPGRADE_ON_HIGH_START,
    CLAIM_WORDING_TOO_STRONG,
)
from needling_facts.diagnostics import Problem, Severity, declare_code
from needling_facts.evidence.bodies import Comparison, OutcomeRow, overall_certainty
from needling_facts.evidence.claim import Claim
from needling_facts.evidence.grade import UPGRADE_DOMAINS
from needling_facts.evidence.hedging import required_hedges, wording_too_strong
from needling_facts.evidence.vocabulary import HIGH_START_DESIGNS, REVIEW_DESIGNS
from needling_facts.sources.claim_files import ClaimFile

__all__ = ["body_problems"]

CLAIM_NO_COMPARISONS = declare_code(
    "claim.no-comparisons",
    Severity.WARNING,
    "An active claim has no `comparisons`: its evidence is not organised per comparison and "
    "outcome, so it has no summary-of-findings rows (a 0.2 claim file; see the method page).",
    "a claim with a claim-level grade block only",
)

BODY_CERTAINTY_MISMATCH = declare_code(
    "body.certainty-mismatch",
    Severity.ERROR,
    "An outcome row's stated certainty differs from the one its GRADE profile computes; the "
    "message shows the computation.",
    "certainty: moderate on a row whose profile starts high with two serious concerns",
)

BODY_NO_CRITICAL_OUTCOME = declare_code(
    "body.no-critical-outcome",
    Severity.ERROR,
    "The main comparison has no critical outcome, so the claim's certainty cannot be computed.",
    "every outcome of the main comparison marked importance: important",
)

BODY_UNKNOWN_STUDY = declare_code(
    "body.unknown-study",
    Severity.ERROR,
    "An outcome row lists a study that is not among the claim's evidence items.",
    "studies: [Alam2014] in a claim that does not cite Alam2014",
)

BODY_UNKNOWN_ROW = declare_code(
    "body.unknown-row",
    Severity.ERROR,
    "An effect estimate names a row (`comparison/outcome`) the claim does not have.",
    "row: needling-vs-laser/pain in a claim without that comparison",
)

BODY_STUDY_NOT_IN_ROW = declare_code(
    "body.study-not-in-row",
    Severity.ERROR,
    "An effect estimate joins a row that does not list its study in `studies`.",
    "an Alam2014 estimate with row: needling-vs-baseline/scar-severity, whose studies omit it",
)

BODY_POOLED_FROM_NOT_REVIEW = declare_code(
    "body.pooled-from-not-review",
    Severity.ERROR,
    "`pooled_from` names a study that is not a meta-analysis or systematic review, or one "
    "with no estimate in the row.",
    "pooled_from: Alam2014 (a split-face RCT)",
)


def body_problems(file: ClaimFile, claim: Claim) -> list[Problem]:
    """Every problem with ``claim``'s comparisons, rows and the estimates that join them."""
    if not claim.comparisons:
        if claim.is_withdrawn:
            return []
        return [
            CLAIM_NO_COMPARISONS.at(
                file.path,
                1,
                1,
                "no comparisons: give each comparison its outcome rows, each with its studies "
                "and its own GRADE profile (see the method page)",
            )
        ]
    problems: list[Problem] = []
    for number, comparison in enumerate(claim.comparisons):
        for index, row in enumerate(comparison.outcomes):
            problems.extend(_row_problems(file, claim, comparison, row, (number, index)))
    problems.extend(_overall_problems(file, claim))
    problems.extend(_estimate_problems(file, claim))
    return problems


def _row_problems(
    file: ClaimFile, claim: Claim, comparison: Comparison, row: OutcomeRow, at: tuple[int, int]
) -> list[Problem]:
    loc = ("comparisons", at[0], "outcomes", at[1])
    problems: list[Problem] = []
    result = row.grade.compute()
    if result.certainty is not row.certainty:
        problems.append(
            BODY_CERTAINTY_MISMATCH.at(
                file.path,
                file.line_of(*loc, "certainty"),
                1,
                f"{comparison.id}/{row.id}: stated certainty {row.certainty.label}, profile "
                f"computes {result.certainty.label}: {result.explanation}",
            )
        )
    cited = {item.ref: item for item in claim.evidence}
    for position, key in enumerate(row.studies):
        if key not in cited:
            problems.append(
                BODY_UNKNOWN_STUDY.at(
                    file.path,
                    file.line_of(*loc, "studies", position),
                    1,
                    f"{comparison.id}/{row.id} lists {key!r}, which is not among the claim's "
                    "evidence items",
                )
            )
    if row.pooled_from is not None and (review := cited.get(row.pooled_from)) is not None:
        path = f"{comparison.id}/{row.id}"
        in_row = any(effect.row == path for effect in review.effects)
        if review.design not in REVIEW_DESIGNS or not in_row:
            why = "has no estimate in this row"
            if review.design not in REVIEW_DESIGNS:
                why = f"is not a meta-analysis or systematic review (design: {review.design.label})"
            problems.append(
                BODY_POOLED_FROM_NOT_REVIEW.at(
                    file.path,
                    file.line_of(*loc, "pooled_from"),
                    1,
                    f"{path}: pooled_from {row.pooled_from!r} {why}",
                )
            )
    upgrades = [name for name in UPGRADE_DOMAINS if getattr(row.grade, name) is not None]
    high = row.grade.starting_level.value == "high"
    if high and upgrades:
        problems.append(
            CLAIM_UPGRADE_ON_HIGH_START.at(
                file.path,
                file.line_of(*loc, "grade", upgrades[0]),
                1,
                f"{comparison.id}/{row.id}: {upgrades[0]} rates up a body of evidence that "
                "starts high; GRADE rates up observational evidence only",
            )
        )
    designs = {cited[key].design for key in row.studies if key in cited}
    if high and designs and not designs & HIGH_START_DESIGNS:
        problems.append(
            CLAIM_CERTAINTY_UNSUPPORTED.at(
                file.path,
                file.line_of(*loc, "grade", "starting_level"),
                1,
                f"{comparison.id}/{row.id}: starting_level 'high' needs a randomised study "
                "among the row's studies; observational evidence starts 'low'",
            )
        )
    if wording_too_strong(row.statement, row.certainty):
        hedges = ", ".join(repr(h) for h in required_hedges(row.certainty))
        problems.append(
            CLAIM_WORDING_TOO_STRONG.at(
                file.path,
                file.line_of(*loc, "statement"),
                1,
                f"{comparison.id}/{row.id}: the statement sounds surer than "
                f"{row.certainty.label} certainty allows; say it with one of: {hedges}",
            )
        )
    return problems


def _overall_problems(file: ClaimFile, claim: Claim) -> list[Problem]:
    main = claim.main_comparison
    if main is None:
        return []  # the model refuses comparisons without exactly one main
    overall = overall_certainty(main)
    if overall is None:
        number = claim.comparisons.index(main)
        return [
            BODY_NO_CRITICAL_OUTCOME.at(
                file.path,
                file.line_of("comparisons", number, "outcomes"),
                1,
                f"main comparison {main.id!r} has no critical outcome: mark the outcome(s) "
                "the claim is about importance: critical",
            )
        ]
    if overall is claim.certainty:
        return []
    rows = ", ".join(f"{row.id} {row.grade.certainty.label}" for row in main.critical)
    return [
        CLAIM_CERTAINTY_MISMATCH.at(
            file.path,
            file.line_of("certainty"),
            1,
            f"stated certainty {claim.certainty.label}, but the lowest critical outcome of "
            f"{main.id!r} is {overall.label} ({rows})",
        )
    ]


def _estimate_problems(file: ClaimFile, claim: Claim) -> list[Problem]:
    problems: list[Problem] = []
    for number, item in enumerate(claim.evidence):
        for index, effect in enumerate(item.effects):
            if effect.row is None:
                continue
            line = file.line_of("evidence", number, "effects", index, "row")
            found = claim.row(effect.row)
            if found is None:
                known = ", ".join(f"{c.id}/{r.id}" for c, r in claim.rows)
                problems.append(
                    BODY_UNKNOWN_ROW.at(
                        file.path,
                        line,
                        1,
                        f"{item.ref}: row {effect.row!r} is not one of the claim's rows ({known})",
                    )
                )
            elif item.ref not in found[1].studies:
                problems.append(
                    BODY_STUDY_NOT_IN_ROW.at(
                        file.path,
                        line,
                        1,
                        f"{item.ref}'s estimate joins {effect.row}, whose studies do not list "
                        f"{item.ref}",
                    )
                )
    return problems
