"""Prompts and key presses of issue 19's ordinary deal in `p2pdocs new`, in a real 120x40
pseudo-terminal, and the review screen as that terminal shows it.

    python benchmarks/wizard.py [--tree PATH] [--capture FILE]

The ordinary deal: an integrator and an ISV, projects and SaaS margins, one SoW, the
playbook's standard answers taken wherever they are offered (tests/wizard_script.py
ORDINARY, typed by tests/wizard_driver.py's Wizard, which counts every key sent: a typed
character, Enter, an arrow key, the Ctrl-U that clears a pre-filled answer). --tree runs
another checkout's code and script (e.g. an export of main, for the figures before a
change). --capture writes the screen when the review first asks "What next?".
"""

from __future__ import annotations

import argparse
import copy
import re
import sys
import tempfile
import time
from pathlib import Path

ROWS, COLUMNS = 40, 120
_CSI = re.compile(r"\x1b\[([?>=]?)([0-9;]*)([A-Za-z@])|\x1b[()][A-Z0-9]|\x1b[=>78]|\x1b\][^\x07]*\x07")


def screen(raw: str, rows: int = ROWS, columns: int = COLUMNS) -> list[str]:
    """What a terminal shows after ``raw``: text, line feeds, carriage returns, the cursor
    moves and erases prompt_toolkit and rich use (styles and modes are ignored)."""
    lines = [[" "] * columns for _ in range(rows)]
    y = x = 0

    def feed() -> int:
        if y + 1 < rows:
            return y + 1
        lines.pop(0)
        lines.append([" "] * columns)
        return y

    at = 0
    while at < len(raw):
        match = _CSI.match(raw, at)
        if match:
            at = match.end()
            mode, args, final = match.group(1), match.group(2), match.group(3)
            if match.group(0)[1] != "[" or mode:
                continue
            n = [int(a) if a else 0 for a in (args or "").split(";")]
            step = max(1, n[0])
            if final == "A":
                y = max(0, y - step)
            elif final == "B":
                y = min(rows - 1, y + step)
            elif final == "C":
                x = min(columns - 1, x + step)
            elif final == "D":
                x = max(0, x - step)
            elif final == "G":
                x = min(columns - 1, step - 1)
            elif final in "Hf":
                y, x = min(rows - 1, max(1, n[0]) - 1), min(columns - 1, max(1, n[1] if len(n) > 1 else 1) - 1)
            elif final == "K":
                start, end = {0: (x, columns), 1: (0, x + 1), 2: (0, columns)}.get(n[0], (x, columns))
                lines[y][start:end] = [" "] * (end - start)
            elif final == "J":
                if n[0] == 0:
                    lines[y][x:] = [" "] * (columns - x)
                    for row in lines[y + 1 :]:
                        row[:] = [" "] * columns
                elif n[0] == 2:
                    for row in lines:
                        row[:] = [" "] * columns
            continue
        char = raw[at]
        at += 1
        if char == "\r":
            x = 0
        elif char == "\n":
            y = feed()
        elif char == "\b":
            x = max(0, x - 1)
        elif char >= " ":
            if x >= columns:
                x, y = 0, feed()
            lines[y][x] = char
            x += 1
    return ["".join(row).rstrip() for row in lines]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tree", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--capture", type=Path, help="Write the review screen here.")
    args = parser.parse_args()
    sys.path[:0] = [str(args.tree.resolve() / "tests"), str(args.tree.resolve())]  # its p2pdocs too
    try:
        from wizard_driver import Wizard  # the tree's own driver and script
    except ImportError:  # before the driver had a module of its own
        from test_wizard_pty import Wizard
    from wizard_script import ORDINARY

    with tempfile.TemporaryDirectory() as folder:
        started = time.monotonic()
        wizard = Wizard(Path(folder), "--no-generate")
        wizard.parties = ["acme", "globex"]
        wizard.run(copy.deepcopy(ORDINARY))
        asked = time.monotonic() - started
        raw = getattr(wizard, "raw", None)
        if args.capture:
            wizard.wait_for("Show a section")  # the menu is drawn
            shown = screen(raw if raw is not None else wizard.text)
            args.capture.write_text("\n".join(shown) + "\n", encoding="utf-8")
        prompts = len(wizard.transcript) + 1
        enter = sum(line.endswith("<- None") for line in wizard.transcript)  # the answer offered, taken
        wizard.answer("What next?", "generate")  # saves the deal file only (--no-generate)
        status = wizard.finish()
    print(f"tree {args.tree}: exit {status}")
    print(
        f"prompts {prompts} ({enter} taken as offered with Enter), key presses {wizard.keys}, "
        f"{asked:.1f} s to the review"
    )


if __name__ == "__main__":
    main()
