"""The ``needling-facts`` command: ``main(argv) -> int``, thin over the library."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from . import __version__
from .library import Library, UnknownClaimError
from .loading import bundled_paths, load_from, repository_paths
from .models import Certainty, Claim, Outcome, Verdict

__all__ = ["main"]


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        raise _UsageError(f"{self.prog}: error: {message}")


def _sources(args: argparse.Namespace) -> tuple[Path, Path]:
    """Explicit paths, else the checkout we are in (contributors), else the bundled data."""
    defaults = repository_paths() or bundled_paths()
    bib = Path(args.bib) if args.bib else defaults[0]
    claims = Path(args.claims) if args.claims else defaults[1]
    return bib, claims


def _display_path(path: str) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return path


def _add_source_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--bib", metavar="FILE", help="BibTeX file (default: references.bib)")
    parser.add_argument("--claims", metavar="DIR", help="folder of claim files")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="needling-facts",
        description="Check, list and show evidence claims about microneedling.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    check = commands.add_parser("check", help="report every problem as path:line:col: code msg")
    _add_source_options(check)
    check.add_argument("--json", action="store_true", help="print problems as JSON")

    listing = commands.add_parser("list", help="list claims")
    _add_source_options(listing)
    listing.add_argument("--outcome", choices=[o.value for o in Outcome])
    listing.add_argument("--certainty", choices=[c.value for c in Certainty])
    listing.add_argument("--verdict", choices=[v.value for v in Verdict])
    listing.add_argument("--json", action="store_true", help="print claims as JSON")

    show = commands.add_parser("show", help="show one claim with its resolved references")
    _add_source_options(show)
    show.add_argument("id", help="claim id, e.g. acne-scars")
    show.add_argument("--json", action="store_true", help="print the claim as JSON")
    return parser


def main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None) -> int:
    out = stdout or sys.stdout
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except _UsageError as error:
        print(error, file=sys.stderr)
        return 2
    except SystemExit as done:  # --help and --version
        return done.code if isinstance(done.code, int) else 0
    bib, claims = _sources(args)
    library = load_from(bib, claims)
    handler = {"check": _check, "list": _list, "show": _show}[args.command]
    return handler(library, args, out)


def _check(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    errors, warnings = len(library.errors), len(library.warnings)
    if args.json:
        payload = [
            {
                "path": _display_path(p.path),
                "line": p.line,
                "col": p.col,
                "code": p.code,
                "severity": p.severity.value,
                "message": p.message,
            }
            for p in library.problems
        ]
        json.dump(payload, out, indent=2)
        out.write("\n")
    else:
        for problem in library.problems:
            shown = problem.path
            print(str(problem).replace(shown, _display_path(shown), 1), file=out)
        print(
            f"checked {len(library.references)} references, {library.claim_files_read} claims: "
            f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}",
            file=out,
        )
    return 1 if errors else 0


def _claim_json(claim: Claim) -> dict[str, object]:
    return claim.model_dump(mode="json", exclude={"source"})


def _list(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    claims = library.filter(outcome=args.outcome, certainty=args.certainty, verdict=args.verdict)
    if args.json:
        json.dump([_claim_json(c) for c in claims], out, indent=2, ensure_ascii=False)
        out.write("\n")
        return 0
    width = max((len(c.id) for c in claims), default=2)
    for claim in claims:
        print(
            f"{claim.id:<{width}}  {claim.outcome.value:<13} {claim.certainty.value:<9} "
            f"{claim.verdict.value:<17} {claim.title}",
            file=out,
        )
    return 0


def _show(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    try:
        claim = library.claim(args.id)
    except UnknownClaimError as error:
        print(f"needling-facts: {error}", file=sys.stderr)
        return 1
    references = library.references_of(claim)
    if args.json:
        payload = _claim_json(claim)
        payload["references"] = [r.model_dump(mode="json", exclude={"source"}) for r in references]
        json.dump(payload, out, indent=2, ensure_ascii=False)
        out.write("\n")
        return 0
    lines = [
        claim.title,
        "=" * len(claim.title),
        claim.statement,
        "",
        f"outcome:    {claim.outcome.label}",
        f"certainty:  {claim.certainty.label}",
        f"verdict:    {claim.verdict.label} (on the article's wording)",
        f"article:    \u201c{claim.article_wording}\u201d",
        "",
        "evidence:",
    ]
    for item in claim.evidence:
        n = f", n={item.participants}" if item.participants else ""
        lines.append(f"  - [{item.ref}] {item.design.label}{n}, {item.stance.value}")
        lines.append(f"    {item.finding}")
    if references:
        lines += ["", "references:"]
        for ref in references:
            ids = " ".join(
                x
                for x in (
                    f"doi:{ref.doi}" if ref.doi else "",
                    f"PMID:{ref.pmid}" if ref.pmid else "",
                )
                if x
            )
            lines.append(f"  [{ref.key}] {ref.title} {ref.journal} {ref.year}. {ids}".rstrip())
    print("\n".join(lines), file=out)
    return 0
