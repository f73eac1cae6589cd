"""Where a deal's time goes: each stage of generating it, in milliseconds per deal.

    python benchmarks/stages.py --deals 150 --rounds 5

Seeded synthetic deals (``synthetic.py``) are read once, then generated in memory (every
file rendered, nothing written) ``--rounds`` times in this one process; each stage is
timed by wrapping the function that does it, and the round with the lowest total is
reported (the machine may be shared). Stages nest: "render" holds the render of the memo
and every render stage below it; "documents" holds the agreement and the SoWs.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import batch

import p2pdocs.documents.builders as builders
import p2pdocs.documents.memo as memo
import p2pdocs.run.generate as generate
import p2pdocs.word.fast_render as fast_render
from p2pdocs.deal.inputs import Inputs
from p2pdocs.playbook.findings import deal_findings
from p2pdocs.word import scan

SPENT: Counter[str] = Counter()

#: (module or class, function name, label) of each stage timed
STAGES: list[tuple[Any, str, str]] = [
    (generate, "documents", "documents (composition)"),
    (builders, "agreement_document", "  agreement"),
    (builders, "sow_document", "  statements of work"),
    (generate, "render_document", "render (every Word document)"),
    (fast_render.PreparedTemplate, "_finish", "  docxtpl's listing fix-up"),
    (fast_render, "finish_body", "  fields, bookmarks, value runs"),
    (fast_render, "fixed", "  table grids"),
    (fast_render, "paragraphs", "  paragraph text (fingerprints)"),
    (fast_render, "finish_properties", "  document properties"),
    (fast_render.PreparedTemplate, "package", "  compression (zip)"),
    (memo, "build", "memo: contents"),
    (memo, "memo_document", "memo: Word document's context"),
    (memo, "markdown", "memo: Markdown"),
]


def timed(owner: Any, name: str, label: str) -> None:
    original: Callable[..., Any] = getattr(owner, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            SPENT[label] += time.perf_counter() - start

    setattr(owner, name, wrapper)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--deals", type=int, default=150)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "deals.yaml"
        path.write_text(yaml.safe_dump(batch(args.deals), sort_keys=False), encoding="utf-8")
        start = time.perf_counter()
        deals = [entry.deal for entry in Inputs([path]) if entry.deal is not None]
        reading = (time.perf_counter() - start) / len(deals)
    library = generate.library()
    generate.compose_and_render(deals[0], library)  # templates prepared, as in a worker
    for stage in STAGES:
        timed(*stage)
    best: tuple[float, dict[str, float], float] | None = None
    for _ in range(args.rounds):
        SPENT.clear()
        scan.forget()  # each round reads paragraphs as a new process would
        findings = 0.0
        start = time.perf_counter()
        for deal in deals:
            begin = time.perf_counter()
            found = deal_findings(deal)
            findings += time.perf_counter() - begin
            generate.compose_and_render(deal, library, findings=found)
        total = time.perf_counter() - start
        if best is None or total < best[0]:
            best = (total, dict(SPENT), findings)
    assert best is not None
    total, spent, findings = best
    n = len(deals)
    print(f"{n} deals, best of {args.rounds} rounds: {1000 * total / n:.2f} ms per deal generated in memory")
    print(f"{'reading and validating (main process, once)':46} {1000 * reading:7.2f}")
    print(f"{'playbook findings':46} {1000 * findings / n:7.2f}")
    for _, _, label in STAGES:
        print(f"{label:46} {1000 * spent.get(label, 0.0) / n:7.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
