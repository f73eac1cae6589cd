"""Batch generation speed and memory: N synthetic deals through the real CLI.

    python benchmarks/batch.py 100 1000 10000 --jobs 1 2

For each N, each --jobs value and with and without review memos (--memo on/off/both) it
writes a seeded batch file, runs `p2pdocs generate` in a fresh process, and reports wall
time, deals and Word documents per second (docx: agreements, SoWs and, with memos, the
review memos; files: everything written, the memos' Markdown included), and the peak
resident memory of the main process and of the largest worker.

Each round also times a python-docx open+save of the agreement template (in a process of
its own, the median of 50) and reports each run's wall time per Word document as a
fraction of it (`vs docx`: end to end, 0.2 means five Word documents written in the time
python-docx takes to open and save one). ``--rounds R`` repeats everything R times,
interleaved (the machine may be shared and noisy), then prints the median and the spread
(min-max) of each figure.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import batch


def plain_soffice(out: Path, work: Path) -> tuple[int, float]:
    """Seconds for one plain `soffice --convert-to pdf` invocation over every DOCX of ``out``
    (fresh profile, as a user would run it), and how many files it was given."""
    import os
    import shutil

    files = sorted(out.rglob("*.docx"))
    stage = work / "plain"
    shutil.rmtree(stage, ignore_errors=True)
    (stage / "in").mkdir(parents=True)
    for i, f in enumerate(files):
        (stage / "in" / f"{i:06d}.docx").symlink_to(f)
    start = time.perf_counter()
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{stage / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(stage / "out"),
            *sorted(str(p) for p in (stage / "in").iterdir()),
        ],
        capture_output=True,
        env={**os.environ, "HOME": str(stage)},
        check=False,
    )
    return len(files), time.perf_counter() - start


BASELINE = (
    "import io, statistics, sys, time\n"
    "from docx import Document\n"
    "times = []\n"
    "for _ in range(50):\n"
    "    start = time.perf_counter()\n"
    "    Document(sys.argv[1]).save(io.BytesIO())\n"
    "    times.append(time.perf_counter() - start)\n"
    "print(statistics.median(times))\n"
)


def docx_baseline() -> float:
    """Seconds for python-docx to open and save the agreement template (median of 50)."""
    template = Path(__file__).resolve().parent.parent / "templates" / "partnering-agreement.docx"
    done = subprocess.run([sys.executable, "-c", BASELINE, str(template)], capture_output=True, text=True, check=True)
    return float(done.stdout)


def measure(n: int, jobs: int, work: Path, pdf: bool = False, memo: bool = True) -> dict[str, float]:
    deals = work / f"deals-{n}.yaml"
    if not deals.exists():
        deals.write_text(yaml.safe_dump(batch(n), sort_keys=False), encoding="utf-8")
    out = work / f"out-{n}-{jobs}"
    script = (
        "import resource, sys, runpy\n"
        "sys.argv = ['p2pdocs'] + sys.argv[1:]\n"
        "try:\n"
        "    runpy.run_module('p2pdocs', run_name='__main__')\n"
        "finally:\n"
        # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the (large) benchmark
        # process this one was forked from, which made the main process look 1 GB larger
        "    status = open('/proc/self/status').read() if sys.platform == 'linux' else ''\n"
        "    hwm = [l.split()[1] for l in status.splitlines() if l.startswith('VmHWM:')]\n"
        "    self_kb = int(hwm[0]) if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "    print('RSS', self_kb, child_kb, file=sys.stderr)\n"
    )
    start = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            script,
            "generate",
            str(deals),
            "-o",
            str(out),
            "--force",
            "--jobs",
            str(jobs),
            "--no-progress",
            *(["--pdf"] if pdf else []),
            *([] if memo else ["--no-memo"]),
        ],
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(done.stderr[-2000:])
    rss = next(line for line in done.stderr.splitlines() if line.startswith("RSS")).split()
    manifest = json.loads((out / "manifest.json").read_text())
    docs = sum(1 for d in manifest["deals"] for doc in d["documents"] if doc["path"].endswith(".docx"))
    files = sum(len(d["documents"]) for d in manifest["deals"])
    return {
        "deals": n,
        "jobs": jobs,
        "documents": docs,
        "files": files,
        "seconds": round(seconds, 2),
        "deals_per_s": round(n / seconds, 1),
        "docs_per_s": round(docs / seconds, 1),
        "peak_main_mb": round(int(rss[1]) / 1024, 1),
        "peak_worker_mb": round(int(rss[2]) / 1024, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", nargs="*", type=int, default=[100, 1000])
    parser.add_argument("--jobs", nargs="*", type=int, default=[1, 2])
    parser.add_argument("--rounds", type=int, default=1, help="interleaved repetitions of every figure")
    parser.add_argument("--pdf", action="store_true", help="also PDFs and signing packets, against plain soffice")
    parser.add_argument(
        "--memo",
        choices=["on", "off", "both"],
        default="both",
        help="with review memos (the default of generate), without, or both",
    )
    args = parser.parse_args()
    if args.pdf:
        return pdf_figures(args.sizes, args.jobs)
    with tempfile.TemporaryDirectory() as tmp:
        memos = {"on": [True], "off": [False], "both": [True, False]}[args.memo]
        runs: dict[tuple[int, int, bool], list[dict[str, float]]] = {}
        baselines: list[float] = []
        for _ in range(args.rounds):
            baselines.append(docx_baseline())
            for n in args.sizes:
                for jobs in args.jobs:
                    for memo in memos:
                        r = measure(n, jobs, Path(tmp), memo=memo)
                        r["vs_docx"] = r["seconds"] / r["documents"] / baselines[-1]
                        runs.setdefault((n, jobs, memo), []).append(r)
                        print(
                            f"  {n} deals, --jobs {jobs}, memo {'on' if memo else 'off'}: {r['seconds']} s, "
                            f"{r['vs_docx']:.3f} of a python-docx open+save per Word document",
                            file=sys.stderr,
                            flush=True,
                        )
    print(f"python-docx open+save of the agreement template: {_spread([1000 * b for b in baselines], 1)} ms")
    print(f"{args.rounds} interleaved rounds; median (min-max) where there are several")
    print(
        f"{'deals':>6} {'jobs':>4} {'memo':>4} {'docx':>6} {'files':>6} {'seconds':>20} {'deals/s':>8} "
        f"{'docx/s':>8} {'vs docx':>20} {'main MB':>8} {'worker MB':>9}"
    )
    for (n, jobs, memo), rs in runs.items():

        def mid(key: str, rs: list[dict[str, float]] = rs) -> float:
            return statistics.median(r[key] for r in rs)

        print(
            f"{n:>6} {jobs:>4} {'on' if memo else 'off':>4} {rs[0]['documents']:>6} {rs[0]['files']:>6} "
            f"{_spread([r['seconds'] for r in rs], 1):>20} {mid('deals_per_s'):>8.1f} {mid('docs_per_s'):>8.1f} "
            f"{_spread([r['vs_docx'] for r in rs], 3):>20} {mid('peak_main_mb'):>8.1f} {mid('peak_worker_mb'):>9.1f}",
            flush=True,
        )
    return 0


def _spread(values: list[float], digits: int) -> str:
    ordered = sorted(values)
    if len(ordered) == 1:
        return f"{ordered[0]:.{digits}f}"
    return f"{statistics.median(ordered):.{digits}f} ({ordered[0]:.{digits}f}-{ordered[-1]:.{digits}f})"


def pdf_figures(sizes: list[int], jobs_list: list[int]) -> int:
    """Seconds per document of PDF output: p2pdocs --pdf (minus its DOCX-only run) against
    one plain soffice invocation over the same DOCX files."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        head = ("deals", "jobs", "docs", "docx s", "--pdf s", "pdf s/doc", "plain soffice s/doc")
        print(" ".join(f"{h:>{w}}" for h, w in zip(head, (6, 4, 6, 8, 8, 10, 20), strict=True)))
        for n in sizes:
            for jobs in jobs_list:
                docx = measure(n, jobs, work)
                with_pdf = measure(n, jobs, work, pdf=True)
                count, plain = plain_soffice(work / f"out-{n}-{jobs}", work)
                per_doc = (with_pdf["seconds"] - docx["seconds"]) / with_pdf["documents"]
                print(
                    f"{n:>6} {jobs:>4} {with_pdf['documents']:>6} {docx['seconds']:>8} {with_pdf['seconds']:>8} "
                    f"{per_doc:>10.3f} {plain / count:>20.3f}",
                    flush=True,
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
