"""The `card:` section: optional, with slices binned as params say."""

import pytest

from mlgate.config import load_params, parse_params
from mlgate.errors import ConfigError
from tests.support.datasets import BASE_PARAMS
from tests.support.paths import REPO_ROOT


def test_card_section_is_optional_and_binned_columns_parse() -> None:
    assert parse_params(BASE_PARAMS).card.slices.numeric_bins == {}
    card = parse_params(
        {**BASE_PARAMS, "card": {"slices": {"numeric_bins": {"size": 4, "weight": [40, 60.5]}}}}
    ).card
    assert card.slices.numeric_bins["size"].quantiles == 4
    assert card.slices.numeric_bins["weight"].edges == (40.0, 60.5)
    assert (card.slices.min_rows, card.slices.metric) == (10, "accuracy")


def test_committed_params_bin_numeric_columns_for_the_card() -> None:
    params = load_params(REPO_ROOT / "params.yaml")
    assert params.card.slices.numeric_bins  # the default card has slice metrics
    assert params.gates.worst_slice is None  # the slice gate is off by default


@pytest.mark.parametrize(
    ("card", "message"),
    [
        ({"owner": ["a"]}, r"card\.owner: Input should be a valid string"),
        (
            {"slices": {"numeric_bins": {"size": True}}},
            r"card\.slices\.numeric_bins\.size: expected",
        ),
        ({"slices": {"numeric_bins": {"size": 21}}}, r"numeric_bins\.size: expected .*\(2 to 20\)"),
        ({"slices": {"numeric_bins": {"size": []}}}, r"numeric_bins\.size: expected"),
        ({"slices": {"numeric_bins": {"size": [1, ".5"]}}}, r"numeric_bins\.size: expected"),
        ({"slices": {"numeric_bins": {"size": [1, 1]}}}, r"size: cut points must increase"),
        ({"slices": {"numeric_bins": {"size": [1, float("inf")]}}}, r"size: expected"),
        ({"slices": {"numeric_bins": {"size": {"quantiles": 3}}}}, r"size: expected"),
        ({"slice": {}}, r"card\.slice: unknown key"),
    ],
)
def test_malformed_card_names_the_key(card: object, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_params({**BASE_PARAMS, "card": card})
