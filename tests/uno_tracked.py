"""Read a .docx as LibreOffice sees it, optionally after its own Accept All / Reject All.

Run with Debian's /usr/bin/python3 (python3-uno), not the venv, against a soffice already
listening on a pipe:

    /usr/bin/python3 tests/uno_tracked.py PIPE FILE.docx accept|reject|none [FILE MODE ...]

Prints JSON, one object per FILE MODE pair: {"changes": N, "paragraphs": [[style, text],
...]} with every paragraph of the body in order, table cells row by row, after the command.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]


def _connect(pipe: str) -> Any:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(300):
        try:
            return resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except Exception:  # soffice is still starting
            time.sleep(0.2)
    raise SystemExit("soffice did not answer on its pipe")


def _prop(name: str, value: Any) -> Any:
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def _paragraphs(text: Any, out: list[list[str]]) -> None:
    items = text.createEnumeration()
    while items.hasMoreElements():
        item = items.nextElement()
        if item.supportsService("com.sun.star.text.TextTable"):
            for name in item.getCellNames():  # row by row: A1, B1, A2, B2...
                _paragraphs(item.getCellByName(name).getText(), out)
        else:
            out.append([item.ParaStyleName, item.getString()])


def main() -> None:
    pipe, pairs = sys.argv[1], sys.argv[2:]
    ctx = _connect(pipe)
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    seen: dict[tuple[str, str], dict[str, Any]] = {}
    results = []
    for path, mode in zip(pairs[::2], pairs[1::2], strict=True):
        if (path, mode) not in seen:
            seen[path, mode] = _read(ctx, desktop, path, mode)
        results.append(seen[path, mode])
    print(json.dumps(results, ensure_ascii=False))


def _read(ctx: Any, desktop: Any, path: str, mode: str) -> dict[str, Any]:
    doc = desktop.loadComponentFromURL(Path(path).resolve().as_uri(), "_blank", 0, (_prop("Hidden", True),))
    try:
        changes = doc.getRedlines().createEnumeration()
        count = 0
        while changes.hasMoreElements():
            changes.nextElement()
            count += 1
        if mode != "none":
            command = "AcceptAllTrackedChanges" if mode == "accept" else "RejectAllTrackedChanges"
            dispatcher = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.DispatchHelper", ctx)
            dispatcher.executeDispatch(doc.getCurrentController().getFrame(), f".uno:{command}", "", 0, ())
        out: list[list[str]] = []
        _paragraphs(doc.getText(), out)
        return {"changes": count, "paragraphs": out}
    finally:
        doc.close(True)


if __name__ == "__main__":
    main()
