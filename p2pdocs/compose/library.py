"""The clause library: clause files and the outline that orders them, loaded and compiled.

A clause is data a lawyer can read and diff: an id, a version, a title, the condition that
includes it, its paragraphs (text with placeholders), variants where the domain has them,
and a note for reviewers. Loading checks every file and compiles every text once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import jinja2
from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from p2pdocs.compose.kinds import OUTLINED, DocumentKind
from p2pdocs.compose.textenv import Expression, Text, make_environment
from p2pdocs.deal.yamlsource import format_loc, read
from p2pdocs.errors import InvalidInput, LibraryError, Problem


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ItemSpec(_Spec):
    text: str
    when: str | None = None


class ParagraphSpec(_Spec):
    text: str | None = None
    heading: str | None = None
    table: str | None = None
    when: str | None = None
    anchor: str | None = None
    each: str | None = None
    as_: str | None = Field(None, alias="as")
    kind: Literal["clause", "item", "text"] | None = Field(
        None, description="'item' letters the paragraph (a), (b) under the last numbered one"
    )
    items: list[str | ItemSpec] = Field(default_factory=list)


Paragraph = str | ParagraphSpec


class VariantSpec(_Spec):
    paragraphs: list[Paragraph]


class VariantsSpec(_Spec):
    select: str
    options: dict[str, VariantSpec]
    shared: list[Paragraph] = Field(default_factory=list)


class ClauseSpec(_Spec):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")
    version: str = Field(pattern=r"^\d+\.\d+\.\d+$")
    title: str
    numbered: bool = True
    include_when: str | None = None
    why: str = "Always included: every agreement of this kind needs it."
    why_not: str = "Left out by its condition."
    note: str
    paragraphs: list[Paragraph] = Field(default_factory=list)
    variants: VariantsSpec | None = None


_FIELDS: dict[str, Any] = {
    name: (list[str], ...) if kind.required else (list[str], Field(default_factory=list))
    for name, kind in OUTLINED.items()
}
#: ``clauses/outline.yaml``: the clause ids of each kind of document that has clauses, in order
OutlineSpec: type[_Spec] = create_model("OutlineSpec", __base__=_Spec, **_FIELDS)


@dataclass(frozen=True)
class Clause:
    """A clause of the library, with its texts and conditions compiled."""

    spec: ClauseSpec
    path: Path
    templates: dict[str, Text]
    expressions: dict[str, Expression]

    @property
    def id(self) -> str:
        return self.spec.id

    def text(self, source: str) -> Text:
        return self.templates[source]

    def expression(self, source: str) -> Expression:
        return self.expressions[source]


@dataclass(frozen=True)
class Library:
    """Every clause by id, and the order of clauses in each kind of document."""

    root: Path
    clauses: dict[str, Clause]
    outline: dict[str, list[str]]
    environment: jinja2.Environment

    def document(self, kind: DocumentKind) -> list[Clause]:
        return [self.clauses[cid] for cid in self.outline[kind.name]]


def _normalise(text: str) -> str:
    """Template text as one line: folding in the YAML must not reach the document."""
    return " ".join(text.split())


def _texts_and_expressions(spec: ClauseSpec) -> tuple[list[str], list[str]]:
    texts = [spec.why, spec.why_not]
    exprs = [spec.include_when] if spec.include_when else []

    def walk(paragraphs: list[Paragraph]) -> None:
        for p in paragraphs:
            if isinstance(p, str):
                texts.append(p)
                continue
            texts.extend(t for t in (p.text, p.heading) if t)
            exprs.extend(e for e in (p.when, p.each) if e)
            for item in p.items:
                texts.append(item if isinstance(item, str) else item.text)
                if not isinstance(item, str) and item.when:
                    exprs.append(item.when)

    walk(spec.paragraphs)
    if spec.variants:
        exprs.append(spec.variants.select)
        for option in spec.variants.options.values():
            walk(option.paragraphs)
        walk(spec.variants.shared)
    return texts, exprs


def _compile(spec: ClauseSpec, path: Path, env: jinja2.Environment, line: int, problems: list[Problem]) -> Clause:
    texts, exprs = _texts_and_expressions(spec)
    templates: dict[str, Text] = {}
    expressions: dict[str, Expression] = {}
    for source in texts:
        try:
            templates.setdefault(source, Text(env, _normalise(source).strip()))
        except jinja2.TemplateSyntaxError as exc:
            problems.append(Problem(str(path), line, spec.id, f"template syntax error in '{source}': {exc.message}"))
    for source in exprs:
        try:
            expressions.setdefault(source, Expression(env, source))
        except jinja2.TemplateSyntaxError as exc:
            problems.append(Problem(str(path), line, spec.id, f"template syntax error in '{source}': {exc.message}"))
    return Clause(spec, path, templates, expressions)


def load_library(roots: Path | tuple[Path, ...]) -> Library:
    """Load and compile the clause library under ``roots`` (every ``*.yaml`` but the
    outline). A later root replaces clauses of an earlier one by id and may add clauses;
    the outline is the last root's that has one."""
    roots = (roots,) if isinstance(roots, Path) else roots
    env = make_environment()
    problems: list[Problem] = []
    clauses: dict[str, Clause] = {}
    outline_path = (
        next(r / "outline.yaml" for r in reversed(roots) if (r / "outline.yaml").is_file())
        if any((r / "outline.yaml").is_file() for r in roots)
        else roots[0] / "outline.yaml"
    )
    for root_index, path in sorted(
        ((i, p) for i, r in enumerate(roots) for p in r.rglob("*.yaml") if p.name != "outline.yaml"),
        key=lambda item: (item[0], str(item[1])),
    ):
        try:
            source = read(path)
        except InvalidInput as exc:
            problems += exc.problems
            continue
        try:
            spec = ClauseSpec.model_validate(source.data)
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                loc = tuple(error["loc"])
                problems.append(Problem(str(path), source.line_of(loc), format_loc(loc), error["msg"]))
            continue
        if spec.id in clauses and clauses[spec.id].path.is_relative_to(roots[root_index]):
            problems.append(
                Problem(
                    str(path),
                    source.line_of(("id",)),
                    "id",
                    f"clause '{spec.id}' is also defined in {clauses[spec.id].path}",
                )
            )
            continue
        if path.stem != spec.id:
            problems.append(
                Problem(
                    str(path),
                    source.line_of(("id",)),
                    "id",
                    f"the file of clause '{spec.id}' must be named {spec.id}.yaml",
                )
            )
        clauses[spec.id] = _compile(spec, path, env, source.line_of(()), problems)
    try:
        outline_source = read(outline_path)
    except InvalidInput as exc:
        raise LibraryError([*problems, *exc.problems]) from None
    try:
        outline = OutlineSpec.model_validate(outline_source.data)
    except ValidationError as exc:
        raise LibraryError(
            [
                Problem(str(outline_path), 1, format_loc(tuple(e["loc"])), e["msg"])
                for e in exc.errors(include_url=False)
            ]
        ) from None
    for kind, ids in outline.model_dump().items():
        for i, cid in enumerate(ids):
            if cid in ids[:i]:
                problems.append(
                    Problem(
                        str(outline_path),
                        outline_source.line_of((kind, i)),
                        f"{kind}[{i}]",
                        f"clause '{cid}' is listed twice (first at {kind}[{ids.index(cid)}])",
                    )
                )
            elif cid not in clauses:
                problems.append(
                    Problem(
                        str(outline_path),
                        outline_source.line_of((kind, i)),
                        f"{kind}[{i}]",
                        f"no clause '{cid}' in the library",
                    )
                )
    if problems:
        raise LibraryError(problems)
    return Library(roots[-1], clauses, outline.model_dump(), env)
