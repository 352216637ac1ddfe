"""Run every benchmark and print a table of ratios.

Each ratio is measured side by side in one run: the two sides alternate, each in a fresh
process, and the medians are compared. Machines here are noisy, so read the ratios, not the
seconds. Usage:

    python benchmarks/run.py                 # full sizes (5,000 references, 1,000 claims)
    python benchmarks/run.py --quick         # small sizes, one repeat: a smoke test
    python benchmarks/run.py --write docs/benchmarks.md
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

PYTHON = sys.executable


@dataclass
class Row:
    name: str
    measured: str
    target: str
    met: bool | None

    def cells(self) -> list[str]:
        verdict = {True: "yes", False: "**no**", None: "(report)"}[self.met]
        return [self.name, self.measured, self.target, verdict]


def in_process_seconds(code: str, env: dict[str, str] | None = None) -> float:
    """Run ``code`` in a fresh interpreter; it prints the seconds it measured itself (CPU
    seconds, `time.process_time`: on a shared machine the wall clock counts others' work)."""
    result = subprocess.run(
        [PYTHON, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=True,
    )
    return float(result.stdout.strip().splitlines()[-1])


def wall_seconds(args: list[str], env: dict[str, str] | None = None) -> float:
    import time

    start = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True, env={**os.environ, **(env or {})})
    return time.perf_counter() - start


def alternate(repeats: int, *sides: Callable[[], float]) -> list[float]:
    """Medians of each side, the sides taking turns so that drift hits them alike."""
    times: list[list[float]] = [[] for _ in sides]
    for _ in range(repeats):
        for index, side in enumerate(sides):
            times[index].append(side())
    return [statistics.median(t) for t in times]


@dataclass(frozen=True)
class Timing:
    """Medians of a build's wall-clock seconds and of the CPU seconds of its processes."""

    wall: float
    cpu: float


class Clock:
    """Times commands run as child processes: wall clock and their CPU (user + system).

    On a machine shared with other jobs the wall clock also counts the time a build waits for
    a core; the CPU time counts the build's own work, so the targets are judged on it."""

    def __init__(self) -> None:
        self.walls: list[float] = []
        self.cpus: list[float] = []

    def run(self, commands: list[list[str]], **kwargs: object) -> float:
        import resource
        import time

        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        for command in commands:
            subprocess.run(command, check=True, capture_output=True, **kwargs)  # type: ignore[call-overload]
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        self.walls.append(wall)
        self.cpus.append(cpu)
        return wall

    def median(self) -> Timing:
        return Timing(statistics.median(self.walls), statistics.median(self.cpus))


def alternate_clocks(repeats: int, *sides: Callable[[Clock], object]) -> list[Timing]:
    """`alternate` for sides that run child processes, timed by wall clock and by CPU."""
    clocks = [Clock() for _ in sides]
    for _ in range(repeats):
        for clock, side in zip(clocks, sides, strict=True):
            side(clock)
    return [clock.median() for clock in clocks]


def ratio_cells(ours: Timing, base: Timing) -> tuple[float, str]:
    """The CPU ratio (what the target is judged on) and the measured cell: CPU, then wall."""
    cpu, wall = ours.cpu / base.cpu, ours.wall / base.wall
    return cpu, (
        f"CPU {cpu:.2f}x ({ours.cpu:.1f} s vs {base.cpu:.1f} s); "
        f"wall {wall:.2f}x ({ours.wall:.1f} s vs {base.wall:.1f} s)"
    )


def parse_raw(bib: Path) -> Callable[[], float]:
    return lambda: in_process_seconds(
        f"""
        import time, bibtexparser
        start = time.process_time()
        bibtexparser.parse_file({str(bib)!r})
        print(time.process_time() - start)
        """
    )


def load(bib: Path, claims: Path) -> Callable[[], float]:
    return lambda: in_process_seconds(
        f"""
        import time
        import needling_facts as nf, needling_facts.loading
        start = time.process_time()
        lib = nf.load(bib={str(bib)!r}, claims_dir={str(claims)!r})
        elapsed = time.process_time() - start
        assert lib.claims and lib.references
        print(elapsed)
        """
    )


def bench_load(work: Path, refs: int, claims: int, repeats: int) -> tuple[Row, float]:
    bib, folder = generate(work / f"lib-{refs}", refs, claims)
    raw, ours = alternate(repeats, parse_raw(bib), load(bib, folder))
    ratio = ours / raw
    row = Row(
        f"`nf.load()` of {refs:,} references + {claims:,} claims vs `bibtexparser.parse_file`",
        f"{ratio:.2f}x ({ours:.2f} s vs {raw:.2f} s)",
        "<= 2.0x",
        ratio <= 2.0,
    )
    return row, ours


def bench_import(repeats: int) -> Row:
    ours, pydantic = alternate(
        repeats,
        lambda: wall_seconds([PYTHON, "-c", "import needling_facts"]),
        lambda: wall_seconds([PYTHON, "-c", "from pydantic import BaseModel"]),
    )
    ratio = ours / pydantic
    return Row(
        "process importing `needling_facts` vs one importing pydantic's `BaseModel`",
        f"{ratio:.2f}x ({ours * 1000:.0f} ms vs {pydantic * 1000:.0f} ms)",
        "<= 1.3x",
        ratio <= 1.3,
    )


def bench_scaling(work: Path, sizes: list[int], repeats: int) -> Row:
    per_reference = {}
    for size in sizes:
        bib, folder = generate(work / f"scale-{size}", size, max(size // 5, 1))
        (seconds,) = alternate(repeats, load(bib, folder))
        per_reference[size] = seconds / size
    spread = max(per_reference.values()) / min(per_reference.values())
    shown = ", ".join(f"{size:,}: {t * 1e6:.0f} µs" for size, t in per_reference.items())
    return Row(
        "load time per reference across sizes (claims = references / 5)",
        f"{spread:.2f}x spread ({shown})",
        "<= 1.5x",
        spread <= 1.5,
    )


def bench_memory(work: Path, refs: int, claims: int) -> Row:
    bib, folder = work / f"lib-{refs}" / "references.bib", work / f"lib-{refs}" / "claims"
    code = f"""
        import resource
        import needling_facts as nf
        lib = nf.load(bib={str(bib)!r}, claims_dir={str(folder)!r})
        print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    """
    megabytes = in_process_seconds(code)  # prints MB, not seconds
    return Row(
        f"peak memory (max RSS) of a process loading {refs:,} references + {claims:,} claims",
        f"{megabytes:.0f} MB",
        "<= 250 MB",
        megabytes <= 250,
    )


SITE = """\
site_name: benchmark
theme:
  name: material
  font: false
markdown_extensions: [tables, attr_list, md_in_html, admonition, footnotes]
"""
WORDS = [
    "needling",
    "collagen",
    "scar",
    "trial",
    "skin",
    "outcome",
    "dermal",
    "elastin",
    "induction",
    "therapy",
]


def write_pages(docs: Path, bib: Path, pages: int, per_page: int, seed: int = 7) -> None:
    """``pages`` hand-written pages, each citing ``per_page`` keys of ``bib`` in prose."""
    import random
    import re

    keys = re.findall(r"^@\w+\{([^,]+),", bib.read_text(encoding="utf-8"), re.MULTILINE)
    rng = random.Random(seed)
    if docs.exists():
        shutil.rmtree(docs)
    docs.mkdir(parents=True)
    (docs / "index.md").write_text("# Home\n\nA synthetic handbook.\n", encoding="utf-8")
    for number in range(pages):
        lines = [f"# Page {number}", ""]
        for key in rng.sample(keys, per_page):
            words = " ".join(rng.choice(WORDS) for _ in range(40))
            lines += [f"{words.capitalize()} [@{key}].", ""]
        (docs / f"page-{number:03d}.md").write_text("\n".join(lines), encoding="utf-8")


def make_peer_sites(work: Path, bib: Path, pages: int, per_page: int) -> dict[str, Path]:
    """Plain MkDocs, mkdocs-bibtex and ours over the same pages and bibliography."""
    site = work / "peer-site"
    write_pages(site / "docs", bib, pages, per_page)
    (site / "claims").mkdir(exist_ok=True)
    # Every site lists its plugins, search included: without a `plugins:` key MkDocs would
    # add search to the plain site only.
    configs = {
        "plain": "plugins:\n  - search\n",
        "mkdocs-bibtex": f"plugins:\n  - search\n  - bibtex:\n      bib_file: {bib}\n",
        "ours": f"plugins:\n  - search\n  - needling-facts:\n      bib: {bib}\n"
        f"      claims_dir: {site / 'claims'}\n      cache_dir: {site / '.cache'}\n",
    }
    paths = {}
    for name, plugins in configs.items():
        paths[name] = site / f"{name}.yml"
        paths[name].write_text(SITE + plugins, encoding="utf-8")
    return paths


def mkdocs_build(config: Path, out: Path, clock: Clock | None = None) -> None:
    command = [PYTHON, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(out)]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    (clock or Clock()).run([command], env=env)


def _cold(site: Path) -> None:
    shutil.rmtree(site / ".cache", ignore_errors=True)


def bench_peers(work: Path, bib: Path, pages: int, per_page: int, repeats: int) -> list[Row]:
    configs = make_peer_sites(work, bib, pages, per_page)
    site = configs["ours"].parent
    mkdocs_build(configs["ours"], work / "out-ours-warm")  # fill the caches once

    def cold(clock: Clock) -> None:
        _cold(site)
        mkdocs_build(configs["ours"], work / "out-ours-cold", clock)

    plain, bibtex, warm, cold_time = alternate_clocks(
        repeats,
        lambda clock: mkdocs_build(configs["plain"], work / "out-plain", clock),
        lambda clock: mkdocs_build(configs["mkdocs-bibtex"], work / "out-bibtex", clock),
        lambda clock: mkdocs_build(configs["ours"], work / "out-ours-warm", clock),
        cold,
    )
    workload = f"{pages} pages x {per_page} citations, Material"
    rows = [
        Row(
            f"`mkdocs build` with mkdocs-bibtex vs plain MkDocs ({workload})",
            ratio_cells(bibtex, plain)[1],
            "(the peer)",
            None,
        )
    ]
    for label, seconds, target in (
        ("warm caches", warm, 1.15),
        ("cold: no cache", cold_time, 1.35),
    ):
        ratio, cells = ratio_cells(seconds, plain)
        rows.append(
            Row(
                f"`mkdocs build` with needling-facts ({label}) vs plain MkDocs",
                f"{cells}; CPU {seconds.cpu / bibtex.cpu:.2f}x mkdocs-bibtex",
                f"<= {target}x (CPU) and faster than mkdocs-bibtex",
                ratio <= target and seconds.cpu < bibtex.cpu,
            )
        )
    return rows


ZENSICAL_TOML = """\
[project]
site_name = "benchmark"
docs_dir = "{docs}"
site_dir = "{site}"
[project.markdown_extensions.attr_list]
[project.markdown_extensions.md_in_html]
[project.markdown_extensions.tables]
{extension}"""


def bench_zensical(work: Path, bib: Path, pages: int, per_page: int, repeats: int) -> Row | None:
    zensical = Path(PYTHON).parent / "zensical"
    if not zensical.exists():
        return None
    root = work / "zensical-site"
    write_pages(root / "docs", bib, pages, per_page)
    (root / "claims").mkdir(exist_ok=True)
    ours_extension = (
        f'[project.markdown_extensions."needling_facts.engines.markdown"]\nbib = "{bib}"\n'
        'cache_dir = ".nf-cache"\n'
    )
    (root / "plain.toml").write_text(
        ZENSICAL_TOML.format(docs="docs", site="site-plain", extension=""), encoding="utf-8"
    )
    (root / "ours.toml").write_text(
        ZENSICAL_TOML.format(docs="build/docs", site="site-ours", extension=ours_extension),
        encoding="utf-8",
    )

    def build(name: str, before: list[list[str]], clock: Clock | None = None) -> None:
        for folder in (".cache", f"site-{name}"):
            shutil.rmtree(root / folder, ignore_errors=True)
        command = [str(zensical), "build", "-f", f"{name}.toml"]
        (clock or Clock()).run([*before, command], cwd=root)

    pages_command = [
        PYTHON, "-m", "needling_facts", "pages", "--bib", str(bib), "--claims",
        str(root / "claims"), "--docs", "docs", "--out", "build/docs", "--cache-dir", ".nf-cache",
    ]  # fmt: skip
    build("ours", [pages_command])  # our caches warm, as after any first build
    plain, ours = alternate_clocks(
        repeats,
        lambda clock: build("plain", [], clock),
        lambda clock: build("ours", [pages_command], clock),
    )
    ratio, cells = ratio_cells(ours, plain)
    return Row(
        "`needling-facts pages` + `zensical build` with our extension (our caches warm, "
        f"Zensical's cleared) vs plain Zensical {zensical_version()}",
        cells,
        "<= 1.2x (CPU)",
        ratio <= 1.2,
    )


def zensical_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("zensical")
    except PackageNotFoundError:
        return "(version unknown)"


def bench_rebuild(work: Path, bib: Path, claims: Path) -> Row:
    """What `mkdocs serve` does after an edit: reload the config and build again."""
    edited = work / "rebuild-claims"
    if edited.exists():
        shutil.rmtree(edited)
    shutil.copytree(claims, edited)
    (work / "peer-site" / "rebuild.yml").write_text(
        SITE + f"plugins:\n  - needling-facts:\n      bib: {bib}\n      claims_dir: {edited}\n"
    )
    code = f"""
        import time
        from pathlib import Path
        from mkdocs.commands.build import build
        from mkdocs.config import load_config
        import needling_facts.sources.bibtex.read as bibliography
        parses = []
        original = bibliography.parse_bibliography
        def counting(*args, **kwargs):
            parses.append(1)
            return original(*args, **kwargs)
        bibliography.parse_bibliography = counting
        def run():
            config = load_config({str(work / "peer-site" / "rebuild.yml")!r},
                                 site_dir={str(work / "out-rebuild")!r})
            start = time.perf_counter()
            build(config)
            return time.perf_counter() - start
        full = run()
        first = sorted(Path({str(edited)!r}).glob('*.md'))[0]
        first.write_text(first.read_text() + "\\nOne more sentence.\\n")
        before = len(parses)
        again = run()
        print(f"{{len(parses) - before}} {{full}} {{again}}")
        print(0)
    """
    result = subprocess.run(
        [PYTHON, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    parses, full, again = result.stdout.strip().splitlines()[-2].split()
    return Row(
        "`mkdocs serve` rebuild after editing one claim file vs a full build",
        f"{float(again) / float(full):.2f}x ({float(again):.1f} s vs {float(full):.1f} s); "
        f"references.bib parsed again: {'no' if parses == '0' else 'yes'}",
        "bib not re-parsed",
        parses == "0",
    )


def table(rows: list[Row]) -> str:
    lines = ["| Benchmark | Measured | Target | Met |", "|---|---|---|---|"]
    lines += ["| " + " | ".join(row.cells()) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def machine() -> str:
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, one repeat")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--write", type=Path, help="also write the handbook page here")
    parser.add_argument("--work", type=Path, help="keep generated libraries and sites here")
    parser.add_argument(
        "--builds-only", action="store_true", help="only the site builds against their peers"
    )
    args = parser.parse_args(argv)
    refs, claims, sizes, repeats = (5000, 1000, [1000, 5000, 20000], args.repeats)
    pages, per_page = 300, 5
    if args.quick:
        refs, claims, sizes, repeats, pages = 200, 40, [100, 400], 1, 20
    work = args.work or Path(tempfile.mkdtemp(prefix="nf-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    rows = []
    if args.builds_only:
        generate(work / f"lib-{refs}", refs, claims)
    else:
        load_row, _ = bench_load(work, refs, claims, repeats)
        rows.append(load_row)
        print(table(rows), flush=True)
    bib, folder = work / f"lib-{refs}" / "references.bib", work / f"lib-{refs}" / "claims"
    if not args.builds_only:
        rows.append(bench_import(max(repeats * 3, 3)))
        rows.append(bench_scaling(work, sizes, repeats))
        rows.append(bench_memory(work, refs, claims))
    rows += bench_peers(work, bib, pages, per_page, max(repeats // 2, 1))
    zensical = bench_zensical(work, bib, pages, per_page, max(repeats // 2, 1))
    if zensical is not None:
        rows.append(zensical)
    if not args.builds_only:
        rows.append(bench_rebuild(work, bib, folder))
    result = table(rows)
    print(result)
    if args.write:
        args.write.write_text(
            PAGE.format(
                table=result,
                machine=machine(),
                date=dt.date.today().isoformat(),
                command="python benchmarks/run.py" + (" --quick" if args.quick else ""),
            ),
            encoding="utf-8",
        )
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)
    return 0


PAGE = """\
# Benchmarks

The engine is meant for anyone's evidence library, not only ours, so it is measured on a
synthetic library of 5,000 references and 1,000 claims written in the real file formats
(`benchmarks/generate.py`, seeded: LaTeX accents, 1 to 8 authors, DOIs and PMIDs, claims citing
references in their evidence and prose).

Every ratio is measured side by side in one run: the two sides take turns, each in a fresh
process, and the medians are compared. Read the ratios, not the seconds: the machines are noisy.
Site builds are timed twice: by the CPU time of the build's processes (user + system, pandoc
included), on which the targets are judged because it counts only the build's own work, and by
the wall clock, which on a shared machine also counts the time spent waiting for a core.

{table}
Measured on {date} on {machine}.

## Reproduce

```sh
python3.11 -m venv .venv && .venv/bin/pip install -e ".[test,bench]"
.venv/bin/{command} --write docs/benchmarks.md
```

## What the numbers mean

- **Loading** parses `references.bib` with bibtexparser (the baseline's own work) and then does
  what the baseline does not: decodes LaTeX to Unicode, splits author names, validates every
  reference and claim with pydantic, reads 1,000 claim files' YAML and runs the whole-library
  checks.
- **Building** is compared with the engine alone and with the peer we replace, never with our
  own output: plain MkDocs + Material on the same 300 hand-written pages (5 citations each, left
  as text), mkdocs-bibtex on them (the benchmark-only `bench` extra), and our plugin with its
  caches warm (parsed bibliography and formatted entries on disk in `.cache/needling-facts`) and
  cold (cache deleted before each build: the bibliography is parsed again and every cited
  entry is formatted again, by pandoc's citeproc in one process). Our builds do more than the
  peer's: every page is sanitised (nh3), citations are numbered in AMA order with tooltips, and
  a bibliography of the cited works with back-links is generated. Only cited references are
  formatted and listed (`all_references: true` keeps them all).
- **Zensical**: plain `zensical build` of the same pages against `needling-facts pages` (which
  writes the generated pages) followed by `zensical build` with our Markdown extension; each
  side starts without Zensical's cache.
- **Rebuilds** under `mkdocs serve` reuse the parsed bibliography and claim files when their
  content did not change (cached by content hash, not modification time).
"""


if __name__ == "__main__":
    raise SystemExit(main())
