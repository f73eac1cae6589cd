"""Values from the deal as Word content controls, and reading them back.

Clause text writes each value from the deal between invisible markers naming its field
(:mod:`p2pdocs.compose.marks`). After the template is rendered, :func:`to_controls` turns
each marked piece of a ``w:t`` into an inline plain-text content control: ``w:tag`` the
field path (``agreement.payment.days``), ``w:alias`` a readable label and the path (the
label from the field catalogue; LibreOffice 7.4 keeps the alias of an inline control but
drops its tag when it saves a .docx, so the path is in both), no placeholder and the
default appearance (Word shows a control's box only while the cursor is in it, never in
print). The run's formatting is kept on both sides, so the document reads, looks and prints
exactly as without: only the markup differs.

:func:`controls` reads them back from a document, whoever saved it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from xml.sax.saxutils import quoteattr

from lxml import etree

from p2pdocs.compose.marks import CLOSE, OPEN, plain, spans

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_RPR = re.compile(r"<w:rPr>.*?</w:rPr>|<w:rPr/>", flags=re.DOTALL)
#: content control ids: unique within a document, the same for the same document
FIRST_ID = 710_000
_ALIAS_PATH = re.compile(r" \| ([A-Za-z0-9_.\[\]\-]+)$")


@lru_cache(maxsize=4096)
def label(path: str) -> str:
    """A readable label for a concrete field path: the field catalogue's label of the most
    specific entry matching it (``agreement.margins[1].by_year[0]`` -> "margins by contract
    year"), else the path's last name in words."""
    best: tuple[int, str] | None = None
    for pattern, text in _labels():
        if pattern.fullmatch(path) or pattern.fullmatch(re.sub(r"\[\d+\]$", "", path)):
            weight = len(pattern.pattern)
            if best is None or weight > best[0]:
                best = (weight, text)
    if best is not None:
        return best[1][:1].upper() + best[1][1:]
    last = re.sub(r"\[\d+\]", "", path).rsplit(".", 1)[-1]
    return last.replace("_", " ").capitalize()


@lru_cache(maxsize=1)
def _labels() -> list[tuple[re.Pattern[str], str]]:
    from p2pdocs.compose.fields import catalogue

    out = []
    for path, info in catalogue().fields.items():
        pattern = re.escape(path).replace(r"\[\]", r"\[\d+\]").replace(r"\*", r"[^.\[\]]+")
        out.append((re.compile(pattern), info.label))
    return out


def alias(path: str) -> str:
    return f"{label(path)} | {path}"


def path_in_alias(text: str) -> str | None:
    found = _ALIAS_PATH.search(text)
    return found.group(1) if found else None


def _control(path: str, text: str, rpr: str, number: int) -> str:
    return (
        f"<w:sdt><w:sdtPr><w:alias w:val={quoteattr(alias(path))}/><w:tag w:val={quoteattr(path)}/>"
        f'<w:id w:val="{number}"/><w:text/></w:sdtPr><w:sdtContent>'
        f'<w:r>{rpr}<w:t xml:space="preserve">{text}</w:t></w:r></w:sdtContent></w:sdt>'
    )


def to_controls(xml: str, first: int = FIRST_ID) -> str:
    """``xml`` (a rendered part) with every marked value a content control and every other
    marker removed. Quick when there is none (the check runs at memchr speed)."""
    if OPEN not in xml and CLOSE not in xml:
        return xml
    pieces: list[str] = []
    done = 0
    number = first
    pos = xml.find(OPEN)
    while pos >= 0:
        head_end = xml.rfind(">", 0, pos) + 1
        head = xml.rfind("<", 0, head_end)
        end = xml.find("</w:t>", pos)
        run = max(xml.rfind("<w:r>", 0, head), xml.rfind("<w:r ", 0, head))
        tag = xml[head:head_end]
        if end < 0 or run < done or not (tag.startswith("<w:t>") or tag.startswith("<w:t ")):
            pos = xml.find(OPEN, pos + 1)  # not inside a run's text: no control, markers removed
            continue
        rpr_found = _RPR.search(xml, run, head)
        rpr = rpr_found.group(0) if rpr_found else ""
        out: list[str] = []
        for path, text in spans(xml[head_end:end]):
            if path is None:
                out.append(f'<w:t xml:space="preserve">{text}</w:t>')
            else:
                out.append(f"</w:r>{_control(path, text, rpr, number)}<w:r>{rpr}")
                number += 1
        pieces += [plain(xml[done:head]), *out]
        done = end + len("</w:t>")
        pos = xml.find(OPEN, done)
    rest = xml[done:]
    pieces.append(plain(rest) if OPEN in rest or CLOSE in rest else rest)
    return "".join(pieces)


@dataclass(frozen=True)
class Control:
    """A content control holding a value from the deal, as found in a document."""

    path: str
    text: str
    element: Any


def control_path(sdt: etree._Element) -> str | None:
    """The field path of content control ``sdt``: its tag, else the path its alias ends with."""
    pr = sdt.find(f"{W}sdtPr")
    if pr is None:
        return None
    tag = pr.find(f"{W}tag")
    if tag is not None and tag.get(f"{W}val"):
        return str(tag.get(f"{W}val"))
    found = pr.find(f"{W}alias")
    return path_in_alias(str(found.get(f"{W}val", ""))) if found is not None else None


def paragraph_text(paragraph: Any) -> str:
    """The text of a python-docx paragraph as Word shows it, values in content controls
    included (python-docx's ``paragraph.text`` skips them)."""
    return "".join(r.text for r in paragraph._p.xpath("w:r | w:hyperlink | w:sdt/w:sdtContent/w:r"))


def cell_text(cell: Any) -> str:
    return "\n".join(paragraph_text(p) for p in cell.paragraphs)


def unwrap_controls(root: etree._Element) -> etree._Element:
    """``root`` with every inline content control replaced by its content (the runs stay,
    with their text and formatting): for markup that LibreOffice cannot track changes in."""
    for sdt in list(root.iter(f"{W}sdt")):
        parent = sdt.getparent()
        content = sdt.find(f"{W}sdtContent")
        if parent is None or parent.tag != f"{W}p":
            continue
        for child in list(content) if content is not None else []:
            sdt.addprevious(child)
        parent.remove(sdt)
    return root
