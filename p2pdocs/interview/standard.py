"""The playbook's standard answers for a whole section (or group item), offered in one
confirmation: the questions' own defaults, as the questionnaire gives them, with their
conditions followed."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from p2pdocs.compose.fields import catalogue
from p2pdocs.interview.answers import Answers
from p2pdocs.interview.questions import (
    Group,
    Part,
    Question,
    default_of,
    get,
    label,
    lower_first,
    parse_path,
    put,
    put_tail,
    show_path,
)
from p2pdocs.interview.questions import evaluate as expr
from p2pdocs.interview.review import shown


@dataclass
class Proposal:
    """The answers the standard would give, and how they read."""

    answers: dict[str, Any]  # all the answers, with the standard's
    rows: list[str]
    empty: list[str]  # paths the standard leaves empty (optional answers)
    puts: list[tuple[Question, list[Part], Any]]  # what the standard answers, where

    def apply(self, answers: dict[str, Any]) -> None:
        """Put the standard's answers into ``answers`` (in place: callers hold its lists)."""
        for question, parts, value in self.puts:
            put_answer(answers, question, parts, value)


def put_answer(answers: dict[str, Any], q: Question, parts: list[Part], value: Any) -> None:
    if q.type == "percent_list":
        put_tail(answers, parts, list(value))
    else:
        put(answers, parts, copy.deepcopy(value))


def propose(state: Answers, ids: list[str], items: list[Question | Group], prefix: list[Part]) -> Proposal | None:
    """The standard answers for ``ids`` among ``items`` (at ``prefix``); None when one of
    them is already answered (a resumed or edited deal keeps its answers)."""
    trial = Answers(copy.deepcopy(state.answers), state.questions)
    rows: list[str] = []
    empty: list[str] = []
    puts: list[tuple[Question, list[Part], Any]] = []
    for entry in items:
        if not isinstance(entry, Question) or entry.id not in ids:
            continue
        keys = trial.parties() if entry.for_each_party else [None]
        for key in keys:
            qid = entry.id.replace("{party}", key) if key else entry.id
            parts = prefix + parse_path(qid)
            if get(trial.answers, parts) is not None:
                return None
            item = get(trial.answers, prefix) if prefix else {}
            scope = {**trial.scope(item if isinstance(item, dict) else {}, prefix), "party": key}
            if entry.when and not expr(entry.when, scope):
                continue
            value = entry.value if entry.type == "fixed" else default_of(entry, scope)
            if entry.type == "party" and value not in trial.parties():
                return None  # no standard party to offer: ask
            if value is None or value == []:
                empty.append(show_path(parts))
                continue
            put_answer(trial.answers, entry, parts, value)
            puts.append((entry, parts, value))
            if entry.type != "fixed" and not entry.id.startswith("_"):
                text = lower_first(label(entry.prompt.replace("{party}", trial.name(key)) if key else entry.prompt))
                said = ", ".join(value) if entry.type == "list" else shown(trial, entry, value)  # rows take the ;
                rows.append(f"{_field_label(parts) or text}: {said}")
    return Proposal(trial.answers, rows, empty, puts) if rows else None


def _field_label(parts: list[Part]) -> str | None:
    """The field's label in the field catalogue (as the documents name it), if it has one."""
    key = "".join("[]" if isinstance(p, int) else f".{p}" for p in parts).lstrip(".")
    info = catalogue().fields.get(key)
    return info.label if info else None
