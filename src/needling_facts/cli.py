"""The ``needling-facts`` command: ``main(argv) -> int``, thin over the library."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from ._version import __version__
from .bibformat import write_atomically
from .contrib import add_entries, format_file, new_claim_text
from .exports import export_csl_json, export_json, export_jsonld, export_schema
from .library import Library, UnknownClaimError
from .loading import bundled_paths, load_from, repository_paths
from .models import Certainty, Claim, Outcome, Verdict
from .problems import Problem, Severity

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
    check.add_argument(
        "--docs", metavar="DIR", help="also check citations in the hand-written pages of DIR"
    )

    pages = commands.add_parser(
        "pages", help="write the generated handbook pages (for Zensical or any engine)"
    )
    _add_source_options(pages)
    pages.add_argument("--out", required=True, metavar="DIR", help="docs folder to write into")
    pages.add_argument(
        "--docs", metavar="DIR", help="hand-written pages: copied into --out, read for back-links"
    )
    pages.add_argument("--style", default=None, help="CSL style (default: AMA)")
    pages.add_argument(
        "--urls",
        choices=["source", "directory", "html", "markdown"],
        default="source",
        help="how the bibliography's HTML links to pages: source paths (Zensical resolves them), "
        "MkDocs URLs (directory or html), or Markdown links (slower to build)",
    )
    pages.add_argument(
        "--cache-dir",
        default=".cache/needling-facts",
        metavar="DIR",
        help="formatted references kept here between runs ('' for none)",
    )

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

    export = commands.add_parser(
        "export", help="write the library as JSON, a schema, CSL or JSON-LD"
    )
    _add_source_options(export)
    export.add_argument("--format", required=True, choices=sorted(EXPORTERS))
    export.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")

    fmt = commands.add_parser("fmt", help="rewrite BibTeX files in one canonical, lossless layout")
    fmt.add_argument(
        "files", nargs="*", metavar="FILE", help="default: the repository's references.bib"
    )
    fmt.add_argument("--check", action="store_true", help="change nothing; exit 1 and show a diff")

    add = commands.add_parser("add", help="add BibTeX entries (PubMed, Zotero, journal exports)")
    add.add_argument("--bib", metavar="FILE", help="BibTeX file to add to")
    add.add_argument("source", nargs="?", default="-", help="file with the entries, or - for stdin")

    new = commands.add_parser("new-claim", help="write a claim file skeleton to fill in")
    new.add_argument("id", help="the new claim's id (its file name), e.g. acne-scars-in-dark-skin")
    new.add_argument("--claims", metavar="DIR", help="folder of claim files")
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
    if args.command in EDITORS:
        return EDITORS[args.command](args, out)
    bib, claims = _sources(args)
    cache_dir = getattr(args, "cache_dir", "")  # `pages` keeps the parsed bibliography
    library = load_from(bib, claims, cache_dir=Path(cache_dir) if cache_dir else None)
    handler = {"check": _check, "list": _list, "show": _show, "export": _export, "pages": _pages}[
        args.command
    ]
    return handler(library, args, out)


def _export(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    if library.errors:
        for problem in library.errors:
            print(problem, file=sys.stderr)
        print("needling-facts: not exporting a library with errors", file=sys.stderr)
        return 1
    text = EXPORTERS[args.format](library)
    if args.output:
        write_atomically(Path(args.output), text)
    else:
        out.write(text)
    return 0


def _default_bib() -> Path | None:
    found = repository_paths()
    return found[0] if found else None


def _fmt(args: argparse.Namespace, out: TextIO) -> int:
    default = _default_bib()
    paths = [Path(f) for f in args.files] or ([default] if default else [])
    if not paths:
        print("needling-facts: no references.bib here; name the file to format", file=sys.stderr)
        return 2
    status = 0
    for path in paths:
        if not path.is_file():
            print(f"needling-facts: {path}: no such file", file=sys.stderr)
            status = 1
            continue
        result = format_file(path, check=args.check)
        if result.refused:
            for problem in result.refused:
                print(problem, file=out)
            print(f"{path}: not formatted: fix the problems above first", file=out)
            status = 1
        elif result.changed and args.check:
            out.write(result.diff)
            print(f"{path}: would be reformatted (run: needling-facts fmt {path})", file=out)
            status = 1
        elif result.changed:
            print(f"{path}: formatted", file=out)
        else:
            print(f"{path}: already formatted", file=out)
    return status


def _add(args: argparse.Namespace, out: TextIO) -> int:
    bib = Path(args.bib) if args.bib else _default_bib()
    if bib is None:
        print("needling-facts: no references.bib here; use --bib FILE", file=sys.stderr)
        return 2
    if args.source == "-":
        text, source = sys.stdin.read(), "<stdin>"
    else:
        text, source = Path(args.source).read_text(encoding="utf-8"), args.source
    result = add_entries(bib, text, source)
    if result.refused:
        for reason in result.refused:
            print(reason, file=out)
        print(f"{bib}: unchanged: nothing was added", file=out)
        return 1
    print(f"{bib}: added {', '.join(result.added)}", file=out)
    return 0


def _new_claim(args: argparse.Namespace, out: TextIO) -> int:
    folder = Path(args.claims) if args.claims else (repository_paths() or bundled_paths())[1]
    path = folder / f"{args.id}.md"
    try:
        text = new_claim_text(args.id, dt.date.today().isoformat())
    except ValueError as error:
        print(f"needling-facts: {error}", file=sys.stderr)
        return 2
    if path.exists():
        print(f"needling-facts: {path} already exists", file=sys.stderr)
        return 1
    folder.mkdir(parents=True, exist_ok=True)
    write_atomically(path, text)
    print(f"{path}: written; fill it in, then run: needling-facts check", file=out)
    return 0


EDITORS = {"fmt": _fmt, "add": _add, "new-claim": _new_claim}
EXPORTERS = {
    "json": export_json,
    "schema": lambda _library: export_schema(),
    "csl-json": export_csl_json,
    "jsonld": export_jsonld,
}


def _docs_problems(library: Library, docs: str | None) -> list[Problem]:
    """`check --docs`: engines without a strict mode (Zensical) rely on this gate."""
    if docs is None:
        return []
    from .site import check_docs

    if not Path(docs).is_dir():
        return [Problem(docs, 1, 1, "docs.unreadable", "no such folder")]
    return check_docs(Path(docs), library.references)


def _pages(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    """Write what the MkDocs plugin generates in memory, for engines without that plugin."""
    from .csl import DEFAULT_STYLE, EntryFormatter
    from .site import build_site, expand_markers
    from .urls import UrlScheme

    hand_written: dict[str, str] = {}
    if args.docs:
        docs = Path(args.docs)
        for path in sorted(docs.rglob("*.md")):
            if path.is_file():
                text = path.read_text(encoding="utf-8", errors="replace")
                hand_written[path.relative_to(docs).as_posix()] = text
    cache = Path(args.cache_dir) if args.cache_dir else None
    formatter = EntryFormatter(library.references, args.style or DEFAULT_STYLE, cache)
    scheme: UrlScheme | None = None if args.urls == "markdown" else args.urls
    site = build_site(library, hand_written, formatter, url_scheme=scheme)
    formatter.save()
    root = Path(args.out)
    if args.docs and Path(args.docs).resolve() != root.resolve():
        # A complete docs folder for the engine: hand-written pages, then the generated ones.
        import shutil

        shutil.copytree(args.docs, root, dirs_exist_ok=True)
        for relative, text in hand_written.items():
            if "<!-- needling-facts:" in text:  # no plugin will fill these in
                (root / relative).write_text(expand_markers(library, relative, text), "utf-8")
    for relative, content in site.pages.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
    print(f"wrote {len(site.pages)} pages to {root}", file=out)
    return 1 if library.errors else 0


def _check(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    problems = [*library.problems, *_docs_problems(library, args.docs)]
    errors = sum(p.severity is Severity.ERROR for p in problems)
    warnings = len(problems) - errors
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
            for p in problems
        ]
        json.dump(payload, out, indent=2)
        out.write("\n")
    else:
        for problem in problems:
            print(dataclasses.replace(problem, path=_display_path(problem.path)), file=out)
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
