"""Convert .docx to PDF in a LibreOffice that is already running, over UNO.

Run by :mod:`p2pdocs.pdf.office` with a Python that has LibreOffice's ``uno`` module (on
Debian, /usr/bin/python3 with python3-uno; elsewhere, LibreOffice's own ``program/python``),
(``uno`` is imported only when it runs, so the module can be imported anywhere):

    python3 uno_bridge.py PIPE

It connects to the soffice listening on the named pipe PIPE, says ``{"ready": true}`` on a
line, then reads requests, one JSON object a line on stdin (``{"in": DOCX, "out": PDF}``),
and answers each on a line of stdout: ``{"ok": true}`` or ``{"error": "..."}``. Indexes
(a table of contents) are updated twice before the export, so that their page numbers are
right, as unoserver does. At the end of its input it tells LibreOffice to quit and exits;
it exits too when LibreOffice goes away.
"""

from __future__ import annotations

import contextlib
import json
import sys
import time
from typing import Any

CONNECT_SECONDS = 120.0


def _prop(name: str, value: Any) -> Any:
    from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]

    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def _connect(pipe: str) -> Any:
    import uno  # type: ignore[import-not-found]

    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + CONNECT_SECONDS
    while True:
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            return ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        except Exception:  # soffice is still starting (or restarting once to create its profile)
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _convert(desktop: Any, source: str, target: str) -> None:
    import uno

    document = desktop.loadComponentFromURL(
        uno.systemPathToFileUrl(source), "_blank", 0, (_prop("Hidden", True), _prop("ReadOnly", True))
    )
    if document is None:
        raise RuntimeError("the source file could not be loaded")
    try:
        for _ in range(2):  # the contents grow, then their page numbers settle
            if not hasattr(document, "getDocumentIndexes"):
                break
            document.refresh()
            indexes = document.getDocumentIndexes()
            for i in range(indexes.getCount()):
                indexes.getByIndex(i).update()
        document.storeToURL(
            uno.systemPathToFileUrl(target), (_prop("FilterName", "writer_pdf_Export"), _prop("Overwrite", True))
        )
    finally:
        document.close(True)


def main() -> None:
    desktop = _connect(sys.argv[1])
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        try:
            _convert(desktop, request["in"], request["out"])
            answer: dict[str, Any] = {"ok": True}
        except Exception as exc:  # a UNO exception of any kind: its message goes back
            message = getattr(exc, "Message", "") or str(exc) or type(exc).__name__
            answer = {"error": f"{type(exc).__name__}: {message}"}
        print(json.dumps(answer), flush=True)
        if "DisposedException" in answer.get("error", "") or "RuntimeException" in answer.get("error", ""):
            return  # LibreOffice went away: the caller starts a new one
    with contextlib.suppress(Exception):  # the end of the requests: LibreOffice is told to quit
        desktop.terminate()


if __name__ == "__main__":
    main()
