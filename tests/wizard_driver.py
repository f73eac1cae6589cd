"""`p2pdocs new` driven in a pseudo-terminal as a person would: :class:`Wizard` reads the
screen, finds each prompt and types its answer (the pty tests and benchmarks/wizard.py)."""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path
from typing import Any

import pexpect
from conftest import ROOT

from p2pdocs.interview.questions import Group, Question, load_questions

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\r")
SHORTCUTS = "1234567890abcdefghijklmnopqrstuvwxyz"
DOWN = "\x1b[B"
PARTIES = ["contoso", "fabrikam"]


def _questions() -> dict[str, Question]:
    found: dict[str, Question] = {}

    def walk(items: list[Question | Group]) -> None:
        for item in items:
            if isinstance(item, Group):
                walk(item.items)
            else:
                found[item.prompt] = item

    for section in load_questions().sections:
        walk(section.items)
    return found


QUESTIONS = _questions()
EXTRA = {  # prompts of the program itself, not of questions.yaml
    "What next?": ["generate", "change", "save", "quit", "next", "show"],
    "Which section?": [s.id for s in load_questions().sections],
    "Show which section?": [s.id for s in load_questions().sections],
}


def _standard_prompts() -> set[str]:
    found = {f"Use the standard {s.standard_title}?" for s in load_questions().sections if s.standard}

    def walk(items: list[Question | Group]) -> None:
        for item in items:
            if isinstance(item, Group):
                if item.standard:
                    found.add(f"Use the standard {item.standard_title}?")
                walk(item.items)

    for section in load_questions().sections:
        walk(section.items)
    return found


CONFIRMS = {
    "Keep this answer?",
    "Interrupted. Save a draft to resume later?",
    "Quit without saving?",
    *_standard_prompts(),
}
TEXTS = {"Save the draft as", "Save the deal file as"}


#: the short names of the parties of the scripted deals (the reference example, the ordinary deal)
PARTY_NAMES = ("Contoso", "Fabrikam", "Acme Integration", "Globex Software")


class Wizard:
    """A running `p2pdocs new`, read as screen text, answered prompt by prompt."""

    def __init__(self, tmp: Path, *args: str) -> None:
        env = {
            **os.environ,
            "HOME": str(tmp),
            "TERM": "xterm",
            "COLUMNS": "120",
            "LINES": "40",
            "PYTHONPATH": str(ROOT),
            "PROMPT_TOOLKIT_NO_CPR": "1",
        }  # no terminal answers cursor queries
        self.child = pexpect.spawn(
            sys.executable,
            ["-m", "p2pdocs", "new", "-o", "out", *args],
            cwd=str(tmp),
            env=env,
            encoding="utf-8",
            timeout=30,
            dimensions=(40, 120),
        )
        self.text = ""
        self.raw = ""  # with the terminal's escape codes: the styles
        self.pos = 0
        self.before = ""  # the screen text between the previous prompt and this one
        self.transcript: list[str] = []
        self.keys = 0
        self.parties = PARTIES
        names = sorted(
            {
                *QUESTIONS,
                *EXTRA,
                *CONFIRMS,
                *TEXTS,
                "Add another party?",
                "Add another margin row?",
                "Add another ownership stake?",
                "Add another statement of work?",
                "Add another deliverable?",
                "Add another milestone?",
                "Add another role?",
                "Add another risk?",
                "Add another KPI?",
                *(q.replace("{party}", name) for q in QUESTIONS if "{party}" in q for name in PARTY_NAMES),
            },
            key=len,
            reverse=True,
        )
        self.prompt = re.compile(r"(?m)^\? (" + "|".join(re.escape(n) for n in names) + r")")

    def _read(self, deadline: float) -> None:
        try:
            chunk = self.child.read_nonblocking(65536, timeout=max(0.05, deadline - time.monotonic()))
        except pexpect.TIMEOUT:
            return
        self.raw += chunk
        self.text += ANSI.sub("", chunk)

    def next_prompt(self, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            match = self.prompt.search(self.text, self.pos)
            if match:
                self.before = self.text[self.pos : match.start()]
                self.pos = match.end()
                return match.group(1)
            if not self.child.isalive():
                self._read(time.monotonic() + 0.5)
                match = self.prompt.search(self.text, self.pos)
                if match:
                    continue
                raise EOFError("the program ended:\n" + self.text[-2000:])
            self._read(deadline)
        raise TimeoutError("no prompt:\n" + self.text[-2000:])

    def wait_for(self, pattern: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while pattern not in self.text[self.pos :]:
            if time.monotonic() > deadline or (not self.child.isalive() and pattern not in self.text[self.pos :]):
                self._read(time.monotonic() + 0.5)
                if pattern in self.text[self.pos :]:
                    break
                raise TimeoutError(f"{pattern!r} not shown:\n" + self.text[-2000:])
            self._read(deadline)
        self.pos = self.text.index(pattern, self.pos) + len(pattern)

    def send(self, keys: str) -> None:
        """Type ``keys``; counts key presses (an arrow key is one)."""
        self.keys += len(keys.replace(DOWN, "k"))
        self.child.send(keys)

    def answer(self, message: str, value: Any) -> None:
        """Answer the prompt ``message`` with ``value`` (None: accept its default)."""
        self.transcript.append(f"{message} <- {value!r}")
        question = QUESTIONS.get(message) or QUESTIONS.get(
            re.sub(r"\b(" + "|".join(PARTY_NAMES) + r")\b", "{party}", message)
        )
        kind = (
            question.type
            if question
            else (
                "confirm"
                if message in CONFIRMS or message.startswith("Add another")
                else "text"
                if message in TEXTS
                else "select"
            )
        )
        if value is None:
            self.send("\r")
        elif kind == "confirm":
            self.send("y" if value else "n")
        elif kind in ("select", "party"):
            choices = self.parties if kind == "party" else (question.choices if question else EXTRA[message])
            self.send(SHORTCUTS[choices.index(value)] + "\r")
        elif kind == "checkbox":
            assert question is not None
            default = set(question.default or [])
            for i, choice in enumerate(question.choices):
                if (choice in default) != (choice in value):
                    self.send(" ")
                if i < len(question.choices) - 1:
                    self.send(DOWN)
            self.send("\r")
        else:
            self.send("\x15" + str(value) + "\r")  # Ctrl-U clears a pre-filled default

    def run(self, script: dict[str, list[Any]], until: str = "What next?", each: Any = None) -> None:
        """Answer prompts from ``script`` (by message, in order) until ``until`` is asked;
        ``each(message)`` first looks at every prompt answered."""
        while (message := self.next_prompt()) != until:
            assert len(self.transcript) < 400, "the wizard asks in circles:\n" + "\n".join(self.transcript[-20:])
            if each is not None:
                each(message)
            queue = script.get(message)
            self.answer(message, queue.pop(0) if queue else None)

    def refused(self, message: str, value: str, reason: str) -> None:
        """Answer ``message`` wrongly: the reason is shown under it, in red, and it is asked again."""
        self.answer(message, value)
        self.wait_for(reason)
        assert f"\x1b[1;31m  ✗ {reason}" in self.raw or f"\x1b[1;31m  ✗ {reason[:40]}" in self.raw, "in the error style"
        assert self.next_prompt() == message, "asked again at once"

    def finish(self) -> int:
        self.child.expect(pexpect.EOF, timeout=120)
        self.text += ANSI.sub("", self.child.before or "")
        self.child.close()
        return int(self.child.exitstatus if self.child.exitstatus is not None else -1)
