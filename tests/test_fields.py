"""The field catalogue (compose/fields.yaml): checked against the terms model, and the one
home of what the documents say about a field (cover rows, open items, comments, words,
standard positions, the interview's defaults)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import example_data

from p2pdocs.compose.context import agreement_context
from p2pdocs.compose.fields import CATALOGUE, catalogue, clause_of, enumeration, field_type
from p2pdocs.compose.textenv import words
from p2pdocs.compose.view import deal_view
from p2pdocs.deal.terms import Deal
from p2pdocs.documents.keyterms import cover_rows
from p2pdocs.documents.memo import open_items
from p2pdocs.errors import TemplateError
from p2pdocs.interview.questions import QUESTIONS, Group, Question, load_questions
from p2pdocs.playbook.findings import load_rules
from p2pdocs.playbook.standard import standard_deal


def deal_of(data: dict[str, Any]) -> Deal:
    return Deal.model_validate(data, context={"parties": set(data["agreement"]["parties"])})


def test_every_key_is_a_field_of_the_terms_model() -> None:
    for path in catalogue().fields:
        field_type(path)  # raises KeyError for a path the model does not have


def test_a_catalogue_that_does_not_match_the_model_is_refused(tmp_path: Path) -> None:
    data = yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))
    data["agreement.margin"] = {"label": "misspelt"}
    data["agreement.models"]["words"]["cosell"] = "co-selling"
    data["agreement.ownership[].review"]["words"] = {"semi_annual": "half-yearly"}
    data["statements_of_work[].staffing"]["open_item"] = True
    path = tmp_path / "fields.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(TemplateError) as error:
        catalogue(path)
    message = str(error.value)
    assert "agreement.margin: not a field of the terms model" in message
    assert "agreement.models: words for 'cosell', which is not one of its values" in message
    conflict = "agreement.ownership[].review: 'semi_annual' has other words at agreement.governance.executive_review"
    assert conflict in message
    assert "statements_of_work[].staffing: an open item in a collection needs its own text" in message


def test_every_playbook_finding_lands_on_a_clause() -> None:
    """Every field a finding points at has a clause in the catalogue (its Word comment)."""
    for rule in load_rules():
        # a field is clause text: take the first literal of each expression, or an index
        field = re.sub(r"\{\{(.*?)\}\}", lambda m: (re.findall(r"'([^']*)'", m[1]) or ["0"])[0], rule.spec.field)
        assert clause_of(field), f"{rule.spec.id}: {field} has no clause in {CATALOGUE.name}"


def test_every_enumeration_word_is_what_the_documents_write() -> None:
    for path, info in catalogue().fields.items():
        for value, text in info.words.items():
            assert value in enumeration(path)
            assert words(value) == text


def test_cover_rows_and_open_items_follow_the_catalogue() -> None:
    data = example_data()
    a = data["agreement"]
    del a["engagement"], a["parties"]["contoso"]["sponsor"]
    a["governance"].pop("workspace", None)
    view = deal_view(deal_of(data))
    cover = dict(cover_rows(agreement_context(view)))  # as the memo shows them
    assert cover["Party: Contoso"] == "Contoso Consulting Ltd (systems integrator), England and Wales"
    assert cover["Initial term"].startswith("24 months, to ")
    assert cover["Disputes"] == "Escalation, then mediation, then the courts of England and Wales"
    items = open_items(view)
    assert items[0] == "No rules of engagement (deal registration, protection window) is given."
    assert "Contoso: no executive sponsor is given." in items
    assert "No shared workspace is named." in items
    assert not any(i.startswith("Fabrikam: no executive sponsor") for i in items)


def test_standard_positions_come_from_the_catalogue() -> None:
    data = example_data()
    a = data["agreement"]
    del a["disputes"], a["governance"]
    a["visibility"]["disclosure"] = "white_label"
    a["margins"][0]["by_year"] = [5, 5]
    standard = standard_deal(deal_of(data)).agreement
    assert standard.disputes is not None and standard.disputes.process == "escalation_mediation"
    assert standard.governance is not None and standard.governance.agenda_owner == a["prime_partner"]
    assert standard.visibility is not None and standard.visibility.disclosure == "disclosed"
    fields = catalogue().fields
    by_year = fields["agreement.margins[].by_year"].standard
    assert by_year is not None
    assert standard.margins[0].by_year == by_year.values[a["margins"][0]["revenue_type"]]


def _questions(items: list[Question | Group], prefix: str = "") -> dict[str, Question]:
    found = {}
    for item in items:
        if isinstance(item, Group):
            found |= _questions(item.items, f"{prefix}{item.group}{'[].' if item.kind == 'list' else '.*.'}")
        else:
            found[prefix + item.id] = item
    return found


def test_the_interview_defaults_to_the_standard_positions() -> None:
    questions = {k: q for s in load_questions().sections for k, q in _questions(s.items).items()}
    assert questions["agreement.disputes.process"].default == "escalation_mediation"
    assert questions["agreement.term.dormancy_months"].default == 6
    assert questions["agreement.governance.agenda_owner"].default_from == "a.prime_partner"
    assert questions["agreement.margins[].by_year[0]"].default_from == (
        "{'projects': 20, 'saas': 25, 'licences': 25}.get(item.revenue_type, 20)"
    )
    # the later years are one answer, a list: its default is the rest of the standard row
    assert questions["agreement.margins[].by_year[1:]"].default_from == (
        "{'projects': [10], 'saas': [12.5], 'licences': [12.5]}.get(item.revenue_type, [10])"
    )


def test_a_question_restating_a_standard_position_is_refused(tmp_path: Path) -> None:
    question = "      - id: agreement.term.dormancy_months\n"
    text = QUESTIONS.read_text(encoding="utf-8").replace(question, question + "        default: 3\n")
    path = tmp_path / "questions.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TemplateError, match=r"agreement\.term\.dormancy_months: its default is the standard position"):
        load_questions(path)
