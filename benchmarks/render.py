"""Render speed per document: naive docxtpl against p2pdocs' prepared templates and the floor.

    python benchmarks/render.py --deals 100

Each figure runs in its own process on the same synthetic deals (agreement + SoWs):
  naive    DocxTemplate(path), render, save, for every document (docxtpl's advice);
  p2pdocs  p2pdocs.word.render.render_docx (template prepared once per process);
  floor    writing the already-rendered documents' zips: the rendered parts appended to the
           cached zip of the static parts (nothing rendered).
Each figure is the best of three passes. It also times composing the documents (clause
selection, numbering, clause text), and checks that naive and p2pdocs outputs are
equivalent part by part (canonical XML).
"""

from __future__ import annotations

import argparse
import io
import json
import pickle
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

ROOT = Path(__file__).resolve().parent.parent
REPEAT = 3  # each figure is the best of three passes over all documents (as timeit does)


def build(deals: int, path: Path) -> None:
    """Compose every document of N synthetic deals and pickle (template, context, properties)."""
    from synthetic import batch

    from p2pdocs.deal.inputs import deep_merge  # noqa: F401  (imported for parity with a run)
    from p2pdocs.deal.validate import validate_deal
    from p2pdocs.documents.builders import documents
    from p2pdocs.run.generate import library

    data = batch(deals)
    lib = library()
    start = time.perf_counter()
    jobs = []
    for raw in data["deals"]:
        deal = validate_deal(raw, lambda loc: ("bench", 0, ()))
        for doc in documents(deal, lib):
            jobs.append((doc.template, doc.context, doc.properties))
    seconds = time.perf_counter() - start
    path.write_bytes(pickle.dumps(jobs))
    print(json.dumps({"compose_ms": 1000 * seconds / len(jobs), "documents": len(jobs)}))


def run(mode: str, path: Path, out: Path) -> None:
    from p2pdocs.resources import templates_dir
    from p2pdocs.word.render import render_docx, render_full

    jobs: list[tuple[str, dict[str, Any], Any]] = pickle.loads(path.read_bytes())
    root = templates_dir()
    results: list[bytes] = []
    if mode == "floor":
        from p2pdocs.word.render import prepared

        rendered = pickle.loads((out / "p2pdocs.pickle").read_bytes())
        packages = []
        for (template, _, _), data in zip(jobs, rendered, strict=True):
            tpl = prepared(root / template)
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                packages.append((tpl, {n: z.read(n) for n in z.namelist() if n in tpl.templated}))
        best = float("inf")
        for _ in range(REPEAT):
            start = time.perf_counter()
            results = [tpl.package(parts) for tpl, parts in packages]
            best = min(best, time.perf_counter() - start)
    else:
        if mode == "p2pdocs":  # preparing each template once per process is timed apart
            from p2pdocs.word.render import prepared

            begin = time.perf_counter()
            for name in sorted({template for template, _, _ in jobs}):
                prepared(root / name)
            (out / "prepare.json").write_text(json.dumps({"ms": 1000 * (time.perf_counter() - begin)}))
        best = float("inf")
        for _ in range(REPEAT):
            results = []
            start = time.perf_counter()
            for template, context, properties in jobs:
                if mode == "naive":
                    results.append(render_full(root / template, context, properties))
                else:
                    results.append(render_docx(root / template, context, properties))
            best = min(best, time.perf_counter() - start)
    seconds = best
    (out / f"{mode}.pickle").write_bytes(pickle.dumps(results))
    print(json.dumps({"ms": 1000 * seconds / len(jobs)}))


def canonical(data: bytes) -> dict[str, bytes]:
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {
            n: etree.tostring(etree.fromstring(z.read(n)), method="c14n")
            if n.endswith((".xml", ".rels"))
            else z.read(n)
            for n in z.namelist()
        }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--deals", type=int, default=100)
    parser.add_argument("--step", choices=["build", "naive", "p2pdocs", "floor"], help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        path = args.work / "jobs.pickle"
        build(args.deals, path) if args.step == "build" else run(args.step, path, args.work)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        figures: dict[str, Any] = {}
        for step in ("build", "naive", "p2pdocs", "floor"):
            done = subprocess.run(
                [sys.executable, __file__, "--deals", str(args.deals), "--step", step, "--work", tmp],
                capture_output=True,
                text=True,
                check=True,
            )
            figures[step] = json.loads(done.stdout)
        work = Path(tmp)
        naive = pickle.loads((work / "naive.pickle").read_bytes())
        fast = pickle.loads((work / "p2pdocs.pickle").read_bytes())
        prepare_ms = json.loads((work / "prepare.json").read_text())["ms"]
        same = sum(canonical(a) == canonical(b) for a, b in zip(naive, fast, strict=True))
    n = figures["build"]["documents"]
    naive_ms, fast_ms, floor_ms = (figures[k]["ms"] for k in ("naive", "p2pdocs", "floor"))
    print(f"{args.deals} deals, {n} documents (agreements and SoWs)")
    print(f"compose (clauses, numbering, text): {figures['build']['compose_ms']:.2f} ms per document")
    print(f"naive docxtpl:                      {naive_ms:.2f} ms per document")
    print(
        f"p2pdocs render:                     {fast_ms:.2f} ms per document "
        f"(+ {prepare_ms:.0f} ms once per process to prepare the templates)"
    )
    print(f"floor (write finished zips):        {floor_ms:.2f} ms per document")
    print(f"naive / p2pdocs = {naive_ms / fast_ms:.1f}x    p2pdocs / floor = {fast_ms / floor_ms:.2f}x")
    print(f"equivalent part by part (canonical XML): {same}/{n}")
    return 0 if same == n else 1


if __name__ == "__main__":
    sys.exit(main())
