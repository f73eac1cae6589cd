"""Word fields and bookmarks in a rendered body: cross-references, the contents, keep-with-next.

The composition writes text, not XML: a cross-reference is text carrying a marker
(private-use characters that no deal or clause text holds, see :func:`ref`) with the
bookmark it points at and its number as the composition computed it. Once the template is
rendered, :func:`finish_body` turns every marker into Word's own markup: a bookmark around
each numbered heading or clause a reference can target (``_Ref_<clause id>``), a ``REF``
field to it (``REF _Ref_x \\r \\h``) whose cached result is that number, ``w:keepNext`` on a
sentence that introduces a table, a ``TOC`` field with its entries cached in place of
the contents paragraph, and each of the deal's values as a bookmarked run of its own
(:mod:`p2pdocs.word.marks`). The same text read as plain text (:func:`plain`) shows the number.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape

from p2pdocs.compose.marks import CLOSE as VALUE_CLOSE
from p2pdocs.compose.marks import OPEN as VALUE_OPEN
from p2pdocs.compose.marks import SEP as VALUE_SEP
from p2pdocs.word.marks import value_bookmark

REF, SEP, CLOSE, MARK, END, KEEP, TOC = (chr(c) for c in range(0xE000, 0xE007))
_ANY = re.compile("[\ue000-\ue006]")
_PLAIN = re.compile("\ue000[^\ue001]*\ue001([^\ue002]*)\ue002|\ue003[^\ue002]*\ue002|[\ue004\ue005\ue006]")
_MARKED = re.compile("\ue000([^\ue001]*)\ue001([^\ue002]*)\ue002|\ue003([^\ue002]*)\ue002|\ue004|\ue005")
_NAME_LIMIT = 40  # Word's longest bookmark name
_BEGIN = '<w:fldChar w:fldCharType="begin"/>'
_TOC_INSTRUCTION = ' TOC \\o "1-2" \\h \\z \\u '


@functools.lru_cache(maxsize=8192)
def bookmark_name(target: str) -> str:
    """The bookmark of clause (or clause#paragraph) ``target``: ``_Ref_`` and the id with
    anything but letters, digits and underscores as ``_``; a long id is shortened with a
    hash of it, so that it stays within Word's 40 characters and distinct."""
    name = "_Ref_" + re.sub(r"[^A-Za-z0-9_]", "_", target)
    if len(name) <= _NAME_LIMIT:
        return name
    digest = hashlib.sha256(target.encode("utf-8")).hexdigest()[:8]
    return f"{name[: _NAME_LIMIT - 9]}_{digest}"


def ref(target: str, number: str) -> str:
    """A cross-reference to ``target``, numbered ``number`` now (a REF field once rendered)."""
    return f"{REF}{bookmark_name(target)}{SEP}{number}{CLOSE}"


def bookmarked(target: str, text: str) -> str:
    """``text`` as the content of the bookmark of ``target``."""
    return f"{MARK}{bookmark_name(target)}{CLOSE}{text}{END}"


def kept(text: str) -> str:
    """``text`` as a paragraph kept on the page of the next one (the table it introduces)."""
    return KEEP + text


def plain(text: str) -> str:
    """``text`` as a reader sees it: each reference as its number, no other marker."""
    return _PLAIN.sub(lambda m: m.group(1) or "", text) if _ANY.search(text) else text


def references(text: str) -> list[str]:
    """The bookmarks the references in ``text`` point at, in order."""
    return [m.group(1) for m in _MARKED.finditer(text) if m.group(1) is not None]


def toc_paragraph() -> str:
    """The text of the paragraph the contents (a TOC field) replaces."""
    return TOC


def _runs(rpr: str, *content: str) -> str:
    return "".join(f"<w:r>{rpr}{c}</w:r>" for c in content)


@functools.lru_cache(maxsize=8192)  # the same references recur in every document of a kind
def field(instruction: str, result: str, rpr: str = "") -> str:
    """A complex field: begin, instruction, separate, its cached ``result``, end."""
    cached = _runs(rpr, f'<w:t xml:space="preserve">{escape(result)}</w:t>') if result else ""
    return (
        _runs(
            rpr, '<w:fldChar w:fldCharType="begin"/>', f'<w:instrText xml:space="preserve">{instruction}</w:instrText>'
        )
        + _runs(rpr, '<w:fldChar w:fldCharType="separate"/>')
        + cached
        + _runs(rpr, '<w:fldChar w:fldCharType="end"/>')
    )


_TOC_BEGIN = _runs("", _BEGIN, f'<w:instrText xml:space="preserve">{_TOC_INSTRUCTION}</w:instrText>') + _runs(
    "", '<w:fldChar w:fldCharType="separate"/>'
)
_TOC_END = _runs("", '<w:fldChar w:fldCharType="end"/>')


class _Bookmarks:
    def __init__(self) -> None:
        self.next = 0
        self.open: list[int | None] = []
        self.names: set[str] = set()

    def start(self, name: str) -> str:
        if name in self.names:  # a name once only: the first holder keeps it
            self.open.append(None)
            return ""
        self.names.add(name)
        self.open.append(self.next)
        self.next += 1
        return f'<w:bookmarkStart w:id="{self.open[-1]}" w:name="{name}"/>'

    def end(self) -> str:
        found = self.open.pop() if self.open else None
        return "" if found is None else f'<w:bookmarkEnd w:id="{found}"/>'


def finish_body(xml: str, toc: Sequence[Mapping[str, Any]] = ()) -> tuple[str, list[str]]:
    """``xml`` (a rendered body) with every marker turned into Word markup, and the
    contents paragraph into a TOC field over ``toc`` (entries: level, text, bookmark);
    with it, the field path of each deal value bookmarked (``_Val_1`` first, see
    :mod:`p2pdocs.word.marks`).

    One pass over the markers, found at memchr speed (``str.find``; a character class
    would be scanned by the regex engine char by char): each splits the text run it is in
    (the run's properties carried over, no empty run left), and the text before it keeps
    its spaces. A value written where it cannot be a run of its own (across markup, or
    outside a run's text) loses its markers and stays as text."""
    if KEEP in xml:
        xml = _kept(xml)
    starts = _starts(xml)
    paths: list[str] = []
    if not starts:
        return xml, paths
    marks = _Bookmarks()
    pieces: list[str] = []
    done = 0
    rpr = ""
    reopen = ""
    for at in starts:
        if at < done:
            continue
        marker = xml[at]
        if marker == TOC:
            begin, end = _paragraph_bounds(xml, at)
            pieces += [xml[done:begin], _toc(toc)]
            done = end
            continue
        value = _value(xml, at) if marker == VALUE_OPEN else None
        if marker == VALUE_CLOSE or (marker == VALUE_OPEN and value is None):
            pieces.append(xml[done:at])
            done = _unmarked(xml, at)  # the markers go, the text stays
            continue
        run = max(xml.rfind("<w:r>", done, at), xml.rfind("<w:r ", done, at))
        if run >= 0:  # a run of the template: its properties, its text opened with spaces kept
            close = xml.find(">", run) + 1
            rpr = xml[close : xml.find("</w:rPr>", close) + len("</w:rPr>")] if xml.startswith("<w:rPr>", close) else ""
            reopen = f'<w:r>{rpr}<w:t xml:space="preserve">'
            text = xml.rfind("<w:t", run, at)
            opened = xml.find(">", text) + 1
            if opened == at:  # nothing before the marker in this run
                pieces.append(xml[done:run])
            else:
                pieces += [xml[done:text], '<w:t xml:space="preserve">', xml[opened:at], "</w:t></w:r>"]
        elif pieces and pieces[-1] == reopen and done == at:
            pieces.pop()  # the run this loop reopened holds nothing yet
        else:
            pieces += [xml[done:at], "</w:t></w:r>"]
        if marker == REF:
            sep = xml.index(SEP, at)
            done = xml.index(CLOSE, sep) + 1
            pieces.append(field(f" REF {xml[at + 1 : sep]} \\r \\h ", xml[sep + 1 : done - 1], rpr))
        elif marker == MARK:
            done = xml.index(CLOSE, at) + 1
            pieces.append(marks.start(xml[at + 1 : done - 1]))
        elif value is not None:
            sep, close = value
            done = close + 1
            paths.append(xml[at + 1 : sep])
            pieces.append(value_bookmark(len(paths), rpr, xml[sep + 1 : close]))
        else:
            done = at + 1
            pieces.append(marks.end())
        if xml.startswith("</w:t></w:r>", done):
            done += len("</w:t></w:r>")
        else:
            pieces.append(reopen)
    pieces.append(xml[done:])
    return "".join(pieces), paths


#: where a reference, a bookmark, its end, the contents and a deal value's markers are
_STARTERS = (REF, MARK, END, TOC, VALUE_OPEN, VALUE_CLOSE)


def _starts(xml: str) -> list[int]:
    found: list[int] = []
    for marker in _STARTERS:
        at = xml.find(marker)
        while at >= 0:
            found.append(at)
            at = xml.find(marker, at + 1)
    found.sort()
    return found


def _value(xml: str, at: int) -> tuple[int, int] | None:
    """Where the value marked at ``at`` has its separator and its end, when it lies within
    one run's text (no markup or other value inside): it can be a run of its own."""
    close = xml.find(VALUE_CLOSE, at)
    sep = xml.find(VALUE_SEP, at, close) if close > 0 else -1
    if sep < 0 or xml.find("<", at, close) >= 0 or xml.find(VALUE_OPEN, at + 1, close) >= 0:
        return None
    return (sep, close) if xml.startswith(("<w:t>", "<w:t "), xml.rfind("<", 0, at)) else None


def _unmarked(xml: str, at: int) -> int:
    """Where the text goes on after the value marker at ``at``, dropped: an end marker, or
    an opening one with its field path (as :func:`p2pdocs.compose.marks.plain` drops them)."""
    if xml[at] == VALUE_OPEN:
        sep = xml.find(VALUE_SEP, at)
        if sep > 0 and xml.find(VALUE_OPEN, at + 1, sep) < 0 and xml.find(VALUE_CLOSE, at, sep) < 0:
            return sep + 1
    return at + 1


def _kept(xml: str) -> str:
    """Each paragraph holding the keep marker given ``w:keepNext``, the marker dropped."""
    pieces: list[str] = []
    done = 0
    while (at := xml.find(KEEP, done)) >= 0:
        begin = _paragraph_bounds(xml, at)[0]
        if begin >= done:
            pieces += [xml[done:begin], _keep_next(xml[begin:at])]
        else:
            pieces.append(xml[done:at])
        done = at + 1
    return "".join([*pieces, xml[done:]])


def _paragraph_bounds(xml: str, at: int) -> tuple[int, int]:
    begin = max(xml.rfind("<w:p>", 0, at), xml.rfind("<w:p ", 0, at))
    end = xml.find("</w:p>", at)
    if begin < 0 or end < 0:
        raise ValueError("a field marker outside a paragraph")
    return begin, end + len("</w:p>")


def _keep_next(xml: str) -> str:
    if "<w:keepNext/>" in xml:
        return xml
    style = re.search(r"<w:pStyle [^>]*/>", xml)
    if style is not None:
        return xml[: style.end()] + "<w:keepNext/>" + xml[style.end() :]
    opened = re.match(r"<w:p(?:\s[^>]*)?>(<w:pPr>|<w:pPr/>)?", xml)
    assert opened is not None
    if opened.group(1) == "<w:pPr>":
        return xml[: opened.end()] + "<w:keepNext/>" + xml[opened.end() :]
    if opened.group(1) == "<w:pPr/>":
        return xml[: opened.start(1)] + "<w:pPr><w:keepNext/></w:pPr>" + xml[opened.end() :]
    return xml[: opened.end()] + "<w:pPr><w:keepNext/></w:pPr>" + xml[opened.end() :]


def _toc(entries: Sequence[Mapping[str, Any]]) -> str:
    """The contents: a TOC field whose result is one paragraph per entry, each a link to
    its heading with a PAGEREF field for its page (cached when known)."""
    if not entries:
        return f'<w:p><w:pPr><w:pStyle w:val="TOC1"/></w:pPr>{_TOC_BEGIN}{_TOC_END}</w:p>'
    last = len(entries) - 1
    return "".join(
        _entry(int(e["level"]), str(e["text"]), str(e["bookmark"]), str(e.get("page") or ""), i == 0, i == last)
        for i, e in enumerate(entries)
    )


@functools.lru_cache(maxsize=8192)
def _entry(level: int, text: str, name: str, page: str, first: bool, last: bool) -> str:
    """One paragraph of the contents (the first opens the TOC field, the last closes it)."""
    link = _runs("", f'<w:t xml:space="preserve">{escape(text)}</w:t>')
    if page:
        link += _runs("", "<w:tab/>") + field(f" PAGEREF {name} \\h ", page)
    return (
        f'<w:p><w:pPr><w:pStyle w:val="TOC{level}"/></w:pPr>'
        + (_TOC_BEGIN if first else "")
        + f'<w:hyperlink w:anchor="{name}" w:history="1">{link}</w:hyperlink>'
        + (_TOC_END if last else "")
        + "</w:p>"
    )


# The contents' page numbers, once a converter has laid the document out --------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _contents(root: Any) -> list[Any]:
    return [
        p
        for p in root.iter(f"{_W}p")
        if (style := p.find(f"{_W}pPr/{_W}pStyle")) is not None and str(style.get(f"{_W}val")).startswith("TOC")
    ]


def contents_entries(docx: bytes) -> list[str]:
    """The text of each entry of the contents of ``docx`` (none when it has no contents)."""
    import io
    import zipfile

    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        root = etree.fromstring(package.read("word/document.xml"))
    return [
        "".join(t.text or "" for link in p.iter(f"{_W}hyperlink") for t in link.iter(f"{_W}t")) for p in _contents(root)
    ]


def with_pages(docx: bytes, pages: Sequence[int | None]) -> bytes:
    """``docx`` with each entry of its contents followed by its page (a PAGEREF field whose
    cached result is that page), where ``pages`` knows it."""
    import io
    import zipfile

    from lxml import etree

    from p2pdocs.word.fast_render import write_package

    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        entries = [(i.filename, package.read(i.filename)) for i in package.infolist()]
    root = etree.fromstring(dict(entries)["word/document.xml"])
    for p, page in zip(_contents(root), pages, strict=False):
        link = p.find(f"{_W}hyperlink")
        if page is None or link is None or link.find(f".//{_W}instrText") is not None:
            continue
        name = str(link.get(f"{_W}anchor"))
        runs = "<w:r><w:tab/></w:r>" + field(f" PAGEREF {name} \\h ", str(page))
        wrapper = etree.fromstring(f'<w:x xmlns:w="{_W[1:-1]}">{runs}</w:x>')
        link.extend(list(wrapper))
    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return write_package([(n, xml if n == "word/document.xml" else d) for n, d in entries])
