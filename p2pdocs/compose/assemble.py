"""Decide which clauses a document contains, number them, and write their text.

Two passes: the first evaluates every condition and numbers what is in (sections 1..N
without gaps, paragraphs N.1, N.2, items (a), (b)); the second renders the text, with
``ref('clause.id')`` resolved to the number the clause got. A reference to a clause that
is not in the document is a defect of the library and fails loudly.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import jinja2
from jinja2.exceptions import SecurityError

from p2pdocs.compose.kinds import DocumentKind
from p2pdocs.compose.library import Clause, ItemSpec, Library, Paragraph, ParagraphSpec
from p2pdocs.compose.limits import MAX_LOOP, LimitExceeded
from p2pdocs.compose.marks import plain
from p2pdocs.deal.wording import Wording
from p2pdocs.errors import P2pdocsError, RenderTimeout, TemplateError
from p2pdocs.word import fields

Kind = Literal["clause", "text", "item", "heading", "table"]


@dataclass(frozen=True)
class Para:
    """One paragraph of a section, ready for the template."""

    kind: Kind
    number: str
    text: str
    table: str = ""
    target: str = ""  # what a reference to this paragraph names (clause#anchor)
    origin: int = 0  # its paragraph in the library's text of the clause (an added one: the one it follows)
    added: bool = False  # a paragraph the parties added (negotiated wording), not the library's


@dataclass(frozen=True)
class Section:
    number: str
    title: str
    clause_id: str
    version: str
    variant: str
    paragraphs: list[Para]

    @property
    def heading(self) -> str:
        return f"{self.number}. {self.title}" if self.number else self.title


@dataclass(frozen=True)
class Decision:
    """Whether a clause is in the document, in which variant, and why."""

    clause_id: str
    version: str
    title: str
    included: bool
    variant: str
    reason: str
    section: str = ""


@dataclass(frozen=True)
class Composition:
    """The clauses of one document, numbered and written, with the reason for each."""

    kind: DocumentKind
    sections: list[Section]
    decisions: list[Decision]

    def text(self) -> str:
        """The sections as plain text, one paragraph a line (tables by name)."""
        lines: list[str] = []
        for s in self.sections:
            lines.append(s.heading)
            for p in s.paragraphs:
                text = fields.plain(plain(p.text))
                lines.append(f"[table: {p.table}]" if p.kind == "table" else f"{p.number} {text}".strip())
        return "\n".join(lines)


@dataclass
class _Planned:
    kind: Kind
    number: str
    source: str
    scope: dict[str, Any] = field(default_factory=dict)
    anchor: str | None = None
    table: str = ""
    literal: bool = False  # negotiated wording: written as given, never rendered
    origin: int = 0  # see Para
    added: bool = False


def _letters(i: int) -> str:
    return "(" + "abcdefghijklmnopqrstuvwxyz"[i % 26] * (i // 26 + 1) + ")"


class _Composer:
    def __init__(
        self, library: Library, kind: DocumentKind, context: Mapping[str, Any], wording: Sequence[Wording] = ()
    ) -> None:
        self.library = library
        self.kind = kind
        self.wording = {(w.clause, w.paragraph): w.text for w in wording if not w.inserted}
        self.inserted: dict[tuple[str, int], list[str]] = {}
        for w in wording:
            if w.inserted and w.text:
                self.inserted.setdefault((w.clause, w.paragraph), []).append(w.text)
        self.context = dict(context)
        self.numbers: dict[str, str] = {}
        self.included: set[str] = set()
        self.context.update(has=self.included.__contains__, ref=self.ref, refs=self.refs)

    def ref(self, target: str) -> str:
        number = self.numbers.get(target)
        if number is None:
            raise TemplateError(
                f"{self._current.path}: clause {self._current.id}: refers to '{target}', which is not in this "
                "document; guard the reference with has()"
            )
        return "Section " + fields.ref(target, number)

    def refs(self, *targets: str) -> str:
        """The sections of those ``targets`` that are in this document, in order:
        ``Sections 10, 22 and 25``; a target left out of the document is skipped."""
        found = {self.numbers[t]: t for t in reversed(targets) if t in self.numbers}
        numbers = sorted(found, key=lambda n: tuple(int(part) for part in n.split(".")))
        cited = [fields.ref(found[n], n) for n in numbers]
        if not cited:
            return ""
        if len(cited) == 1:
            return f"Section {cited[0]}"
        return f"Sections {', '.join(cited[:-1])} and {cited[-1]}"

    _current: Clause  # the clause being written, named by a reference's error

    def evaluate(
        self, clause: Clause, source: str, scope: Mapping[str, Any], convert: Callable[[Any], Any] | None = None
    ) -> Any:
        self._current = clause
        try:
            value = clause.expression(source)({**self.context, **scope} if scope else self.context)
            return convert(value) if convert is not None else value
        except Exception as exc:
            raise _failure(clause, exc, f"condition '{source}': ") from None

    def render(self, clause: Clause, source: str, scope: Mapping[str, Any]) -> str:
        self._current = clause
        try:
            return clause.text(source).render({**self.context, **scope} if scope else self.context).strip()
        except Exception as exc:
            raise _failure(clause, exc, "") from None

    def compose(self) -> Composition:
        clauses = self.library.document(self.kind)
        chosen: list[tuple[Clause, str]] = []
        decisions: dict[str, tuple[bool, str]] = {}
        for clause in clauses:
            spec = clause.spec
            included = spec.include_when is None or self.evaluate(clause, spec.include_when, {}, bool)
            variant = ""
            if included:
                self.included.add(clause.id)
                if spec.variants:
                    variant = self.evaluate(clause, spec.variants.select, {}, str)
                    if variant not in spec.variants.options:
                        raise TemplateError(f"{clause.path}: clause {clause.id}: no variant '{variant}'")
                chosen.append((clause, variant))
            decisions[clause.id] = (included, variant)
        planned: dict[str, list[_Planned]] = {}
        number = 0
        for clause, variant in chosen:
            section = ""
            if clause.spec.numbered:
                number += 1
                section = str(number)
                self.numbers[clause.id] = section
            planned[clause.id] = self._numbered(
                self._negotiated(clause.id, self._plan(clause, variant, section)), section
            )
        sections = [
            Section(
                self.numbers.get(c.id, ""),
                c.spec.title,
                c.id,
                c.spec.version,
                v,
                [self._write(c, p) for p in planned[c.id]],
            )
            for c, v in chosen
        ]
        reasons = [
            Decision(
                c.id,
                c.spec.version,
                c.spec.title,
                inc,
                var,
                fields.plain(plain(self.render(c, c.spec.why if inc else c.spec.why_not, {}))),
                self.numbers.get(c.id, ""),
            )
            for c in clauses
            for inc, var in [decisions[c.id]]
        ]
        return Composition(self.kind, sections, reasons)

    def _plan(self, clause: Clause, variant: str, section: str) -> list[_Planned]:
        paragraphs: list[Paragraph] = list(clause.spec.paragraphs)
        if clause.spec.variants:
            paragraphs += clause.spec.variants.options[variant].paragraphs + clause.spec.variants.shared
        out: list[_Planned] = []
        for p in paragraphs:
            spec = ParagraphSpec(text=p) if isinstance(p, str) else p
            scopes: list[dict[str, Any]] = [{}]
            if spec.each:
                values = self.evaluate(clause, spec.each, {}, list)
                if len(values) > MAX_LOOP:
                    raise TemplateError(
                        f"{clause.path}: clause {clause.id}: each '{spec.each}': more than {MAX_LOOP:,} items"
                    )
                name = spec.as_ or "item"
                scopes = [{name: v, "loop": _Loop(i, len(values))} for i, v in enumerate(values)]
            for scope in scopes:
                if spec.when and not self.evaluate(clause, spec.when, scope, bool):
                    continue
                if spec.heading:
                    out.append(_Planned("heading", "", spec.heading, scope))
                    continue
                if spec.table:
                    out.append(_Planned("table", "", "", scope, table=spec.table))
                    continue
                assert spec.text is not None
                if spec.kind == "item":
                    out.append(_Planned("item", "", spec.text, scope))
                    continue
                numbered = bool(section) and spec.kind != "text"
                target = f"{clause.id}#{spec.anchor}" if spec.anchor else None
                out.append(_Planned("clause" if numbered else "text", "", spec.text, scope, target))
                for item in spec.items:
                    item_spec = ItemSpec(text=item) if isinstance(item, str) else item
                    if item_spec.when and not self.evaluate(clause, item_spec.when, scope, bool):
                        continue
                    out.append(_Planned("item", "", item_spec.text, scope))
        return out

    def _numbered(self, planned: list[_Planned], section: str) -> list[_Planned]:
        """``planned`` numbered as it stands once the negotiated wording is in: each clause
        paragraph "6.1", "6.2"..., each item "(a)", "(b)"... from each clause paragraph on;
        an anchored paragraph's number kept for references to it."""
        counter = letter = 0
        for p in planned:
            if p.kind == "clause":
                counter += 1
                letter = 0
                p.number = f"{section}.{counter}"
            elif p.kind == "item":
                p.number = _letters(letter)
                letter += 1
            if p.anchor and p.kind in ("clause", "text"):
                self.numbers[p.anchor] = p.number
        return _no_lone_items(planned)

    def _write(self, clause: Clause, p: _Planned) -> Para:
        if p.kind == "table":
            return Para("table", "", "", p.table, origin=p.origin)
        text = p.source if p.literal else self.render(clause, p.source, p.scope)
        return Para(p.kind, p.number, text, target=p.anchor or "", origin=p.origin, added=p.added)

    def _negotiated(self, clause_id: str, planned: list[_Planned]) -> list[_Planned]:
        """The clause's paragraphs with the deal's negotiated wording in place of the
        library's (literal text; an empty text removes the paragraph), and the paragraphs
        the parties added, each after the one it follows (of that one's kind: a paragraph
        added after a numbered one is numbered, as Word numbers it)."""
        for n, p in enumerate(planned, start=1):
            p.origin = n
        if not self.wording and not self.inserted:
            return planned
        out = [_added(planned[0] if planned else None, text, 0) for text in self.inserted.get((clause_id, 0), ())]
        for n, p in enumerate(planned, start=1):
            text = self.wording.get((clause_id, n))
            if text is None or p.kind == "table":
                out.append(p)
            elif text:
                out.append(_Planned(p.kind, p.number, text, anchor=p.anchor, literal=True, origin=n))
            out += [_added(p, added, n) for added in self.inserted.get((clause_id, n), ())]
        return out


def _added(follows: _Planned | None, text: str, origin: int) -> _Planned:
    """A paragraph the parties added after ``follows`` (paragraph ``origin`` of the clause):
    literal text, of its kind."""
    kind: Kind = follows.kind if follows is not None and follows.kind in ("clause", "text", "item") else "text"
    return _Planned(kind, "", text, literal=True, origin=origin, added=True)


def _no_lone_items(planned: list[_Planned]) -> list[_Planned]:
    """A list of one is no list: an item with no item before or after it is written as a
    plain paragraph, never as a lone "(a)"."""
    for i, p in enumerate(planned):
        if p.kind != "item":
            continue
        before = i > 0 and planned[i - 1].kind == "item"
        after = i + 1 < len(planned) and planned[i + 1].kind == "item"
        if not before and not after:
            planned[i] = replace(p, kind="text", number="")  # negotiated wording stays literal
    return planned


def _failure(clause: Clause, exc: Exception, what: str) -> P2pdocsError:
    """What went wrong in a text or condition of ``clause``, as an error naming it."""
    where = f"{clause.path}: clause {clause.id}"
    if isinstance(exc, RenderTimeout):
        return RenderTimeout(f"{where}: {exc}")
    if isinstance(exc, P2pdocsError):
        return exc  # ref() names the clause already
    if isinstance(exc, LimitExceeded):
        return TemplateError(f"{where}: {what}refused: {exc}")
    if isinstance(exc, SecurityError):
        return TemplateError(f"{where}: refused, unsafe: {exc}")
    if isinstance(exc, jinja2.UndefinedError):
        return TemplateError(f"{where}: {what}{exc.message}")
    if isinstance(exc, jinja2.TemplateError):
        return TemplateError(f"{where}: {what}{exc}")
    return TemplateError(f"{where}: {what}{type(exc).__name__}: {exc}")


@dataclass(frozen=True)
class _Loop:
    index0: int
    length: int

    @property
    def index(self) -> int:
        return self.index0 + 1

    @property
    def first(self) -> bool:
        return self.index0 == 0

    @property
    def last(self) -> bool:
        return self.index0 == self.length - 1


def compose(
    library: Library, kind: DocumentKind, context: Mapping[str, Any], wording: Sequence[Wording] = ()
) -> Composition:
    """Select, number and write the clauses of one document; ``wording`` is the deal's
    negotiated wording for it (by clause and paragraph)."""
    return _Composer(library, kind, context, wording).compose()
