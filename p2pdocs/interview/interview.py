"""The interview behind ``p2pdocs new``: which question comes next, its default, checking
each answer as it is given and flags from the playbook as answers arrive.

It talks to the person through a :class:`Terminal` (the real one is
:mod:`p2pdocs.cli.terminal`, the only module that imports questionary); tests drive it with a
scripted one. What the answers make (the deal, its findings) is :mod:`answers`; the review
rows are :mod:`review`.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from p2pdocs.compose.textenv import words
from p2pdocs.deal.terms import StatementOfWork
from p2pdocs.interview.answers import Answers
from p2pdocs.interview.prompt import Prompt, Terminal, as_text, summary_of
from p2pdocs.interview.questions import (
    Group,
    Part,
    Question,
    Section,
    convert,
    delete,
    get,
    parse_path,
    put,
    render_text,
    show_path,
)
from p2pdocs.interview.questions import (
    evaluate as expr,
)
from p2pdocs.interview.review import summary

__all__ = ["Interview", "Prompt", "Terminal"]


@dataclass
class Interview(Answers):
    """The answers so far and the questions that follow from them."""

    # -- running -------------------------------------------------------------------------

    def run(self, ui: Terminal, only: str | None = None) -> None:
        """Ask every section (or one, ``only``, again from its first question)."""
        for section in self.questions.sections:
            if only is None or section.id == only:
                self.run_section(ui, section, again=only is not None)

    def run_section(self, ui: Terminal, section: Section, again: bool = False) -> None:
        pending = again or any(True for _ in self._unanswered(section.items, [], {}))
        if pending:
            ui.section(section.title, section.help)
        while True:
            self._items(ui, section.items, [], {}, again)
            if not self._review_flags(ui, section):
                return
            again = True  # the person chose to change a flagged answer: ask the section again

    def _items(
        self, ui: Terminal, items: list[Question | Group], prefix: list[Part], item: dict[str, Any], again: bool
    ) -> None:
        for entry in items:
            if isinstance(entry, Group):
                self._group(ui, entry, prefix, item, again)
            elif entry.for_each_party:
                for key in self.parties():
                    self._question(ui, entry, prefix, item, again, party=key)
            else:
                self._question(ui, entry, prefix, item, again)

    def _question(
        self, ui: Terminal, q: Question, prefix: list[Part], item: dict[str, Any], again: bool, party: str | None = None
    ) -> None:
        qid = q.id.replace("{party}", party) if party else q.id
        parts = prefix + parse_path(qid)
        scope = self.scope(item, prefix)
        if q.when and not expr(q.when, scope):
            if get(self.answers, parts) is not None:
                delete(self.answers, parts)  # no longer applies
            return
        if q.type == "fixed":
            put(self.answers, parts, q.value)
            return
        current = self.current(q, parts)
        skipped = self.answers.setdefault("_wizard", {}).setdefault("skipped", [])
        if not again and (current is not None or show_path(parts) in skipped):
            return  # answered, or left empty on purpose: a resumed interview does not ask again
        default = current if current is not None else self._default(q, scope)
        message = q.prompt.replace("{party}", self.name(party)) if party else q.prompt
        prompt = self._prompt(
            q, message, render_text(q.help, {**scope, "sow_margin_help": self.margin_help(item)}), default, parts
        )
        value = convert(q, ui.ask(prompt))
        if q.type == "percent_list":
            self._put_tail(parts, value or [])
        elif value is None or value == []:
            delete(self.answers, parts)
            if show_path(parts) not in skipped:
                skipped.append(show_path(parts))
            if q.controls is None:
                return
        else:
            put(self.answers, parts, value)
            if show_path(parts) in skipped:
                skipped.remove(show_path(parts))
        if q.controls is not None and value is False:
            delete(self.answers, parse_path(q.controls))

    def _put_tail(self, parts: list[Part], values: list[Decimal]) -> None:
        start = parts[-1]
        assert isinstance(start, int)
        whole = list(get(self.answers, parts[:-1]) or [])[:start]
        put(self.answers, parts[:-1], whole + values)

    def _default(self, q: Question, scope: Mapping[str, Any]) -> Any:
        if q.default_from:
            value = expr(q.default_from, scope)
            if value is not None:
                return value
        return copy.deepcopy(q.default)

    def _prompt(self, q: Question, message: str, help: str, default: Any, parts: list[Part]) -> Prompt:
        parties = tuple(self.parties())
        if q.type == "confirm":
            return Prompt("confirm", message, help, bool(default) if default is not None else True)
        if q.type in ("select", "checkbox", "party"):
            values = list(parties) if q.type == "party" else q.choices
            choices = [(v, self.name(v) if q.type == "party" else words(v)) for v in values]
            if q.type == "checkbox":
                return Prompt("checkbox", message, help, list(default or []), choices)
            chosen = default if default in values else (values[0] if values else None)
            return Prompt("select", message, help, chosen, choices)
        return Prompt("text", message, help, as_text(default), [], q, tuple(parts), parties)

    def _group(self, ui: Terminal, g: Group, prefix: list[Part], item: dict[str, Any], again: bool) -> None:
        parts = prefix + parse_path(g.group)
        scope = self.scope(item, prefix)
        if g.when and not expr(g.when, scope):
            if get(self.answers, parts) is not None:
                delete(self.answers, parts)
            return
        existing = get(self.answers, parts)
        if g.kind == "mapping":
            self._mapping(ui, g, parts, existing if isinstance(existing, dict) else {}, again)
            return
        items = existing if isinstance(existing, list) else []
        given = bool(items)  # from a deal file or a draft: its list is complete as it stands
        put(self.answers, parts, items)
        index = 0
        while index < len(items):
            if again:
                ui.say(f"{g.title.capitalize()} {index + 1}: {summary_of(items[index])}")
            self._group_item(ui, g, [*parts, index], again)
            index += 1
        while self._more(ui, g, parts, len(items), again, given):
            items.append({})
            ui.say(f"{g.title.capitalize()} {len(items)}")
            self._group_item(ui, g, [*parts, len(items) - 1], True)
        self._close(parts)

    def _more(self, ui: Terminal, g: Group, parts: list[Part], count: int, again: bool, given: bool) -> bool:
        """Whether to add another item: always below the minimum; else ask, unless the
        person already said no to this group (a resumed interview does not ask again).
        A list the deal already gave is offered as complete (the default is not to add)."""
        if count < g.min:
            return True
        if not again and show_path(parts) in self.answers.get("_wizard", {}).get("closed", []):
            return False
        default = False
        if g.add_default and not given:
            default = bool(expr(g.add_default, {**self.scope(None, parts), "count": count}))
        return bool(ui.ask(Prompt("confirm", g.add_prompt, f"Another {g.title}.", default)))

    def _close(self, parts: list[Part]) -> None:
        closed = self.answers.setdefault("_wizard", {}).setdefault("closed", [])
        if show_path(parts) not in closed:
            closed.append(show_path(parts))

    def _group_item(self, ui: Terminal, g: Group, parts: list[Part], again: bool) -> None:
        while True:
            item = get(self.answers, parts)
            self._items(ui, g.items, parts, item, again)
            problems = self._item_problems(parts)
            if problems:
                for problem in problems:
                    ui.say(f"  {problem}")
                ui.say(f"Please answer this {g.title} again.")
                again = True
                continue
            if not self._review_flags(ui, None, show_path(parts)):
                return
            again = True

    def _mapping(self, ui: Terminal, g: Group, parts: list[Part], existing: dict[str, Any], again: bool) -> None:
        given = bool(existing)
        put(self.answers, parts, existing)
        key_question = next(q for q in g.items if isinstance(q, Question) and q.id == g.key)
        rest = [q for q in g.items if q is not key_question]
        for key in list(existing):
            if again:
                ui.say(f"{g.title.capitalize()} {key}: {summary_of(existing[key])}")
            self._group_item(ui, Group(group=g.group, kind="list", title=g.title, items=rest), [*parts, key], again)
        while self._more(ui, g, parts, len(existing), again, given):
            ui.say(f"{g.title.capitalize()} {len(existing) + 1}")
            key = self._new_key(ui, key_question, existing)
            existing[key] = {}
            self._group_item(ui, Group(group=g.group, kind="list", title=g.title, items=rest), [*parts, key], True)
        self._close(parts)

    def _new_key(self, ui: Terminal, q: Question, existing: dict[str, Any]) -> str:
        while True:
            prompt = Prompt(
                "text", q.prompt, q.help, "", [], q.model_copy(update={"type": "text"}), ("agreement", "id"), ()
            )
            key = str(convert(prompt.question, ui.ask(prompt))).strip() if prompt.question else ""
            if key in existing:
                ui.say(f"  '{key}' is already a party; choose another key")
                continue
            return key

    # -- checks and flags ----------------------------------------------------------------

    def _item_problems(self, parts: list[Part]) -> list[str]:
        """Cross-field problems of a finished group item (dates, sums), as messages."""
        if parts[0] != "statements_of_work" or len(parts) != 2:
            return []
        from p2pdocs.deal import rules
        from p2pdocs.deal.validate import field_problems

        raw = self.clean(get(self.answers, parts))
        context = {"parties": set(self.parties())}
        sow, problems = field_problems(StatementOfWork, raw, context)
        if sow is None:
            return [f"{show_path(list(loc))}: {message}" for loc, message in problems]
        return [f"{show_path(list(loc))}: {message}" for loc, message in rules.sow_problems(self.agreement(), sow)]

    def _review_flags(self, ui: Terminal, section: Section | None, within: str | None = None) -> bool:
        """Show new findings about what was just asked; True when the person wants to
        change an answer rather than keep it."""
        prefixes = self._prefixes(section.items, []) if section else [within or ""]
        change = False
        for finding in self.findings():
            key = (finding.rule, finding.field, finding.severity)
            shown = self.answers.setdefault("_wizard", {}).setdefault("flagged", [])
            if "|".join(key) in shown or not any(_related(finding.field, p) for p in prefixes):
                continue
            shown.append("|".join(key))  # kept in drafts: a resumed interview does not flag it again
            if not ui.flag(finding):
                shown.remove("|".join(key))
                change = True
        return change

    def _prefixes(self, items: list[Question | Group], prefix: list[Part]) -> list[str]:
        out = []
        for entry in items:
            if isinstance(entry, Group):
                out.append(show_path(prefix + parse_path(entry.group)))
            elif not entry.id.startswith("_"):
                out.append(show_path(prefix + parse_path(entry.id.split("{")[0].rstrip("."))))
            if isinstance(entry, Question) and entry.controls:
                out.append(entry.controls)
        return out

    def _unanswered(self, items: list[Question | Group], prefix: list[Part], item: dict[str, Any]) -> Iterator[str]:
        for entry in items:
            if isinstance(entry, Group):
                parts = prefix + parse_path(entry.group)
                if (not entry.when or expr(entry.when, self.scope(item, prefix))) and get(self.answers, parts) is None:
                    yield entry.group
            elif (
                (not entry.when or expr(entry.when, self.scope(item, prefix)))
                and not entry.for_each_party
                and entry.type != "fixed"
                and not entry.optional
                and self.current(entry, prefix + parse_path(entry.id)) is None
            ):
                yield entry.id

    def summary(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """The answers by section, as (label, value) rows for the review screen."""
        return summary(self)


def _related(finding_field: str, prefix: str) -> bool:
    if not prefix:
        return True
    return any(
        a == b or a.startswith(b + ".") or a.startswith(b + "[")
        for a, b in ((finding_field, prefix), (prefix, finding_field))
    )
