"""A TrueType font cut down to the glyphs of a short text, to embed in a PDF.

Glyph ids are kept (the other glyphs are emptied, not renumbered), so composite glyphs and
the font's own cmap stay valid; the layout tables (GSUB, GPOS...) that a PDF does not use
are left out. The same font and text always give the same bytes.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

#: tables a PDF viewer may use to draw an embedded TrueType font
KEEP = (
    *(b"OS/2", b"cmap", b"cvt ", b"fpgm", b"glyf", b"head", b"hhea"),
    *(b"hmtx", b"loca", b"maxp", b"name", b"post", b"prep"),
)


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


def _tables(font: bytes) -> dict[bytes, bytes]:
    if len(font) < 12 or font[:4] not in (b"\x00\x01\x00\x00", b"true"):
        raise FontUnreadable("not a TrueType font")
    (count,) = struct.unpack(">H", font[4:6])
    tables = {}
    for i in range(count):
        tag, _, offset, length = struct.unpack(">4sIII", font[12 + 16 * i : 28 + 16 * i])
        tables[tag] = font[offset : offset + length]
    missing = [t.decode() for t in (b"cmap", b"glyf", b"head", b"hhea", b"hmtx", b"loca", b"maxp") if t not in tables]
    if missing:
        raise FontUnreadable("no table " + ", ".join(missing))
    return tables


def _glyph_of(cmap: bytes, char: str) -> int:
    """The glyph of ``char`` in the Windows Unicode (3, 1) format 4 subtable."""
    (count,) = struct.unpack(">H", cmap[2:4])
    for i in range(count):
        platform, encoding, offset = struct.unpack(">HHI", cmap[4 + 8 * i : 12 + 8 * i])
        if (platform, encoding) == (3, 1) and struct.unpack(">H", cmap[offset : offset + 2])[0] == 4:
            sub = cmap[offset:]
            segments = struct.unpack(">H", sub[6:8])[0] // 2
            ends = struct.unpack(f">{segments}H", sub[14 : 14 + 2 * segments])
            base = 16 + 2 * segments
            starts = struct.unpack(f">{segments}H", sub[base : base + 2 * segments])
            deltas = struct.unpack(f">{segments}h", sub[base + 2 * segments : base + 4 * segments])
            ranges_at = base + 4 * segments
            ranges = struct.unpack(f">{segments}H", sub[ranges_at : ranges_at + 2 * segments])
            code = ord(char)
            for s in range(segments):
                if starts[s] <= code <= ends[s]:
                    if ranges[s] == 0:
                        return int(code + deltas[s]) & 0xFFFF
                    at = ranges_at + 2 * s + ranges[s] + 2 * (code - starts[s])
                    glyph = int(struct.unpack(">H", sub[at : at + 2])[0])
                    return (glyph + deltas[s]) & 0xFFFF if glyph else 0
            return 0
    raise FontUnreadable("no Windows Unicode cmap")


def _components(glyph: bytes) -> list[int]:
    """The glyphs a composite glyph is made of."""
    if len(glyph) < 10 or struct.unpack(">h", glyph[:2])[0] >= 0:
        return []
    found, at = [], 10
    while True:
        flags, index = struct.unpack(">HH", glyph[at : at + 4])
        found.append(index)
        at += 4 + (4 if flags & 0x0001 else 2)
        at += 8 if flags & 0x0080 else 4 if flags & 0x0040 else 2 if flags & 0x0008 else 0
        if not flags & 0x0020:
            return found


def _checksum(data: bytes) -> int:
    padded = data + b"\0" * (-len(data) % 4)
    return int(sum(struct.unpack(f">{len(padded) // 4}I", padded))) & 0xFFFFFFFF


def subset(font: bytes, text: str) -> Subset:
    """``font`` (TrueType bytes) with only the glyphs of ``text`` (and .notdef)."""
    tables = _tables(font)
    head, maxp, hhea = tables[b"head"], tables[b"maxp"], tables[b"hhea"]
    glyphs = struct.unpack(">H", maxp[4:6])[0]
    long_loca = struct.unpack(">h", head[50:52])[0] == 1
    loca = tables[b"loca"]
    if long_loca:
        offsets = list(struct.unpack(f">{glyphs + 1}I", loca[: 4 * (glyphs + 1)]))
    else:
        offsets = [2 * o for o in struct.unpack(f">{glyphs + 1}H", loca[: 2 * (glyphs + 1)])]
    glyf = tables[b"glyf"]
    wanted = {0} | {_glyph_of(tables[b"cmap"], c) for c in text}
    todo = list(wanted)
    while todo:
        g = todo.pop()
        for part in _components(glyf[offsets[g] : offsets[g + 1]]):
            if part not in wanted and part < glyphs:
                wanted.add(part)
                todo.append(part)
    new_glyf, new_offsets = bytearray(), []
    for g in range(glyphs):
        new_offsets.append(len(new_glyf))
        if g in wanted:
            new_glyf += glyf[offsets[g] : offsets[g + 1]]
            new_glyf += b"\0" * (-len(new_glyf) % 4)
    new_offsets.append(len(new_glyf))
    out = {t: tables[t] for t in KEEP if t in tables}
    out[b"glyf"] = bytes(new_glyf)
    out[b"loca"] = struct.pack(f">{glyphs + 1}I", *new_offsets)
    out[b"head"] = head[:8] + b"\0\0\0\0" + head[12:50] + struct.pack(">h", 1) + head[52:]
    data, at = _assemble(out)  # at: where head starts; its checkSumAdjustment makes the font sum to 0xB1B0AFBA
    adjust = (0xB1B0AFBA - _checksum(data)) & 0xFFFFFFFF
    data = data[: at + 8] + struct.pack(">I", adjust) + data[at + 12 :]
    metrics = struct.unpack(">H", hhea[34:36])[0]
    hmtx = tables[b"hmtx"]

    def advance(g: int) -> int:
        return int(struct.unpack(">H", hmtx[4 * min(g, metrics - 1) : 4 * min(g, metrics - 1) + 2])[0])

    os2 = tables.get(b"OS/2", b"")
    ascent, descent = struct.unpack(">hh", hhea[4:8])
    cap = struct.unpack(">h", os2[88:90])[0] if len(os2) >= 90 else ascent
    return Subset(
        data=data,
        units_per_em=struct.unpack(">H", head[18:20])[0],
        advances={c: advance(_glyph_of(tables[b"cmap"], c)) for c in text},
        bbox=struct.unpack(">hhhh", head[36:44]),
        ascent=ascent,
        descent=descent,
        cap_height=cap,
    )


def _assemble(tables: dict[bytes, bytes]) -> tuple[bytes, int]:
    """The font file of ``tables``, and where its head table starts."""
    tags = sorted(tables)
    n = len(tags)
    power = 1 << (n.bit_length() - 1)
    header = struct.pack(">4sHHHH", b"\x00\x01\x00\x00", n, power * 16, power.bit_length() - 1, n * 16 - power * 16)
    directory, body = bytearray(), bytearray()
    offset, head = 12 + 16 * n, 0
    for tag in tags:
        data = tables[tag]
        if tag == b"head":
            head = offset + len(body)
        directory += struct.pack(">4sIII", tag, _checksum(data), offset + len(body), len(data))
        body += data + b"\0" * (-len(data) % 4)
    return header + bytes(directory) + bytes(body), head
