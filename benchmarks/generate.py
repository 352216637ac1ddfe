"""Seeded synthetic evidence libraries in the project's real file formats, for benchmarks.

The references are synthetic and marked as such (journal "Synthetic J", DOI prefix 10.5555):
they exist only to measure the engine.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

FAMILIES = [
    'M{\\"u}ller',
    "Garc{\\'\\i}a",
    "Smith",
    "Nguyen",
    "{\\O}stergaard",
    "Dupont",
    "Kowalski",
    "Fabbrocini",
    "Al-Sayed",
    "van der Berg",
    "O'Brien",
    'Sch{\\"a}fer',
]
GIVEN = [
    "Anna",
    'J{\\"o}rg',
    "Li",
    "Maria",
    "Jos{\\'e}",
    "Priya",
    "Tom",
    "A. B.",
    "Fran{\\c{c}}ois",
]
WORDS = [
    "microneedling",
    "collagen",
    "scar",
    "randomised",
    "split-face",
    "trial",
    "acne",
    "induction",
    "therapy",
    "skin",
    "{MRI}",
    "outcomes",
    "dermal",
    "elastin",
    "striae",
]
DESIGNS = [
    "meta-analysis",
    "rct",
    "split-face-rct",
    "non-randomised-trial",
    "cohort",
    "case-series",
    "review",
    "in-vitro",
]
OUTCOMES = [
    "rejuvenation",
    "pigmentation",
    "collagen",
    "pores",
    "absorption",
    "mechanism",
    "comedones",
    "procedure",
    "safety",
    "satisfaction",
]


SYLLABLES = ["ka", "lo", "mi", "ne", "r{\\'a}", "st", "vo", "be", 'g{\\"u}', "tor", "sen", "an"]


def person(rng: random.Random) -> str:
    """A name that rarely repeats (real bibliographies have thousands of distinct names);
    about a third carry LaTeX accents, as in the real references.bib."""
    if rng.random() < 0.3:
        family = rng.choice(FAMILIES)
    else:
        family = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()
    return f"{family}, {rng.choice(GIVEN)}"


def reference(rng: random.Random, index: int) -> str:
    authors = " and ".join(person(rng) for _ in range(rng.randint(1, 8)))
    title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 14))).capitalize()
    year = rng.randint(1995, 2025)
    first = rng.randint(1, 900)
    return (
        f"@article{{Ref{index:05d},\n"
        f"  author = {{{authors}}},\n"
        f"  title = {{{title}}},\n"
        f"  journal = {{Synthetic J}},\n"
        f"  year = {{{year}}},\n"
        f"  volume = {{{rng.randint(1, 80)}}},\n"
        f"  number = {{{rng.randint(1, 12)}}},\n"
        f"  pages = {{{first}--{first + rng.randint(2, 15)}}},\n"
        f"  doi = {{10.5555/synthetic.{index}}},\n"
        f"  pmid = {{{90000000 + index}}},\n"
        f"}}\n"
    )


GRADE = "".join(
    f"          {domain}: {{concern: none, reason: Synthetic profile.}}\n"
    for domain in (
        "risk_of_bias",
        "inconsistency",
        "indirectness",
        "imprecision",
        "publication_bias",
    )
)


def _design(index: int) -> str:
    # One design per reference, as in a real library (check reports a study given two).
    return DESIGNS[index % len(DESIGNS)]


def claim(rng: random.Random, index: int, n_refs: int, n_claims: int) -> str:
    # Every reference is cited at least once (claim i takes the i-th share), plus a few more.
    share = range(index * n_refs // n_claims, (index + 1) * n_refs // n_claims)
    extra = [rng.randrange(n_refs) for _ in range(rng.randint(1, 3))]
    keys = [f"Ref{i:05d}" for i in dict.fromkeys([*share, *extra])]
    evidence = "".join(
        f"  - ref: {key}\n"
        f"    design: {_design(int(key[3:]))}\n"
        f"    participants: {8 + int(key[3:]) * 37 % 593}\n"
        f"    finding: Scores improved by {rng.randint(5, 60)}% (p = 0.0{rng.randint(1, 9)}).\n"
        f"    stance: supports\n"
        f"    locator: Table {rng.randint(1, 4)}\n"
        f"    risk_of_bias: {{tool: not-assessed, reason: Synthetic study.}}\n"
        for key in keys
    )
    scar = rng.random() < 0.3
    outcome = "scars\nscar_types: [atrophic-acne, surgical]" if scar else rng.choice(OUTCOMES)
    prose = " ".join(
        f"Sentence {n} about {rng.choice(WORDS)} [@{rng.choice(keys)}]." for n in range(12)
    )
    return (
        "---\n"
        f"title: Synthetic claim {index}\n"
        f"statement: Synthetic treatment {index} may improve the outcome (low certainty).\n"
        f"outcome: {outcome}\n"
        f'article_wording: "Synthetic wording {index}."\n'
        f"skin_types: [II, III, IV]\n"
        f"protocol:\n  sessions: 3-6\n  interval_weeks: 4\n  needle_depth_mm: 1.5-2.0\n"
        f"certainty: low\n"
        f"verdict: partly-supported\n"
        "comparisons:\n"
        "  - id: treatment-vs-baseline\n"
        "    intervention: synthetic treatment\n"
        "    comparator: baseline\n"
        "    main: true\n"
        "    outcomes:\n"
        "      - id: main-outcome\n"
        "        outcome: The synthetic outcome\n"
        "        importance: critical\n"
        f"        studies: [{', '.join(keys)}]\n"
        "        certainty: low\n"
        "        statement: The treatment may improve the outcome.\n"
        "        grade:\n"
        "          judged_from: abstract\n"
        "          starting_level: low\n"
        f"{GRADE}"
        f"evidence:\n{evidence}"
        f"caveats:\n  - Synthetic caveat.\n"
        f"last_reviewed: 2026-11-24\n"
        "---\n\n"
        f"{prose}\n"
    )


def generate(root: Path, n_refs: int, n_claims: int, seed: int = 20261124) -> tuple[Path, Path]:
    """Write ``root/references.bib`` and ``root/claims/*.md``; every reference is cited, and
    the library passes ``check`` (benchmarks measure content the gate accepts)."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    bib = root / "references.bib"
    bib.write_text("".join(reference(rng, i) + "\n" for i in range(n_refs)), encoding="utf-8")
    claims = root / "claims"
    claims.mkdir(exist_ok=True)
    for index in range(n_claims):
        (claims / f"claim-{index:05d}.md").write_text(
            claim(rng, index, n_refs, n_claims), encoding="utf-8"
        )
    return bib, claims


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("root", type=Path)
    parser.add_argument("--references", type=int, default=5000)
    parser.add_argument("--claims", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=20261124)
    args = parser.parse_args()
    generate(args.root, args.references, args.claims, args.seed)


if __name__ == "__main__":
    main()
