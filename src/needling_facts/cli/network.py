"""The network subcommands: ``verify``, ``add --doi/--pmid`` and ``watch`` (wired into `cli`).

Errors are raised, never printed: `cli.commands.main` prints each as its one line (no network,
a file that cannot be read, nothing added). httpx comes with the ``verify`` extra; without it
the command's first request raises ``ModuleNotFoundError``, which ``main`` turns into the
install hint.
"""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from needling_facts.cli.options import readable_file_option
from needling_facts.diagnostics import Severity
from needling_facts.edit.add import add_entries
from needling_facts.errors import NeedlingFactsError, RefusedError
from needling_facts.evidence.reference import Reference
from needling_facts.loading import bundled_paths, repository_paths
from needling_facts.network.client import OfflineError, ServiceConfig, Services
from needling_facts.network.find_ids import IdSearch, find_identifiers
from needling_facts.network.verify import (
    VerifyOutcome,
    bib_entry,
    first_author,
    house_key,
    look_up,
    merged_year,
)
from needling_facts.network.verify import verify_references as _verify_references
from needling_facts.sources.bibtex.read import normalise_doi, read_bibliography
from needling_facts.sources.records import FrozenRecord, read_records, record_json, records_dir_for
from needling_facts.sources.safe_write import write_text

__all__ = [
    "add_lookup_options",
    "add_verify_parser",
    "add_watch_parser",
    "run_add_by_id",
    "run_verify",
    "run_watch",
]


def _services(config: ServiceConfig) -> Services:
    """Made here so that tests can swap in a fast clock."""
    return Services(config)


def _network_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--mailto",
        metavar="EMAIL",
        help="contact for Crossref's polite pool and NCBI (default: $NEEDLING_FACTS_MAILTO)",
    )
    parser.add_argument(
        "--records", metavar="DIR", help="folder of frozen records (default: beside the claims)"
    )


def add_verify_parser(commands: Any) -> None:
    """Register ``verify`` on the command's subparsers."""
    verify = commands.add_parser(
        "verify", help="fetch Crossref and PubMed records, show what changed, --write to freeze"
    )
    verify.add_argument("keys", nargs="*", metavar="KEY", help="references (default: all)")
    verify.add_argument("--bib", metavar="FILE", help="BibTeX file (default: references.bib)")
    mode = verify.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help="write the refreshed records")
    mode.add_argument(
        "--find-ids",
        action="store_true",
        help="search by title for the DOI and PMID of references that have neither "
        "(proposes them; writes nothing)",
    )
    _network_options(verify)


def add_lookup_options(add: argparse.ArgumentParser) -> None:
    """``add --doi``/``--pmid``: fetch the entry instead of reading it."""
    which = add.add_mutually_exclusive_group()
    which.add_argument("--doi", help="look the work up by DOI (Crossref, then PubMed)")
    which.add_argument("--pmid", help="look the work up by PubMed id (PubMed, then Crossref)")
    _network_options(add)


def _records_dir(args: argparse.Namespace, bib: Path) -> Path:
    if args.records:
        return Path(args.records)
    found = repository_paths()
    if found and found[0].resolve() == bib.resolve():
        return records_dir_for(found[1])
    if bib.resolve() == bundled_paths()[0].resolve():
        return records_dir_for(bundled_paths()[1])
    return bib.parent / "records"


def _progress(stream: TextIO) -> Callable[[int, int, str], None]:
    def show(index: int, total: int, key: str) -> None:
        print(f"verify [{index}/{total}] {key}", file=stream, flush=True)

    return show


def _unknown_keys(unknown: list[str], known: list[str], bib: Path) -> NeedlingFactsError:
    named = []
    for key in unknown:
        close = difflib.get_close_matches(key, known, n=1)
        named.append(f"{key!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
    what = "reference" if len(unknown) == 1 else "references"
    return NeedlingFactsError(f"no {what} {', '.join(named)} in {bib}")


def run_verify(args: argparse.Namespace, out: TextIO) -> int:
    """``verify``: fetch each reference's records, report the changes, freeze with --write."""
    bib = readable_file_option(args.bib, "--bib") or (repository_paths() or bundled_paths())[0]
    parsed = read_bibliography(bib)
    if not parsed.references:
        raise RefusedError(f"no references to verify in {bib}", [str(p) for p in parsed.problems])
    unknown = [k for k in args.keys if k not in parsed.references]
    if unknown:
        raise _unknown_keys(unknown, list(parsed.references), bib)
    wanted = {k: parsed.references[k] for k in (args.keys or parsed.references)}
    records_dir = _records_dir(args, bib)
    frozen = read_records(records_dir)
    config = ServiceConfig.from_environment(args.mailto)
    services = _services(config)
    if config.mailto is None:
        print(
            "needling-facts: note: no --mailto (or $NEEDLING_FACTS_MAILTO): Crossref's polite "
            "pool asks for one",
            file=sys.stderr,
        )
    if args.find_ids:
        return _find_ids(wanted, services, out)
    with services:
        outcomes = _verify_references(
            wanted,
            frozen.records,
            records_dir,
            services,
            write=args.write,
            seen=dt.date.today(),
            progress=_progress(sys.stderr),
        )
    return _report(outcomes, args.write, out)


def _find_ids(wanted: dict[str, Reference], services: Services, out: TextIO) -> int:
    """``verify --find-ids``: propose identifiers for the references that have none."""
    bare = [ref for ref in wanted.values() if not (ref.doi or ref.pmid or ref.pmcid)]
    failed = found = 0
    show = _progress(sys.stderr)
    with services:
        for index, reference in enumerate(bare, 1):
            search = find_identifiers(services, reference, dt.date.today())
            show(index, len(bare), reference.key)
            failed += bool(search.errors)
            found += bool(search.doi or search.pmid)
            _report_search(search, out)
    print(
        f"searched {len(bare)} reference{'' if len(bare) == 1 else 's'} without an identifier: "
        f"{found} found, "
        f"{failed} with errors (nothing written)",
        file=out,
    )
    return 1 if failed else 0


def _report_search(search: IdSearch, out: TextIO) -> None:
    proposed = [f"doi = {{{search.doi}}}"] if search.doi else []
    proposed += [f"pmid = {{{search.pmid}}}"] if search.pmid else []
    if proposed:
        print(f"{search.key}: add {', '.join(proposed)} (title, year and journal agree)", file=out)
    elif search.ambiguous:
        print(
            f"{search.key}: several works agree, none chosen: {', '.join(search.ambiguous)}",
            file=out,
        )
    else:
        print(f"{search.key}: no agreeing record among {search.candidates} found", file=out)
    for error in search.errors:
        print(f"{search.key}: error: {error}", file=out)


def _report(outcomes: list[VerifyOutcome], write: bool, out: TextIO) -> int:
    failed = changed = disagreeing = 0
    skipped = 0
    for outcome in outcomes:
        if outcome.skipped:
            skipped += 1
            print(f"{outcome.key}: skipped: {outcome.skipped}", file=out)
            continue
        if outcome.errors:
            failed += 1
            for error in outcome.errors:
                print(f"{outcome.key}: error: {error}", file=out)
            continue
        if outcome.changes:
            changed += 1
            state = "written" if outcome.written else "not written; use --write"
            print(f"{outcome.key}: {len(outcome.changes)} change(s) ({state})", file=out)
            for line in outcome.changes:
                print(f"  {line}", file=out)
        else:
            print(f"{outcome.key}: record up to date", file=out)
        for code, message in outcome.mismatches:
            if code.severity is Severity.ERROR:
                disagreeing += 1
            print(f"  ! {code.code} {message}", file=out)
    print(
        f"verified {len(outcomes) - skipped} references: {changed} changed, {failed} failed, "
        f"{skipped} skipped, {disagreeing} disagreement(s) with the bib",
        file=out,
    )
    return 1 if failed or disagreeing else 0


def run_add_by_id(args: argparse.Namespace, out: TextIO, bib: Path) -> int:
    """Fetch a work by DOI or PMID, add it in house style and freeze its records."""
    doi = normalise_doi(args.doi) if args.doi else None
    existing = read_bibliography(bib) if bib.exists() else None
    references = existing.references if existing else {}
    what = f"DOI {doi}" if doi else f"PMID {args.pmid}"
    refused = f"nothing added to {bib}"
    for key, ref in references.items():
        if (doi and ref.doi and ref.doi.lower() == doi.lower()) or (
            args.pmid and ref.pmid == args.pmid.strip()
        ):
            raise RefusedError(refused, [f"{what} is already in entry {key!r}"])
    with _services(ServiceConfig.from_environment(args.mailto)) as services:
        lookup = look_up(services, doi=doi, pmid=args.pmid, seen=dt.date.today())
    if lookup.failed or not lookup.works:
        reasons = [f"{what}: {error}" for error in lookup.errors]
        raise RefusedError(refused, reasons or [f"{what} not found at Crossref or PubMed"])
    key = house_key(first_author(lookup.works), merged_year(lookup.works), references)
    # Bib and record together or neither: the record is written first (a record without its
    # entry is reported by check), and removed again if the entry cannot be added.
    records_dir = _records_dir(args, bib)
    record_path = records_dir / f"{key}.json"
    if record_path.exists():
        raise RefusedError(refused, [f"{record_path} already exists; remove it or verify {key}"])
    try:
        records_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise RefusedError(refused, [f"cannot create {records_dir}: {error.strerror}"]) from None
    record = FrozenRecord(key=key, records=tuple(w.record for w in lookup.works))
    write_text(record_path, record_json(record))
    try:
        result = add_entries(bib, bib_entry(key, lookup.works), what)
    except BaseException:
        record_path.unlink(missing_ok=True)
        raise
    if result.refused:
        record_path.unlink(missing_ok=True)
        raise RefusedError(refused, result.refused)
    sources = " and ".join(w.record.source for w in lookup.works)
    print(
        f"{bib}: added {key} ({sources}); record frozen in {records_dir / (key + '.json')}",
        file=out,
    )
    return 0


WATCH_NEW = 1
WATCH_FAILED = 3


class WatchFailedError(NeedlingFactsError):
    """``watch`` could not look anything up (no network): exit 3, since 1 means "new"."""

    exit_code = WATCH_FAILED


def add_watch_parser(commands: Any) -> None:
    """Register ``watch`` on the command's subparsers."""
    watch = commands.add_parser(
        "watch",
        help="rerun the saved searches for new studies and check cited works for retractions",
        description="Exit status: 0 nothing new, 1 something new, 2 usage error, 3 a look-up "
        "failed or the network is unreachable (what was found is still reported).",
    )
    watch.add_argument(
        "claim_ids", nargs="*", metavar="CLAIM", help="claim ids (default: every active claim)"
    )
    watch.add_argument("--json", action="store_true", help="print the report as JSON")
    watch.add_argument(
        "--write",
        action="store_true",
        help="add the new studies to the screening logs as pending and move last_searched",
    )
    watch.add_argument("--bib", metavar="FILE", help="BibTeX file (default: references.bib)")
    watch.add_argument("--claims", metavar="DIR", help="folder of claim files")
    watch.add_argument(
        "--timeout", type=float, default=20.0, metavar="SECONDS", help="per request (default 20)"
    )
    _network_options(watch)


def run_watch(args: argparse.Namespace, out: TextIO) -> int:
    """``needling-facts watch``: see `needling_facts.network.watch`."""
    from needling_facts.errors import UsageError
    from needling_facts.loading import load_from
    from needling_facts.network.watch import watch, write_new_candidates

    defaults = repository_paths() or bundled_paths()
    bib = Path(args.bib) if args.bib else defaults[0]
    claims_dir = Path(args.claims) if args.claims else defaults[1]
    records = Path(args.records) if args.records else None
    library = load_from(bib, claims_dir, records)
    for claim_id in args.claim_ids:
        if claim_id not in library.claims:
            close = difflib.get_close_matches(claim_id, list(library.claims), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise UsageError(f"no claim {claim_id!r} in {claims_dir}{hint}")
    wanted = args.claim_ids or [c.id for c in library.filter()]
    searches = {c: library.searches[c] for c in wanted if c in library.searches}
    for claim_id in wanted:
        if claim_id not in searches:
            print(f"needling-facts: {claim_id}: no valid saved search; skipped", file=sys.stderr)
    if args.timeout <= 0:
        raise UsageError("--timeout must be a positive number of seconds")
    # Without httpx this raises ModuleNotFoundError, which main() turns into the install hint.
    services = _services(ServiceConfig.from_environment(args.mailto, timeout=args.timeout))
    cited = {claim_id: library.references_of(claim_id) for claim_id in searches}
    try:
        with services:
            report = watch(
                searches,
                cited,
                library.references.values(),
                services,
                today=dt.date.today(),
                progress=lambda i, n, claim: print(
                    f"watch [{i}/{n}] {claim}", file=sys.stderr, flush=True
                ),
            )
    except OfflineError as error:
        raise WatchFailedError(str(error)) from None
    if args.write:
        for result in report.claims:
            source = searches[result.claim].source
            if source is not None:
                write_new_candidates(result, Path(source.path))
    out.write(report.as_json() if args.json else report.markdown())
    if report.failed:
        return WATCH_FAILED
    return WATCH_NEW if report.has_news else 0
