"""Time and memory of ``check`` and ``fmt --check`` on a generated 50 MB bibliography.

    python benchmarks/big_bib.py [--megabytes 50] [--keep DIR]

The file is generated (seeded) into a temporary folder and never committed: synthetic
references (journal "Synthetic J", DOI prefix 10.5555) with abstracts, ``%`` comments, quoted
values and a few entries out of canonical order, so every reading path is exercised. Each
command runs in its own process under ``/usr/bin/time -v``; the script prints wall time and
peak resident memory, and exits 1 if either command takes 30 s or more or 1 GB or more.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import WORDS, reference

LIMIT_SECONDS = 30.0
LIMIT_BYTES = 1 << 30


def big_bibliography(path: Path, megabytes: float, seed: int = 20261124) -> int:
    """Write about ``megabytes`` MB of BibTeX to ``path``; returns the number of entries."""
    rng = random.Random(seed)
    target = int(megabytes * 1_000_000)
    written = 0
    index = 0
    with path.open("w", encoding="utf-8") as out:
        out.write("% Synthetic bibliography for benchmarks/big_bib.py; not real references.\n\n")
        while written < target:
            entry = reference(rng, index)
            abstract = " ".join(rng.choice(WORDS) for _ in range(rng.randint(30, 60)))
            entry = entry.replace("\n}", f'\n  abstract = "{abstract} {{"}}quoted{{"}}",\n}}')
            if index % 50 == 0:
                entry = f"% About Ref{index:06d}\n" + entry.replace(
                    "  title", "  % a note\n  title"
                )
            if index % 97 == 0:  # out of canonical field order: fmt --check has work to do
                entry = entry.replace("  author", "  zfield = {x},\n  author")
            out.write(entry.replace(f"Ref{index:05d}", f"Ref{index:06d}") + "\n")
            written += len(entry) + 1
            index += 1
    return index


def measure(argv: list[str], cwd: Path) -> tuple[float, float, int, int]:
    """(wall seconds, CPU seconds, peak RSS bytes, exit status) of one command under
    /usr/bin/time -v. CPU time is reported too: on a shared machine wall time also counts the
    time other processes had the cores."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    result = subprocess.run(
        ["/usr/bin/time", "-v", sys.executable, "-m", "needling_facts", *argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = re.search(r"Elapsed \(wall clock\) time .*: (?:(\d+):)?(\d+):([\d.]+)", result.stderr)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr)
    cpu = re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)", result.stderr)
    if wall is None or rss is None:
        raise SystemExit(f"could not read /usr/bin/time output:\n{result.stderr[-2000:]}")
    hours, minutes, seconds = (float(g or 0) for g in wall.groups())
    elapsed = hours * 3600 + minutes * 60 + seconds
    return elapsed, sum(map(float, cpu)), int(rss.group(1)) * 1024, result.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=50.0)
    parser.add_argument("--keep", type=Path, help="generate here and keep the file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        bib = folder / "big.bib"
        claims = folder / "claims"
        claims.mkdir(exist_ok=True)
        count = big_bibliography(bib, args.megabytes)
        size = bib.stat().st_size
        print(f"{bib.name}: {size / 1e6:.1f} MB, {count} entries")
        failed = False
        for label, argv in (
            ("check", ["check", "--bib", str(bib), "--claims", str(claims)]),
            ("fmt --check", ["fmt", "--check", str(bib)]),
        ):
            seconds, cpu, peak, status = measure(argv, folder)
            over = seconds >= LIMIT_SECONDS or peak >= LIMIT_BYTES
            failed = failed or over
            print(
                f"{label:<12} {seconds:6.1f} s wall  {cpu:6.1f} s CPU  {peak / 2**20:7.0f} MiB peak"
                f"  exit {status}" + ("  OVER THE LIMIT" if over else "")
            )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
