"""The interview in a real terminal: questionary for the questions, rich for the review.
This is the only module that imports questionary."""

from __future__ import annotations

from typing import Any

import questionary
from questionary import Choice
from rich.console import Console
from rich.table import Table

from p2pdocs.interview.interview import Interview, Prompt
from p2pdocs.playbook.findings import Finding

_SEVERITY = {"high": "bold red", "medium": "yellow", "low": "cyan", "info": "dim"}


class QuestionaryTerminal:
    """Asks with questionary; Ctrl-C raises KeyboardInterrupt (the caller offers a draft)."""

    def __init__(self) -> None:
        self.console = Console(highlight=False)

    def section(self, title: str, help: str) -> None:
        self.console.rule(f"[bold]{title}")
        if help:
            self.console.print(help, style="dim")

    def say(self, text: str) -> None:
        self.console.print(text, markup=False)

    def ask(self, prompt: Prompt) -> Any:
        if prompt.where or prompt.progress:
            self.console.print(f"[dim]{prompt.progress}[/] · [bold]{prompt.where}[/]", highlight=False)
        if prompt.help:
            self.console.print(f"  · {prompt.help}", style="italic dim", markup=False)
        if prompt.error:
            self.console.print(f"  ✗ {prompt.error}", style="bold red", markup=False)
        if prompt.kind == "confirm":
            return questionary.confirm(prompt.message, default=bool(prompt.default)).unsafe_ask()
        if prompt.kind == "select":
            choices = [Choice(title, value) for value, title in prompt.choices]
            return questionary.select(
                prompt.message, choices=choices, default=prompt.default, use_shortcuts=len(choices) <= 36
            ).unsafe_ask()
        if prompt.kind == "checkbox":
            chosen = set(prompt.default or [])
            choices = [Choice(title, value, checked=value in chosen) for value, title in prompt.choices]
            return questionary.checkbox(
                prompt.message, choices=choices, validate=lambda picked: bool(picked) or "choose at least one"
            ).unsafe_ask()
        default = str(prompt.default or "")
        while True:  # the reason for a refused answer goes under the question, wrapped, in red
            raw = questionary.text(prompt.message, default=default).unsafe_ask()
            problem = prompt.check(raw)
            if problem is None:
                return raw
            self.console.print(f"  ✗ {problem}", style="bold red", markup=False)
            default = str(raw)

    def flag(self, finding: Finding) -> bool:
        style = _SEVERITY[finding.severity]
        self.console.print(f"  [{style}]⚑ {finding.rule} ({finding.severity})[/] {finding.message}", highlight=False)
        return bool(questionary.confirm("Keep this answer?", default=True).unsafe_ask())

    # -- the review screen ---------------------------------------------------------------

    def review(self, interview: Interview) -> str:
        table = Table(title="Review the terms", show_lines=False, expand=True)
        table.add_column("Term", style="bold", ratio=2)
        table.add_column("Answer", ratio=3)
        for title, rows in interview.summary():
            if rows:
                table.add_section()
                table.add_row(f"[underline]{title}[/]", "")
                for label, value in rows:
                    table.add_row(label, value)
        self.console.print(table)
        findings = interview.findings()
        if findings:
            flags = Table(title="Playbook flags", expand=True)
            for column in ("Rule", "Severity", "Finding"):
                flags.add_column(column)
            for f in findings:
                flags.add_row(f.rule, f"[{_SEVERITY[f.severity]}]{f.severity}[/]", f.message)
            self.console.print(flags)
        problems = interview.problems()
        for problem in problems:
            self.console.print(f"[red]Needs an answer:[/] {problem}", highlight=False)
        choices = [
            Choice("Generate the documents", "generate", disabled="answer what is missing first" if problems else None),
            Choice("Change a section", "change"),
            Choice("Save and quit", "save"),
            Choice("Quit without saving", "quit"),
        ]
        return str(questionary.select("What next?", choices=choices, use_shortcuts=True).unsafe_ask())

    def choose_section(self, interview: Interview) -> str:
        choices = [Choice(s.title, s.id) for s in interview.questions.sections]
        return str(questionary.select("Which section?", choices=choices, use_shortcuts=True).unsafe_ask())

    def confirm(self, message: str, default: bool) -> bool:
        return bool(questionary.confirm(message, default=default).unsafe_ask())

    def text(self, message: str, default: str) -> str:
        return str(questionary.text(message, default=default).unsafe_ask())
