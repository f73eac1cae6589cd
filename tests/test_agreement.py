"""The partnering agreement as a reader sees it: the text extracted from the .docx."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLE, EXAMPLE_ID, ROOT, run_cli

from p2pdocs.word.render import docx_text

GOLDEN = ROOT / "tests" / "golden" / "contoso-fabrikam.agreement.txt"


@pytest.fixture(scope="module")
def example_text(tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("out")
    result = run_cli("generate", str(EXAMPLE), "-o", str(out))
    assert result.exit_code == 0, result.output
    return docx_text((out / EXAMPLE_ID / "partnering-agreement.docx").read_bytes())


def squash(text: str) -> str:
    return " ".join(text.split())


def section_numbers(text: str) -> list[int]:
    return [int(m) for m in re.findall(r"^(\d+)\. ", text, flags=re.MULTILINE)]


def assert_clean(text: str) -> None:
    for bad in ("{{", "}}", "{%", "%}", "None", "Undefined"):
        assert bad not in text, f"{bad!r} in the document"
    body = text[text.index("Parties and background\nThis") :]
    numbers = section_numbers(body)
    assert numbers == list(range(1, len(numbers) + 1)), f"section numbers not contiguous: {numbers}"
    for n in numbers:  # every section has at least one paragraph N.1
        assert re.search(rf"^{n}\.1\t\S", body, flags=re.MULTILINE), f"section {n} is empty"
    for ref in re.findall(r"Section (\d+)(?:\.(\d+))?", body):
        assert int(ref[0]) in numbers, f"reference to a missing Section {ref[0]}"


def test_every_term_of_the_example_is_in_the_agreement(example_text: str) -> None:
    t = squash(example_text)
    expected = [
        EXAMPLE_ID,
        "15 January 2027",
        "England and Wales",
        "EUR",
        "Contoso Consulting Ltd, a systems integrator incorporated in England and Wales, whose address is "
        '1 King Street, London EC2V 8AU, United Kingdom ("Contoso")',
        "Fabrikam Software GmbH, an independent software vendor incorporated in Germany, whose address is "
        'Friedrichstrasse 10, 10117 Berlin, Germany ("Fabrikam")',
        "Name: Ana Silva",
        "Title: Managing Director",
        "Name: Dieter Braun",
        "Title: Geschaeftsfuehrer",
        "its executive sponsor is Ben Osei, Chief Operating Officer",
        "its executive sponsor is Eva Roth, VP Partnerships",
        "Cara Lind (cara.lind@contoso.example)",
        "Farid Haddad (farid.haddad@fabrikam.example)",
        "referral, resale and co-delivery",
        "the Prime Partner is Contoso",
        "Revenue type | Seller | Year 1 | Year 2 and later",
        "SaaS subscriptions | Contoso | 25% | 12.5%",
        "Projects and assignments | Contoso | 22% | 12%",
        "Projects and assignments | Fabrikam | 20% | 10%",
        "Referring Party a fee of 10% of the Net Revenue",
        "in the 90 days before the introduction",
        "signed within 12 months after it ends, for Customers introduced before it ended",
        "Contoso gives first-line support",
        "Fabrikam gives second-line support",
        "that Prime Partner pays Fabrikam 15% of the Net Revenue it receives for the support",
        "A registered Opportunity is protected for 90 days",
        "The relationship runs in both directions",
        "proposals, SoWs and project communications name each Party",
        "use each other's names and logos together",
        "Within 90 days of the date of this Agreement, the Parties run joint readiness training",
        "each Party has its people certified on the products or services of each other Party",
        "Contoso holds an exclusive stake in a territory covering Denmark, Finland, Norway and Sweden",
        "EUR 500,000 of partner-sourced annual recurring revenue within 12 months",
        "review progress against the targets every quarter",
        "from exclusive to preferred, from preferred to non-exclusive",
        "Contoso owns the agenda",
        "The partner managers meet every month",
        "The executive sponsors meet every quarter",
        "shared workspace in Microsoft Teams",
        "how satisfied they are with the relationship every quarter",
        "within 15 days of the notice",
        "within a further 30 days",
        "mediation",
        "initial term of 24 months, until 14 January 2029",
        "renews automatically for successive periods of 12 months",
        "at least 60 days before the end of the current period",
        "by 90 days' written notice",
        "for 6 months in a row",
        "governed by the law of England and Wales",
        "Page 1 of 1",
    ]
    missing = [e for e in expected if e not in t]
    assert not missing, missing


def test_example_agreement_is_clean_and_numbered(example_text: str) -> None:
    assert_clean(example_text)


def test_cross_references_point_at_the_right_sections(example_text: str) -> None:
    body = example_text[example_text.index("Parties and background\nThis") :]
    numbers = dict(re.findall(r"^(\d+)\. (.+)$", body, flags=re.MULTILINE))
    by_title = {title: n for n, title in numbers.items()}
    assert f'"Margin" means the share of Net Revenue that the Seller keeps under Section {by_title["Margins"]};' in body
    assert f"pays the Supplier the Net Revenue less the Margin, under Section {by_title['Payment']}." in body


def test_golden_text(example_text: str) -> None:
    """Every change of wording shows up in review as a change of this file.

    Regenerate with: P2PDOCS_UPDATE_GOLDEN=1 pytest tests/test_agreement.py
    """
    import os

    if os.environ.get("P2PDOCS_UPDATE_GOLDEN"):
        GOLDEN.write_text(example_text + "\n", encoding="utf-8")
    assert example_text + "\n" == GOLDEN.read_text(encoding="utf-8")


def _drop(*keys: str) -> Callable[[dict[str, Any]], None]:
    def change(d: dict[str, Any]) -> None:
        for key in keys:
            del d["agreement"][key]
        if "margins" in keys or "support_services" in keys:
            d["statements_of_work"] = []

    return change


OPTIONAL = {
    "margins": ("Margins", "Margin"),
    "referral": ("Referral fees", "Referring Party"),
    "support_services": ("Support and professional services", "first-line support"),
    "engagement": ("Rules of engagement", "registered Opportunity"),
    "visibility": ("Visibility to the Customer", "who does what"),
    "enablement": ("Readiness and certification", "joint readiness training"),
    "ownership": ("Ownership stakes", "exclusive stake"),
    "governance": ("Governance", "Microsoft Teams"),
}  # disputes: always in, the default process when the deal gives none (test_lawyer_review)


@pytest.mark.parametrize("key", list(OPTIONAL))
def test_each_optional_section_switches_its_clauses_off(
    key: str, write_deal: Callable[..., Path], generate_text: Callable[[Path], str]
) -> None:
    text = generate_text(write_deal(_drop(key)))
    assert_clean(text)
    title, phrase = OPTIONAL[key]
    assert not re.search(rf"^\d+\. {re.escape(title)}$", text, flags=re.MULTILINE)
    assert phrase not in text.split("Contents", 1)[1]


def test_minimal_deal_reads_correctly(write_deal: Callable[..., Path], generate_text: Callable[[Path], str]) -> None:
    def minimal(d: dict[str, Any]) -> None:
        a = d["agreement"]
        for key in list(a):
            if key not in (
                "id",
                "effective_date",
                "governing_law",
                "currency",
                "parties",
                "models",
                "prime_partner",
                "term",
            ):
                del a[key]
        a["models"] = ["co_sell"]
        a["term"] = {"initial_months": 12}
        for party in a["parties"].values():
            del party["sponsor"], party["partner_manager"]
        del d["statements_of_work"]

    text = generate_text(write_deal(minimal))
    assert_clean(text)
    assert "the Prime Partner is Contoso" in text  # co-selling only: the body still names the prime
    assert "It then ends unless the Parties renew it in writing." in text
    assert "Payment" not in section_titles(text)


def section_titles(text: str) -> list[str]:
    return re.findall(r"^\d+\. (.+)$", text, flags=re.MULTILINE)


@pytest.mark.parametrize(
    ("disputes", "expected"),
    [
        ({"process": "escalation"}, "either Party may take the disagreement to the courts of England and Wales"),
        ({"process": "escalation_mediation"}, "the Parties try to settle it by mediation before a mediator they agree"),
        (
            {"process": "escalation_arbitration", "arbitration_rules": "the LCIA Rules", "arbitration_seat": "London"},
            "finally decided by arbitration under the LCIA Rules, by one arbitrator, "
            "with the seat of arbitration in London",
        ),
        (
            {"process": "escalation_courts", "courts": "Frankfurt am Main"},
            "to the courts of Frankfurt am Main, which have exclusive jurisdiction",
        ),
    ],
)
def test_dispute_variants(
    disputes: dict[str, str], expected: str, write_deal: Callable[..., Path], generate_text: Callable[[Path], str]
) -> None:
    def change(d: dict[str, Any]) -> None:
        d["agreement"]["disputes"] = {**disputes, "tier1_days": 10, "tier2_days": 20}

    text = squash(generate_text(write_deal(change)))
    assert expected in text
    assert "within 10 days of the notice" in text and "within a further 20 days" in text
    others = {
        "escalation": "may take the disagreement to the courts of England and Wales.",
        "escalation_arbitration": "by arbitration",
        "escalation_courts": "exclusive jurisdiction",
        "escalation_mediation": "recognised mediation body",
    }
    for process, phrase in others.items():
        if process != disputes["process"]:
            assert phrase not in text, process


def test_directions_follow_the_parties(write_deal: Callable[..., Path], generate_text: Callable[[Path], str]) -> None:
    """Swap who is prime and who supports: the text must follow, not stay fixed."""

    def swap(d: dict[str, Any]) -> None:
        a = d["agreement"]
        a["prime_partner"] = "fabrikam"
        a["support_services"].update(first_line="fabrikam", second_line="contoso")
        a["governance"]["agenda_owner"] = "fabrikam"
        d["statements_of_work"][0]["prime"] = "fabrikam"

    text = squash(generate_text(write_deal(swap)))
    assert "the Prime Partner is Fabrikam" in text
    assert "Fabrikam gives first-line support" in text
    assert "that Prime Partner pays Contoso 15% of the Net Revenue it receives for the support" in text
    assert "Fabrikam owns the agenda" in text
    assert "Prime Partner | Fabrikam" in text


HOSTILE = {
    "legal_name": 'Smith & Sons <UK> "Ltd"',
    "address": "{{ 7*7 }} Rue de l'Église, Zürich {% if true %}x{% endif %}",
    "jurisdiction": "中华人民共和国",
    "signatory": {"name": "עברית שם", "title": "مدير عام"},
}


def test_hostile_values_appear_literally(write_deal: Callable[..., Path], generate_text: Callable[[Path], str]) -> None:
    def hostile(d: dict[str, Any]) -> None:
        d["agreement"]["parties"]["contoso"].update(HOSTILE)
        d["agreement"]["ownership"][0]["scope"] = "Ålesund & <Tromsø>"
        d["agreement"]["governance"]["workspace"] = "Slack #p2p & {{ config }}"

    text = generate_text(write_deal(hostile))
    for value in (
        'Smith & Sons <UK> "Ltd"',
        "{{ 7*7 }} Rue de l'Église, Zürich {% if true %}x{% endif %}",
        "中华人民共和国",
        "Name: עברית שם",
        "Title: مدير عام",
        "Ålesund & <Tromsø>",
        "Slack #p2p & {{ config }}",
    ):
        assert value in text, value
    assert "49" not in text.replace("2049", "")


def test_same_input_gives_identical_bytes(tmp_path: Path) -> None:
    outs = []
    for run in ("a", "b"):
        out = tmp_path / run
        assert run_cli("generate", str(EXAMPLE), "-o", str(out)).exit_code == 0
        outs.append((out / EXAMPLE_ID / "partnering-agreement.docx").read_bytes())
    assert outs[0] == outs[1]


def test_document_properties_come_from_the_deal(tmp_path: Path) -> None:
    import io

    from docx import Document

    assert run_cli("generate", str(EXAMPLE), "-o", str(tmp_path)).exit_code == 0
    doc = Document(io.BytesIO((tmp_path / EXAMPLE_ID / "partnering-agreement.docx").read_bytes()))
    props = doc.core_properties
    assert props.title == "Partnering Agreement CONTOSO-FABRIKAM-2027"
    assert props.created is not None and props.created.date().isoformat() == "2027-01-15"
    assert "Fabrikam Software GmbH" in props.keywords
    styles = {p.style.name for p in doc.paragraphs if p.style is not None}
    assert {"Title", "Heading 1", "Clause", "Clause Item"} <= styles
