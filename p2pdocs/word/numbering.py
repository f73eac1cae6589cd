"""List numbers as Word shows them, computed from a document's numbering.xml and styles.

A generated document types no number: headings, clauses and items take theirs from the
multilevel list of the template (``numbering.xml``), bound to the clause styles. Reading a
document back as a reader sees it (tests, ``verify``, the golden texts) therefore counts
the way Word does: one counter per level of each abstract list, a level restarting when a
higher one is used (unless ``w:lvlRestart`` says otherwise), ``w:startOverride`` of a
``w:num`` restarting a level where that instance is first used, and ``w:lvlText`` with
each level's format (1, a, i, A, I) followed by its ``w:suff`` (a tab by default).
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_VAL = f"{W}val"
_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"))
_ROMAN += ((10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))  # type: ignore[assignment]
_SUFFIX = {"tab": "\t", "space": " ", "nothing": ""}


@dataclass(frozen=True)
class Level:
    start: int
    format: str
    text: str
    suffix: str
    restart: int | None  # restart after this level (0-based), None: after any higher one; -1: never


def _val(element: etree._Element | None, default: str = "") -> str:
    return default if element is None else str(element.get(_VAL, default))


def _int(element: etree._Element | None, default: int) -> int:
    try:
        return int(_val(element, str(default)))
    except ValueError:
        return default


def roman(n: int) -> str:
    out = []
    for value, letters in _ROMAN:
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)


def formatted(n: int, fmt: str) -> str:
    """``n`` in the number format ``fmt`` of a list level."""
    if fmt in ("lowerLetter", "upperLetter"):
        letters = "abcdefghijklmnopqrstuvwxyz"[(n - 1) % 26] * ((n - 1) // 26 + 1) if n > 0 else ""
        return letters.upper() if fmt == "upperLetter" else letters
    if fmt in ("lowerRoman", "upperRoman"):
        return roman(n).upper() if fmt == "upperRoman" else roman(n)
    if fmt == "none":
        return ""
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)


class Numbering:
    """The list numbering of one document, counted paragraph by paragraph in order."""

    def __init__(self, numbering: etree._Element | None, styles: etree._Element | None) -> None:
        self.abstract: dict[str, dict[int, Level]] = {}
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}
        self.styles: dict[str, tuple[str | None, int | None, str | None]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.started: set[tuple[str, int]] = set()
        if numbering is not None:
            for abstract in numbering.iter(f"{W}abstractNum"):
                self.abstract[str(abstract.get(f"{W}abstractNumId"))] = {
                    _int_attr(lvl, "ilvl"): _level(lvl) for lvl in abstract.iter(f"{W}lvl")
                }
            for num in numbering.iter(f"{W}num"):
                overrides = {
                    _int_attr(o, "ilvl"): _int(o.find(f"{W}startOverride"), 1)
                    for o in num.iter(f"{W}lvlOverride")
                    if o.find(f"{W}startOverride") is not None
                }
                self.nums[str(num.get(f"{W}numId"))] = (_val(num.find(f"{W}abstractNumId")), overrides)
        if styles is not None:
            for style in styles.iter(f"{W}style"):
                num_pr = style.find(f"{W}pPr/{W}numPr")
                num_id = None if num_pr is None or num_pr.find(f"{W}numId") is None else _val(num_pr.find(f"{W}numId"))
                ilvl = None if num_pr is None or num_pr.find(f"{W}ilvl") is None else _int(num_pr.find(f"{W}ilvl"), 0)
                based = style.find(f"{W}basedOn")
                self.styles[str(style.get(f"{W}styleId"))] = (num_id, ilvl, None if based is None else _val(based))

    def _of_style(self, style: str) -> tuple[str | None, int | None]:
        num_id: str | None = None
        ilvl: int | None = None
        seen: set[str] = set()
        current: str | None = style
        while current and current not in seen and current in self.styles:
            seen.add(current)
            found_id, found_lvl, based = self.styles[current]
            num_id = num_id if num_id is not None else found_id
            ilvl = ilvl if ilvl is not None else found_lvl
            current = based
        return num_id, ilvl

    def label(self, p: etree._Element) -> str:
        """The number paragraph ``p`` shows, with what follows it ('' when it has none);
        counting it (call once per paragraph, in document order)."""
        ppr = p.find(f"{W}pPr")
        style = _val(None if ppr is None else ppr.find(f"{W}pStyle"))
        num_id, ilvl = self._of_style(style) if style else (None, None)
        direct = None if ppr is None else ppr.find(f"{W}numPr")
        if direct is not None:
            if direct.find(f"{W}numId") is not None:
                num_id = _val(direct.find(f"{W}numId"))
            if direct.find(f"{W}ilvl") is not None:
                ilvl = _int(direct.find(f"{W}ilvl"), 0)
        if not num_id or num_id == "0" or num_id not in self.nums:
            return ""
        abstract_id, overrides = self.nums[num_id]
        levels = self.abstract.get(abstract_id)
        level_index = ilvl or 0
        if not levels or level_index not in levels:
            return ""
        counters = self.counters.setdefault(abstract_id, {})
        level = levels[level_index]
        if level_index in overrides and (num_id, level_index) not in self.started:
            self.started.add((num_id, level_index))
            counters[level_index] = overrides[level_index] - 1
        counters[level_index] = counters.get(level_index, level.start - 1) + 1
        for deeper, other in levels.items():
            if deeper > level_index and other.restart != -1 and (other.restart is None or other.restart >= level_index):
                counters.pop(deeper, None)
        text = level.text
        for i in range(9, -1, -1):
            if f"%{i + 1}" in text:
                known = levels.get(i)
                value = counters.get(i, known.start if known else 1)
                text = text.replace(f"%{i + 1}", formatted(value, known.format if known else "decimal"))
        return text + level.suffix if text else ""


def _int_attr(element: etree._Element, name: str) -> int:
    try:
        return int(element.get(f"{W}{name}", "0"))
    except ValueError:
        return 0


def _level(lvl: etree._Element) -> Level:
    restart = lvl.find(f"{W}lvlRestart")
    after = None if restart is None else _int(restart, 0) - 1  # 0: never (-1); n: after level n-1
    return Level(
        _int(lvl.find(f"{W}start"), 0),
        _val(lvl.find(f"{W}numFmt"), "decimal"),
        _val(lvl.find(f"{W}lvlText")),
        _SUFFIX.get(_val(lvl.find(f"{W}suff"), "tab"), "\t"),
        after,
    )
