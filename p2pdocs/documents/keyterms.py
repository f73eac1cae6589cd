"""The key terms (the cover page of the agreement and of the review memo) and the memo's
open items, from the field catalogue (``compose/fields.yaml``): each field's cover row and
open item is clause text rendered over the agreement's context."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from p2pdocs.compose.fields import Catalogue, FieldInfo, catalogue, missing
from p2pdocs.compose.textenv import Expression, Text, make_environment
from p2pdocs.deal.terms import Deal


class _Compiled:
    """The catalogue's texts and expressions, compiled once."""

    def __init__(self, fields: Catalogue) -> None:
        env = make_environment()
        self.env = env
        self.texts: dict[str, Text] = {}
        self.expressions: dict[str, Expression] = {}
        for info in fields.fields.values():
            if info.cover:
                self.text(info.cover.label)
                self.text(info.cover.value)
                for when in (info.cover.when, info.cover.each):
                    if when:
                        self.expression(when)
            if info.open and info.open.when:
                self.expression(info.open.when)
            if info.open:
                self.text(info.open.text)

    def text(self, source: str) -> Text:
        if source not in self.texts:
            self.texts[source] = Text(self.env, source)
        return self.texts[source]

    def expression(self, source: str) -> Expression:
        if source not in self.expressions:
            self.expressions[source] = Expression(self.env, source)
        return self.expressions[source]


@lru_cache(maxsize=1)
def compiled() -> _Compiled:
    return _Compiled(catalogue())


def cover_rows(context: dict[str, Any]) -> list[list[str]]:
    """The key terms, label then value, in the catalogue's order; ``context`` is the
    agreement's (:func:`p2pdocs.compose.context.agreement_context`)."""
    c = compiled()
    rows = []
    for info in catalogue().fields.values():
        cover = info.cover
        if cover is None or (cover.when and not c.expression(cover.when)(context)):
            continue
        scopes = [{**context, "item": i} for i in c.expression(cover.each)(context)] if cover.each else [context]
        rows += [[c.text(cover.label).render(s), c.text(cover.value).render(s)] for s in scopes]
    return rows


def _value(obj: Any, names: str) -> Any:
    for name in filter(None, names.split(".")):
        obj = getattr(obj, name, None)
    return obj


def _items(root: Any, collection: str) -> Iterator[tuple[Any, Any]]:
    """(key, item) of each item of a collection path (``agreement.parties.*``: party key
    and party; ``statements_of_work[]``: index and statement of work)."""
    container = _value(root, collection.removesuffix(".*").removesuffix("[]"))
    if isinstance(container, dict):
        yield from container.items()
    else:
        yield from enumerate(container or [])


def open_items(context: dict[str, Any], deal: Deal) -> list[str]:
    """Optional terms the deal does not give, each a question for the reviewer: the open
    item of each field the deal leaves out, for each item of a collection in turn."""
    c = compiled()
    fields = catalogue()
    entries = [(path, info) for path, info in fields.fields.items() if info.open]
    items: list[str] = []

    def check(info: FieldInfo, value: Any, scope: dict[str, Any]) -> None:
        item = info.open
        assert item is not None
        if missing(value) and (not item.when or c.expression(item.when)(scope)):
            items.append(c.text(item.text).render({**scope, "label": info.label}))

    for collection, run in itertools.groupby(entries, key=lambda e: fields.collection(e[0])):
        group = list(run)
        if collection is None:
            for path, info in group:
                check(info, _value(deal, path), context)
            continue
        for key, element in _items(deal, collection):
            scope = {**context, "key": key, "item": element}
            for path, info in group:
                check(info, _value(element, path[len(collection) :]), scope)
    return items
