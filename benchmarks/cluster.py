"""The cluster: deals per second on dask.distributed with 1 and 2 local workers, and what a
million agreements with PDFs would take.

    python benchmarks/cluster.py 1000 --rounds 3

Starts two local clusters on 127.0.0.1 (a scheduler with one single-threaded worker process,
and one with two), warms each up with a small run, then runs `p2pdocs generate --scheduler`
(the client in its own process, as a user runs it) over N seeded synthetic deals with review
memos, interleaving the two clusters and local `--jobs 1` / `--jobs 2` runs round by round
(the machine is shared and noisy: medians and spreads are reported). For each run it takes
the wall time, the client's CPU time (reading and validating the deals, writing the files
that come back) and the workers' CPU time (from each worker's own rusage). Then it converts
a sample of the Word documents with one plain `soffice --convert-to pdf` and takes its CPU
time per document, and derives a table for a million agreements with a PDF of every Word
document: CPU-hours, and the single-core workers needed to finish in one hour.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import batch

MILLION = 1_000_000
#: deals of the warm-up run on each cluster (workers import and prepare everything once)
WARM = 20


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def worker_cpu(client: Any) -> float:
    def own() -> float:
        import resource

        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime

    return float(sum(client.run(own).values()))


#: runs the command line and prints the process's peak resident memory (VmHWM, kB) last
PEAK = (
    "import runpy, sys\n"
    "sys.argv = ['p2pdocs'] + sys.argv[1:]\n"
    "try:\n"
    "    runpy.run_module('p2pdocs', run_name='__main__')\n"
    "finally:\n"
    "    status = open('/proc/self/status').read()\n"
    "    print('RSS', [l.split()[1] for l in status.splitlines() if l.startswith('VmHWM:')][0], file=sys.stderr)\n"
)


def generate(deals: Path, out: Path, *options: str) -> tuple[float, float, float]:
    """Wall and client CPU seconds of one `p2pdocs generate` in a fresh process, and its
    peak memory in MB."""
    shutil.rmtree(out, ignore_errors=True)
    cpu = children_cpu()
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", PEAK, "generate", str(deals), "-o", str(out), "--no-progress", *options],
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(done.stderr[-3000:])
    rss = next(line for line in done.stderr.splitlines() if line.startswith("RSS")).split()[1]
    return wall, children_cpu() - cpu, int(rss) / 1024


def soffice_cpu(out: Path, work: Path, sample: int) -> tuple[float, float, int]:
    """CPU and wall seconds per document of a plain `soffice --convert-to pdf` over a sample
    of the Word documents of ``out``, its start left out (one run over the first document
    alone, subtracted), and the PDFs' mean size in bytes."""
    files = sorted(out.rglob("*.docx"))[:sample]

    def convert(batch: list[Path]) -> tuple[float, float, int]:
        stage = work / "soffice"
        shutil.rmtree(stage, ignore_errors=True)
        (stage / "out").mkdir(parents=True)
        cpu = children_cpu()
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
                *map(str, batch),
            ],
            capture_output=True,
            env={**os.environ, "HOME": str(stage)},
            check=True,
        )
        wall = time.perf_counter() - start
        pdfs = list((stage / "out").glob("*.pdf"))
        return children_cpu() - cpu, wall, sum(p.stat().st_size for p in pdfs) // max(1, len(pdfs))

    cpu_one, wall_one, _ = convert(files[:1])
    cpu_all, wall_all, size = convert(files)
    extra = max(1, len(files) - 1)
    return (cpu_all - cpu_one) / extra, (wall_all - wall_one) / extra, size


def spread(values: list[float], digits: int = 1) -> str:
    ordered = sorted(values)
    return f"{statistics.median(ordered):.{digits}f} ({ordered[0]:.{digits}f}-{ordered[-1]:.{digits}f})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("deals", nargs="?", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sample", type=int, default=60, help="Word documents converted to time soffice")
    args = parser.parse_args()
    from distributed import Client, LocalCluster

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        deals, warm = work / "deals.yaml", work / "warm.yaml"
        data = batch(args.deals)
        deals.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        warm.write_text(yaml.safe_dump({**data, "deals": data["deals"][:WARM]}, sort_keys=False), encoding="utf-8")
        clusters = {
            n: LocalCluster(n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=":0")
            for n in (1, 2)
        }
        clients = {n: Client(c, set_as_default=False) for n, c in clusters.items()}
        try:
            for cluster in clusters.values():
                generate(warm, work / "warm", "--scheduler", cluster.scheduler_address)
            figures: dict[str, dict[str, list[float]]] = {}
            for _ in range(args.rounds):
                for name in ("cluster 1 worker", "cluster 2 workers", "local --jobs 1", "local --jobs 2"):
                    n = 2 if "2" in name else 1
                    before = worker_cpu(clients[n]) if name.startswith("cluster") else 0.0
                    options = (
                        ("--scheduler", clusters[n].scheduler_address) if name.startswith("cluster") else ("-j", str(n))
                    )
                    wall, client_cpu, peak = generate(deals, work / "out", *options)
                    row = figures.setdefault(
                        name, {"deals/s": [], "client ms/deal": [], "worker ms/deal": [], "main MB": []}
                    )
                    row["main MB"].append(peak)
                    row["deals/s"].append(args.deals / wall)
                    row["client ms/deal"].append(1000 * client_cpu / args.deals)
                    if name.startswith("cluster"):
                        row["worker ms/deal"].append(1000 * (worker_cpu(clients[n]) - before) / args.deals)
        finally:
            for client in clients.values():
                client.close()
            for cluster in clusters.values():
                cluster.close()
        manifest = json.loads((work / "out" / "manifest.json").read_text(encoding="utf-8"))["deals"]
        docx = sum(1 for d in manifest for doc in d["documents"] if doc["path"].endswith(".docx")) / args.deals
        shipped = sum(doc["size"] for d in manifest for doc in d["documents"]) / args.deals
        pdf_cpu, pdf_wall, pdf_size = soffice_cpu(work / "out", work, args.sample)

    print(f"{args.deals} deals with review memos, {docx:.2f} Word documents per deal; {args.rounds} interleaved rounds")
    print("median (min-max)")
    head = ("deals/s", "client CPU ms/deal", "worker CPU ms/deal", "client/main peak MB")
    print(f"{'':<20} " + " ".join(f"{h:>22}" for h in head))
    for name, row in figures.items():
        cells = [spread(row["deals/s"]), spread(row["client ms/deal"], 2)]
        cells.append(spread(row["worker ms/deal"], 2) if row["worker ms/deal"] else "-")
        cells.append(spread(row["main MB"]))
        print(f"{name:<20} " + " ".join(f"{c:>22}" for c in cells))
    one = statistics.median(figures["cluster 1 worker"]["deals/s"])
    two = statistics.median(figures["cluster 2 workers"]["deals/s"])
    worker_ms = statistics.median(
        figures["cluster 1 worker"]["worker ms/deal"] + figures["cluster 2 workers"]["worker ms/deal"]
    )
    client_ms = statistics.median(figures["cluster 2 workers"]["client ms/deal"])
    print(f"scaling 1 -> 2 workers: {two / one:.2f}x (on 2 cores shared by the client, the scheduler and the workers)")
    print(
        f"plain soffice --convert-to pdf, {args.sample} documents (its start left out): {pdf_cpu:.3f} s CPU, "
        f"{pdf_wall:.3f} s wall per document; {pdf_size / 1000:.0f} kB per PDF"
    )
    docx_s = worker_ms / 1000
    pdf_s = pdf_cpu * docx
    hours = MILLION * (docx_s + pdf_s) / 3600
    print()
    print(f"A million agreements with a PDF of each Word document ({docx:.2f} per deal), from these figures:")
    print("| step | CPU s per deal | CPU-hours | single-core workers for a 1-hour run |")
    print("|---|---|---|---|")
    for step, seconds in (("Word documents (workers)", docx_s), ("PDFs (soffice)", pdf_s), ("total", docx_s + pdf_s)):
        print(f"| {step} | {seconds:.3f} | {MILLION * seconds / 3600:,.0f} | {math.ceil(MILLION * seconds / 3600):,} |")
    rate = MILLION / 3600
    print(
        f"client: {client_ms:.2f} ms CPU per deal, so one client keeps up with {1000 / client_ms:,.0f} deals/s "
        f"(a 1-hour run needs {rate:,.0f}); it receives {shipped / 1000:.0f} kB per deal without PDFs, "
        f"{(shipped + docx * pdf_size) / 1000:.0f} kB with, {rate * (shipped + docx * pdf_size) / 1e6:,.0f} MB/s "
        f"for a 1-hour run; total {hours:,.0f} CPU-hours"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
