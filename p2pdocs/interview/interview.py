"""The interview behind ``p2pdocs new``: which question comes next, its default, checking
each answer as it is given, flags from the playbook, the review and the deal it produces.

It talks to the person through a :class:`Terminal` (the real one is
:mod:`p2pdocs.cli.terminal`, the only module that imports questionary); tests drive it with a
scripted one. The answers are the deal file itself, plus the interview's own ``_wizard``
answers, which drafts keep and deal files do not.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from p2pdocs.compose.textenv import words
from p2pdocs.deal.dates import add_months
from p2pdocs.deal.shortnames import short_name
from p2pdocs.deal.terms import Agreement, StatementOfWork
from p2pdocs.errors import InvalidInput
from p2pdocs.interview.questions import (
    BadAnswer,
    Group,
    Part,
    Question,
    Questionnaire,
    Section,
    check,
    convert,
    delete,
    get,
    load_questions,
    parse_path,
    put,
    render_text,
    show_path,
)
from p2pdocs.interview.questions import (
    evaluate as expr,
)
from p2pdocs.playbook.findings import Finding, evaluate


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

    def check(self, raw: Any) -> str | None:
        """Why ``raw`` cannot be accepted, or None: the same rules as the deal file."""
        if self.question is None:
            return None
        try:
            value = convert(self.question, raw)
        except BadAnswer as exc:
            return str(exc)
        return check(list(self.parts), value, list(self.parties))


class Terminal(Protocol):
    def section(self, title: str, help: str) -> None: ...
    def ask(self, prompt: Prompt) -> Any: ...
    def say(self, text: str) -> None: ...
    def flag(self, finding: Finding) -> bool: ...


@dataclass
class Interview:
    """The answers so far and the questions that follow from them."""

    answers: dict[str, Any] = field(default_factory=dict)
    questions: Questionnaire = field(default_factory=load_questions)

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
        current = self._current(q, parts)
        skipped = self.answers.setdefault("_wizard", {}).setdefault("skipped", [])
        if not again and (current is not None or show_path(parts) in skipped):
            return  # answered, or left empty on purpose: a resumed interview does not ask again
        default = current if current is not None else self._default(q, scope)
        message = q.prompt.replace("{party}", self.name(party)) if party else q.prompt
        prompt = self._prompt(
            q, message, render_text(q.help, {**scope, "sow_margin_help": self._margin_help(item)}), default, parts
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

    def _current(self, q: Question, parts: list[Part]) -> Any:
        if q.type == "percent_list":
            start = parts[-1]
            whole = get(self.answers, parts[:-1]) or []
            return whole[start:] if isinstance(start, int) and len(whole) > start else None
        return get(self.answers, parts)

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
        return Prompt("text", message, help, _as_text(default), [], q, tuple(parts), parties)

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
                ui.say(f"{g.title.capitalize()} {index + 1}: {_summary(items[index])}")
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
                ui.say(f"{g.title.capitalize()} {key}: {_summary(existing[key])}")
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
        agreement = self.agreement()
        found = rules.check(agreement, [sow], [raw])
        return [f"{show_path(list(loc[2:]))}: {message}" for loc, message in found if loc[0] == "statements_of_work"]

    def agreement(self) -> Agreement | None:
        try:
            return Agreement.model_validate(
                self.clean(self.answers.get("agreement")), context={"parties": set(self.parties())}
            )
        except Exception:
            return None

    def findings(self) -> list[Finding]:
        return evaluate(self.deal())

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

    # -- state ---------------------------------------------------------------------------

    def parties(self) -> list[str]:
        parties = get(self.answers, ["agreement", "parties"])
        return [str(k) for k in parties] if isinstance(parties, dict) else []

    def name(self, key: str | None) -> str:
        return short_name(key or "", get(self.answers, ["agreement", "parties", key]) if key else None)

    def scope(self, item: Mapping[str, Any] | None, prefix: list[Part]) -> dict[str, Any]:
        index = prefix[-1] if prefix and isinstance(prefix[-1], int) else 0
        effective = get(self.answers, ["agreement", "effective_date"])
        return {
            "deal": self.answers,
            "a": self.answers.get("agreement", {}),
            "item": item or {},
            "parties": self.parties(),
            "index": index,
            "health_check_default": _six_months_after(effective),
        }

    def _margin_help(self, item: Mapping[str, Any] | None) -> str:
        prime = (item or {}).get("prime")
        margins = get(self.answers, ["agreement", "margins"]) or []
        rows = [m for m in margins if isinstance(m, dict) and m.get("seller") == prime and m.get("by_year")]
        if not rows:
            return ""
        year = (item or {}).get("contract_year") or 1
        text = ", ".join(
            f"{words(m['revenue_type'])} {_pct(m['by_year'][min(int(year), len(m['by_year'])) - 1])}" for m in rows
        )
        return f"Margins for {self.name(prime)} as seller in year {year}: {text}."

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
                and self._current(entry, prefix + parse_path(entry.id)) is None
            ):
                yield entry.id

    def clean(self, data: Any) -> Any:
        """``data`` without the interview's own answers (keys starting with ``_``)."""
        if isinstance(data, dict):
            return {k: self.clean(v) for k, v in data.items() if not str(k).startswith("_")}
        if isinstance(data, list):
            return [self.clean(v) for v in data]
        return data

    def deal(self) -> dict[str, Any]:
        """The deal file the answers make (format 1), in the format's order of keys."""
        body = self.clean(self.answers)
        self._omit_defaults(body)
        deal: dict[str, Any] = {"p2pdocs": 1}
        if "agreement" in body:
            deal["agreement"] = _ordered(body["agreement"], list(Agreement.model_fields))
        if body.get("statements_of_work"):
            deal["statements_of_work"] = [
                _ordered(s, list(StatementOfWork.model_fields)) for s in body["statements_of_work"]
            ]
        return deal

    def _omit_defaults(self, body: dict[str, Any]) -> None:
        for section in self.questions.sections:
            for entry in section.items:
                if isinstance(entry, Question) and entry.omit_default:
                    parts = parse_path(entry.id)
                    if get(body, parts) == entry.default:
                        delete(body, parts)
                        parent = get(body, parts[:-1])
                        if parent == {}:
                            delete(body, parts[:-1])

    def problems(self) -> list[str]:
        """What still stops the deal from validating (empty when it is complete)."""
        from p2pdocs.deal.validate import validate_deal

        body = {k: v for k, v in self.deal().items() if k != "p2pdocs"}
        try:
            validate_deal(body, lambda loc: ("answers", 0, ()))
        except InvalidInput as exc:
            return [f"{p.path}: {p.message}" for p in exc.problems]
        return []

    def summary(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """The answers by section, as (label, value) rows for the review screen."""
        out = []
        for section in self.questions.sections:
            rows: list[tuple[str, str]] = []
            self._rows(section.items, [], rows, "")
            out.append((section.title, rows))
        return out

    def _rows(self, items: list[Question | Group], prefix: list[Part], rows: list[tuple[str, str]], label: str) -> None:
        for entry in items:
            if isinstance(entry, Group):
                value = get(self.answers, prefix + parse_path(entry.group))
                keys = list(value) if isinstance(value, (dict, list)) else []
                for i, key in enumerate(keys):
                    index: Part = key if isinstance(value, dict) else i
                    sub = [e for e in entry.items if not (isinstance(e, Question) and e.id == entry.key)]
                    title = f"{entry.title} {key if isinstance(value, dict) else i + 1}"
                    self._rows(sub, [*prefix, *parse_path(entry.group), index], rows, f"{label}{title}: ")
                continue
            if entry.id.startswith("_") or entry.type == "fixed":
                continue
            if entry.for_each_party:
                for key in self.parties():
                    value = get(self.answers, prefix + parse_path(entry.id.replace("{party}", key)))
                    if value is not None:
                        rows.append((label + entry.prompt.replace("{party}", self.name(key)), _display(value)))
                continue
            value = self._current(entry, prefix + parse_path(entry.id))
            if value is not None and value != []:
                shown = self.name(value) if entry.type == "party" and isinstance(value, str) else _display(value)
                rows.append((label + entry.prompt, shown))


def _related(finding_field: str, prefix: str) -> bool:
    if not prefix:
        return True
    return any(
        a == b or a.startswith(b + ".") or a.startswith(b + "[")
        for a, b in ((finding_field, prefix), (prefix, finding_field))
    )


def _ordered(data: dict[str, Any], order: list[str]) -> dict[str, Any]:
    return {k: data[k] for k in [*order, *data] if k in data} if isinstance(data, dict) else data


def _pct(value: Any) -> str:
    return f"{Decimal(str(value)).normalize():f}%"


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(_as_text(v) for v in value)
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str(value)


def _display(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "; ".join(_display(v) for v in value)
    if isinstance(value, str):
        return words(value) if "_" in value and " " not in value else value
    return _as_text(value)


def _summary(item: Any) -> str:
    if not isinstance(item, dict):
        return ""
    shown = [_display(v) for k, v in item.items() if not str(k).startswith("_") and not isinstance(v, (dict, list))]
    return ", ".join(shown[:4])


def _six_months_after(effective: Any) -> date | None:
    """The default first health check, when the effective date allows one."""
    from p2pdocs.deal.dates import OutOfRange

    if not isinstance(effective, date):
        return None
    try:
        return add_months(effective, 6)
    except OutOfRange:
        return None
