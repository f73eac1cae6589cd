"""The interview's logic, driven by a scripted terminal: conditions, defaults, checks,
flags and the deal it produces."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import EXAMPLE, run_cli
from wizard_script import EXAMPLE_ANSWERS, ORDINARY, Scripted, normalise

from p2pdocs.interview.interview import Interview
from p2pdocs.playbook.findings import evaluate


def example() -> dict[str, Any]:
    return yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))


def test_interview_reproduces_the_reference_example() -> None:
    ui = Scripted(EXAMPLE_ANSWERS)
    interview = Interview()
    interview.run(ui)
    assert interview.problems() == []
    assert normalise(interview.deal()) == normalise(example())
    assert evaluate(interview.deal()) == [], "the reference example follows the playbook"


def test_questions_apply_only_when_they_should() -> None:
    script = copy.deepcopy(EXAMPLE_ANSWERS)
    script["Relationship models (space to select)"] = [["co_sell"]]
    script["Use the standard support, referral and payment terms?"] = [False]
    script["Is support for joint customers in scope?"] = [False]
    ui = Scripted(script)
    interview = Interview()
    interview.run(ui)
    messages = [p.message for p in ui.asked]
    assert not any("Referral fee" in m for m in messages), "no referral questions without the referral model"
    assert "Seat of arbitration" not in messages, "no arbitration seat unless arbitration"
    assert "Second-line support" not in messages
    deal = interview.deal()
    assert "referral" not in deal["agreement"] and "support_services" not in deal["agreement"]


def test_arbitration_asks_for_seat_and_rules() -> None:
    script = copy.deepcopy(EXAMPLE_ANSWERS)
    script["Use the standard disputes and term?"] = [False]
    script["Dispute process"] = ["escalation_arbitration"]
    script["Arbitration rules"] = ["the LCIA Rules"]
    script["Seat of arbitration"] = ["London"]
    interview = Interview()
    interview.run(Scripted(script))
    disputes = interview.deal()["agreement"]["disputes"]
    assert disputes["arbitration_seat"] == "London" and disputes["arbitration_rules"] == "the LCIA Rules"


def test_playbook_defaults_for_margins() -> None:
    ui = Scripted({**EXAMPLE_ANSWERS, "Use the standard disputes and term?": [False]})
    Interview().run(ui)
    defaults = [(p.message, p.default) for p in ui.asked if p.message.startswith("Margin in")]
    # saas row proposes 25 then 12.5; project rows 20 then 10
    assert defaults[:2] == [("Margin in year one (%)", "25"), ("Margin in later years (%)", "12.5")]
    assert defaults[2:4] == [("Margin in year one (%)", "20"), ("Margin in later years (%)", "10")]
    helps = [p.help for p in ui.asked if p.message == "Margin in year one (%)"]
    assert "20-30% for SaaS and licences" in helps[0]
    prime = next(p for p in ui.asked if p.message.startswith("Prime partner"))
    assert prime.default == "contoso", "the prime defaults to the first party"
    disputes = next(p for p in ui.asked if p.message == "Dispute process")
    assert disputes.default == "escalation_mediation"


@pytest.mark.parametrize(
    ("message", "bad", "reason"),
    [
        ("Margin in year one (%)", "120", "less than or equal to 100"),
        ("Margin in year one (%)", "twenty", "expected a percentage"),
        ("Currency (ISO code)", "euro", "ISO 4217"),
        ("Effective date (YYYY-MM-DD)", "15/01/2027", "expected a date"),
        ("Agreement id", "../etc", "used in file names"),
        ("Partner manager (name, email; empty for none)", "Cara Lind, cara", "email address"),
        ("Signatory (name, title)", "Ana Silva", "separated by a comma"),
    ],
)
def test_bad_answers_are_explained_and_asked_again(message: str, bad: str, reason: str) -> None:
    script = copy.deepcopy(EXAMPLE_ANSWERS)
    script["Use the standard basics?"] = [False]
    script.setdefault(message, [])
    good = script[message][0] if script[message] else None
    script[message] = [bad, *(script[message] or [good])] if good is not None else [bad, "EUR"]
    ui = Scripted(script)
    interview = Interview()
    interview.run(ui)
    assert ui.rejected and ui.rejected[0][0] == message and reason in ui.rejected[0][1]
    assert interview.problems() == []


def test_risky_answers_are_flagged_at_once_and_may_be_kept() -> None:
    script = copy.deepcopy(EXAMPLE_ANSWERS)
    script["Margin in year one (%)"] = ["25", "15", "20"]
    script["Use the standard rules of engagement?"] = [False]
    script["Use the standard support, referral and payment terms?"] = [False]
    script["Visibility to the customer"] = ["white_label"]
    script["Share of support revenue paid for second-line support (%, empty for none)"] = [""]
    script["Targets (separated by ;)"] = [""]
    ui = Scripted(script)
    interview = Interview()
    interview.run(ui)
    rules = {(f.rule, f.field) for f in ui.flags}
    assert ("P01", "agreement.margins[1].by_year[0]") in rules
    assert ("P11", "agreement.visibility.disclosure") in rules
    assert ("P06", "agreement.support_services.compensation_percent") in rules
    assert ("P16", "agreement.ownership[0].targets") in rules
    p01 = next(f for f in ui.flags if f.rule == "P01")
    assert p01.message.startswith("Contoso keeps 15% on projects in year 1")
    # flagged right after the margin row, before the support questions
    said = ui.said.index("Margin row 3")
    assert ui.flags.index(p01) >= 0 and said > 0
    assert interview.deal()["agreement"]["margins"][1]["by_year"][0] == 15  # kept


def test_a_flagged_answer_can_be_changed() -> None:
    """Changing a flagged answer asks that answer again, with the flag's reason, not its row."""
    script = copy.deepcopy(EXAMPLE_ANSWERS)
    script["Margin in year one (%)"] = ["25", "15", "22", "20"]
    ui = Scripted(script, keep=lambda f: f.rule != "P01")
    interview = Interview()
    interview.run(ui)
    assert [f.rule for f in ui.flags].count("P01") == 1
    asked = [p.message for p in ui.asked]
    assert asked.count("Revenue type") == 3 and asked.count("Margin in later years (%)") == 3
    again = next(p for p in ui.asked if p.error)
    assert again.message == "Margin in year one (%)" and again.default == "15"
    assert again.error.startswith("Contoso keeps 15% on projects in year 1")
    assert [m["by_year"] for m in interview.deal()["agreement"]["margins"]] == [[25, 12.5], [22, 12], [20, 10]]


def test_milestones_over_100_are_refused_as_they_are_entered() -> None:
    script = copy.deepcopy(EXAMPLE_ANSWERS)
    script["Share of the fee (%)"] = ["30", "30", "50", "40"]
    ui = Scripted(script)
    interview = Interview()
    interview.run(ui)
    assert ui.rejected == [("Share of the fee (%)", "milestone percentages add up to 110%, not 100%")]
    shares = [p for p in ui.asked if p.message == "Share of the fee (%)"]
    assert "So far 60%; 40% remains." in shares[2].help and shares[2].default == "40", "the last is offered the rest"
    assert [m["percent"] for m in interview.deal()["statements_of_work"][0]["milestones"]] == [30, 30, 40]


def test_milestones_short_of_100_reask_only_the_last_share() -> None:
    script = copy.deepcopy(EXAMPLE_ANSWERS)
    script["Share of the fee (%)"] = ["30", "30", "30", "40"]
    ui = Scripted(script)
    interview = Interview()
    interview.run(ui)
    asked = [p.message for p in ui.asked]
    again = [p for p in ui.asked if p.error]
    assert [(p.message, p.error) for p in again] == [
        ("Share of the fee (%)", "milestone percentages add up to 90%, not 100%")
    ]
    assert asked.count("Project title") == 1 and asked.count("Milestone") == 3, "only the wrong answer is asked again"
    assert [m["percent"] for m in interview.deal()["statements_of_work"][0]["milestones"]] == [30, 30, 40]


def test_a_sow_start_before_the_effective_date_is_refused_at_that_question() -> None:
    script = copy.deepcopy(EXAMPLE_ANSWERS)
    script["Start date (YYYY-MM-DD)"] = ["2026-12-01", "2027-02-01"]
    script["Due (YYYY-MM-DD)"] = ["2027-08-01", "2027-03-01", "2027-04-30", "2027-07-15"]
    ui = Scripted(script)
    interview = Interview()
    interview.run(ui)
    assert ui.rejected == [
        ("Start date (YYYY-MM-DD)", "starts before the agreement's effective date (15 January 2027)"),
        ("Due (YYYY-MM-DD)", "due 1 August 2027, outside the SoW (1 February 2027 to 31 July 2027)"),
    ]
    assert [p.message for p in ui.asked].count("Project title") == 1
    assert interview.problems() == []


def test_a_health_check_before_the_effective_date_is_refused_at_its_question() -> None:
    script = copy.deepcopy(EXAMPLE_ANSWERS)
    script["First health check (YYYY-MM-DD)"] = ["2027-01-10", "2027-06-30"]
    ui = Scripted(script)
    Interview().run(ui)
    assert ui.rejected == [
        (
            "First health check (YYYY-MM-DD)",
            "the first health check (10 January 2027) must come after the effective date (15 January 2027)",
        )
    ]


def test_every_prompt_says_where_it_is() -> None:
    ui = Scripted(EXAMPLE_ANSWERS)
    Interview().run(ui)
    sections = [s.title for s in Interview().questions.sections]
    for prompt in ui.asked:
        section = prompt.where.split(" > ")[0]
        assert section in sections, prompt
        assert prompt.progress == f"section {sections.index(section) + 1} of {len(sections)}", prompt
    where = {p.where for p in ui.asked}
    assert "Parties > Fabrikam > executive sponsor" in where
    assert "Partnership plan > money Contoso invests" in where
    assert "Statements of work > statement of work 1 > milestone 3 > share of the fee" in where


def test_small_things_usd_key_case_kind_menu_and_assumptions() -> None:
    script = copy.deepcopy(EXAMPLE_ANSWERS)
    script["Use the standard basics?"] = [False]
    script["Currency (ISO code)"] = ["usd"]
    script["Short key for this party"] = ["Contoso", "fabrikam"]
    script["Assumptions (separated by ;, empty for none)"] = ["Store access is provided"]
    ui = Scripted(script)
    interview = Interview()
    interview.run(ui)
    deal = interview.deal()
    assert deal["agreement"]["currency"] == "USD"
    assert list(deal["agreement"]["parties"]) == ["contoso", "fabrikam"]
    kind = next(p for p in ui.asked if p.message == "Kind of company")
    assert "other revenue" not in [title for _, title in kind.choices] and ("other", "other") in kind.choices
    assert deal["statements_of_work"][0]["assumptions"] == ["Store access is provided"]


def test_a_rule_about_a_whole_list_waits_until_the_list_is_closed() -> None:
    script = copy.deepcopy(EXAMPLE_ANSWERS)
    script["KPI"] = [None, "Win rate again"]
    ui = Scripted(script)
    events: list[str] = []
    ui.flag = lambda f: events.append(f"flag {f.rule}") or True  # type: ignore[method-assign]
    ask = ui.ask
    ui.ask = lambda p: events.append(p.message) or ask(p)  # type: ignore[method-assign]
    Interview().run(ui)
    assert "flag P42" in events
    assert events.index("flag P42") > max(i for i, e in enumerate(events) if e == "Add another KPI?")


def test_the_ordinary_deal_takes_the_standard_answers_in_few_prompts() -> None:
    ui = Scripted(ORDINARY)
    interview = Interview()
    interview.run(ui)
    assert interview.problems() == []
    # with the flag of the missing plan ("Keep this answer?") and "What next?" (issue 19: at most 60)
    prompts = len(ui.asked) + len(ui.flags) + 1
    assert prompts <= 60, [p.message for p in ui.asked]
    asked = [p.message for p in ui.asked]
    assert asked.count("Use the standard margins?") == 2 and "Margin in year one (%)" not in asked
    assert [m for m in asked if m.startswith("Products and services of")] == [
        "Products and services of Globex Software others may resell (separated by ;, empty for none)"
    ], "the resale scope is asked of the supplier only: Acme resells Globex's SaaS"
    split = next(p for p in ui.asked if p.message.startswith("Parts of the fixed price"))
    assert split.default == "120000; 0" and "in turn Acme Integration; Globex Software" in split.help
    deal = interview.deal()["agreement"]
    assert deal["governance"]["meetings"] == "monthly" and deal["disputes"]["process"] == "escalation_mediation"
    setup = next(p for p in ui.asked if p.message == "Use the standard set-up from the agreement?")
    assert "prime partner for this project: Acme Integration" in setup.help
    assert "Margins for Acme Integration as seller in year 1: projects and assignments 20%, SaaS subscriptions 25%" in (
        setup.help
    )
    sow = interview.deal()["statements_of_work"][0]
    assert sow["responsibilities"]["acme"][:2] == ["Project management", "Customer contract and invoicing"]
    assert sow["fees"]["by_party"] == {"acme": 90000, "globex": 30000}
    assert [(m["revenue_type"], m["by_year"]) for m in deal["margins"]] == [
        ("projects", [20, 10]),
        ("saas", [25, 12.5]),
    ]


def test_a_fee_split_is_checked_as_it_is_typed() -> None:
    """One answer for the parts of a fixed price: as many parts as parties, each an amount,
    adding up to the price, every working party with a part; only that answer is asked again."""
    script = copy.deepcopy(ORDINARY)
    split = "Parts of the fixed price, party by party (separated by ;)"
    script[split] = ["120000", "100000; 30000", "120000; ", "90000; -5", "90000; 30000"]
    ui = Scripted(script)
    interview = Interview()
    interview.run(ui)
    assert ui.rejected == [
        (split, "give 2 parts, one for each party in turn, separated by ; (got 1)"),
        (split, "the parts add up to 130,000, not the fixed price 120,000"),
        (split, "missing: globex works under this SoW; give its part of the fixed price"),
        (split, "globex's part must be greater than or equal to 0 (got -5)"),
    ]
    assert interview.deal()["statements_of_work"][0]["fees"]["by_party"] == {"acme": 90000, "globex": 30000}
    assert interview.problems() == []


def test_declining_the_standard_margins_asks_the_figures_and_two_sows_take_the_set_up() -> None:
    script = copy.deepcopy(ORDINARY)
    script["Use the standard margins?"] = [True, False]
    script["Margin in year one (%)"] = ["30"]
    script["Margin in later years (%)"] = ["15"]
    script["How many statements of work now (0 for none)?"] = ["2"]
    for key in ("Project title", "Customer", "Start date (YYYY-MM-DD)", "End date (YYYY-MM-DD)", "Scope"):
        script[key] = script[key] * 2
    script["Deliverable"] = ["Go-live", "Handover"]
    script["Due (YYYY-MM-DD)"] = ["2027-09-15", "2027-09-20"]
    script["Fixed price"] = ["120000", "50000"]
    script["Parts of the fixed price, party by party (separated by ;)"] = ["90000; 30000", "50000; 0"]
    script["Milestone"] = ["Go-live accepted", "Handover accepted"]
    ui = Scripted(script)
    interview = Interview()
    interview.run(ui)
    assert interview.problems() == []
    deal = interview.deal()
    assert [m["by_year"] for m in deal["agreement"]["margins"]] == [[20, 10], [30, 15]]
    assert [s["id"] for s in deal["statements_of_work"]] == ["SOW-001", "SOW-002"]
    assert deal["statements_of_work"][1]["fees"]["by_party"] == {"acme": 50000, "globex": 0}
    assert [p.message for p in ui.asked].count("Use the standard set-up from the agreement?") == 2


def test_changing_a_section_reasks_only_what_now_applies() -> None:
    interview = Interview()
    interview.run(Scripted(EXAMPLE_ANSWERS))
    ui = Scripted({"Relationship models (space to select)": [["resale", "co_delivery"]]})
    interview.run(ui, only="models")
    interview.run(ui)  # fill in what now applies
    assert "referral" not in interview.deal()["agreement"]
    ui = Scripted(
        {
            "Relationship models (space to select)": [["resale", "referral", "co_delivery"]],
            "Referral fee (% of the referred deal's net revenue)": ["8"],
        }
    )
    interview.run(ui, only="models")
    interview.run(ui)
    asked = [p.message for p in ui.asked]
    assert "Referral fee (% of the referred deal's net revenue)" in asked
    assert "Legal name" not in asked, "answers of other sections are kept, not asked again"
    assert interview.deal()["agreement"]["referral"]["fee_percent"] == 8


def test_from_an_existing_deal_every_answer_is_prefilled() -> None:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    interview = Interview(answers={k: v for k, v in data.items() if k != "p2pdocs"})
    ui = Scripted({})
    interview.run(ui)
    interview_asked = [p.message for p in ui.asked if not p.message.startswith("Add another")]
    assert set(interview_asked) <= {
        "Set rules of engagement (deal registration, protection window)?",
        "State how the partner is shown to customers?",
        "How many margin rows (a seller and a revenue type each; 0 for none)?",
        "Is support for joint customers in scope?",
        "Commit to joint readiness and certification?",
        "Grant any ownership stakes?",
        "Set a governance cadence?",
        "How many statements of work now (0 for none)?",
        "Assumptions (separated by ;, empty for none)",
        "Payment terms (days)",
        "Write a partnership plan (objectives, pitch, KPIs, investment)?",
        "Name the risks to the partnership and how trust is built?",
        # optional answers the example leaves empty are offered again
        "Money Fabrikam invests (empty for none)",
        "People Fabrikam invests (empty for none)",
        "Assets Contoso invests (empty for none)",
    }
    assert normalise(interview.deal()) == normalise(example())


@pytest.mark.parametrize("name", ["isv-si-co-sell", "referral-only", "resale-white-label", "three-party-teaming"])
def test_each_starting_deal_validates_and_generates(name: str, tmp_path: Path) -> None:
    from p2pdocs.interview.starting import path_of

    listed = run_cli("new", "--list-templates")
    assert listed.exit_code == 0 and name in listed.output
    result = run_cli("generate", str(path_of(name)), "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert list(tmp_path.glob("*/partnering-agreement.docx"))


def test_a_starting_deal_asks_what_every_deal_gives_for_itself() -> None:
    from p2pdocs.interview.starting import starting_answers

    interview = Interview(answers=starting_answers("resale-white-label"))
    ui = Scripted(
        {
            "Agreement id": ["NW-RESALE-2027"],
            "Effective date (YYYY-MM-DD)": ["2027-05-01"],
            "Legal name": ["Northwind Services Ltd", "Tailspin Software GmbH"],
            "Jurisdiction of incorporation": ["England and Wales", "Germany"],
            "Registered address": ["1 Road, Leeds", "2 Weg, Bonn"],
            "Signatory (name, title)": ["Ann Lee, CEO", "Jon Berg, CEO"],
            "How many statements of work now (0 for none)?": ["0"],
        }
    )
    interview.run(ui)
    asked = [p.message for p in ui.asked]
    assert asked[:3] == ["Agreement id", "Effective date (YYYY-MM-DD)", "Legal name"]
    assert "Kind of company" not in asked and "Relationship models (space to select)" not in asked
    deal = interview.deal()["agreement"]
    assert deal["visibility"]["disclosure"] == "white_label" and deal["parties"]["reseller"]["type"] == "msp"
    assert deal["parties"]["vendor"]["legal_name"] == "Tailspin Software GmbH"
    assert interview.problems() == []


def test_an_unknown_starting_deal_is_refused_with_the_choices() -> None:
    result = run_cli("new", "--from-template", "nope")
    assert result.exit_code == 2
    assert "no starting deal 'nope'; choose one of: isv-si-co-sell, referral-only" in result.output
