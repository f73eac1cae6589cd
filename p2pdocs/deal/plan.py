"""The partnership plan of a deal: the non-binding annex the agreement reviews against
(objectives, segments, pitch, contributions, risks, KPIs, investment)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from p2pdocs.deal.values import Cadence, Date, Line, Model, Money, PartyKey, Text

Maturity = Literal["basic", "developing", "established", "dynamic"]


class Segments(Model):
    industries: list[Line] = Field(default_factory=list, max_length=50)
    regions: list[Line] = Field(default_factory=list, max_length=50)
    customer_sizes: list[Line] = Field(default_factory=list, max_length=20)


class Risk(Model):
    risk: Text
    mitigation: Text
    owner: PartyKey


class Kpi(Model):
    name: Line
    target: Line
    period: Cadence
    owner: PartyKey


class Investment(Model):
    money: Money | None = Field(None, description="Amount the party invests, in the agreement's currency.")
    people: Line | None = None
    assets: Line | None = None


class Plan(Model):
    """The partnership plan: a non-binding annex the agreement reviews against."""

    objectives: list[Text] = Field(min_length=1, max_length=50)
    segments: Segments | None = None
    pitch: Text | None = None
    contributions: dict[PartyKey, list[Text]] = Field(default_factory=dict)
    maturity: Maturity | None = None
    risks: list[Risk] = Field(default_factory=list, max_length=100)
    kpis: list[Kpi] = Field(default_factory=list, max_length=100)
    investment: dict[PartyKey, Investment] = Field(default_factory=dict)
    first_health_check: Date | None = Field(None, description="Default: six months after the effective date.")
