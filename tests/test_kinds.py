"""The catalogue of document kinds: every template, outline entry and file a deal writes
is of a kind the catalogue lists, named and titled as it says."""

from __future__ import annotations

import yaml
from conftest import ROOT

from p2pdocs.compose.kinds import BY_TEMPLATE, KINDS, OUTLINED
from p2pdocs.compose.samples import sample_deal
from p2pdocs.documents.builders import documents
from p2pdocs.run.generate import OWN_NAMES, compose_and_render, library


def test_every_template_and_outline_entry_is_of_a_kind_of_the_catalogue() -> None:
    assert sorted(p.name for p in (ROOT / "templates").glob("*.docx")) == sorted(k.template for k in KINDS)
    outline = yaml.safe_load((ROOT / "clauses" / "outline.yaml").read_text(encoding="utf-8"))
    assert list(outline) == list(OUTLINED)


def test_a_deal_writes_its_documents_as_the_catalogue_names_and_titles_them() -> None:
    deal = sample_deal()
    assert deal.agreement.plan is not None and deal.statements_of_work, "the sample has every kind"
    a = deal.agreement
    docs = documents(deal, library())
    wanted = [
        (kind.filename(sow), kind.title(a, sow))
        for kind in KINDS
        if kind.clauses
        for sow in (deal.statements_of_work if kind.per_sow else [None])
    ]
    assert [(d.filename, d.properties.title) for d in docs] == wanted
    assert [d.filename for d in docs][:2] == ["partnering-agreement.docx", f"sow-{deal.statements_of_work[0].id}.docx"]
    assert [BY_TEMPLATE[d.template] for d in docs] == [d.composition.kind for d in docs]
    files = [f.name for f in compose_and_render(deal, library())]
    assert files[-2:] == ["review-memo.docx", "review-memo.md"]
    assert all(OWN_NAMES.fullmatch(name) for name in files), "an earlier run's outputs are recognised as p2pdocs'"
