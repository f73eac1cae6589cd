"""The fast render path gives the same parts as docxtpl's own render, and falls back to it
for values it does not handle."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLE
from lxml import etree

from p2pdocs.compose.view import deal_view
from p2pdocs.deal.validate import load_deal
from p2pdocs.documents.builders import documents
from p2pdocs.documents.memo import build, memo_document
from p2pdocs.resources import templates_dir
from p2pdocs.run.generate import library
from p2pdocs.word.fast_render import is_plain
from p2pdocs.word.render import render_docx, render_full


def canonical_parts(data: bytes) -> dict[str, bytes]:
    parts = {}
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in package.namelist():
            raw = package.read(name)
            if name.endswith((".xml", ".rels")):
                raw = etree.tostring(etree.fromstring(raw), method="c14n")
            parts[name] = raw
    return parts


def hostile(d: dict[str, Any]) -> None:
    d["agreement"]["parties"]["contoso"]["legal_name"] = 'Smith & Sons <UK> "Ltd" {{ 7*7 }} 中文 עברית'
    d["statements_of_work"][0]["scope"] = "Line one\nLine two\twith a tab & <more>"


@pytest.mark.parametrize("change", [None, hostile])
def test_fast_path_equals_docxtpl_part_by_part(
    change: Callable[[dict[str, Any]], None] | None, write_deal: Callable[..., Path]
) -> None:
    deal = load_deal(write_deal(change) if change else EXAMPLE)
    made = documents(deal, library())
    memo = memo_document(build(deal_view(deal), made, [("x.docx", "0" * 64)]))
    for doc in [*made, memo]:
        assert is_plain(doc.context)  # generate vouches for it (render_docx(..., plain_data=True))
        template = templates_dir() / doc.template
        fast = canonical_parts(render_docx(template, doc.context, doc.properties))
        full = canonical_parts(render_full(template, doc.context, doc.properties))
        assert set(fast) == set(full)
        for name in full:
            assert fast[name] == full[name], f"{doc.filename}: part {name} differs"


def test_values_the_fast_path_does_not_handle_take_docxtpl_path() -> None:
    from docxtpl import RichText

    assert not is_plain({"x": [RichText("linked")]})
    assert not is_plain({"x": object()})
    assert is_plain({"x": [{"y": "text"}], "n": 3})
