"""Negotiated wording: text the parties agreed that departs from the clause library, per
clause and paragraph. It is literal text, written into the document as given and never
evaluated as a template; ``review --next-deal`` writes it from the counterparty's edits."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StrictInt

from p2pdocs.deal.values import Date, Line, Model, Text


class Wording(Model):
    """The agreed text of one paragraph of a clause."""

    clause: Line = Field(description="The clause id (p2pdocs clauses lists them).")
    paragraph: Annotated[StrictInt, Field(ge=1, le=500)] = Field(
        description="The paragraph's place in the clause: 1 is the first after its heading (a table counts as one)."
    )
    text: Text | Literal[""] = Field(
        description="The paragraph's text, without its number; empty removes the paragraph."
    )
    proposed_by: Line | None = Field(None, description="Who proposed it.")
    date: Date | None = Field(None, description="When it was proposed.")
