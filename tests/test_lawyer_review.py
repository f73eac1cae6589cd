"""Issue 16: the agreement as a counterparty's lawyer reads it. Deals are made to exercise
each defect class (two or three parties, relationship models, dispute processes, visibility,
stakes, money or none), generated in-process, and the extracted text is checked."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

import pytest
from conftest import example_data

from p2pdocs.compose.view import deal_view
from p2pdocs.deal.terms import Deal
from p2pdocs.deal.validate import validate_deal
from p2pdocs.documents.agreement import agreement_document
from p2pdocs.documents.memo import build, markdown
from p2pdocs.documents.sow import sow_document
from p2pdocs.run.generate import library, render_document
from p2pdocs.word.render import docx_text

Change = Callable[[dict[str, Any]], None]


def deal_of(*changes: Change) -> Deal:
    data = example_data()
    for change in changes:
        change(data)
    return validate_deal({k: v for k, v in data.items() if k != "p2pdocs"}, lambda loc: ("deal.yaml", 0, ()))


@cache
def agreement_lines(*changes: Change) -> str:
    """The agreement's text as Word shows it, one paragraph a line (the same changes, the
    same function objects, are generated once)."""
    doc = agreement_document(deal_view(deal_of(*changes)), library())
    return docx_text(render_document(doc))


def text_of(*changes: Change) -> str:
    return " ".join(agreement_lines(*changes).split())


def section(text: str, title: str) -> str:
    """The body of the section titled ``title`` (squashed text)."""
    body = text[text.index("Parties and background This") :]
    match = re.search(rf"(?<![\d.])(\d+)\. {re.escape(title)} ", body)
    assert match, f"no section {title!r}"
    start = match.end()
    following = re.search(rf" {int(match.group(1)) + 1}\. [A-Z]", body[start:])
    return body[start : start + following.start()] if following else body[start:]


def memo_md(deal: Deal) -> str:
    view = deal_view(deal)
    return markdown(build(view, [agreement_document(view, library())], [], []))


# deal changes -------------------------------------------------------------------------


def third_party(d: dict[str, Any]) -> None:
    d["agreement"]["parties"]["adatum"] = {
        "legal_name": "Adatum Corporation",
        "type": "msp",
        "jurisdiction": "State of Delaware",
        "address": "500 Market Street, Wilmington, DE 19801, United States",
        "signatory": {"name": "Lee Park", "title": "Chief Executive Officer"},
        "company_number": "DE 7781234",
    }


def no_money(d: dict[str, Any]) -> None:
    a = d["agreement"]
    a["models"] = ["co_sell"]
    for key in ("margins", "referral", "support_services"):
        a.pop(key, None)
    d["statements_of_work"] = []


def models(*names: str) -> Change:
    def change(d: dict[str, Any]) -> None:
        d["agreement"]["models"] = list(names)

    return change


def disputes(**values: Any) -> Change:
    def change(d: dict[str, Any]) -> None:
        d["agreement"]["disputes"] = values

    return change


def no_disputes(d: dict[str, Any]) -> None:
    del d["agreement"]["disputes"]


def no_plan(d: dict[str, Any]) -> None:
    del d["agreement"]["plan"]


def one_way(d: dict[str, Any]) -> None:
    d["agreement"]["engagement"]["bidirectional"] = False


def visibility(disclosure: str) -> Change:
    def change(d: dict[str, Any]) -> None:
        d["agreement"]["visibility"] = {"disclosure": disclosure, "co_branding": True}

    return change


def legal(**values: Any) -> Change:
    def change(d: dict[str, Any]) -> None:
        d["agreement"]["legal"] = values

    return change


def law(governing: str, currency: str = "EUR") -> Change:
    def change(d: dict[str, Any]) -> None:
        d["agreement"]["governing_law"] = governing
        d["agreement"]["currency"] = currency

    return change


def stake(**values: Any) -> Change:
    def change(d: dict[str, Any]) -> None:
        d["agreement"]["ownership"][0].update(values)

    return change


def no_sponsor(*keys: str) -> Change:
    def change(d: dict[str, Any]) -> None:
        for key in keys:
            d["agreement"]["parties"][key].pop("sponsor", None)

    return change


# 1. the dispute clause follows the deal ------------------------------------------------

PROCESSES = {
    "escalation": (
        {},
        "either Party may take the disagreement to the courts of England and Wales.",
        "Escalation, then the courts of England and Wales",
    ),
    "escalation_mediation": (
        {},
        "by mediation before a mediator they agree",
        "Escalation, then mediation, then the courts of England and Wales",
    ),
    "escalation_arbitration": (
        {"arbitration_rules": "the LCIA Rules", "arbitration_seat": "London"},
        "finally decided by arbitration under the LCIA Rules, by one arbitrator, with the seat of arbitration in "
        "London.",
        "Escalation, then arbitration under the LCIA Rules, seated in London",
    ),
    "escalation_courts": (
        {"courts": "Frankfurt am Main"},
        "may take the disagreement to the courts of Frankfurt am Main, which have exclusive jurisdiction.",
        "Escalation, then the courts of Frankfurt am Main, with exclusive jurisdiction",
    ),
}


@pytest.mark.parametrize("process", list(PROCESSES))
def test_each_dispute_process_prints_exactly_its_tiers_and_the_memo_says_the_same(process: str) -> None:
    extra, tier, summary = PROCESSES[process]
    change = disputes(process=process, **extra)
    clause = section(text_of(change), "Resolving disagreements")
    assert "partner managers try in good faith to settle it within 15 days of the notice" in clause
    assert "executive sponsors try to settle it within a further 30 days" in clause
    assert tier in clause
    assert ("mediat" in clause) == (process == "escalation_mediation"), "mediation only where the deal chose it"
    assert ("arbitrat" in clause) == (process == "escalation_arbitration")
    assert "Business Day" not in clause, "every tier in days"
    md = memo_md(deal_of(change))
    assert f"| Disputes | {summary} |" in md
    assert f"{summary[0].lower()}{summary[1:]}." in md  # the clause's reason in "Clauses used"


def test_a_deal_without_disputes_gets_escalation_then_the_courts_of_the_governing_law() -> None:
    text = text_of(no_disputes)
    clause = section(text, "Resolving disagreements")
    assert "try in good faith to settle it within 15 days" in clause
    assert "may take the disagreement to the courts of England and Wales, which have exclusive jurisdiction" in clause
    assert "Disputes | Escalation, then the courts of England and Wales, with exclusive jurisdiction" in text
    md = memo_md(deal_of(no_disputes))
    assert "the default applies: escalation, then the courts of England and Wales, with exclusive jurisdiction" in md


# 2. named people ---------------------------------------------------------------------


def test_executive_sponsors_are_named_where_escalation_goes_to_them() -> None:
    clause = section(text_of(), "Resolving disagreements")
    assert (
        "The executive sponsors are Ben Osei (Chief Operating Officer) for Contoso "
        "and Eva Roth (VP Partnerships) for Fabrikam." in clause
    )
    assert "names its executive sponsor" not in clause


def test_a_party_without_a_sponsor_names_one_in_writing() -> None:
    clause = section(text_of(no_sponsor("fabrikam")), "Resolving disagreements")
    assert "The executive sponsor is Ben Osei (Chief Operating Officer) for Contoso." in clause
    assert (
        "Fabrikam names its executive sponsor in writing to the other Party within 30 days of the date of this "
        "Agreement. Until it does, the person who signs this Agreement for it acts as its executive sponsor." in clause
    )
    three = section(text_of(third_party, no_sponsor("fabrikam")), "Resolving disagreements")
    assert "Fabrikam and Adatum each name their executive sponsor in writing to the other Parties" in three


# 3. every cover line backed by an operative clause --------------------------------------


@pytest.mark.parametrize(
    ("chosen", "phrases"),
    [
        (["co_sell"], ["as follows. Co-selling: the Parties pursue an Opportunity together"]),
        (["referral", "co_sell"], ["referral: a Party introduces a Customer", "; and (b) co-selling:"]),
        (["teaming"], ["as follows. Teaming: the Parties bid together"]),
        (["resale", "co_delivery"], ["resale: the Prime Partner buys", "co-delivery: the Parties deliver a project"]),
    ],
)
def test_every_relationship_model_on_the_cover_has_an_operative_paragraph(
    chosen: list[str], phrases: list[str]
) -> None:
    text = text_of(models(*chosen))
    clause = section(text, "How the Parties work together")
    for phrase in phrases:
        assert phrase in clause
    assert "Unless the Parties agree otherwise in writing for an Opportunity, the Prime Partner is Contoso" in clause
    assert "Prime Partner | Contoso" in text


def test_one_way_selling_without_a_plan_says_who_introduces_to_whom() -> None:
    text = text_of(one_way, no_plan)
    clause = section(text, "Introductions between the Parties")
    assert "Opportunities are introduced in one direction only: Fabrikam introduces Opportunities to Contoso" in clause
    assert "partnership plan" not in text, "no plan referred to, and the Partnership Plan capitalised one way"

    def from_contoso(d: dict[str, Any]) -> None:
        one_way(d)
        third_party(d)
        d["agreement"]["engagement"]["introduced_by"] = "contoso"

    clause = section(text_of(from_contoso), "Introductions between the Parties")
    assert "Contoso introduces Opportunities to Fabrikam and Adatum, and Fabrikam and Adatum are not obliged" in clause


# 5. ownership stakes ---------------------------------------------------------------


def test_dial_back_only_at_reviews_after_the_measurement_period() -> None:
    clause = section(text_of(stake(measured_over_months=18, review="quarterly")), "Ownership stakes")
    assert "Its targets, measured over the 18 months from the date of this Agreement, are:" in clause
    assert "If the targets have not been met at a review held after the end of those 18 months, the stake" in clause
    assert "If the targets are missed at a review," not in clause
    revoke = section(text_of(stake(dial_back="revoke")), "Ownership stakes")
    assert "review held after the end of those 12 months, the other Party may end the stake" in revoke


def test_what_exclusivity_covers() -> None:
    clause = section(text_of(), "Ownership stakes")
    assert "The other Party may still sell its own products and services directly to Customers in that scope." in clause
    assert "A stake covers only the products and services offered together under this Agreement" in clause
    closed = section(text_of(stake(direct_sales=False)), "Ownership stakes")
    assert "The other Party does not sell the products and services offered together under this Agreement in that " in (
        closed
    )
    assert "scope itself, other than through Contoso." in closed


# 6. liability ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "floor"),
    [
        ((), "the greater of EUR 250,000.00 and the amounts paid and payable between the Parties"),
        ((law("England and Wales", "GBP"),), "the greater of GBP 200,000.00 and"),
        ((law("Japan", "JPY"),), "the greater of the amount in JPY equal to EUR 250,000.00 at the European"),
        ((legal(liability_cap_amount=1_500_000),), "the greater of EUR 1,500,000.00 and"),
        ((no_money,), "the greater of EUR 250,000.00 and"),
    ],
)
def test_the_cap_is_never_nil_and_is_an_aggregate_per_agreement_year(changes: tuple[Change, ...], floor: str) -> None:
    clause = section(text_of(*changes), "Liability")
    assert floor in clause
    assert "for all claims arising in an Agreement Year taken together, is limited to" in clause


def test_liability_carve_outs_and_the_super_cap() -> None:
    text = text_of(legal(liability_super_cap=1_000_000))
    clause = section(text, "Liability")
    assert "This does not exclude or reduce any amount payable under this Agreement." in clause
    assert "amounts payable under this Agreement, such as fees and the price of products" in clause
    assert re.search(r"a Party's liability under Section \d+; and", clause)
    assert re.search(
        r"Sections \d+ and \d+, for which each Party's total liability to the other Party in an Agreement Year is ",
        clause,
    )
    assert "limited instead to EUR 1,000,000.00." in clause
    assert re.search(r"This indemnity is not subject to the limit in Section \d+\.3\.", section(text, "Indemnities"))
    uncapped = section(text_of(no_money), "Liability")
    assert "which is not limited." in uncapped
    assert "amounts payable under this Agreement, such as" not in uncapped, "no money flows: no such carve-out"


def test_with_three_parties_the_cap_applies_per_pair() -> None:
    clause = section(text_of(third_party), "Liability")
    assert "each Party's total liability to each other Party" in clause
    assert "between those two Parties" in clause
    assert "The limit applies separately between each pair of Parties." in clause


# 7. three or more parties --------------------------------------------------------------

SINGULAR = re.compile(r"\b(the other Party\b(?! \(the)|[Nn]either Party|[Ee]ither Party)")


def test_three_parties_withdraw_and_the_agreement_continues_between_the_rest() -> None:
    text = text_of(third_party)
    clause = section(text, "Term and termination")
    assert "Any Party may end this Agreement without giving a reason by 90 days' written notice to the other" in clause
    assert "withdraws from this Agreement when the notice takes effect" in clause
    assert "This Agreement then continues between the remaining Parties, and ends when fewer than two remain." in clause
    assert "The other Parties, acting together, may remove a Party from this Agreement by written notice" in clause
    assert re.search(r"the ownership stakes under Section \d+ that the Party leaving holds end", clause)
    assert SINGULAR.findall(text) == [], "a three-party agreement counts its parties right"


def test_two_parties_read_as_two() -> None:
    text = text_of()
    assert "Neither Party makes its own introductions conditional" in text
    assert "Either Party may end this Agreement by written notice if the other Party commits a material breach" in text
    assert "the other Parties" not in section(text, "Term and termination")
    assert "withdraw" not in section(text, "Term and termination")


# 8. white label ----------------------------------------------------------------------


def test_the_brand_clause_follows_the_visibility() -> None:
    white = text_of(visibility("white_label"))
    brand = section(white, "Names and trademarks")
    assert "No Party uses another Party's name or logos towards Customers or the market" in brand
    assert "to promote to Customers" not in brand
    assert "names and logos together in materials" not in white, "co-branding does not apply to white label"
    asked = section(text_of(visibility("on_request")), "Names and trademarks")
    assert "in proposals and materials for a Customer that has asked which Parties deliver the solution" in asked
    shown = section(text_of(visibility("disclosed")), "Names and trademarks")
    assert "to promote to Customers and prospects the products and services offered together" in shown


# the added clauses -----------------------------------------------------------------


def test_warranties_compliance_force_majeure_insurance_and_change_of_control() -> None:
    text = text_of(legal(insurance_amount=2_000_000))
    assert "it has the power and authority to enter into and perform this Agreement" in section(text, "Warranties")
    assert "no Party gives any warranty, representation or condition, express or implied" in text
    compliance = section(text, "Anti-bribery, sanctions and export controls")
    for phrase in ("anti-bribery and anti-corruption laws", "target of trade sanctions", "export control laws"):
        assert phrase in compliance
    assert '(a "Force Majeure Event")' in section(text, "Events beyond a Party's control")
    assert "the other Party may end this Agreement by 30 days' written notice" in text
    assert "each with cover of at least EUR 2,000,000.00 per claim" in section(text, "Insurance")
    assert "that other Party may, within 90 days of being told, end this Agreement" in section(
        text, "Change of control"
    )
    three = text_of(third_party)
    assert "that other Party may, within 90 days of being told, withdraw from this Agreement" in three
    assert "the other Parties, acting together, may remove that Party from this Agreement" in three


def test_termination_effects_and_a_complete_survival_list() -> None:
    text = text_of()
    clause = section(text, "Term and termination")
    assert re.search(r"the ownership stakes under Section \d+ end, without affecting Customer contracts", clause)
    assert "SoWs already signed continue until they are complete" in clause
    assert re.search(r"amounts earned before the end remain payable under Section \d+", clause)
    survival = re.search(r"\(f\) (Sections [\d., and]+) continue", clause)
    assert survival, clause
    listed = re.findall(r"\d+(?:\.\d+)?", survival.group(1))
    numbers = dict(re.findall(r"(?<![\d.])(\d+)\. ([A-Z][^\d]+?) (?=\d+\.1 )", text[text.index("Parties and b") :]))
    by_title = {title: n for n, title in numbers.items()}
    for title in ("Definitions and interpretation", "Payment", "Confidentiality", "Liability", "Indemnities"):
        assert by_title[title] in listed, title
    for title in ("Resolving disagreements", "General terms", "Notices", "Referral fees", "Intellectual property"):
        assert by_title[title] in listed, title


def test_order_of_precedence_is_one_rule_the_sow_refers_to() -> None:
    deal = deal_of()
    agreement = agreement_document(deal_view(deal), library())
    sow = sow_document(deal_view(deal), deal.statements_of_work[0], library(), agreement.composition)
    text = agreement.composition.text()
    assert (
        "they prevail in this order: this Agreement, then the SoW, then the Partnership Plan, then, as between the "
        "Parties, the Customer contract" in text
    )
    number = next(d.section for d in agreement.composition.decisions if d.clause_id == "sow.framework")
    assert f"the order of precedence in Section {number} of the Agreement applies" in sow.composition.text()
    assert "the Agreement prevails unless" not in sow.composition.text()


def test_notices_counterparts_third_party_rights_and_language() -> None:
    text = text_of()
    notices = section(text, "Notices")
    assert "Contoso: 1 King Street, London EC2V 8AU, United Kingdom, for the attention of Ana Silva" in notices
    assert "email farid.haddad@fabrikam.example." in notices
    assert "on the fifth Business Day after it is sent to an address in another country" in notices
    general = section(text, "General terms")
    assert "signed in any number of counterparts" in general and "by electronic signature" in general
    assert "Contracts (Rights of Third Parties) Act 1999" in general
    assert "This Agreement is made in English." in general
    us = section(text_of(law("State of New York", "USD")), "General terms")
    assert "Act 1999" not in us and "This Agreement gives no rights to anyone other than the Parties." in us
    assert "the law of the State of New York." in us

    def same_country(d: dict[str, Any]) -> None:
        d["agreement"]["parties"]["fabrikam"]["jurisdiction"] = "England and Wales"

    assert "made in English" not in text_of(same_country)


def test_company_numbers_in_the_parties_and_the_signature_blocks() -> None:
    lines = agreement_lines(third_party)
    assert (
        "(3) Adatum Corporation, a managed service provider incorporated in the State of Delaware under company "
        "number DE 7781234, whose address is" in lines
    )
    assert "Adatum Corporation (company number DE 7781234)" in lines.split("Signatures", 1)[1]
    assert "Contoso Consulting Ltd (company number" not in lines


# style a lawyer would fix ----------------------------------------------------------------

SPELLED = re.compile(
    r"\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|sixty|ninety)"
    r" (Business Days?|days?|months?|years?|per cent)\b",
    re.IGNORECASE,
)

VARIED: dict[str, tuple[Change, ...]] = {
    "the example": (),
    "three parties, white label": (third_party, visibility("white_label"), no_sponsor("fabrikam")),
    "co-selling, no money, no plan, one way": (no_money, no_plan, one_way, no_disputes),
    "Delaware, arbitration": (
        law("State of Delaware", "USD"),
        disputes(process="escalation_arbitration", arbitration_rules="the ICC Rules", arbitration_seat="New York"),
    ),
}


@pytest.mark.parametrize("label", list(VARIED))
def test_style_a_lawyer_would_fix(label: str) -> None:
    lines = agreement_lines(*VARIED[label])
    text = " ".join(lines.split())
    assert not SPELLED.findall(text), "figures as digits"
    assert "per cent" not in text
    assert not re.search(r"\b[A-Z]{3} \d{4,}\b", text), "amounts with thousands separators"
    assert " with in " not in text
    assert "partnership plan" not in text, "the Partnership Plan is capitalised one way"
    assert text.count("are valid only if made in writing and signed by each Party") == 1, "no clause twice"
    assert "Selling in both directions" not in text
    items = lines.split("\n")
    for i, line in enumerate(items):
        if line.startswith("(a)\t"):
            assert items[i + 1].startswith("(b)\t"), f"a lone (a): {line}"
    body = [p for p in items if re.match(r"\d+\.\d+\t", p)]
    assert len(body) == len({p.split("\t", 1)[1] for p in body}), "a paragraph appears twice"


def test_the_article_thousands_and_capitals_in_text_from_the_deal() -> None:
    text = text_of(
        law("State of Delaware", "USD"),
        stake(scope="The 25 largest retailers in Norway", targets=["USD 1250000 of new annual revenue"]),
    )
    assert "governed by the law of the State of Delaware." in text
    assert "covering the 25 largest retailers in Norway." in text
    assert "are: USD 1,250,000 of new annual revenue." in text
    assert "covering Denmark, Finland" in text_of(), "a name keeps its capital"


def test_lists_are_joined_with_and() -> None:
    def no_margins(d: dict[str, Any]) -> None:
        del d["agreement"]["margins"]
        d["statements_of_work"] = []

    clause = section(text_of(no_margins), "Statements of work")
    assert "each Party's responsibilities, the deliverables and the fees." in clause


def test_a_stake_without_targets_is_not_dialled_back_against_them() -> None:
    clause = section(text_of(stake(targets=[])), "Ownership stakes")
    assert "No targets have been set for this stake." in clause
    assert "The stake continues until the Parties agree otherwise in writing." in clause
    assert "whether or not the targets are met" not in clause and "steps down one level" not in clause


def test_the_sow_counts_the_parties_too() -> None:
    def flow_down(d: dict[str, Any]) -> None:
        d["statements_of_work"][0]["customer_contract"] = {"flow_down": ["Security policy v3", "Audit rights"]}

    for changes, expected in (
        (
            (flow_down,),
            ["The other Party complies with the following terms", "Contoso gives the other Party in writing"],
        ),
        ((flow_down, third_party), ["The other Parties comply with the following terms", "before they start work"]),
    ):
        deal = deal_of(*changes)
        agreement = agreement_document(deal_view(deal), library())
        text = sow_document(
            deal_view(deal), deal.statements_of_work[0], library(), agreement.composition
        ).composition.text()
        for phrase in expected:
            assert phrase in text
        assert ("the other Parties" in text) == (len(deal.agreement.parties) > 2)
