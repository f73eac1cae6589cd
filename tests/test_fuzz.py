"""Property-based tests over the terms model: any valid deal renders documents that contain
every value the user typed, literally, in any script; any invalid deal is refused with a
FILE:LINE: field message, status 2, no traceback and no file."""

from __future__ import annotations

import copy
import io
import os
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import example_data, run_cli
from docx import Document
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from p2pdocs.deal.validate import validate_deal
from p2pdocs.documents.builders import documents
from p2pdocs.run.generate import library, render_document

SAMPLES = [
    "Société Générale Ærø Łódź",
    "Ελληνική Εταιρεία",
    "Кириллица ООО",
    "株式会社テスト",
    "北风贸易有限公司",
    "شركة الاختبار",
    "חברת בדיקה",
    "🤝 Partners 🚀",
    'Smith & Sons <UK> "Ltd"',
    "{{ 7*7 }}",
    "{% raw %}x",
    "{# no #}",
    "a]]>b",
    "&amp; &lt;",
    "$HOME %s {0}",
    "x\u200by",
    "Ǆemal Ⅻ ﬁ",
]
#: One line of text as a user could type it: any script, XML specials, jinja-looking, no
#: control characters or line breaks (which are errors, tested apart).
LINE = st.one_of(
    st.sampled_from(SAMPLES),
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\ufffe\uffff"),
        min_size=1,
        max_size=30,
    )
    .map(str.strip)
    .filter(bool),
)
FIELDS = [
    ("agreement", "parties", "contoso", "legal_name"),
    ("agreement", "parties", "fabrikam", "address"),
    ("agreement", "parties", "contoso", "signatory", "name"),
    ("agreement", "governing_law"),
    ("agreement", "ownership", 0, "scope"),
    ("agreement", "ownership", 0, "targets", 0),
    ("agreement", "governance", "workspace"),
    ("statements_of_work", 0, "customer"),
    ("statements_of_work", 0, "title"),
    ("statements_of_work", 0, "scope"),
    ("statements_of_work", 0, "deliverables", 1, "name"),
]


def put(data: Any, path: tuple[Any, ...], value: Any) -> None:
    for key in path[:-1]:
        data = data[key]
    data[path[-1]] = value


def all_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    parts += [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    parts += [p.text for s in doc.sections for p in s.header.paragraphs]
    return "\n".join(parts)


@pytest.mark.slow
@given(values=st.lists(LINE, min_size=len(FIELDS), max_size=len(FIELDS)))
# every example renders all of a deal's documents (about 0.2 s), and the fields and the kinds
# of text they get are fixed: 100 in CI keep the suite within its four minutes
@settings(deadline=None, max_examples=60)
def test_any_valid_deal_renders_every_value_literally(values: list[str]) -> None:
    data = example_data()
    sow = data["statements_of_work"][0]
    renamed = sow["deliverables"][1]["name"]
    for path, value in zip(FIELDS, values, strict=True):
        put(data, path, value)
    # what names the renamed deliverable (a milestone's trigger, go-live) follows it
    for milestone in sow["milestones"]:
        if milestone.get("on_acceptance_of") == renamed:
            milestone["on_acceptance_of"] = sow["deliverables"][1]["name"]
    if sow.get("go_live") == renamed:
        sow["go_live"] = sow["deliverables"][1]["name"]
    body = {k: v for k, v in data.items() if k != "p2pdocs"}
    deal = validate_deal(body, lambda loc: ("fuzz", 0, ()))
    texts = []
    for doc in documents(deal, library()):
        texts.append(all_text(render_document(doc)))
    everything = "\n".join(texts)
    for path, value in zip(FIELDS, values, strict=True):
        assert value in everything, (path, value)


WRONG = st.one_of(
    st.integers(),
    st.floats(allow_nan=False),
    st.booleans(),
    st.none(),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.text(alphabet=st.characters(whitelist_categories=("Cc",)), min_size=1, max_size=3),
)
TYPED = [  # (path, what makes a value of the wrong kind there)
    (("agreement", "effective_date"), "date"),
    (("agreement", "currency"), "text"),
    (("agreement", "margins", 0, "by_year", 0), "number"),
    (("agreement", "prime_partner"), "text"),
    (("agreement", "term", "initial_months"), "number"),
    (("agreement", "parties", "contoso", "legal_name"), "text"),
    (("statements_of_work", 0, "fees", "amount"), "number"),
    (("agreement", "referral"), "mapping"),
    (("agreement", "disputes", "process"), "text"),
    (("statements_of_work", 0, "milestones"), "list"),
]


def wrong_for(kind: str, value: Any) -> bool:
    """Whether ``value`` is certainly invalid where a ``kind`` is expected."""
    if kind == "number":
        return (
            value is None
            or isinstance(value, (bool, list, dict))
            or (isinstance(value, str) and not re.fullmatch(r"\s*-?\d+(\.\d+)?\s*", value))
        )
    if kind == "mapping":
        return value is not None and (not isinstance(value, dict) or bool(value))  # None: the section is left out
    if kind == "list":
        return not isinstance(value, list) or bool(value)
    if kind == "date":
        return not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)
    return not isinstance(value, str) or any(ord(c) < 32 for c in value)


@given(index=st.integers(0, len(TYPED) - 1), value=WRONG)
@settings(deadline=None, max_examples=120 if os.environ.get("CI") else 60)
def test_any_invalid_deal_is_refused_with_file_line_and_field(index: int, value: Any, tmp_path_factory: Any) -> None:
    path, kind = TYPED[index]
    assume(wrong_for(kind, value))
    data = copy.deepcopy(example_data())
    put(data, path, value)
    folder: Path = tmp_path_factory.mktemp("fuzz")
    deal = folder / "deal.yaml"
    deal.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    out = folder / "out"
    result = run_cli("generate", str(deal), "-o", str(out))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and not out.exists()
    lines = [line for line in result.output.splitlines() if line.startswith(str(deal))]
    assert lines and all(re.match(rf"{re.escape(str(deal))}:\d+: \S", line) for line in lines), result.output
