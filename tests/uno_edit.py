"""Edit a generated .docx in LibreOffice as a lawyer would, then update it as Word's F9 does.

Run with Debian's /usr/bin/python3 (python3-uno), not the venv, against a soffice already
listening on a pipe:

    /usr/bin/python3 tests/uno_edit.py PIPE FILE.docx BEFORE_HEADING NEW_HEADING OUT.docx [...]

For each group of four arguments: open FILE, read it, insert a Heading 1 paragraph
NEW_HEADING right before the heading BEFORE_HEADING (Enter at the end of the paragraph
before it), update every field and index (XRefreshable, the document indexes, the text
fields), read it again, save it as OUT (Word 2007-365) and print JSON, one object per file:
{"generated": STATE, "before": STATE, "after": STATE} (as opened,
updated, edited and updated, saved and opened again) where STATE is {"paragraphs": [[style, label, text]],
"references": [[bookmark, shown, bookmarked paragraph text]], "contents": [lines]}.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from uno_tracked import _connect, _prop  # type: ignore[import-not-found]


def _body(doc: Any) -> list[Any]:
    out = []
    items = doc.getText().createEnumeration()
    while items.hasMoreElements():
        item = items.nextElement()
        if item.supportsService("com.sun.star.text.Paragraph"):
            out.append(item)
    return out


def _state(doc: Any) -> dict[str, Any]:
    paragraphs = [[p.ParaStyleName, p.getPropertyValue("ListLabelString") or "", p.getString()] for p in _body(doc)]
    references = []
    fields = doc.getTextFields().createEnumeration()
    marks = doc.getBookmarks()
    while fields.hasMoreElements():
        f = fields.nextElement()
        if f.supportsService("com.sun.star.text.TextField.GetReference"):
            name = f.SourceName
            target = marks.getByName(name).getAnchor().getText() if marks.hasByName(name) else None
            anchor = marks.getByName(name).getAnchor() if marks.hasByName(name) else None
            text = "" if anchor is None or target is None else _paragraph_of(doc, anchor)
            references.append([name, f.CurrentPresentation, text])
    contents: list[str] = []
    indexes = doc.getDocumentIndexes()
    for i in range(indexes.getCount()):
        contents += indexes.getByIndex(i).getAnchor().getString().splitlines()
    return {"paragraphs": paragraphs, "references": references, "contents": contents}


def _paragraph_of(doc: Any, anchor: Any) -> str:
    cursor = doc.getText().createTextCursorByRange(anchor.getStart())
    cursor.gotoStartOfParagraph(False)
    cursor.gotoEndOfParagraph(True)
    return str(cursor.getString())


def _insert_heading(doc: Any, before: str, title: str) -> None:
    from com.sun.star.text.ControlCharacter import PARAGRAPH_BREAK  # type: ignore[import-not-found]

    paragraphs = _body(doc)
    index = next(i for i, p in enumerate(paragraphs) if p.ParaStyleName == "Heading 1" and p.getString() == before)
    previous = paragraphs[index - 1]
    text = doc.getText()
    cursor = text.createTextCursorByRange(previous.getEnd())
    text.insertControlCharacter(cursor, PARAGRAPH_BREAK, False)
    cursor.setPropertyValue("ParaStyleName", "Heading 1")
    # LibreOffice keeps the list level of the paragraph split as direct formatting, where
    # Word's Heading 1 style brings its own level: choose the heading's level, as a user would
    cursor.setPropertyValue("NumberingLevel", 0)
    text.insertString(cursor, title, False)


def _update(doc: Any) -> None:
    doc.refresh()
    indexes = doc.getDocumentIndexes()
    for i in range(indexes.getCount()):
        indexes.getByIndex(i).update()
    doc.getTextFields().refresh()
    for i in range(indexes.getCount()):  # the page numbers once the references are right
        indexes.getByIndex(i).update()


def main() -> None:
    pipe, args = sys.argv[1], sys.argv[2:]
    ctx = _connect(pipe)
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    results = []
    for path, before, title, out in zip(args[::4], args[1::4], args[2::4], args[3::4], strict=True):
        doc = desktop.loadComponentFromURL(Path(path).resolve().as_uri(), "_blank", 0, (_prop("Hidden", True),))
        try:
            generated = _state(doc)
            _update(doc)  # what opening in Word does (w:updateFields), before any edit
            seen = _state(doc)
            _insert_heading(doc, before, title)
            _update(doc)
            after = _state(doc)
            doc.storeToURL(Path(out).resolve().as_uri(), (_prop("FilterName", "MS Word 2007 XML"),))
        finally:
            doc.close(True)
        saved = desktop.loadComponentFromURL(Path(out).resolve().as_uri(), "_blank", 0, (_prop("Hidden", True),))
        try:
            reopened = _state(saved)
        finally:
            saved.close(True)
        results.append({"generated": generated, "before": seen, "after": after, "reopened": reopened})
    print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    main()
