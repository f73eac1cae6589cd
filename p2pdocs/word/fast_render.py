"""The fast render path: a Word template prepared once, rendered many times.

docxtpl reloads, re-patches and recompiles the whole template on every render. Here the
template is prepared once per process: docxtpl's own tag preprocessing (``patch_xml``) runs
once per templated part (the body, headers, footers), each is compiled once, and every
other part of the package is kept as bytes to copy. A render then only renders the
templated parts, applies docxtpl's own post-processing, makes sure each part is
well-formed (proved once of every render of the body where its template allows
(:func:`p2pdocs.word.scan.well_formed_always`), else checked on each render by a parser
in strict mode: a broken part fails loudly rather than losing text), and writes the zip
with fixed timestamps. The output is equivalent to docxtpl's render, part by part.

Values the fast path does not handle (images, sub-documents, rich text with links, which
add parts or relationships) are detected in the context, and the caller then uses
docxtpl's full path.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import fields, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from itertools import repeat
from operator import attrgetter
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import jinja2
from lxml import etree

from p2pdocs.compose.limits import LOOPS
from p2pdocs.compose.marks import plain
from p2pdocs.errors import P2pdocsError, RenderTimeout, TemplateError
from p2pdocs.word import scan
from p2pdocs.word.fields import finish_body
from p2pdocs.word.grids import fixed
from p2pdocs.word.marks import values_property
from p2pdocs.word.package import MAX_MEMBER, read_package
from p2pdocs.word.provenance import CUSTOM, RELS, finish_properties, part_fingerprints, register_custom_part
from p2pdocs.word.scan import paragraphs
from p2pdocs.word.zipwriter import Entry, Prefix, package

HEADER_URI = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
FOOTER_URI = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"
CORE = "docProps/core.xml"
_SPECIAL = re.compile("[\t\a\n\f]")
#: docxtpl's escapes for a literal tag in a template, and what they stand for.
LITERAL_TAGS = (("{_{", "{{"), ("}_}", "}}"), ("{_%", "{%"), ("%_}", "%}"))
_SCALARS = frozenset({str, int, float, Decimal, date, datetime, bool, type(None)})


_STR = repeat(str)
#: per dataclass, a function giving the values of its fields (dataclasses.fields is slow)
_FIELDS: dict[type, Callable[[Any], tuple[Any, ...]]] = {}


def _getter(kind: type) -> Callable[[Any], tuple[Any, ...]]:
    names = [f.name for f in fields(kind)]
    if len(names) == 1:
        return lambda item: (getattr(item, names[0]),)
    return attrgetter(*names) if names else (lambda item: ())


def is_plain(value: Any) -> bool:
    """Whether ``value`` holds only data the fast path renders exactly like docxtpl
    (no images, sub-documents or rich text, which add parts or relationships)."""
    stack = [value]
    seen = 0
    while stack:
        item = stack.pop()
        kind = type(item)
        seen += 1
        if kind is str or kind in _SCALARS:
            continue
        if seen > 1_000_000:
            return False
        if kind is dict:
            if not all(map(isinstance, item, _STR)):
                return False
            stack.extend(item.values())
        elif kind is list:
            stack.extend(item)
        elif isinstance(item, Mapping):
            if not all(type(k) is str for k in item):
                return False
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
        elif (names := _FIELDS.get(kind)) is not None:
            stack.extend(names(item))
        elif is_dataclass(item) and not isinstance(item, type):
            _FIELDS[kind] = _getter(kind)
            stack.extend(_FIELDS[kind](item))
        else:
            return False
    return True


class _Part:
    def __init__(self, name: str, template: jinja2.Template, encoding: str, source: str) -> None:
        self.name = name
        self.template = template
        self.encoding = encoding
        self.static = "{" not in source  # no tags: renders the same for every document


class PreparedTemplate:
    """A .docx template ready to render many documents quickly."""

    def __init__(self, path: Path, env: jinja2.Environment) -> None:
        from docxtpl import DocxTemplate

        self.path = path
        self.entries = read_package(path)  # checked before docxtpl or python-docx read a byte
        try:
            document = dict(self.entries)["word/document.xml"].decode("utf-8")
        except UnicodeDecodeError:
            raise TemplateError(f"{path}: word/document.xml is not UTF-8") from None
        match = re.search(r"<w:body>.*</w:body>", document, flags=re.DOTALL)
        if match is None:
            raise TemplateError(f"{path}: word/document.xml has no body")
        self.before_body, self.after_body = document[: match.start()].encode(), document[match.end() :].encode()
        try:
            self.tpl = DocxTemplate(str(path))
            self.tpl.render_init()
            source = self._source(self.tpl.patch_xml(self.tpl.get_xml()))
            self._declared("word/document.xml", source)
            self.body = env.from_string(source)
            self.shape = scan.shape(source)
            self.parts = [
                self._prepare(part, env)
                for uri in (HEADER_URI, FOOTER_URI)
                for _, part in self.tpl.get_headers_footers(uri)
            ]
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(f"{path}: line {exc.lineno}: {exc.message}") from None
        except TemplateError:
            raise
        except Exception as exc:
            raise TemplateError(f"{path}: not a usable Word template: {type(exc).__name__}: {exc}") from None
        self.sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
        entries = dict(self.entries)
        entries["[Content_Types].xml"], entries["_rels/.rels"] = register_custom_part(
            entries["[Content_Types].xml"], entries["_rels/.rels"]
        )
        for part in self.parts:  # a header or footer without tags is rendered once, here
            if part.static:
                try:
                    entries[part.name] = self._finish(part.template.render({})).encode(part.encoding)
                except Exception as exc:
                    raise self._failure(exc) from None
                self._check(part.name, entries[part.name])
        self.parts = [part for part in self.parts if not part.static]
        templated = {part.name for part in self.parts}
        self.fixed_marks = part_fingerprints((n, d) for n, d in entries.items() if n not in templated)
        self.rels = etree.fromstring(entries[RELS]) if RELS in entries else None
        self.entries = list(entries.items())
        self.templated = {"word/document.xml", CORE, CUSTOM, *(part.name for part in self.parts)}
        self.static = Prefix(Entry(n, d, 9) for n, d in self.entries if n not in self.templated)

    @staticmethod
    def _source(xml: str) -> str:
        # docxtpl puts each paragraph on a line of its own (for error line numbers) and joins
        # them again after rendering; the output is the same without, and faster.
        # Its escapes for literal tags ({_{ ... }_}) are resolved here, in the template, not
        # in the output as docxtpl does, where they would also rewrite a user's value.
        for escaped, literal in LITERAL_TAGS:
            xml = xml.replace(escaped, "{{ '" + literal + "' }}")
        return xml

    def _prepare(self, part: Any, env: jinja2.Environment) -> _Part:
        xml = self.tpl.get_part_xml(part)
        encoding = self.tpl.get_headers_footers_encoding(xml)
        source = self._source(self.tpl.patch_xml(xml))
        self._declared(str(part.partname).lstrip("/"), source)
        return _Part(str(part.partname).lstrip("/"), env.from_string(source), encoding, source)

    def _finish(self, rendered: str) -> str:
        xml = rendered
        if "\t" not in xml and "\n" not in xml and "\a" not in xml and "\f" not in xml:
            return xml  # the common case, found at memchr speed
        # docxtpl's resolve_listing turns \t \a \n \f in text into tabs, paragraphs, breaks and
        # page breaks; it changes only the paragraphs holding one, so only those are passed to it.
        pieces: list[str] = []
        done = 0
        for special in _SPECIAL.finditer(xml):
            if special.start() < done:
                continue
            start = max(xml.rfind("<w:p>", 0, special.start()), xml.rfind("<w:p ", 0, special.start()))
            end = xml.find("</w:p>", special.start())
            if start < done or end < 0:
                return str(self.tpl.resolve_listing(xml))  # not inside one paragraph: let docxtpl decide
            end += len("</w:p>")
            pieces += [xml[done:start], str(self.tpl.resolve_listing(xml[start:end]))]
            done = end
        return "".join([*pieces, xml[done:]]) if pieces else xml

    def _failure(self, exc: Exception) -> P2pdocsError:
        """What went wrong rendering the template, as an error naming it."""
        if isinstance(exc, RenderTimeout):
            return RenderTimeout(f"{self.path}: {exc}")
        if isinstance(exc, P2pdocsError):
            return exc
        if isinstance(exc, jinja2.UndefinedError):
            return TemplateError(f"{self.path}: {exc.message}")
        if isinstance(exc, jinja2.TemplateError):
            return TemplateError(f"{self.path}: refused: {exc}")
        return TemplateError(f"{self.path}: {type(exc).__name__}: {exc}")

    def _declared(self, name: str, source: str) -> None:
        """Refuse a templated part whose markup uses a namespace prefix it never declares
        (which :func:`scan.check`, checking each render, does not look for)."""
        if missing := scan.undeclared_prefixes(source):
            raise TemplateError(f"{self.path}: {name} uses the undeclared namespace prefix {missing[0]!r}")

    def _check(self, name: str, xml: bytes) -> None:
        try:
            scan.check(xml)
        except etree.XMLSyntaxError as exc:
            raise TemplateError(f"{self.path}: {name} rendered to invalid XML: {exc}") from None

    def render_parts(
        self, context: Mapping[str, Any], core: bytes, custom: tuple[tuple[str, str], ...] = ()
    ) -> dict[str, bytes]:
        """The templated parts of one document, rendered and checked."""
        out: dict[str, bytes] = {}
        LOOPS.left = LOOPS.limit
        try:
            rendered, values = finish_body(self._finish(self.body.render(context)), context.get("contents", ()))
            body = rendered.encode("utf-8")
            for part in self.parts:
                xml = plain(self._finish(part.template.render(context))).encode(part.encoding)
                self._check(part.name, xml)
                out[part.name] = xml
        except Exception as exc:
            raise self._failure(exc) from None
        if len(body) > MAX_MEMBER:
            raise TemplateError(f"{self.path}: word/document.xml rendered to more than {MAX_MEMBER:,} bytes")
        if not self.shape.well_formed:  # proved of every render once, or checked on each
            self._check("word/document.xml", body)
        body_xml, tree = fixed(body, self.shape)
        out["word/document.xml"] = b"".join((self.before_body, body_xml, self.after_body))
        out[CORE] = core
        marks = {**self.fixed_marks, **part_fingerprints((part.name, out[part.name]) for part in self.parts)}
        custom = (*custom, *values_property(values))
        texts, sections = paragraphs(body), tree.iter(f"{_W}sectPr")
        out[CUSTOM] = finish_properties(custom, self.path.name, self.sha256, texts, sections, marks, self.rels)
        return out

    def render(self, context: Mapping[str, Any], core: bytes, custom: tuple[tuple[str, str], ...] = ()) -> bytes:
        """One finished .docx: the static parts copied, the templated ones rendered."""
        return self.package(self.render_parts(context, core, custom))

    def package(self, rendered: Mapping[str, bytes]) -> bytes:
        """The rendered parts appended to the static parts, compressed once and cached."""
        # the static parts were compressed at level 9 once; rendered ones at 1, which is fast
        return package((Entry(name, data, 1) for name, data in rendered.items()), self.static)


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def write_package(entries: list[tuple[str, bytes]], level: int = 6) -> bytes:
    """A zip of ``entries`` in order, with fixed dates and attributes: reproducible bytes."""
    return package(Entry(name, data, level) for name, data in entries)


def core_xml(title: str, subject: str, keywords: str, comments: str, author: str, stamp: str) -> bytes:
    """docProps/core.xml with the given properties; ``stamp`` is an ISO 8601 UTC time."""
    e = escape
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{e(title)}</dc:title><dc:subject>{e(subject)}</dc:subject><dc:creator>{e(author)}</dc:creator>"
        f"<cp:keywords>{e(keywords)}</cp:keywords><dc:description>{e(comments)}</dc:description>"
        f"<cp:lastModifiedBy>{e(author)}</cp:lastModifiedBy><cp:revision>1</cp:revision>"
        f'<cp:lastPrinted>{stamp}</cp:lastPrinted><dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        "</cp:coreProperties>"
    ).encode()
