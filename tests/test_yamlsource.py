"""The YAML reader builds the same data as PyYAML's safe loader (floats as exact decimals),
with the line of every value, and refuses what would hurt."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from p2pdocs.errors import InvalidInput
from p2pdocs.yamlsource import parse


def _floats_to_decimals(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _floats_to_decimals(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_floats_to_decimals(v) for v in value]
    if isinstance(value, float):
        return Decimal(repr(value))
    return value


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(),
    st.dates(),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=30,
)


@given(values, st.sampled_from([False, True]))
def test_same_data_as_pyyaml(value: Any, flow: bool) -> None:
    text = yaml.safe_dump({"root": value}, default_flow_style=flow, allow_unicode=True)
    expected = yaml.safe_load(text)
    assert parse(text, "f.yaml").data == _floats_to_decimals(expected)


def test_lines_of_values_and_keys() -> None:
    text = "a:\n  b: 1\n  c:\n    - x\n    - y: 2\nd: [1, 2]\n"
    source = parse(text, "f.yaml")
    assert source.line_of(("a", "b")) == 2
    assert source.line_of(("a", "c", 1, "y")) == 5
    assert source.line_of(("a", "c", 1, "nothing", "here")) == 5
    assert source.line_of(("d", 1)) == 6


def test_merge_keys_own_keys_win() -> None:
    text = (
        "base: &base {currency: EUR, law: Ireland, days: 30}\n"
        "other: &other {days: 60, extra: yes}\n"
        "deal:\n"
        "  <<: [*base, *other]\n"
        "  law: Germany\n"
    )
    data = parse(text, "f.yaml").data
    assert data["deal"] == yaml.safe_load(text)["deal"]
    assert data["deal"] == {"currency": "EUR", "law": "Germany", "days": 30, "extra": True}


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
