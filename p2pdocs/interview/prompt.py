"""What the interview shows the person: one question as a :class:`Prompt`, the
:class:`Terminal` that asks it, and answers written back as text."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from p2pdocs.compose.textenv import words
from p2pdocs.interview.questions import BadAnswer, Part, Question, check, convert, split_of
from p2pdocs.playbook.findings import Finding


@dataclass(frozen=True)
class Prompt:
    """One question as the terminal shows it."""

    kind: str  # text | confirm | select | checkbox
    message: str
    help: str
    default: Any
    choices: list[tuple[str, str]] = field(default_factory=list)  # (value, title)
    question: Question | None = None
    parts: tuple[Part, ...] = ()
    parties: tuple[str, ...] = ()
    where: str = ""  # section > party or item > field
    progress: str = ""  # section 4 of 10
    also: Callable[[Any], str | None] | None = None  # a rule across fields, on the typed answer
    error: str = ""  # why the previous answer to this question was wrong

    def check(self, raw: Any) -> str | None:
        """Why ``raw`` cannot be accepted, or None: the same rules as the deal file, and the
        rules across fields whose other fields are known."""
        if self.question is None:
            return None
        try:
            value = convert(self.question, raw)
        except BadAnswer as exc:
            return str(exc)
        if self.question.type == "split":
            return self._split_problem(value)
        values = value if self.question.type == "percent_list" else [value]
        problem = next((p for v in values or [] if (p := check(list(self.parts), v, list(self.parties)))), None)
        if problem is None and self.also is not None and value is not None:
            return self.also(value)
        return problem

    def _split_problem(self, values: list[Any] | None) -> str | None:
        """A split answer: one part per party, each a valid amount, then the rule across them."""
        if values is None:
            return None
        if len(values) != len(self.parties):
            return f"give {len(self.parties)} parts, one for each party in turn, separated by ; (got {len(values)})"
        for party, value in zip(self.parties, values, strict=True):
            if value is not None and (problem := check([*self.parts, party], value, list(self.parties))):
                return f"{party}'s part {problem}"
        return self.also(split_of(self.parties, values)) if self.also is not None else None


class Terminal(Protocol):
    def section(self, title: str, help: str) -> None: ...
    def ask(self, prompt: Prompt) -> Any: ...
    def say(self, text: str) -> None: ...
    def flag(self, finding: Finding) -> bool: ...


def as_text(value: Any) -> str:
    """An answer as the text a person would type for it."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(as_text(v) for v in value)
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, dict):
        return ", ".join(as_text(v) for v in value.values())
    return str(value)


def display(value: Any) -> str:
    """An answer as a person reads it (enumeration values as words)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "; ".join(display(v) for v in value)
    if isinstance(value, str):
        return words(value) if "_" in value and " " not in value else value
    return as_text(value)


def summary_of(item: Any) -> str:
    """A group item in one line: its first few plain answers."""
    if not isinstance(item, dict):
        return ""
    shown = [display(v) for k, v in item.items() if not str(k).startswith("_") and not isinstance(v, (dict, list))]
    return ", ".join(shown[:4])
