"""`p2pdocs clauses lint`: check a clause library and the templates in use before a legal
team relies on them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import jinja2
from jinja2 import nodes
from pydantic import BaseModel

from p2pdocs.compose.library import Clause, Library, LibraryError, ParagraphSpec, load_library
from p2pdocs.compose.limits import RenderTimeout, time_limit
from p2pdocs.deal.terms import Agreement, Stake, StatementOfWork
from p2pdocs.errors import InvalidInput, P2pdocsError, Problem
from p2pdocs.resources import clause_dirs, clauses_dir, current, template_path, templates_dir

#: What clause text may name, besides the variables its own `each` loops introduce.
NAMES = frozenset(
    {
        "a",
        "sows",
        "party_keys",
        "models",
        "prime",
        "money_flows",
        "term_end",
        "health_check",
        "plan_title",
        "party_list",
        "name",
        "legal",
        "article",
        "manager",
        "stake_right",
        "money",
        "count",
        "ref",
        "has",
        "loop",
        "index",
        "sow",
        "lead",
        "sow_margins",
        "agreement_ref",
        "has_agreement",
        "late_interest",
        "cross_border",
        "support_row",
        "resale_offer",
        "go_live",
        "contract_year_start",
        "working",
        "party_fees",
        "projects_margin",
        "true",
        "false",
        "none",
        "True",
        "False",
        "None",
    }
)
MODELS: dict[str, type[BaseModel]] = {"a": Agreement, "sow": StatementOfWork, "stake": Stake}
REFERENCES = {"ref", "has", "agreement_ref", "has_agreement"}
#: seconds one sample deal may take to compose and render
LINT_SECONDS = 20.0


def lint(directory: Path | None = None) -> list[Problem]:
    """Every problem of the library (``directory`` on top of the bundled one, or the library
    in use) and of the templates in use."""
    roots = clause_dirs() if directory is None else (clauses_dir(), directory)
    if directory is not None and not directory.is_dir():
        return [Problem(str(directory), 0, "", "no such directory")]
    try:
        library = load_library(roots)
    except (InvalidInput, LibraryError) as exc:
        return exc.problems
    except P2pdocsError as exc:
        return [Problem(str(roots[-1]), 0, "", str(exc))]
    problems = [p for clause in library.clauses.values() for p in _clause(clause, library)]
    problems += _templates(library)
    if not problems:  # rendering a library that does not compile would only repeat its problems
        problems += _renders(library)
    return problems


def _clause(clause: Clause, library: Library) -> Iterator[Problem]:
    spec = clause.spec
    local = {p.as_ for p in _paragraph_specs(clause) if p.each} | {"item"}
    sources = [(s, False) for s in clause.templates] + [(s, True) for s in clause.expressions]
    for source, is_expression in sources:
        try:
            tree = library.environment.parse("{{ " + source + " }}" if is_expression else " ".join(source.split()))
        except jinja2.TemplateSyntaxError as exc:
            yield Problem(str(clause.path), 0, spec.id, f"cannot parse '{source}': {exc.message}")
            continue
        for message in _names(tree, local, library):
            yield Problem(str(clause.path), 0, spec.id, message)


def _paragraph_specs(clause: Clause) -> list[ParagraphSpec]:
    found = [p for p in clause.spec.paragraphs if isinstance(p, ParagraphSpec)]
    if clause.spec.variants:
        for option in clause.spec.variants.options.values():
            found += [p for p in option.paragraphs if isinstance(p, ParagraphSpec)]
        found += [p for p in clause.spec.variants.shared if isinstance(p, ParagraphSpec)]
    return found


def _names(tree: nodes.Node, local: set[str | None], library: Library) -> Iterator[str]:
    assigned = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
    for node in tree.find_all((nodes.Name, nodes.Getattr, nodes.Call)):
        if isinstance(node, nodes.Name) and node.ctx == "load":
            if node.name not in NAMES and node.name not in local and node.name not in assigned:
                yield f"names '{node.name}', which clause text cannot see"
        elif isinstance(node, nodes.Getattr):
            if node.attr.startswith("_"):
                yield f"reads the internal attribute '{node.attr}', which the sandbox refuses"
            elif isinstance(node.node, nodes.Name) and node.node.name in MODELS:
                model = MODELS[node.node.name]
                if node.attr not in model.model_fields:
                    yield f"'{node.node.name}.{node.attr}' is not a field of {model.__name__}"
        elif isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name) and node.node.name in REFERENCES:
            for arg in node.args:
                if isinstance(arg, nodes.Const) and isinstance(arg.value, str):
                    target = arg.value.split("#")[0]
                    if target not in library.clauses:
                        yield f"{node.node.name}('{arg.value}') names no clause of the library"


def _templates(library: Library) -> Iterator[Problem]:
    from p2pdocs.word.render import prepared

    own = current().templates
    names = sorted(
        {p.name for p in templates_dir().glob("*.docx")} | ({p.name for p in own.glob("*.docx")} if own else set())
    )
    for name in names:
        path = template_path(name)
        try:
            prepared(path)
        except P2pdocsError as exc:
            yield _problem(str(exc))
        except Exception as exc:
            yield Problem(str(path), 0, "", f"not a usable Word template: {exc}")


def _problem(message: str, sample: str = "") -> Problem:
    """An error message ``PATH: ...`` as a problem of that file."""
    where, _, what = message.partition(": ")
    return Problem(where, 0, "", f"{what} (rendering {sample})" if sample else what)


def _renders(library: Library) -> Iterator[Problem]:
    """Every sample deal composed, and those that leave out a section also rendered with the
    templates and the review memo; then every variant that none of them chose."""
    from p2pdocs.compose.samples import sample_deals
    from p2pdocs.documents.builders import documents
    from p2pdocs.run.generate import compose_and_render

    seen: set[str] = set()
    chosen: set[tuple[str, str]] = set()
    for label, deal in sample_deals():
        try:
            with time_limit(LINT_SECONDS, f"the sample deal {label!r}"):
                plans = documents(deal, library)
                if not label.startswith("with "):
                    compose_and_render(deal, library, register=False)
        except P2pdocsError as exc:
            if str(exc) not in seen:
                seen.add(str(exc))
                yield _problem(str(exc), label)
            if isinstance(exc, RenderTimeout):
                return  # the others would take as long
            continue
        chosen.update((s.clause_id, s.variant) for plan in plans for s in plan.composition.sections)
    if seen:
        return
    included = {clause_id for clause_id, _ in chosen}
    for clause in library.clauses.values():
        if clause.id not in included:
            yield Problem(
                str(clause.path),
                0,
                clause.id,
                "is included in none of the sample deals (or in no document of the outline), "
                "so its text was not checked",
            )
            continue
        for option in clause.spec.variants.options if clause.spec.variants else {}:
            if (clause.id, option) not in chosen:
                yield Problem(
                    str(clause.path),
                    0,
                    clause.id,
                    f"variant '{option}' is chosen for none of the sample deals, so its text was not checked",
                )
