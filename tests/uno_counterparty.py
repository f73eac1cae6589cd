"""The counterparty's lawyer, played by LibreOffice: open a generated agreement, turn on
change tracking under a name, make edits, save as .docx.

Run with Debian's /usr/bin/python3 (python3-uno), not the venv, against a soffice already
listening on a pipe:

    /usr/bin/python3 tests/uno_counterparty.py PIPE AUTHOR IN.docx OUT.docx EDITS.json

EDITS.json is a list of edits, each one of
  {"after": "TEXT", "find": "OLD", "with": "NEW"}  the first OLD after the first TEXT is
      selected and typed over with NEW (as a user double-clicking a figure and typing);
  {"cell": "CELL TEXT", "find": "OLD", "with": "NEW"}  the same in the first table cell
      whose text is CELL TEXT;
  {"delete": "TEXT"}  delete the first occurrence of TEXT;
  {"insert_after": "TEXT", "paragraph": "NEW"}  at the end of the paragraph holding TEXT,
      Enter and NEW typed (a paragraph added, numbered as the one before it).
Prints {"author": ..., "edits": N} on success.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from uno_tracked import _connect, _prop  # type: ignore[import-not-found]


def _author(ctx: Any, name: str) -> None:
    provider = ctx.ServiceManager.createInstanceWithContext("com.sun.star.configuration.ConfigurationProvider", ctx)
    access = provider.createInstanceWithArguments(
        "com.sun.star.configuration.ConfigurationUpdateAccess", (_prop("nodepath", "/org.openoffice.UserProfile/Data"),)
    )
    given, _, family = name.partition(" ")
    access.setPropertyValue("givenname", given)
    access.setPropertyValue("sn", family)
    access.commitChanges()


def _find(doc: Any, text: str) -> Any:
    search = doc.createSearchDescriptor()
    search.SearchString = text
    search.SearchCaseSensitive = True
    found = doc.findFirst(search)
    if found is None:
        raise SystemExit(f"not found: {text!r}")
    return found


def _find_after(doc: Any, start: Any, text: str) -> Any:
    search = doc.createSearchDescriptor()
    search.SearchString = text
    search.SearchCaseSensitive = True
    found = doc.findNext(start, search)
    if found is None:
        raise SystemExit(f"not found: {text!r}")
    return found


def _edit(doc: Any, edit: dict[str, Any]) -> None:
    if "delete" in edit:
        _find(doc, edit["delete"]).setString("")
    elif "after" in edit:
        _find_after(doc, _find(doc, edit["after"]).getEnd(), edit["find"]).setString(edit["with"])
    elif "insert_after" in edit:
        found = _find(doc, edit["insert_after"])
        text = found.getText()
        cursor = text.createTextCursorByRange(found.getEnd())
        cursor.gotoEndOfParagraph(False)
        text.insertControlCharacter(cursor, 0, False)  # com.sun.star.text.ControlCharacter.PARAGRAPH_BREAK
        text.insertString(cursor, edit["paragraph"], False)
    elif "cell" in edit:
        tables = doc.getTextTables()
        for i in range(tables.getCount()):
            table = tables.getByIndex(i)
            for name in table.getCellNames():
                cell = table.getCellByName(name)
                if cell.getString() == edit["cell"]:
                    _find_after(doc, cell.getText().getStart(), edit["find"]).setString(edit["with"])
                    return
        raise SystemExit(f"no cell reads {edit['cell']!r}")
    else:
        raise SystemExit(f"unknown edit {edit!r}")


def main() -> None:
    pipe, author, source, target, edits_file = sys.argv[1:6]
    edits = json.loads(Path(edits_file).read_text(encoding="utf-8"))
    ctx = _connect(pipe)
    _author(ctx, author)
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    doc = desktop.loadComponentFromURL(Path(source).resolve().as_uri(), "_blank", 0, (_prop("Hidden", True),))
    try:
        doc.RecordChanges = True
        for edit in edits:
            _edit(doc, edit)
        doc.storeToURL(Path(target).resolve().as_uri(), (_prop("FilterName", "MS Word 2007 XML"),))
    finally:
        doc.close(True)
    print(json.dumps({"author": author, "edits": len(edits)}))


if __name__ == "__main__":
    main()
