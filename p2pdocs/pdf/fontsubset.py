"""A TrueType font cut down to the glyphs of a short text, to embed in a PDF.

fontTools' subsetter does the cutting. Glyph ids are kept (the other glyphs are emptied,
not renumbered), and the layout tables (GSUB, GPOS...) that a PDF does not use are left
out. The same font and text always give the same bytes: the font's own timestamps are kept.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass

from fontTools import subset as fonttools_subset
from fontTools.ttLib import TTFont, TTLibError


class FontUnreadable(ValueError):
    """Not a TrueType font this module can read."""


@dataclass(frozen=True)
class Subset:
    data: bytes
    units_per_em: int
    #: advance width of each character of the text, in font units
    advances: dict[str, int]
    bbox: tuple[int, int, int, int]
    ascent: int
    descent: int
    cap_height: int


def subset(font: bytes, text: str) -> Subset:
    """``font`` (TrueType bytes) with only the glyphs of ``text`` (and .notdef)."""
    quiet = logging.getLogger("fontTools")  # the library never prints: fontTools' notes are not ours to show
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        return _subset(font, text)
    finally:
        quiet.setLevel(level)


def _subset(font: bytes, text: str) -> Subset:
    try:
        tt = TTFont(io.BytesIO(font), recalcTimestamp=False, lazy=False)
        if "glyf" not in tt:
            raise FontUnreadable("not a TrueType font (no glyf table)")
        cmap = tt.getBestCmap() or {}
        missing = "".join(sorted({c for c in text if ord(c) not in cmap}))
        if missing:
            raise FontUnreadable(f"no glyph for {missing!r}")
        head, hhea, hmtx = tt["head"], tt["hhea"], tt["hmtx"]
        os2 = tt.get("OS/2")
        metrics = Subset(
            data=b"",
            units_per_em=int(head.unitsPerEm),
            advances={c: int(hmtx[cmap[ord(c)]][0]) for c in text},
            bbox=(int(head.xMin), int(head.yMin), int(head.xMax), int(head.yMax)),
            ascent=int(hhea.ascent),
            descent=int(hhea.descent),
            cap_height=int(getattr(os2, "sCapHeight", 0) or hhea.ascent),
        )
        options = fonttools_subset.Options()
        options.retain_gids = True
        options.notdef_outline = True
        options.layout_features = []
        options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "JSTF", "DSIG", "kern"]
        cutter = fonttools_subset.Subsetter(options)
        cutter.populate(text=text)
        cutter.subset(tt)
        out = io.BytesIO()
        tt.save(out)
    except FontUnreadable:
        raise
    except (TTLibError, KeyError, AssertionError, ValueError, EOFError) as exc:
        raise FontUnreadable(f"not a TrueType font this can read: {exc}") from None
    return Subset(**{**metrics.__dict__, "data": out.getvalue()})
