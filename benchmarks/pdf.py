"""`generate --pdf` seconds per converted document, against plain LibreOffice.

    python benchmarks/pdf.py --deals 20 --repeat 3 --jobs 2

Over N synthetic deals, interleaved, ``--repeat`` times: (1) p2pdocs end to end
(`generate --pdf --no-memo --jobs J --force`: DOCX, conversion in the workers, finishing,
packets), (2) one plain `soffice --convert-to pdf` over the same DOCX files (those that get
a PDF: agreements, SoWs, plans), (3) two such processes in parallel, each over half. Each
figure is wall seconds per converted document, with the cores busy (CPU seconds of the
processes, LibreOffice's included, over wall seconds); medians and spreads (min-max) are
printed at the end. The machine is shared: the spread says how noisy it was.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import batch

CONVERTED = ("partnering-agreement.docx", "partnership-plan.docx")


def converted(out: Path) -> list[Path]:
    """The DOCX files p2pdocs converts: agreements, SoWs and plans."""
    return sorted(p for p in out.rglob("*.docx") if p.name in CONVERTED or p.name.startswith("sow-"))


def timed(run: Callable[[], None]) -> tuple[float, float]:
    """Wall seconds of ``run`` and the CPU seconds of the processes it waited for."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    run()
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def p2pdocs(deals: Path, out: Path, jobs: int) -> Callable[[], None]:
    def run() -> None:
        command = [sys.executable, "-m", "p2pdocs", "generate", str(deals), "-o", str(out), "--force"]
        command += ["--pdf", "--no-memo", "--no-progress", "--jobs", str(jobs)]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise SystemExit(done.stderr[-3000:])

    return run


def plain(files: list[Path], work: Path, processes: int) -> Callable[[], None]:
    """``processes`` plain soffice invocations in parallel, each over its share, each with a
    fresh profile, as a user would run them."""

    def run() -> None:
        shutil.rmtree(work, ignore_errors=True)
        running = []
        for n in range(processes):
            stage = work / f"p{n}"
            (stage / "in").mkdir(parents=True)
            for i, f in enumerate(files[n::processes]):
                (stage / "in" / f"{i:06d}.docx").symlink_to(f)
            command = ["soffice", f"-env:UserInstallation=file://{stage / 'profile'}", "--headless"]
            command += ["--convert-to", "pdf", "--outdir", str(stage / "out")]
            command += sorted(str(p) for p in (stage / "in").iterdir())
            env = {**os.environ, "HOME": str(stage)}
            running.append(subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        for process in running:
            process.wait()
        made = sum(len(list((work / f"p{n}" / "out").glob("*.pdf"))) for n in range(processes))
        if made != len(files):
            raise SystemExit(f"plain soffice made {made} PDFs of {len(files)}")

    return run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--deals", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        deals = work / "deals.yaml"
        deals.write_text(yaml.safe_dump(batch(args.deals), sort_keys=False), encoding="utf-8")
        out = work / "out"
        p2pdocs(deals, out, args.jobs)()  # the DOCX the plain runs convert (and a warm cache)
        files = converted(out)
        figures: dict[str, list[tuple[float, float]]] = {"p2pdocs --pdf": [], "1 soffice": [], "2 soffice": []}
        runs = {
            "p2pdocs --pdf": p2pdocs(deals, out, args.jobs),
            "1 soffice": plain(files, work / "plain1", 1),
            "2 soffice": plain(files, work / "plain2", 2),
        }
        print(f"{args.deals} deals, {len(files)} documents converted, --jobs {args.jobs}, {os.cpu_count()} CPUs")
        for r in range(args.repeat):
            order = list(runs) if r % 2 == 0 else list(reversed(runs))  # interleaved, alternating order
            for name in order:
                wall, cpu = timed(runs[name])
                figures[name].append((wall / len(files), cpu / wall))
                per_doc = wall / len(files)
                print(f"  round {r + 1}: {name:<14} {per_doc:.3f} s/doc, {cpu / wall:.2f} cores busy", flush=True)
        print(f"{'':<14} {'s/doc median':>12} {'spread':>15} {'cores busy':>10}")
        for name, values in figures.items():
            per_doc = [v for v, _ in values]
            busy = statistics.median(c for _, c in values)
            spread = f"{min(per_doc):.3f}-{max(per_doc):.3f}"
            print(f"{name:<14} {statistics.median(per_doc):>12.3f} {spread:>15} {busy:>10.2f}")
        ratio = statistics.median(v for v, _ in figures["p2pdocs --pdf"]) / statistics.median(
            v for v, _ in figures["2 soffice"]
        )
        print(f"p2pdocs --pdf / 2 soffice: {ratio:.2f}x (target: at most 1.2x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
