"""The review of an interview: the answers by section, as rows a person reads."""

from __future__ import annotations

from p2pdocs.interview.answers import Answers
from p2pdocs.interview.prompt import display
from p2pdocs.interview.questions import Group, Part, Question, get, parse_path

Rows = list[tuple[str, str]]


def summary(answers: Answers) -> list[tuple[str, Rows]]:
    """The answers by section, as (label, value) rows for the review screen."""
    out = []
    for section in answers.questions.sections:
        rows: Rows = []
        _rows(answers, section.items, [], rows, "")
        out.append((section.title, rows))
    return out


def _rows(answers: Answers, items: list[Question | Group], prefix: list[Part], rows: Rows, label: str) -> None:
    for entry in items:
        if isinstance(entry, Group):
            value = get(answers.answers, prefix + parse_path(entry.group))
            keys = list(value) if isinstance(value, (dict, list)) else []
            for i, key in enumerate(keys):
                index: Part = key if isinstance(value, dict) else i
                sub = [e for e in entry.items if not (isinstance(e, Question) and e.id == entry.key)]
                title = f"{entry.title} {key if isinstance(value, dict) else i + 1}"
                _rows(answers, sub, [*prefix, *parse_path(entry.group), index], rows, f"{label}{title}: ")
            continue
        if entry.id.startswith("_") or entry.type == "fixed":
            continue
        if entry.for_each_party:
            for key in answers.parties():
                value = get(answers.answers, prefix + parse_path(entry.id.replace("{party}", key)))
                if value is not None:
                    rows.append((label + entry.prompt.replace("{party}", answers.name(key)), display(value)))
            continue
        value = answers.current(entry, prefix + parse_path(entry.id))
        if value is not None and value != []:
            shown = answers.name(value) if entry.type == "party" and isinstance(value, str) else display(value)
            rows.append((label + entry.prompt, shown))
