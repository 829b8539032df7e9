"""The request contract: every way a record can break it is named, with its index and field."""

from __future__ import annotations

import math

import pytest

from mlgate.data.feature_schema import FeatureSchema
from mlgate.serving.contract import RequestContract, RequestError, check_records, records_to_frame

SCHEMA = FeatureSchema(
    target="outcome", labels=("high", "low"), numeric=("size", "weight"), categorical=("colour",)
)
CONTRACT = RequestContract(
    schema=SCHEMA,
    categories={"colour": frozenset({"red", "blue"})},
    nullable=frozenset({"weight"}),
    max_records=3,
    ranges={"size": (0.0, 10.0)},
)
GOOD = {"size": 1.5, "weight": 2, "colour": "red"}


def problems(records: object, contract: RequestContract = CONTRACT) -> str:
    with pytest.raises(RequestError) as caught:
        check_records(records, contract)
    return str(caught.value)


def test_good_records_pass_and_become_the_training_dtypes() -> None:
    records = [GOOD, {"size": 2, "weight": None, "colour": "blue"}]
    frame = records_to_frame(check_records(records, CONTRACT), SCHEMA)
    assert list(frame.columns) == ["size", "weight", "colour"]
    assert str(frame["size"].dtype) == "float64"
    assert math.isnan(frame["weight"][1])


@pytest.mark.parametrize(
    ("records", "message"),
    [
        ([{"weight": 1, "colour": "red"}], "records[0]: missing field 'size'"),
        ([GOOD | {"height": 3}], "records[0]: unknown field(s) 'height'"),
        ([GOOD | {"size": "big"}], "records[0]: 'size' must be a number, got str 'big'"),
        ([GOOD | {"size": True}], "'size' must be a number, got bool True"),
        ([GOOD | {"size": float("nan")}], "'size' must be a finite number, got nan"),
        ([GOOD | {"size": 10**400}], "'size' is too large to be a number"),
        ([GOOD | {"size": 1e300}], "'size' = 1e+300 is far outside the training range [0, 10]"),
        ([GOOD | {"size": -20000.0}], "far outside the training range"),
        ([GOOD | {f"x{i}": 1 for i in range(15)}], "'x4' and 5 more"),
        ([GOOD | {"size": None}], "'size' may not be null"),
        ([GOOD | {"colour": "green"}], "'colour': unknown category 'green' (known: blue, red)"),
        ([GOOD | {"colour": ["red"]}], "'colour' must be a string category, got list"),
        ([GOOD, "not an object"], "records[1]: must be a JSON object"),
        ([], "'records' is empty"),
        ([GOOD] * 4, "'records' has 4 records; at most 3 per request"),
        ({"size": 1}, "'records' must be a list of objects, got dict"),
    ],
)
def test_bad_records_are_named(records: object, message: str) -> None:
    assert message in problems(records)


def test_values_within_a_wide_margin_of_the_training_range_pass() -> None:
    assert check_records([GOOD | {"size": 9000.0}], CONTRACT)


def test_true_false_categories_accept_json_booleans() -> None:
    flags = RequestContract(
        FeatureSchema(target="y", labels=("a", "b"), numeric=(), categorical=("flag",)),
        categories={"flag": frozenset({"True", "False"})},
    )
    assert check_records([{"flag": True}], flags)
    assert "unknown category" in problems([{"flag": "maybe"}], flags)


def test_unknown_category_can_be_let_through() -> None:
    lenient = RequestContract(SCHEMA, CONTRACT.categories, CONTRACT.nullable, "ignore", 3, {})
    assert check_records([GOOD | {"colour": "green"}], lenient)


def test_many_problems_are_summarised() -> None:
    message = problems([{"colour": 1.5}] * 3)
    assert message.count("records[") == 5
    assert message.endswith("and 4 more")


def test_contract_round_trips_through_json() -> None:
    assert RequestContract.from_json_dict(CONTRACT.to_json_dict()) == CONTRACT


@pytest.mark.parametrize(
    "contract",
    [
        RequestContract(SCHEMA, {}, max_records=3),  # no categories known: any was accepted
        RequestContract(SCHEMA, CONTRACT.categories, unknown_category="ignore", max_records=3),
    ],
    ids=["no known categories", "unknown_category ignore"],
)
def test_a_category_longer_than_the_cap_is_refused_naming_the_field(
    contract: RequestContract,
) -> None:
    long = "r" * (contract.max_string_chars + 1)
    message = problems([GOOD | {"colour": long}], contract)
    assert message == (
        f"records[0]: 'colour' is a string of {len(long)} characters; "
        f"at most {contract.max_string_chars} (serving.max_string_chars)"
    )
    assert check_records([GOOD | {"colour": "r" * contract.max_string_chars}], contract)


def test_an_unknown_key_is_echoed_cut_to_64_characters() -> None:
    message = problems([GOOD | {"k" * 100_000: 1}])
    assert message == f"records[0]: unknown field(s) '{'k' * 64}…'"
