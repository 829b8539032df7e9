"""`RequestContract.is_clean`, the quick pass over good records: it never lets through a record
`record_problems` would refuse, and it recognises ordinary good records."""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import pytest

from mlgate.data.feature_schema import FeatureSchema
from mlgate.serving.contract import RequestContract, record_problems

SCHEMA = FeatureSchema(
    target="outcome", labels=("high", "low"), numeric=("size", "weight"), categorical=("colour",)
)
CONTRACT = RequestContract(
    schema=SCHEMA,
    categories={"colour": frozenset({"red", "blue"})},
    nullable=frozenset({"weight", "colour"}),
    ranges={"size": (0.0, 10.0)},
    max_string_chars=8,
)
GOOD: list[dict[str, Any]] = [
    {"size": 1.5, "weight": 2, "colour": "red"},
    {"size": 0, "weight": None, "colour": "blue"},
    {"size": 9.75, "weight": -1e300, "colour": None},
]
BAD_VALUES: dict[str, list[Any]] = {
    "size": [None, "1", True, math.nan, math.inf, -math.inf, 1e9, 10**400, [1], {"a": 1}],
    "weight": ["1", False, math.nan, math.inf, 10**400, [], "x" * 20],
    "colour": ["green", 1, True, 1.5, "x" * 20, ["red"]],
}


def _variants() -> list[object]:
    """Every good record with each field set to each bad value, dropped, or joined by another."""
    variants: list[object] = [[GOOD[0]], "record", None, 3]
    for good in GOOD:
        for name, values in BAD_VALUES.items():
            variants.extend({**good, name: value} for value in values)
            variants.append({key: value for key, value in good.items() if key != name})
        variants.append({**good, "extra": 1})
        variants.append({key: value for key, value in good.items() if key != "size"} | {"x": 1})
    return variants


@pytest.mark.parametrize("unknown_category", ["error", "ignore"])
def test_no_record_with_a_problem_is_clean(unknown_category: str) -> None:
    contract = replace(CONTRACT, unknown_category=unknown_category)
    for record in _variants():
        if contract.is_clean(record):
            assert record_problems(record, contract) == [], record


def test_the_bad_variants_are_refused_and_the_good_records_are_clean() -> None:
    assert all(record_problems(record, CONTRACT) for record in _variants())
    assert all(CONTRACT.is_clean(record) for record in GOOD)


def test_an_unknown_category_is_clean_when_the_contract_ignores_it() -> None:
    ignoring = replace(CONTRACT, unknown_category="ignore")
    record = {**GOOD[0], "colour": "green"}
    assert ignoring.is_clean(record)
    assert record_problems(record, ignoring) == []
