"""Checks on the evidence-as-data fields: GRADE profiles, wording, risk of bias, study overlap.

Per-claim checks read one valid claim and its file (for lines); `inconsistent_designs` compares
how one reference is described across every claim.
"""

from __future__ import annotations

from collections.abc import Iterable

from needling_facts.diagnostics import Problem, Severity, declare_code
from needling_facts.evidence.claim import Claim
from needling_facts.evidence.grade import UPGRADE_DOMAINS
from needling_facts.evidence.hedging import required_hedges, wording_too_strong
from needling_facts.evidence.item import Evidence
from needling_facts.evidence.risk_of_bias import DOMAINS_OF, BiasLevel
from needling_facts.evidence.vocabulary import (
    HIGH_START_DESIGNS,
    REVIEW_DESIGNS,
    Stance,
    StudyDesign,
)
from needling_facts.sources.claim_files import ClaimFile

__all__ = [
    "NEEDS_RISK_OF_BIAS",
    "evidence_problems",
    "grade_problems",
    "inconsistent_designs",
]

CLAIM_MISSING_GRADE = declare_code(
    "claim.missing-grade",
    Severity.ERROR,
    "An active claim has no `grade` profile to compute its certainty from.",
    "certainty: low with no grade block",
)

CLAIM_CERTAINTY_MISMATCH = declare_code(
    "claim.certainty-mismatch",
    Severity.ERROR,
    "The stated certainty differs from the one the GRADE profile computes; the message shows "
    "the computation.",
    "certainty: low with a profile starting high and no downgrades",
)

CLAIM_CERTAINTY_UNSUPPORTED = declare_code(
    "claim.certainty-unsupported",
    Severity.ERROR,
    "The GRADE profile starts `high`, but no supporting or contradicting item is randomised "
    "(RCT, split-face RCT, systematic review or meta-analysis); observational evidence starts "
    "`low`.",
    "starting_level: high with only case series",
)

CLAIM_WORDING_TOO_STRONG = declare_code(
    "claim.wording-too-strong",
    Severity.WARNING,
    "The statement sounds surer than its certainty allows (moderate: probably/likely; low: "
    "may; very low: very uncertain; see the method page for the phrases).",
    "statement: Microneedling improves scars. with certainty: low",
)

CLAIM_OVERLAPPING_REVIEWS = declare_code(
    "claim.overlapping-reviews",
    Severity.WARNING,
    "Two reviews cited by one claim include the same primary study; totals count it once, but "
    "the reviews are not independent.",
    "two meta-analyses both with includes: [Alam2014]",
)

EVIDENCE_MISSING_RISK_OF_BIAS = declare_code(
    "evidence.missing-risk-of-bias",
    Severity.ERROR,
    "A trial (RCT, split-face RCT, non-randomised trial) that supports or contradicts the "
    "claim has no `risk_of_bias` record (`tool: not-assessed` with a reason is allowed).",
    "design: rct, stance: supports, no risk_of_bias",
)

EVIDENCE_UNKNOWN_INCLUDE = declare_code(
    "evidence.unknown-include",
    Severity.ERROR,
    "A review's `includes` names a key that is not cited by the same claim's evidence.",
    "includes: [Nobody2020]",
)

EVIDENCE_INCLUDES_NOT_REVIEW = declare_code(
    "evidence.includes-not-review",
    Severity.ERROR,
    "`includes` is set on an item that is not a meta-analysis or systematic review.",
    "design: rct with includes: [Other2019]",
)

REF_INCONSISTENT_DESIGN = declare_code(
    "ref.inconsistent-design",
    Severity.ERROR,
    "One reference is cited with different designs or participant counts in different places; "
    "a study is described the same way everywhere.",
    "AbdelHay2016 as rct with 30 participants in one claim, as case-series in another",
)
EVIDENCE_INCLUDE_CYCLE = declare_code(
    "evidence.include-cycle",
    Severity.ERROR,
    "Reviews include each other (directly or through others), so each would stand for the "
    "other and both would vanish from the totals.",
    "A2020 includes: [B2021] and B2021 includes: [A2020]",
)
EVIDENCE_ROB_INCOMPLETE = declare_code(
    "evidence.rob-incomplete",
    Severity.ERROR,
    "A RoB 2 or ROBINS-I judgement leaves a domain out (judge it, or write no-information).",
    "tool: rob2 with 2 of its 5 domains",
)
EVIDENCE_ROB_OVERALL_TOO_LOW = declare_code(
    "evidence.rob-overall-too-low",
    Severity.ERROR,
    "The overall risk-of-bias judgement is less severe than the worst domain's.",
    "a domain judged high, overall: low",
)
CLAIM_UPGRADE_ON_HIGH_START = declare_code(
    "claim.upgrade-on-high-start",
    Severity.ERROR,
    "A GRADE profile that starts high is rated up; GRADE rates up observational evidence only.",
    "starting_level: high with large_effect",
)

NEEDS_RISK_OF_BIAS = frozenset(
    {StudyDesign.RCT, StudyDesign.SPLIT_FACE_RCT, StudyDesign.NON_RANDOMISED_TRIAL}
)
"""Trial designs whose supporting or contradicting items need a risk-of-bias record."""

_WEIGHED = frozenset({Stance.SUPPORTS, Stance.CONTRADICTS})


def grade_problems(file: ClaimFile, claim: Claim) -> list[Problem]:
    """The profile exists, computes the stated certainty, and the statement is hedged enough."""
    problems: list[Problem] = []
    if claim.comparisons:
        pass  # each outcome row has its own profile: see checks.bodies
    elif claim.grade is None:
        if not claim.is_withdrawn:
            problems.append(
                CLAIM_MISSING_GRADE.at(
                    file.path,
                    file.line_of("certainty"),
                    1,
                    f"certainty {claim.certainty.label!r} has no GRADE profile: add a 'grade' "
                    "block rating the five domains (see the method page)",
                )
            )
    else:
        result = claim.grade.compute()
        if result.certainty is not claim.certainty:
            problems.append(
                CLAIM_CERTAINTY_MISMATCH.at(
                    file.path,
                    file.line_of("certainty"),
                    1,
                    f"stated certainty {claim.certainty.label}, profile computes "
                    f"{result.certainty.label}: {result.explanation}",
                )
            )
        upgrades = [n for n in UPGRADE_DOMAINS if getattr(claim.grade, n) is not None]
        if claim.grade.starting_level.value == "high" and upgrades:
            problems.append(
                CLAIM_UPGRADE_ON_HIGH_START.at(
                    file.path,
                    file.line_of("grade", upgrades[0]),
                    1,
                    f"{upgrades[0]} rates up a body of evidence that starts high; GRADE rates "
                    "up observational evidence only",
                )
            )
        designs = {item.design for item in claim.evidence if item.stance in _WEIGHED}
        if claim.grade.starting_level.value == "high" and not designs & HIGH_START_DESIGNS:
            names = ", ".join(sorted(d.value for d in HIGH_START_DESIGNS))
            problems.append(
                CLAIM_CERTAINTY_UNSUPPORTED.at(
                    file.path,
                    file.line_of("grade", "starting_level"),
                    1,
                    "starting_level 'high' needs a supporting or contradicting item of "
                    f"randomised design ({names}); observational evidence starts 'low'",
                )
            )
    if not claim.is_withdrawn and wording_too_strong(claim.statement, claim.certainty):
        hedges = ", ".join(repr(h) for h in required_hedges(claim.certainty))
        problems.append(
            CLAIM_WORDING_TOO_STRONG.at(
                file.path,
                file.line_of("statement"),
                1,
                f"the statement sounds surer than {claim.certainty.label} certainty allows; "
                f"say it with one of: {hedges}",
            )
        )
    return problems


def evidence_problems(file: ClaimFile, claim: Claim) -> list[Problem]:
    """Risk of bias where trials weigh in, and `includes` that name cited primary studies."""
    problems: list[Problem] = []
    cited = set(claim.cited_keys)
    for index, item in enumerate(claim.evidence):
        if (
            item.design in NEEDS_RISK_OF_BIAS
            and item.stance in _WEIGHED
            and item.risk_of_bias is None
        ):
            problems.append(
                EVIDENCE_MISSING_RISK_OF_BIAS.at(
                    file.path,
                    file.line_of("evidence", index),
                    1,
                    f"{item.ref} ({item.design.label}, {item.stance.value}) has no risk_of_bias; "
                    "record a judgement or 'tool: not-assessed' with the reason",
                )
            )
        if item.includes and item.design not in REVIEW_DESIGNS:
            problems.append(
                EVIDENCE_INCLUDES_NOT_REVIEW.at(
                    file.path,
                    file.line_of("evidence", index, "includes"),
                    1,
                    f"{item.ref} is a {item.design.label}; only a meta-analysis or systematic "
                    "review includes other studies",
                )
            )
        for position, key in enumerate(item.includes):
            if key == item.ref or key not in cited:
                why = (
                    "a review cannot include itself"
                    if key == item.ref
                    else "it is not cited by this claim's evidence; cite it as an item first"
                )
                problems.append(
                    EVIDENCE_UNKNOWN_INCLUDE.at(
                        file.path,
                        file.line_of("evidence", index, "includes", position),
                        1,
                        f"{item.ref} includes {key!r}, but {why}",
                    )
                )
    problems.extend(_include_cycles(file, claim))
    problems.extend(_risk_of_bias_problems(file, claim))
    problems.extend(_overlaps(file, claim))
    return problems


def _include_cycles(file: ClaimFile, claim: Claim) -> list[Problem]:
    # Two reviews that include each other would each stand for the other: both would vanish
    # from the totals.
    graph: dict[str, set[str]] = {}
    for item in claim.evidence:
        graph.setdefault(item.ref, set()).update(item.includes)
    problems: list[Problem] = []
    for index, item in enumerate(claim.evidence):
        seen: set[str] = set()
        frontier = set(item.includes)
        while frontier:
            key = frontier.pop()
            if key == item.ref:
                problems.append(
                    EVIDENCE_INCLUDE_CYCLE.at(
                        file.path,
                        file.line_of("evidence", index, "includes"),
                        1,
                        f"{item.ref} includes a study that (through includes) includes "
                        f"{item.ref} again; a review cannot contain itself",
                    )
                )
                break
            if key not in seen:
                seen.add(key)
                frontier |= graph.get(key, set())
    return problems


_SEVERITY = {BiasLevel.LOW: 0, BiasLevel.SOME_CONCERNS: 1, BiasLevel.UNCLEAR: 1, BiasLevel.HIGH: 2}


def _risk_of_bias_problems(file: ClaimFile, claim: Claim) -> list[Problem]:
    """RoB 2 and ROBINS-I judge every domain, and the overall judgement is at least as
    severe as the worst domain (both tools' own rule)."""
    problems: list[Problem] = []
    for index, item in enumerate(claim.evidence):
        rob = item.risk_of_bias
        if rob is None or rob.tool not in DOMAINS_OF:
            continue
        where = file.line_of("evidence", index, "risk_of_bias")
        missing = [d for d in DOMAINS_OF[rob.tool] if d not in {j.domain for j in rob.domains}]
        if missing:
            problems.append(
                EVIDENCE_ROB_INCOMPLETE.at(
                    file.path,
                    where,
                    1,
                    f"{item.ref}: {rob.tool.label} judges every domain; missing: "
                    + ", ".join(missing)
                    + " (use no-information where the source does not say)",
                )
            )
        worst = max(
            rob.domains, key=lambda d: _SEVERITY[rob.domain_level(d.judgement)], default=None
        )
        if (
            worst is not None
            and _SEVERITY[rob.domain_level(worst.judgement)] > _SEVERITY[rob.level()]
        ):
            problems.append(
                EVIDENCE_ROB_OVERALL_TOO_LOW.at(
                    file.path,
                    where,
                    1,
                    f"{item.ref}: overall {rob.overall_label()!r} is less severe than the domain "
                    f"{worst.domain!r} ({worst.judgement.value}); the overall judgement is at "
                    "least the worst domain's",
                )
            )
    return problems


def _overlaps(file: ClaimFile, claim: Claim) -> list[Problem]:
    problems: list[Problem] = []
    reviews = [
        (index, item)
        for index, item in enumerate(claim.evidence)
        if item.design in REVIEW_DESIGNS and item.includes
    ]
    for later, (index, item) in enumerate(reviews):
        for _, earlier in reviews[:later]:
            shared = [key for key in item.includes if key in set(earlier.includes)]
            if shared and earlier.ref != item.ref:
                problems.append(
                    CLAIM_OVERLAPPING_REVIEWS.at(
                        file.path,
                        file.line_of("evidence", index, "includes"),
                        1,
                        f"{item.ref} and {earlier.ref} both include {', '.join(shared)}; the "
                        "totals count each primary study once, but the reviews are not "
                        "independent evidence",
                    )
                )
    return problems


def _describe(item: Evidence) -> str:
    n = f"{item.participants} participants" if item.participants else "no participant count"
    return f"{item.design.value} with {n}"


def inconsistent_designs(files: Iterable[ClaimFile]) -> list[Problem]:
    """One reference described with another design or participant count than where first cited."""
    problems: list[Problem] = []
    first: dict[str, tuple[Evidence, str, int]] = {}
    for file in files:
        if file.claim is None:
            continue
        for index, item in enumerate(file.claim.evidence):
            seen = first.get(item.ref)
            if seen is None:
                first[item.ref] = (item, file.path, file.line_of("evidence", index))
                continue
            earlier, path, line = seen
            differs = [
                name
                for name in ("design", "participants")
                if getattr(item, name) != getattr(earlier, name)
            ]
            if differs:
                problems.append(
                    REF_INCONSISTENT_DESIGN.at(
                        file.path,
                        file.line_of("evidence", index, differs[0]),
                        1,
                        f"{item.ref} is cited here as {_describe(item)} but at {path}:{line} as "
                        f"{_describe(earlier)}; describe a study the same way everywhere (put "
                        "the number analysed for one outcome in effects[].participants)",
                    )
                )
    return problems
