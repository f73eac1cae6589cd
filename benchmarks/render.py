"""Render speed per document: naive docxtpl against p2pdocs' prepared templates and the floor.

    python benchmarks/render.py --deals 100

Each figure runs in its own process on the same synthetic deals (agreement + SoWs):
  naive    what a user of docxtpl writes, for every document (docxtpl's advice): a new
           DocxTemplate(path), render(context, autoescape=True), save; nothing else (no
           checks, no document properties, no recompression);
  p2pdocs  p2pdocs.word.render.render_docx (template prepared once per process), with its
           checks and properties; each pass starts with no paragraph read before (the
           text of each distinct paragraph is read once per process);
  floor    writing the already-rendered documents' zips: the rendered parts appended to the
           cached zip of the static parts (nothing rendered).
Each figure is the best of three passes; ``--rounds R`` runs the three figures R times,
interleaved (naive, p2pdocs, floor, naive, ...), and reports the median and the spread of
each figure and of the ratio, for a machine that is shared and noisy. It also times
composing the documents (clause selection, numbering, clause text), and checks that naive
and p2pdocs outputs are equivalent part by part (canonical XML of the parts both write,
document properties and the package's part lists aside: only p2pdocs sets those).
"""

from __future__ import annotations

import argparse
import io
import json
import pickle
import statistics
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


def naive(template: Path, context: dict[str, Any]) -> bytes:
    """What a user writes with docxtpl: a new template object, render with autoescape, save."""
    from docxtpl import DocxTemplate

    doc = DocxTemplate(str(template))
    doc.render(context, autoescape=True)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def run(mode: str, path: Path, out: Path) -> None:
    from p2pdocs.resources import templates_dir
    from p2pdocs.word.render import render_docx
    from p2pdocs.word.scan import forget

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
            forget()  # each pass as a new process would make it: no paragraph read before
            start = time.perf_counter()
            for template, context, properties in jobs:
                if mode == "naive":
                    results.append(naive(root / template, context))
                else:
                    results.append(render_docx(root / template, context, properties))
            best = min(best, time.perf_counter() - start)
    seconds = best
    (out / f"{mode}.pickle").write_bytes(pickle.dumps(results))
    print(json.dumps({"ms": 1000 * seconds / len(jobs)}))


#: parts only p2pdocs writes or changes: the document properties and the package's lists of parts
OWN_PARTS = ("docProps/", "[Content_Types].xml", "_rels/.rels")


def finished(data: bytes, context: dict[str, Any]) -> bytes:
    """A naive document given what p2pdocs writes after rendering and a docxtpl user would
    have to write too (untimed; for the equivalence check only): the fields, bookmarks
    and contents of ``p2pdocs.word.fields``, the deal's values as bookmarks, headers and
    footers without markers."""
    from p2pdocs.compose.marks import plain
    from p2pdocs.word.fields import finish_body
    from p2pdocs.word.provenance import HEADER_FOOTER

    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as z, zipfile.ZipFile(buffer, "w") as out:
        for name in z.namelist():
            part = z.read(name)
            if name == "word/document.xml":
                part = finish_body(part.decode("utf-8"), context.get("contents", ()))[0].encode("utf-8")
            elif HEADER_FOOTER.fullmatch(name):
                part = plain(part.decode("utf-8")).encode("utf-8")
            out.writestr(name, part)
    return buffer.getvalue()


def canonical(data: bytes) -> dict[str, bytes]:
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {
            n: etree.tostring(etree.fromstring(z.read(n)), method="c14n")
            if n.endswith((".xml", ".rels"))
            else z.read(n)
            for n in z.namelist()
            if not n.startswith(OWN_PARTS)
        }


def spread(values: list[float]) -> str:
    """The median of ``values`` and their range, as ``median (min-max)``."""
    ordered = sorted(values)
    return f"{statistics.median(ordered):.2f} ({ordered[0]:.2f}-{ordered[-1]:.2f})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--deals", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=1, help="interleaved repetitions of the three figures")
    parser.add_argument("--step", choices=["build", "naive", "p2pdocs", "floor"], help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        path = args.work / "jobs.pickle"
        build(args.deals, path) if args.step == "build" else run(args.step, path, args.work)
        return 0
    with tempfile.TemporaryDirectory() as tmp:

        def step(name: str) -> dict[str, Any]:
            done = subprocess.run(
                [sys.executable, __file__, "--deals", str(args.deals), "--step", name, "--work", tmp],
                capture_output=True,
                text=True,
                check=True,
            )
            figure: dict[str, Any] = json.loads(done.stdout)
            return figure

        built = step("build")
        rounds: dict[str, list[float]] = {"naive": [], "p2pdocs": [], "floor": []}
        prepare: list[float] = []
        for _ in range(args.rounds):
            for name in rounds:
                rounds[name].append(step(name)["ms"])
            prepare.append(json.loads((Path(tmp) / "prepare.json").read_text())["ms"])
        work = Path(tmp)
        naive_docs = pickle.loads((work / "naive.pickle").read_bytes())
        fast = pickle.loads((work / "p2pdocs.pickle").read_bytes())
        contexts = [context for _, context, _ in pickle.loads((work / "jobs.pickle").read_bytes())]
        same = sum(
            canonical(finished(a, c)) == canonical(b) for a, b, c in zip(naive_docs, fast, contexts, strict=True)
        )
    n = built["documents"]
    ratios = [a / b for a, b in zip(rounds["naive"], rounds["p2pdocs"], strict=True)]
    floors = [a / b for a, b in zip(rounds["p2pdocs"], rounds["floor"], strict=True)]
    print(f"{args.deals} deals, {n} documents (agreements and SoWs); {args.rounds} interleaved rounds")
    print("ms per document, median (min-max):")
    print(f"compose (clauses, numbering, text): {built['compose_ms']:.2f}")
    print(f"naive docxtpl:                      {spread(rounds['naive'])}")
    print(
        f"p2pdocs render:                     {spread(rounds['p2pdocs'])} "
        f"(+ {statistics.median(prepare):.0f} ms once per process to prepare the templates)"
    )
    print(f"floor (write finished zips):        {spread(rounds['floor'])}")
    print(f"naive / p2pdocs = {spread(ratios)}x    p2pdocs / floor = {spread(floors)}x")
    print(f"equivalent part by part (canonical XML): {same}/{n}")
    return 0 if same == n else 1


if __name__ == "__main__":
    sys.exit(main())
