"""Writing deal files and interview drafts as YAML, and reading answers back from them."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from p2pdocs.deal.yamlsource import read
from p2pdocs.errors import InvalidInput, Problem

DRAFT_KEY = "p2pdocs_draft"


class _Dumper(yaml.SafeDumper):
    pass


def _decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.Node:
    text = f"{value.normalize():f}"
    if "." not in text:
        return dumper.represent_int(int(text))
    return dumper.represent_scalar("tag:yaml.org,2002:float", text)


_Dumper.add_representer(Decimal, _decimal)


def dump(data: Any, header: str = "") -> bytes:
    """YAML text of ``data`` (exact decimals, dates, keys in the given order)."""
    text = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    return (header + text).encode("utf-8")


def deal_text(deal: dict[str, Any], name: str) -> bytes:
    header = f"# Deal file written by `p2pdocs new`. Generate its documents with:\n#   p2pdocs generate {name}\n"
    return dump(deal, header)


def draft_text(answers: dict[str, Any], name: str) -> bytes:
    header = f"# Unfinished interview saved by `p2pdocs new`. Continue with:\n#   p2pdocs new --resume {name}\n"
    return dump({DRAFT_KEY: 1, "answers": answers}, header)


def load_answers(path: Path) -> dict[str, Any]:
    """The answers in a draft, or those a deal file gives (to edit it)."""
    data = read(path).data
    if not isinstance(data, dict):
        raise InvalidInput([Problem(str(path), 1, "", "expected a deal file or a draft of `p2pdocs new`")])
    if DRAFT_KEY in data:
        answers = data.get("answers")
        return answers if isinstance(answers, dict) else {}
    return {k: v for k, v in data.items() if k != "p2pdocs"}
