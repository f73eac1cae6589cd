"""The diagonal DRAFT watermark of a draft's PDFs, in Carlito Bold embedded in the PDF
(the glyphs of "DRAFT" only), so every viewer and printer draws the same letters."""

from __future__ import annotations

import math
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from p2pdocs.errors import FontMissing
from p2pdocs.pdf.fontsubset import FontUnreadable, Subset, subset

if TYPE_CHECKING:
    from pypdf import PageObject, PdfWriter
    from pypdf.generic import DecodedStreamObject, IndirectObject

TEXT = "DRAFT"
FONT_NAME = "PPDRFT+Carlito-Bold"  # a subset's name: six letters, plus, the font's name
KNOWN = Path("/usr/share/fonts/truetype/crosextra/Carlito-Bold.ttf")
FONT_HINT = (
    "the DRAFT watermark needs the Carlito font, which was not found. Install it: on Debian or "
    "Ubuntu, apt-get install fonts-crosextra-carlito; elsewhere, from github.com/googlefonts/carlito"
)


def _font_file() -> Path:
    if shutil.which("fc-match"):
        done = subprocess.run(
            ["fc-match", "--format=%{family}\n%{file}", "Carlito:bold"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
            stdin=subprocess.DEVNULL,
        )
        family, _, file = done.stdout.partition("\n")
        if "Carlito" in family.split(",") and file.endswith(".ttf"):
            return Path(file)
    if KNOWN.exists():
        return KNOWN
    raise FontMissing(FONT_HINT)


@cache
def draft_font() -> Subset:
    """Carlito Bold cut down to the glyphs of DRAFT, or :class:`FontMissing`."""
    path = _font_file()
    try:
        return subset(path.read_bytes(), TEXT)
    except (OSError, FontUnreadable, ValueError) as exc:  # a broken install: say what to reinstall
        raise FontMissing(f"{FONT_HINT} ({path}: {exc})") from exc


def _font(writer: PdfWriter) -> IndirectObject:
    """The watermark font, embedded in ``writer``."""
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        NameObject,
        NumberObject,
    )

    font = draft_font()
    scale = 1000 / font.units_per_em
    program = DecodedStreamObject()
    program.set_data(font.data)
    encoded = program.flate_encode()
    encoded[NameObject("/Length1")] = NumberObject(len(font.data))
    descriptor = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/FontDescriptor"),
            NameObject("/FontName"): NameObject("/" + FONT_NAME),
            NameObject("/Flags"): NumberObject(32),  # nonsymbolic: WinAnsi codes through the font's cmap
            NameObject("/FontBBox"): ArrayObject([NumberObject(round(v * scale)) for v in font.bbox]),
            NameObject("/ItalicAngle"): NumberObject(0),
            NameObject("/Ascent"): NumberObject(round(font.ascent * scale)),
            NameObject("/Descent"): NumberObject(round(font.descent * scale)),
            NameObject("/CapHeight"): NumberObject(round(font.cap_height * scale)),
            NameObject("/StemV"): NumberObject(120),
            NameObject("/FontFile2"): writer._add_object(encoded),
        }
    )
    first, last = min(map(ord, TEXT)), max(map(ord, TEXT))
    widths = {ord(c): round(w * scale) for c, w in font.advances.items()}
    return writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/TrueType"),
                NameObject("/BaseFont"): NameObject("/" + FONT_NAME),
                NameObject("/FirstChar"): NumberObject(first),
                NameObject("/LastChar"): NumberObject(last),
                NameObject("/Widths"): ArrayObject(
                    [NumberObject(widths.get(code, 0)) for code in range(first, last + 1)]
                ),
                NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
                NameObject("/FontDescriptor"): writer._add_object(descriptor),
                NameObject("/ToUnicode"): writer._add_object(_to_unicode()),
            }
        )
    )


def _to_unicode() -> DecodedStreamObject:
    """Which character each code of the watermark is, for text extraction and search."""
    from pypdf.generic import DecodedStreamObject

    codes = "".join(f"<{ord(c):02X}> <{ord(c):04X}>\n" for c in sorted(set(TEXT)))
    cmap = DecodedStreamObject()
    cmap.set_data(
        (
            "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
            "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
            "1 begincodespacerange <00> <FF> endcodespacerange\n"
            f"{len(set(TEXT))} beginbfchar\n{codes}endbfchar\n"
            "endcmap CMapName currentdict /CMap defineresource pop end end"
        ).encode()
    )
    return cmap


def watermark(writer: PdfWriter) -> None:
    """DRAFT across every page of ``writer``, one embedded font for all of them."""
    font = _font(writer)
    stamps: dict[tuple[float, float], PageObject] = {}
    for page in writer.pages:
        size = (float(page.mediabox.width), float(page.mediabox.height))
        if size not in stamps:
            stamps[size] = _stamp(*size, font)
        page.merge_page(stamps[size], over=True)


def _stamp(width: float, height: float, font: IndirectObject) -> PageObject:
    """A transparent page with DRAFT written diagonally across its centre."""
    from pypdf import PageObject
    from pypdf.generic import DecodedStreamObject, DictionaryObject, FloatObject, NameObject

    metrics = draft_font()
    page = PageObject.create_blank_page(width=width, height=height)
    angle = math.atan2(height, width)
    cos, sin = math.cos(angle), math.sin(angle)
    size = min(width, height) / 4.2
    text_width = sum(metrics.advances[c] for c in TEXT) * size / metrics.units_per_em
    half_cap = metrics.cap_height * size / metrics.units_per_em / 2
    x = width / 2 - cos * text_width / 2 + sin * half_cap
    y = height / 2 - sin * text_width / 2 - cos * half_cap
    content = DecodedStreamObject()
    content.set_data(
        f"q /P2PDraftAlpha gs 0.75 0.1 0.1 rg BT /P2PDraft {size:.1f} Tf "
        f"{cos:.4f} {sin:.4f} {-sin:.4f} {cos:.4f} {x:.2f} {y:.2f} Tm ({TEXT}) Tj ET Q".encode()
    )
    alpha = DictionaryObject({NameObject("/Type"): NameObject("/ExtGState"), NameObject("/ca"): FloatObject(0.18)})
    page[NameObject("/Resources")] = DictionaryObject(
        {
            NameObject("/Font"): DictionaryObject({NameObject("/P2PDraft"): font}),
            NameObject("/ExtGState"): DictionaryObject({NameObject("/P2PDraftAlpha"): alpha}),
        }
    )
    page[NameObject("/Contents")] = content
    return page
