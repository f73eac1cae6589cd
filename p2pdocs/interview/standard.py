"""The playbook's standard answers for a whole section (or group item), offered in one
confirmation: the questions' own defaults, as the questionnaire gives them, with their
conditions followed."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from p2pdocs.interview.answers import Answers
from p2pdocs.interview.prompt import display
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
    show_path,
)
from p2pdocs.interview.questions import evaluate as expr


@dataclass
class Proposal:
    """The answers the standard would give, and how they read."""

    answers: dict[str, Any]
    rows: list[str]
    empty: list[str]  # paths the standard leaves empty (optional answers)


def propose(state: Answers, ids: list[str], items: list[Question | Group], prefix: list[Part]) -> Proposal | None:
    """The standard answers for ``ids`` among ``items`` (at ``prefix``); None when one of
    them is already answered (a resumed or edited deal keeps its answers)."""
    trial = Answers(copy.deepcopy(state.answers), state.questions)
    rows: list[str] = []
    empty: list[str] = []
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
            put(trial.answers, parts, value)
            if entry.type != "fixed" and not entry.id.startswith("_"):
                text = lower_first(label(entry.prompt.replace("{party}", trial.name(key)) if key else entry.prompt))
                shown = trial.name(value) if entry.type == "party" else display(value)
                rows.append(f"{text} {shown}")
    return Proposal(trial.answers, rows, empty) if rows else None
