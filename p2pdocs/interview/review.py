"""The review of an interview: the answers by section, as rows a person reads.

A row is a label and a value as the documents say them (``systems integrator``, ``20%``,
``EUR 180,000.00``, ``15 January 2027``); a group item (a party, a margin row, a SoW) is
one row of its own answers, so that a section fits in a few lines.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from p2pdocs.compose.textenv import money, percent, sentence, words
from p2pdocs.deal.dates import long_date
from p2pdocs.interview.answers import Answers
from p2pdocs.interview.prompt import display
from p2pdocs.interview.questions import Group, Part, Question, get, label, parse_path

Rows = list[tuple[str, str]]


def summary(answers: Answers) -> list[tuple[str, Rows]]:
    """The answers by section, as (label, value) rows for the review screen."""
    out = []
    for section in answers.questions.sections:
        out.append((section.title, _rows(answers, section.items, [])))
    return out


def _rows(answers: Answers, items: list[Question | Group], prefix: list[Part], depth: int = 0) -> Rows:
    rows: Rows = []
    for entry in items:
        if isinstance(entry, Group):
            rows.extend(_group_rows(answers, entry, prefix, depth))
            continue
        if entry.id.startswith("_") or entry.type == "fixed":
            continue
        if entry.for_each_party:
            for key in answers.parties():
                value = get(answers.answers, prefix + parse_path(entry.id.replace("{party}", key)))
                if value is not None:
                    rows.append(
                        (
                            sentence(label(entry.prompt.replace("{party}", answers.name(key)))),
                            shown(answers, entry, value),
                        )
                    )
            continue
        value = answers.current(entry, prefix + parse_path(entry.id))
        if value is not None and value != []:
            rows.append((sentence(label(entry.prompt)), shown(answers, entry, value)))
    return rows


def _group_rows(answers: Answers, g: Group, prefix: list[Part], depth: int) -> Rows:
    """A party, margin row or SoW: its title, then its answers indented; an item within an
    item (a deliverable of a SoW) in one row."""
    rows: Rows = []
    value = get(answers.answers, prefix + parse_path(g.group))
    keys = list(value) if isinstance(value, (dict, list)) else []
    for i, key in enumerate(keys):
        index: Part = key if isinstance(value, dict) else i
        sub = [e for e in g.items if not (isinstance(e, Question) and e.id == g.key)]
        inner = _rows(answers, sub, [*prefix, *parse_path(g.group), index], depth + 1)
        title = answers.name(key) if isinstance(value, dict) else f"{sentence(g.title)} {i + 1}"
        if depth or len(inner) <= 4:
            rows.append((title, ", ".join(v for _, v in inner)))
        else:
            rows.append((title, ""))
            rows.extend((f"  {k}", v) for k, v in inner)
    return rows


def shown(answers: Answers, q: Question, value: Any) -> str:
    """An answer as the documents write it."""
    if q.type == "party" and isinstance(value, str):
        return answers.name(value)
    if q.type == "split" and isinstance(value, dict):
        currency = str(get(answers.answers, ["agreement", "currency"]) or "")
        return "; ".join(f"{answers.name(k)} {money(v, currency)}" for k, v in value.items())
    if q.type in ("percent", "percent_list"):
        values = value if isinstance(value, list) else [value]
        return " then ".join(percent(Decimal(str(v))) for v in values)
    if q.type == "money" and isinstance(value, (int, Decimal)):
        return money(value, str(get(answers.answers, ["agreement", "currency"]) or ""))
    if isinstance(value, date):
        return long_date(value)
    if q.type in ("select", "checkbox"):
        values = value if isinstance(value, list) else [value]
        return ", ".join(q.labels.get(str(v)) or words(str(v)) for v in values)
    if q.type == "int":
        unit = next((u for u in ("days", "months") if u in q.prompt.lower()), "")
        return f"{value} {unit}".strip()
    return display(value)
