"""Every text that reaches a document or a document property goes through one check (no
control characters, not blank): every string field of a deal, and the command-line
options that reach documents."""

from __future__ import annotations

import typing
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from conftest import EXAMPLE, run_cli
from pydantic import BaseModel

from p2pdocs.deal import terms, values


def _unchecked(annotation: Any, metadata: list[Any], where: str) -> Iterator[str]:
    """Where a ``str`` is accepted without the shared text check."""
    if typing.get_origin(annotation) is typing.Annotated:
        inner, *extra = typing.get_args(annotation)
        yield from _unchecked(inner, [*metadata, *extra], where)
        return
    if annotation is str:
        if not any(getattr(m, "func", None) in (values._text, values._line) for m in metadata):
            yield where
        return
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return  # walked as a model of its own
    for arg in typing.get_args(annotation):
        yield from _unchecked(arg, [], where)


def _models() -> Iterator[type[BaseModel]]:
    for value in vars(terms).values():
        if isinstance(value, type) and issubclass(value, terms.Model) and value is not terms.Model:
            yield value


def test_every_string_field_of_a_deal_goes_through_the_text_check() -> None:
    found = [
        problem
        for model in _models()
        for name, info in model.model_fields.items()
        for problem in _unchecked(info.annotation, list(info.metadata), f"{model.__name__}.{name}")
    ]
    assert found == []
    assert "Contact.email" in {f"{m.__name__}.{n}" for m in _models() for n in m.model_fields}


def test_a_control_character_in_an_email_is_a_located_problem(tmp_path: Path) -> None:
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if "cara.lind@" in text)
    lines[line - 1] = lines[line - 1].replace("cara.lind@contoso.example", '"cara\\x07lind@contoso.example"')
    path = tmp_path / "deal.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("generate", str(path), "-o", str(out))
    assert result.exit_code == 2, result.output
    assert (
        f"{path}:{line}: agreement.parties.contoso.partner_manager.email: contains the control character U+0007"
        in result.output
    )
    assert not out.exists()


def test_a_control_character_in_the_redline_author_is_refused(tmp_path: Path, write_deal: Callable[..., Path]) -> None:
    old = write_deal(name="old.yaml")
    new = write_deal(lambda d: d["agreement"]["term"].update(initial_months=36), name="new.yaml")
    out = tmp_path / "r.docx"
    result = run_cli("redline", str(old), str(new), "-o", str(out), "--author", "Ann\x07Lee")
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "Invalid value for '--author': contains the control character U+0007; remove it" in result.output
    assert not out.exists()
    result = run_cli("redline", str(old), str(new), "-o", str(out), "--author", "Ann\nLee")
    assert result.exit_code == 2 and "must be a single line" in result.output
    result = run_cli("redline", str(old), str(new), "-o", str(out), "--author", "Ann Lee")
    assert result.exit_code == 0, result.output
