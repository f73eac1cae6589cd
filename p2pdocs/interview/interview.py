"""The interview behind ``p2pdocs new``: which question comes next, its default, checking
each answer as it is given and flags from the playbook as answers arrive.

It talks to the person through a :class:`Terminal` (the real one is
:mod:`p2pdocs.cli.terminal`, the only module that imports questionary); tests drive it with a
scripted one. What the answers make (the deal, its findings) is :mod:`answers`; the review
rows are :mod:`review`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from p2pdocs.compose.textenv import words
from p2pdocs.interview.answers import Answers, working_parties
from p2pdocs.interview.crosschecks import cross_check, item_problems, running_total
from p2pdocs.interview.flags import prefixes, review_flags
from p2pdocs.interview.prompt import Prompt, Terminal, as_text, summary_of
from p2pdocs.interview.questions import (
    Group,
    Part,
    Question,
    Section,
    convert,
    default_of,
    delete,
    get,
    label,
    lower_first,
    parse_path,
    put,
    put_tail,
    render_text,
    show_path,
    split_of,
)
from p2pdocs.interview.questions import (
    evaluate as expr,
)
from p2pdocs.interview.review import summary
from p2pdocs.interview.standard import propose
from p2pdocs.playbook.findings import Finding

__all__ = ["Interview", "Prompt", "Terminal"]


@dataclass
class Interview(Answers):
    """The answers so far and the questions that follow from them."""

    _stack: list[tuple[Group, list[Part]]] = field(default_factory=list, init=False, repr=False)
    _at: tuple[int, str] = field(default=(0, ""), init=False, repr=False)  # section number, title

    # -- running -------------------------------------------------------------------------

    def run(self, ui: Terminal, only: str | None = None) -> None:
        """Ask every section (or one, ``only``, again from its first question)."""
        for section in self.questions.sections:
            if only is None or section.id == only:
                self.run_section(ui, section, again=only is not None)

    def run_section(self, ui: Terminal, section: Section, again: bool = False) -> None:
        number = self.questions.sections.index(section) + 1
        self._at = (number, section.title)
        pending = again or any(True for _ in self._unanswered(section.items, [], {}))
        if pending:
            ui.section(f"{section.title} (section {number} of {len(self.questions.sections)})", section.help)
        if not again and section.standard:
            self._offer_standard(ui, section.standard, section.standard_title, section.items, [])
        self._items(ui, section.items, [], {}, again)
        while changed := self._review_flags(ui, section):
            # the person chose to change a flagged answer: ask it again, or the section when
            # no single question gives it
            if not all(self._reask(ui, section.items, [], parse_path(f.field), f.message) for f in changed):
                self._items(ui, section.items, [], {}, True)

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

    def _offer_standard(
        self, ui: Terminal, ids: list[str], title: str, items: list[Question | Group], prefix: list[Part]
    ) -> bool:
        """Offer the standard answers of a section or item in one confirmation; True when
        the person took them."""
        proposal = propose(self, ids, items, prefix)
        if proposal is None:
            return False
        message = f"Use the standard {title}?"
        item = get(proposal.answers, prefix) if prefix else None
        margins = Answers(proposal.answers, self.questions).margin_help(item) if isinstance(item, dict) else ""
        help = f"{'; '.join(proposal.rows)}. {margins} Yes takes all of these at once; no asks each.".replace("  ", " ")
        if ui.ask(Prompt("confirm", message, help, True, where=self._where(title), progress=self._progress())):
            proposal.apply(self.answers)
            skipped = self.answers.setdefault("_wizard", {}).setdefault("skipped", [])
            skipped.extend(p for p in proposal.empty if p not in skipped)
            return True
        return False

    def _where(self, prompt: str, party: str | None = None) -> str:
        """Where a question is: section > party or item > field."""
        out = [self._at[1]]
        for g, parts in self._stack:
            key = parts[-1]
            out.append(self.name(key) if isinstance(key, str) and self.name(key) else f"{g.title} {_n(key)}")
        return " > ".join([*out, lower_first(label(prompt.replace("{party}", self.name(party))))])

    def _progress(self) -> str:
        return f"section {self._at[0]} of {len(self.questions.sections)}"

    def _question(
        self,
        ui: Terminal,
        q: Question,
        prefix: list[Part],
        item: dict[str, Any],
        again: bool,
        party: str | None = None,
        error: str = "",
    ) -> None:
        qid = q.id.replace("{party}", party) if party else q.id
        parts = prefix + parse_path(qid)
        scope = {**self.scope(item, prefix), "party": party}
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
        so_far, remains = running_total(self, parts)
        default = current if current is not None else (remains if remains is not None else default_of(q, scope))
        if q.type == "split":
            default = self._split_default(current, item)
        message = q.prompt.replace("{party}", self.name(party)) if party else q.prompt
        help = render_text(q.help, {**scope, "sow_margin_help": self.margin_help(item)})
        prompt = self._prompt(q, message, f"{help} {so_far}".strip(), default, parts)
        where = self._where(q.prompt, party)
        prompt = dataclasses.replace(
            prompt, where=where, progress=self._progress(), also=cross_check(self, parts), error=error
        )
        value = convert(q, ui.ask(prompt))
        if q.type == "split":
            value = split_of(self.parties(), value) or None
        if q.type == "percent_list":
            put_tail(self.answers, parts, value or [])
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

    def _split_default(self, current: Any, item: dict[str, Any]) -> str:
        """A split's answer as typed: the parts given, else the whole price for the prime and
        nothing yet for the other working parties."""
        if isinstance(current, dict):
            return "; ".join(as_text(current.get(p)) for p in self.parties())
        amount = (item.get("fees") or {}).get("amount")
        working = working_parties(item)
        return "; ".join(
            as_text(amount) if p == item.get("prime") else "0" if p in working else "" for p in self.parties()
        )

    def _prompt(self, q: Question, message: str, help: str, default: Any, parts: list[Part]) -> Prompt:
        parties = tuple(self.parties())
        if q.type == "confirm":
            return Prompt("confirm", message, help, bool(default) if default is not None else True)
        if q.type in ("select", "checkbox", "party"):
            values = list(parties) if q.type == "party" else q.choices
            choices = [(v, self.name(v) if q.type == "party" else q.labels.get(v) or words(v)) for v in values]
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
        put(self.answers, parts, items)
        index = 0
        while index < len(items):
            if again:
                ui.say(f"{g.title.capitalize()} {index + 1}: {summary_of(items[index])}")
            self._group_item(ui, g, [*parts, index], again)
            index += 1
        while self._more(ui, g, parts, len(items), again):
            items.append({})
            ui.say(f"{g.title.capitalize()} {len(items)}")
            self._group_item(ui, g, [*parts, len(items) - 1], True)
        self._close(parts)
        if self._review_flags(ui, None, show_path(parts)):  # about the whole list, now it is closed
            self._group(ui, g, prefix, item, True)

    def _more(self, ui: Terminal, g: Group, parts: list[Part], count: int, again: bool) -> bool:
        """Whether to add another item: always below the minimum; as many as the person
        said (a group with a count); else ask, unless the person already said no to this
        group (a resumed interview does not ask again). The default is not to add."""
        if count < g.min:
            return True
        wanted = expr(g.count, self.scope(None, parts)) if g.count else None
        if isinstance(wanted, int):
            return count < wanted  # the person said how many
        if not again and show_path(parts) in self.answers.get("_wizard", {}).get("closed", []):
            return False
        prompt = Prompt(
            "confirm",
            g.add_prompt,
            f"Another {g.title}.",
            False,  # one is the common case: adding another is the exception
            where=self._where(g.add_prompt),
            progress=self._progress(),
        )
        return bool(ui.ask(prompt))

    def _close(self, parts: list[Part]) -> None:
        closed = self.answers.setdefault("_wizard", {}).setdefault("closed", [])
        if show_path(parts) not in closed:
            closed.append(show_path(parts))

    def _group_item(self, ui: Terminal, g: Group, parts: list[Part], again: bool) -> None:
        self._stack.append((g, parts))
        try:
            fresh = g.standard and not g.standard_after and not get(self.answers, parts)
            if fresh and self._offer_standard(ui, g.standard, g.standard_title, g.items, parts):
                again = False  # a new item: what the standard answered is not asked
            while True:
                self._item_answers(ui, g, parts, again)
                while problems := self._item_problems(parts):
                    if not all(self._reask(ui, g.items, parts, loc, message) for loc, message in problems):
                        break  # a problem no single question answers: ask the item again
                if problems:
                    ui.say(f"Please answer this {g.title} again.")
                    again = True
                    continue
                changed = self._review_flags(ui, None, show_path(parts), inside=True)
                if not changed:
                    return
                locs = [parse_path(f.field)[len(parts) :] for f in changed]
                if all(self._reask(ui, g.items, parts, loc, f.message) for loc, f in zip(locs, changed, strict=True)):
                    again = False  # only the flagged answers were asked again; the rest stand
                    continue
                again = True
        finally:
            self._stack.pop()

    def _item_answers(self, ui: Terminal, g: Group, parts: list[Part], again: bool) -> None:
        """A group item's questions; a standard that depends on an answer (the margins of a
        revenue type) is offered once that answer is known, for the questions after it."""
        at = next((i + 1 for i, e in enumerate(g.items) if isinstance(e, Question) and e.id == g.standard_after), 0)
        self._items(ui, g.items[:at], parts, get(self.answers, parts), again)
        # not offered when its answers are given (propose says so): a resumed or changed item
        taken = bool(at) and self._offer_standard(ui, g.standard, g.standard_title, g.items[at:], parts)
        self._items(ui, g.items[at:], parts, get(self.answers, parts), again and not taken)

    def _reask(
        self, ui: Terminal, items: list[Question | Group], prefix: list[Part], loc: list[Part], why: str
    ) -> bool:
        """Ask again only the question whose answer is wrong; False when there is none."""
        for entry in items:
            if isinstance(entry, Group):
                head = parse_path(entry.group)
                if loc[: len(head)] == head and len(loc) > len(head) + 1 and isinstance(loc[len(head)], int):
                    inner = [*prefix, *head, loc[len(head)]]
                    self._stack.append((entry, inner))
                    try:
                        return self._reask(ui, entry.items, inner, loc[len(head) + 1 :], why)
                    finally:
                        self._stack.pop()
            elif not entry.for_each_party and parse_path(entry.id) == loc:
                self._question(ui, entry, prefix, get(self.answers, prefix), True, error=why)
                return True
        return False

    def _mapping(self, ui: Terminal, g: Group, parts: list[Part], existing: dict[str, Any], again: bool) -> None:
        put(self.answers, parts, existing)
        key_question = next(q for q in g.items if isinstance(q, Question) and q.id == g.key)
        rest = [q for q in g.items if q is not key_question]
        for key in list(existing):
            if again:
                ui.say(f"{g.title.capitalize()} {key}: {summary_of(existing[key])}")
            self._group_item(ui, Group(group=g.group, kind="list", title=g.title, items=rest), [*parts, key], again)
        while self._more(ui, g, parts, len(existing), again):
            ui.say(f"{g.title.capitalize()} {len(existing) + 1}")
            key = self._new_key(ui, key_question, existing)
            existing[key] = {}
            self._group_item(ui, Group(group=g.group, kind="list", title=g.title, items=rest), [*parts, key], True)
        self._close(parts)

    def _new_key(self, ui: Terminal, q: Question, existing: dict[str, Any]) -> str:
        error = ""
        where = f"{self._at[1]} > party {len(existing) + 1} > short key"
        while True:
            question = q.model_copy(update={"type": "text"})
            prompt = Prompt(
                "text",
                q.prompt,
                q.help,
                "",
                [],
                question,
                ("agreement", "id"),
                (),
                where,
                self._progress(),
                None,
                error,
            )
            key = str(convert(question, ui.ask(prompt))).strip()
            if key in existing:
                error = f"'{key}' is already a party; choose another key"
                continue
            return key

    # -- checks and flags ----------------------------------------------------------------

    def _item_problems(self, parts: list[Part]) -> list[tuple[list[Part], str]]:
        return item_problems(self, parts)

    def _review_flags(
        self, ui: Terminal, section: Section | None, within: str | None = None, inside: bool = False
    ) -> list[Finding]:
        """Show new findings about what was just asked; those whose answer the person wants
        to change rather than keep."""
        return review_flags(self, ui, prefixes(section.items, []) if section else [within or ""], inside)

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


def _n(key: Part) -> str:
    return str(key + 1) if isinstance(key, int) else str(key)
