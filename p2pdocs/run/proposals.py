"""The counterparty's proposal as terms: a changed value read with its field's type, the
deal data with every proposal applied, and the next round's deal file written with a
comment on each changed line saying who proposed it and when."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from p2pdocs.compose.textenv import number, percent, words
from p2pdocs.deal.dates import long_date
from p2pdocs.deal.writing import dump
from p2pdocs.deal.yamlsource import parse

_STEP = re.compile(r"\.?([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]")


def steps(path: str) -> list[str | int]:
    """``agreement.margins[1].by_year[0]`` -> ``["agreement", "margins", 1, "by_year", 0]``."""
    out: list[str | int] = []
    done = 0
    for found in _STEP.finditer(path):
        if found.start() != done:
            raise KeyError(path)
        out.append(found.group(1) if found.group(1) is not None else int(found.group(2)))
        done = found.end()
    if done != len(path):
        raise KeyError(path)
    return out


def value_at(data: Any, path: str) -> Any:
    """The value at ``path`` in deal data (a model or plain data); KeyError if none."""
    for step in steps(path):
        data = data[step] if isinstance(step, int) or isinstance(data, dict) else getattr(data, step)
    return data


def set_value(data: dict[str, Any], path: str, value: Any) -> None:
    found = steps(path)
    target: Any = data
    for step in found[:-1]:
        # a section the deal file leaves to its defaults is written out with the change
        target = target.setdefault(step, {}) if isinstance(step, str) and isinstance(target, dict) else target[step]
    target[found[-1]] = value


def _renderings(value: Any) -> list[str]:
    """The ways the documents write ``value``, most specific first."""
    if isinstance(value, bool):
        return []
    if isinstance(value, date):
        return [long_date(value), value.isoformat()]
    if isinstance(value, (int, Decimal)):
        return list(dict.fromkeys([percent(value).rstrip("%"), number(value), str(value)]))
    if isinstance(value, str):
        return list(dict.fromkeys([value, words(value)]))
    return []


@dataclass(frozen=True)
class Reading:
    """A new value read from the document: ``ok`` and the value, or why it cannot be read."""

    ok: bool
    value: Any = None
    why: str = ""


def read_value(old_text: str, old_value: Any, new_text: str) -> Reading:
    """The value ``new_text`` gives, read the way ``old_text`` wrote ``old_value``: the text
    around the value must be unchanged ("30 days" -> "45 days" reads 45; "45 or 60 days"
    cannot be read as a number of days)."""
    for shown in _renderings(old_value):
        at = old_text.find(shown)
        if at < 0:
            continue
        before, after = old_text[:at], old_text[at + len(shown) :]
        if not (new_text.startswith(before) and new_text.endswith(after) and len(new_text) >= len(before + after)):
            return Reading(False, why=f"the text around the value changed ('{old_text}' -> '{new_text}')")
        slot = new_text[len(before) : len(new_text) - len(after)].strip()
        return _typed(slot, old_value, shown)
    return Reading(False, why=f"'{old_text}' does not show the value as p2pdocs writes it")


def _typed(slot: str, old_value: Any, shown: str) -> Reading:
    kind = "text" if isinstance(old_value, str) else "date" if isinstance(old_value, date) else "number"
    bad = Reading(False, why=f"'{slot}' is not a {kind}")
    if isinstance(old_value, date):
        for fmt in ("%d %B %Y", "%Y-%m-%d", "%B %d, %Y"):
            try:
                return Reading(True, datetime.strptime(slot, fmt).date())
            except ValueError:
                continue
        return bad
    if isinstance(old_value, (int, Decimal)):
        digits = slot.replace(",", "")
        if not re.fullmatch(r"\d+(\.\d+)?", digits):
            return bad
        try:
            found = Decimal(digits)
        except InvalidOperation:
            return bad
        if isinstance(old_value, int):
            return Reading(True, int(found)) if found == found.to_integral_value() else bad
        return Reading(True, found)
    if isinstance(old_value, str):
        if shown != old_value:  # written in words: read the words back to the value
            back = {words(v): v for v in _enumeration_values(old_value)}
            return Reading(True, back[slot]) if slot in back else bad
        return Reading(True, slot) if slot else bad
    return bad


def _enumeration_values(value: str) -> list[str]:
    from p2pdocs.compose.fields import enumeration_words

    return [*enumeration_words(), value]


def applied(
    data: dict[str, Any],
    values: dict[str, Any],
    wording: dict[str, list[dict[str, Any]]],
    emptied: dict[str, set[tuple[str, int]]] | None = None,
) -> dict[str, Any]:
    """A copy of deal ``data`` with ``values`` (by field path) and negotiated ``wording``
    (by the path of the document's terms: ``agreement``, ``statements_of_work[0]``) set:
    an entry replaces the one for its paragraph, and the paragraphs added after a paragraph
    replace those added there before; ``emptied`` names, by the same path, the paragraphs
    after which no added paragraph is left."""
    out = copy.deepcopy(data)
    for path, value in values.items():
        set_value(out, path, value)
    for where in sorted({*wording, *(w for w, keys in (emptied or {}).items() if keys)}):
        entries = wording.get(where, [])
        gone = {(*key, True) for key in (emptied or {}).get(where, set())} | {_key(e) for e in entries}
        target = value_at(out, where)
        kept = [w for w in target.get("wording", []) if _key(w) not in gone]
        target["wording"] = sorted([*kept, *entries], key=lambda w: (w["clause"], w["paragraph"]))
    return out


def _key(wording: dict[str, Any]) -> tuple[str, int, bool]:
    """What a wording entry is for: a paragraph of a clause, or the paragraphs added after it."""
    return wording["clause"], wording["paragraph"], bool(wording.get("inserted"))


def next_deal_text(data: dict[str, Any], notes: dict[str, str], header: str) -> bytes:
    """The deal file for ``data``, with ``notes`` (by field path: "proposed by X on D") as
    a comment on the line of each changed value."""
    text = dump(data, header).decode("utf-8")
    source = parse(text, "next deal")
    lines = text.split("\n")
    for path, note in notes.items():
        try:
            loc = tuple(steps(path))
        except KeyError:
            continue
        line = source.lines.get(loc)
        if line is None:
            continue
        index = line - 1
        if index < len(lines) and "#" not in lines[index]:
            lines[index] = f"{lines[index]}  # {note}"
    return "\n".join(lines).encode("utf-8")
