"""Negotiated wording: text the parties agreed that departs from the clause library, per
clause and paragraph. It is literal text, written into the document as given and never
evaluated as a template; ``review --next-deal`` writes it from the counterparty's edits."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StrictInt, model_validator

from p2pdocs.deal.values import Date, Line, Model, Text


class Wording(Model):
    """The agreed text of one paragraph of a clause."""

    clause: Line = Field(description="The clause id (p2pdocs clauses lists them).")
    paragraph: Annotated[StrictInt, Field(ge=0, le=500)] = Field(
        description=(
            "The paragraph's place in the clause: 1 is the first after its heading (a table counts as one); "
            "for an added paragraph, the one it follows (0: before the first)."
        )
    )
    text: Text | Literal[""] = Field(
        description="The paragraph's text, without its number; empty removes the paragraph."
    )
    inserted: bool = Field(
        False, description="A paragraph the parties added (after paragraph `paragraph`), not one of the library's."
    )
    proposed_by: Line | None = Field(None, description="Who proposed it.")
    date: Date | None = Field(None, description="When it was proposed.")

    @model_validator(mode="after")
    def _placed(self) -> Wording:
        if self.paragraph == 0 and not self.inserted:
            raise ValueError("paragraph 0 is before the first: only an added paragraph (inserted: true) goes there")
        if self.inserted and not self.text:
            raise ValueError("an added paragraph needs its text")
        return self
