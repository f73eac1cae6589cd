"""From a validated deal to the documents it produces, in p2pdocs' own objects.

A :class:`Document` is what will be written: its file name, the composition (clauses,
numbering, reasons) and the values its Word template shows. Nothing here touches XML. The
deal's view (:mod:`p2pdocs.compose.view`) is built once and every builder reads it: the
agreement (``agreement``), each statement of work (``sow``), the plan annex (``plan``).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json

from p2pdocs.compose.library import Library
from p2pdocs.compose.view import DealView, deal_view
from p2pdocs.deal.terms import Deal
from p2pdocs.documents.agreement import agreement_document
from p2pdocs.documents.document import Document
from p2pdocs.documents.plan import plan_document
from p2pdocs.documents.sow import sow_document
from p2pdocs.word.provenance import PREFIX

__all__ = ["Document", "documents", "terms_sha256"]


def terms_sha256(deal: Deal) -> str:
    """A hash of the deal's terms as validated (independent of YAML layout and comments)."""
    data = json.dumps(deal.model_dump(mode="json"), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def documents(deal: Deal, library: Library, view: DealView | None = None) -> list[Document]:
    """Every document a deal produces: the agreement, each statement of work, and the
    partnership plan when the deal has one; each carries its provenance. ``view`` is the
    deal's view when the caller has built it already (it reads it for the memo too)."""
    view = view or deal_view(deal)
    agreement = agreement_document(view, library)
    sows = [sow_document(view, sow, library, agreement.composition) for sow in deal.statements_of_work]
    plan = [plan_document(view, library)] if deal.agreement.plan else []
    terms = terms_sha256(deal)
    return [_with_provenance(doc, deal, terms) for doc in (agreement, *sows, *plan)]


def _with_provenance(doc: Document, deal: Deal, terms: str) -> Document:
    from p2pdocs import __version__

    custom = (
        (f"{PREFIX}version", __version__),
        (f"{PREFIX}deal", deal.agreement.id),
        (f"{PREFIX}document", doc.filename),
        (f"{PREFIX}terms_sha256", terms),
        (f"{PREFIX}clauses", ", ".join(f"{s.clause_id}@{s.version}" for s in doc.composition.sections)),
        *doc.properties.custom,  # the document's own (a SoW's references to the agreement)
    )
    return dataclasses.replace(doc, properties=dataclasses.replace(doc.properties, custom=custom))
