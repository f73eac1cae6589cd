"""Batch generation speed and memory: N synthetic deals through the real CLI.

    python benchmarks/batch.py 100 1000 10000 --jobs 1 2

For each N and each --jobs value it writes a seeded batch file, runs `p2pdocs generate`
in a fresh process, and reports wall time, deals and documents per second, and the peak
resident memory of the main process and of the largest worker.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import batch


def measure(n: int, jobs: int, work: Path) -> dict[str, float]:
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
        "    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
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
        ],
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(done.stderr[-2000:])
    rss = next(line for line in done.stderr.splitlines() if line.startswith("RSS")).split()
    manifest = json.loads((out / "manifest.json").read_text())
    docs = sum(len(d["documents"]) for d in manifest["deals"])
    return {
        "deals": n,
        "jobs": jobs,
        "documents": docs,
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
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        print(
            f"{'deals':>6} {'jobs':>4} {'docs':>6} {'seconds':>8} {'deals/s':>8} {'docs/s':>8} "
            f"{'main MB':>8} {'worker MB':>9}"
        )
        for n in args.sizes:
            for jobs in args.jobs:
                r = measure(n, jobs, Path(tmp))
                print(
                    f"{r['deals']:>6} {r['jobs']:>4} {r['documents']:>6} {r['seconds']:>8} {r['deals_per_s']:>8} "
                    f"{r['docs_per_s']:>8} {r['peak_main_mb']:>8} {r['peak_worker_mb']:>9}",
                    flush=True,
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
