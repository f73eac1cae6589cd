"""A `--pdf` run at any size: it finishes, and the main process's memory stays flat in N.

    python benchmarks/pdf_scale.py 10000 30000 100000 --jobs 48 --sleep 0.1
    python benchmarks/pdf_scale.py 200 400 800 --jobs 2 --sleep 0.1 --full

Each N runs in a fresh process through the run's own machinery (p2pdocs.run.batch.run with
PdfOptions: the same per-deal work function, worker pool, streamed outcomes and manifest)
on N copies of the example deal with ids of their own. LibreOffice is stood in for by a
converter, behind the converter interface a worker holds (p2pdocs.pdf.converter.factory),
that sleeps ``--sleep`` seconds per document (what LibreOffice takes per document on this
machine) and gives a one-page PDF. By default rendering the DOCX and pypdf's finishing are
stood in for too (a few bytes per file), so that the figure is the pipeline's own and a
100,000-deal run fits in minutes on a shared 2-core machine (the sleeping workers take no
CPU: ``--jobs`` many of them stand for that many LibreOffice processes); ``--full`` keeps the
real rendering and finishing (small N). Reported: wall seconds, deals/s, documents and
PDFs in the manifest, and the peak resident memory (VmHWM) of the main process.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "contoso-fabrikam.yaml"


def _blank_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    data = io.BytesIO()
    writer.write(data)
    return data.getvalue()


class SleepingConverter:
    """Stands in for LibreOffice: ``seconds`` per document, a one-page PDF each."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.pdf = _blank_pdf()

    def convert(self, documents: Sequence[Path]) -> list[Any]:
        from p2pdocs.pdf.libreoffice import Converted

        time.sleep(self.seconds * len(documents))
        return [Converted(d, self.pdf) for d in documents]

    def close(self, wait: float = 0.0) -> None:
        pass


def _stand_in_generate(deal: Any, out: Path, **options: Any) -> list[Any]:
    """Each file of the deal's kinds, a few bytes each (no rendering)."""
    from p2pdocs.compose.kinds import KINDS
    from p2pdocs.run.generate import Written
    from p2pdocs.run.outputs import write_atomic

    written = []
    for kind in KINDS:
        for sow in deal.statements_of_work if kind.per_sow else [None]:
            path = out / deal.agreement.id / kind.filename(sow)
            data = f"stand-in {path.name}".encode()
            write_atomic(path, data, sync=False)
            written.append(Written(path, hashlib.sha256(data).hexdigest(), len(data), kind.template, []))
    return written


def _entries(n: int) -> Iterator[Any]:
    from p2pdocs.deal.inputs import Entry, read_all

    base = read_all([EXAMPLE])[0][0].deal
    assert base is not None
    for i in range(n):
        agreement = base.agreement.model_copy(update={"id": f"SCALE-{i:06d}"})
        deal = base.model_copy(update={"agreement": agreement})
        yield Entry(f"deal {i}", "scale", i + 1, deal, [], agreement.id)


def child(n: int, jobs: int, sleep: float, full: bool, out: Path) -> None:
    import p2pdocs.pdf.converter
    import p2pdocs.run.batch
    import p2pdocs.run.signing
    from p2pdocs.pdf.converter import PdfOptions

    p2pdocs.pdf.converter.factory = lambda options: SleepingConverter(sleep)  # inherited by the forked workers
    if not full:
        p2pdocs.run.batch.generate = _stand_in_generate  # type: ignore[assignment]
        p2pdocs.run.signing.finish = lambda parts, meta, draft: parts[0][1] if len(parts) == 1 else b"%PDF packet"
    start = time.perf_counter()
    report = p2pdocs.run.batch.run(_entries(n), out, jobs=jobs, total=n, pdf=PdfOptions(), force=True)
    seconds = time.perf_counter() - start
    status = Path("/proc/self/status").read_text()
    hwm = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")))
    manifest = json.loads((out / "manifest.json").read_text())
    print(
        json.dumps(
            {
                "deals": n,
                "generated": report.generated,
                "failed": len(report.failed),
                "documents": report.documents,
                "pdfs": report.pdfs,
                "manifest_deals": len(manifest["deals"]),
                "seconds": round(seconds, 1),
                "main_peak_mb": round(hwm / 1024, 1),
            }
        )
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", nargs="*", type=int, default=[1000, 10000])
    parser.add_argument("--jobs", type=int, default=48)
    parser.add_argument("--sleep", type=float, default=0.1, help="seconds per document of the stand-in converter")
    parser.add_argument("--full", action="store_true", help="real rendering and finishing (small N)")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        child(args.child, args.jobs, args.sleep, args.full, args.out)
        return 0
    mode = "full" if args.full else "stand-in rendering"
    print(f"--jobs {args.jobs}, converter sleeping {args.sleep} s per document, {mode}")
    print(f"{'deals':>7} {'generated':>9} {'documents':>9} {'PDFs':>7} {'seconds':>8} {'deals/s':>8} {'main MB':>8}")
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            command = [sys.executable, __file__, "--child", str(n), "--jobs", str(args.jobs)]
            command += ["--sleep", str(args.sleep), "--out", str(Path(tmp) / "out")] + (["--full"] if args.full else [])
            done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
            if done.returncode != 0:
                raise SystemExit(done.stderr[-3000:])
            r = json.loads(done.stdout.strip().splitlines()[-1])
            assert r["manifest_deals"] == n, r
            print(
                f"{r['deals']:>7} {r['generated']:>9} {r['documents']:>9} {r['pdfs']:>7} {r['seconds']:>8} "
                f"{r['deals'] / r['seconds']:>8.1f} {r['main_peak_mb']:>8}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
