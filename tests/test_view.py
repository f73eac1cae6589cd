"""The deal's view (compose/view.py): built once per deal, read by every document."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import EXAMPLE

from p2pdocs.deal import shortnames
from p2pdocs.deal.validate import load_deal
from p2pdocs.run.generate import compose_and_render, library


def test_a_deal_works_out_each_party_name_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Generating every file of a deal (documents, memo, register) names each party once,
    in the view, and every document reads the name from there."""
    deal = load_deal(EXAMPLE)
    asked: list[str] = []

    rule = shortnames.short_name

    def counted(key: str, party: Any) -> str:
        asked.append(key)
        return rule(key, party)

    monkeypatch.setattr(shortnames, "short_name", counted)
    files = compose_and_render(deal, library())
    assert {name for name, *_ in files} >= {"partnering-agreement.docx", "review-memo.md", "deal-register.xlsx"}
    assert sorted(asked) == sorted(deal.agreement.parties)
    memo = next(data for name, data, *_ in files if name == "review-memo.md").decode("utf-8")
    assert "| Prime Partner | Contoso |" in memo
