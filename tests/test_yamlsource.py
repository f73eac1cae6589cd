"""The YAML reader builds the same data as PyYAML's safe loader (floats as exact decimals),
with the line of every value, and refuses what would hurt."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from p2pdocs.deal.yamlsource import parse
from p2pdocs.errors import InvalidInput


def _floats_to_decimals(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _floats_to_decimals(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_floats_to_decimals(v) for v in value]
    if isinstance(value, float):
        return Decimal(repr(value))
    return value


# PyYAML's emitter folds YAML's other line breaks (NEL, U+2028, U+2029) and lone CRs in
# plain and single-quoted scalars, so that they do not survive its own round trip
CHARS = st.characters(exclude_categories=("Cs",), exclude_characters="\r\x85\u2028\u2029")
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(CHARS),
    st.dates(),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(CHARS, max_size=8), inner, max_size=4),
    max_leaves=30,
)


@given(values, st.sampled_from([False, True]))
@settings(max_examples=400)  # the same with the larger CI profile that test_fuzz loads
def test_reads_back_what_was_written(value: Any, flow: bool) -> None:
    # the oracle is the value itself, not whichever PyYAML is installed
    text = yaml.safe_dump({"root": value}, default_flow_style=flow, allow_unicode=True)
    assert parse(text, "f.yaml").data == {"root": _floats_to_decimals(value)}


def test_lines_of_values_and_keys() -> None:
    text = "a:\n  b: 1\n  c:\n    - x\n    - y: 2\nd: [1, 2]\n"
    source = parse(text, "f.yaml")
    assert source.line_of(("a", "b")) == 2
    assert source.line_of(("a", "c", 1, "y")) == 5
    assert source.line_of(("a", "c", 1, "nothing", "here")) == 5
    assert source.line_of(("d", 1)) == 6


def test_merge_keys_own_keys_win_then_the_first_mapping_listed() -> None:
    # the merge-key spec (yaml.org/type/merge.html): keys of the mapping itself win, then
    # each mapping of the list in turn, the first listed before later ones
    text = (
        "base: &base {currency: EUR, law: Ireland, days: 30}\n"
        "other: &other {days: 60, extra: yes, law: France}\n"
        "deal:\n"
        "  <<: [*base, *other]\n"
        "  law: Germany\n"
    )
    data = parse(text, "f.yaml").data
    assert data["deal"] == {"currency": "EUR", "law": "Germany", "days": 30, "extra": True}
    swapped = parse(text.replace("[*base, *other]", "[*other, *base]"), "f.yaml").data
    assert swapped["deal"] == {"currency": "EUR", "law": "Germany", "days": 60, "extra": True}


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("024", "024 has a leading zero, which YAML reads as the octal number 20"),
        ("0170000", "0170000 has a leading zero, which YAML reads as the octal number 61440"),
        ("[022]", "a[0]: 022 has a leading zero, which YAML reads as the octal number 18"),
        ("-012", "-012 has a leading zero"),
        ("09", "09 has a leading zero, which YAML reads as text"),
        ("1:30", "YAML reads 1:30 as a base-60 number (90)"),
        ("1:30.5", "YAML reads 1:30.5 as a base-60 number"),
        ("0x1F", "YAML reads 0x1F as a hexadecimal number (31)"),
        ("0b101", "YAML reads 0b101 as a binary number (5)"),
    ],
)
def test_yaml_1_1_number_forms_are_refused_with_the_line(typed: str, says: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse(f"x: 1\na: {typed}\n", "f.yaml")
    assert f"f.yaml:2: a{'' if typed.startswith('[') else ':'}" in str(caught.value)
    assert says in str(caught.value)
    assert "quote it if it is text" in str(caught.value)


@pytest.mark.parametrize(
    ("typed", "value"),
    [("'024'", "024"), ("'1:30'", "1:30"), ("0", 0), ("10", 10), ("0.5", Decimal("0.5")), ("10:30 am", "10:30 am")],
)
def test_numbers_as_typed_and_quoted_text_are_kept(typed: str, value: Any) -> None:
    assert parse(f"a: {typed}\n", "f.yaml").data == {"a": value}


@pytest.mark.parametrize("depth", [101, 999, 1001, 5000])
@pytest.mark.parametrize("flow", [True, False])
def test_nesting_is_refused_with_p2pdocs_own_message(depth: int, flow: bool) -> None:
    if flow:
        text = "a: " + "[" * depth + "]" * depth + "\n"
    else:
        text = "".join(f"{'  ' * level}k:\n" for level in range(depth)) + "  " * depth + "v: 1\n"
    with pytest.raises(InvalidInput) as caught:
        parse(text, "f.yaml")
    assert str(caught.value).startswith("f.yaml:")
    assert "values are nested more than 100 levels deep; refused" in str(caught.value)


def test_aliases_give_the_anchored_value_and_its_line() -> None:
    source = parse("a: &d 2027-03-01\nb: *d\nc:\n  - *d\n", "f.yaml")
    assert source.data["b"] == source.data["c"][0] == source.data["a"]
    assert source.line_of(("c", 0)) == 4


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("a: 1\na: 2\n", "f.yaml:2: a: duplicate key (first given on line 1)"),
        ("a: *nowhere\n", "f.yaml:1: a: unknown alias '*nowhere'"),
        ("a: 1\n---\nb: 2\n", "f.yaml:2: expected one YAML document"),
        ("a: [1, 2\n", "not valid YAML"),
        ("", "the file is empty"),
        ("<<: 3\n", "a merge key ('<<') takes mappings only"),
    ],
)
def test_refusals_name_file_and_line(text: str, says: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse(text, "f.yaml")
    assert says in str(caught.value)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789_+-:xXoObB.eEyYnNtTrRuUfFaAlLsS", min_size=1, max_size=8))
def test_integers_and_booleans_are_read_as_pyyaml_reads_them(text: str) -> None:
    """The reader builds plain integers and YAML 1.1 booleans itself (PyYAML's constructor is
    slow per value); what it builds equals PyYAML's safe loader, or it refuses the form."""
    document = f"value: {text}\n"
    try:
        expected = yaml.safe_load(document)
    except yaml.YAMLError:
        return
    try:
        got = parse(document, "x.yaml").data
    except InvalidInput:
        return  # a number YAML 1.1 misreads (024, 1:30, 0x1F) is refused, not read
    want = _floats_to_decimals(expected)["value"]
    assert type(got["value"]) is type(want) and got["value"] == want


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["!!bool", "!!int", "!!float", "!!timestamp", "!!binary", "!!null", "!!str"]),
    st.text(alphabet="abcxyz019.:-+_ =?", min_size=1, max_size=10).map(str.strip).filter(bool),
)
def test_an_explicit_tag_on_text_it_cannot_read_is_read_as_the_text(tag: str, text: str) -> None:
    """``!!bool maybe``, ``!!float x1``, ``!!timestamp soon``: no traceback; the reader gives
    PyYAML's value when PyYAML can read it, else the text (the model then names the field)."""
    document = f"value: {tag} {yaml.safe_dump(text, default_style=chr(39)).strip()}\n"
    try:
        got = parse(document, "x.yaml").data["value"]
    except InvalidInput:
        return  # a misread number, refused with its line
    try:
        want = _floats_to_decimals(yaml.safe_load(document))["value"]
    except Exception:  # PyYAML itself fails on it (KeyError, ValueError...): we keep the text
        assert got == text
        return
    if not (isinstance(want, Decimal) and want.is_nan()):
        assert got in (want, text)
