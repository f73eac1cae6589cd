"""The interview in a real terminal: questionary for the questions, rich for the review.
This is the only module that imports questionary."""

from __future__ import annotations

import textwrap
from typing import Any

import questionary
from questionary import Choice
from rich.console import Console
from rich.text import Text

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
            self._error(prompt.error)
        if prompt.kind == "confirm":
            return questionary.confirm(prompt.message, default=bool(prompt.default)).unsafe_ask()
        if prompt.kind == "select":
            choices = [Choice(title, value) for value, title in prompt.choices]
            return questionary.select(
                prompt.message, choices=choices, default=prompt.default, use_shortcuts=len(choices) <= 36
            ).unsafe_ask()
        if prompt.kind == "checkbox":
            chosen = set(prompt.default or [])
            while True:
                choices = [Choice(title, value, checked=value in chosen) for value, title in prompt.choices]
                picked = questionary.checkbox(prompt.message, choices=choices).unsafe_ask()
                if picked:
                    return picked
                self._error("choose at least one (space selects)")
        default = str(prompt.default or "")
        while True:  # the reason for a refused answer goes under the question, wrapped, in red
            raw = questionary.text(prompt.message, default=default).unsafe_ask()
            problem = prompt.check(raw)
            if problem is None:
                return raw
            self._error(problem)
            default = str(raw)

    def _error(self, text: str) -> None:
        """A refused answer's reason, under the question: wrapped (under its first word), in
        the error style."""
        width = max(40, self.console.size.width - 1)
        for line in textwrap.wrap(f"✗ {text}", width, initial_indent="  ", subsequent_indent="    "):
            self.console.print(line, style="bold red", markup=False, highlight=False)

    def flag(self, finding: Finding) -> bool:
        style = _SEVERITY[finding.severity]
        self.console.print(f"  [{style}]⚑ {finding.rule} ({finding.severity})[/] {finding.message}", highlight=False)
        return bool(questionary.confirm("Keep this answer?", default=True).unsafe_ask())

    # -- the review screen ---------------------------------------------------------------

    def review(self, interview: Interview) -> str:
        """The summary, paged to the terminal's height: the flags first, then a block per
        section; Next page and Show a section move through it, the other choices return."""
        pages, starts = self._pages(interview)
        page = 0
        while True:
            for line in pages[page]:
                self.console.print(line)
            problems = interview.problems()
            more = len(pages) > 1
            choices = [
                Choice(
                    "Generate the documents", "generate", disabled="answer what is missing first" if problems else None
                ),
                Choice("Change a section", "change"),
                Choice("Save and quit", "save"),
                Choice("Quit without saving", "quit"),
            ]
            if more:
                choices.append(Choice(f"Next page ({(page + 1) % len(pages) + 1} of {len(pages)})", "next"))
                choices.append(Choice("Show a section", "show"))
            action = str(questionary.select("What next?", choices=choices, use_shortcuts=True).unsafe_ask())
            if action == "next":
                page = (page + 1) % len(pages)
            elif action == "show":
                page = starts[self.choose_section(interview, "Show which section?")]
            else:
                return action

    def _pages(self, interview: Interview) -> tuple[list[list[Text]], dict[str, int]]:
        """The review as pages of lines that fit the terminal, and the page of each section."""
        width = self.console.size.width
        height = max(12, self.console.size.height - 9)  # room for the menu under it
        head: list[Text] = [Text(f"Review: {interview.answers.get('agreement', {}).get('id', 'the deal')}", "bold")]
        findings = interview.findings()
        if findings:
            head.append(Text(f"Playbook flags ({len(findings)})", "bold"))
            for f in findings:
                head.extend(self._wrap(f"  ⚑ {f.rule} {f.severity}: {f.message}", width, _SEVERITY[f.severity]))
        for problem in interview.problems():
            head.extend(self._wrap(f"  Needs an answer: {problem}", width, "red"))
        blocks: list[tuple[str, list[Text]]] = []
        sections = interview.questions.sections
        for number, (section, (title, rows)) in enumerate(zip(sections, interview.summary(), strict=True), 1):
            lines = [Text(f"{number}. {title}", "bold underline")]
            if not rows:
                lines.append(Text("  (none)", "dim"))
            key_width = min(44, max((len(k) for k, _ in rows), default=0) + 2)
            for key, value in rows:
                lines.extend(self._row(key, value, key_width, width))
            blocks.append((section.id, lines))
        pages: list[list[Text]] = [list(head)]
        starts: dict[str, int] = {}
        for section_id, lines in blocks:
            if len(pages[-1]) + len(lines) > height and len(pages[-1]) > len(head if len(pages) == 1 else []):
                pages.append([])
            starts[section_id] = len(pages) - 1
            for line in lines:
                if len(pages[-1]) >= height:
                    pages.append([])
                pages[-1].append(line)
        if len(pages) > 1:
            for i, page in enumerate(pages):
                page.insert(0, Text(f"Page {i + 1} of {len(pages)}", "dim"))
        return pages, starts

    def _row(self, key: str, value: str, key_width: int, width: int) -> list[Text]:
        wrapped = textwrap.wrap(value, max(20, width - key_width - 4)) or [""]
        out = [Text.assemble((f"  {key:<{key_width - 1}} ", "bold" if not key.startswith(" ") else ""), wrapped[0])]
        out.extend(Text(" " * (key_width + 2) + line) for line in wrapped[1:])
        return out

    def _wrap(self, text: str, width: int, style: str) -> list[Text]:
        return [Text(line, style) for line in textwrap.wrap(text, width - 2, subsequent_indent="    ")]

    def choose_section(self, interview: Interview, message: str = "Which section?") -> str:
        choices = [Choice(s.title, s.id) for s in interview.questions.sections]
        return str(questionary.select(message, choices=choices, use_shortcuts=True).unsafe_ask())

    def confirm(self, message: str, default: bool) -> bool:
        return bool(questionary.confirm(message, default=default).unsafe_ask())

    def text(self, message: str, default: str) -> str:
        return str(questionary.text(message, default=default).unsafe_ask())
