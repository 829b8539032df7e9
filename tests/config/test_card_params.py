"""The `card:` section: optional, with slices binned as params say."""

import pytest

from mlgate.config import load_params, parse_params
from mlgate.errors import ConfigError
from tests.support.datasets import BASE_PARAMS
from tests.support.paths import REPO_ROOT


def test_card_section_is_optional_and_slices_are_automatic_by_default() -> None:
    slices = parse_params(BASE_PARAMS).card.slices
    assert slices.numeric_bins is None  # auto: the most important numeric features, binned
    assert slices.auto_bins
    assert (slices.min_rows, slices.metric) == (10, "auto")
    assert slices.model_dump()["numeric_bins"] == "auto"


def test_auto_and_no_bins_are_told_apart() -> None:
    auto = parse_params({**BASE_PARAMS, "card": {"slices": {"numeric_bins": "auto"}}}).card
    none = parse_params({**BASE_PARAMS, "card": {"slices": {"numeric_bins": {}}}}).card
    assert auto.slices.auto_bins
    assert not none.slices.auto_bins
    assert none.slices.numeric_bins == {}


@pytest.mark.parametrize("metric", ["accuracy", "log_loss", "rmse", "r2", "mape", "auto"])
def test_slice_metric_is_any_score_or_auto(metric: str) -> None:
    card = parse_params({**BASE_PARAMS, "card": {"slices": {"metric": metric}}}).card
    assert card.slices.metric == metric


def test_binned_columns_parse() -> None:
    card = parse_params(
        {**BASE_PARAMS, "card": {"slices": {"numeric_bins": {"size": 4, "weight": [40, 60.5]}}}}
    ).card
    assert card.slices.numeric_bins["size"].quantiles == 4
    assert card.slices.numeric_bins["weight"].edges == (40.0, 60.5)
    assert not card.slices.auto_bins


def test_committed_params_bin_numeric_columns_automatically() -> None:
    params = load_params(REPO_ROOT / "params.yaml")
    assert params.card.slices.auto_bins  # no column of the bundled data named: any data fits
    assert params.card.slices.metric == "auto"
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
        (
            {"slices": {"numeric_bins": "quartiles"}},
            r"card\.slices\.numeric_bins: expected auto, \{\} or a mapping",
        ),
        ({"slices": {"numeric_bins": None}}, r"card\.slices\.numeric_bins: expected auto"),
        (
            {"slices": {"metric": "auc"}},
            r"card\.slices\.metric: Input should be 'accuracy', .* 'mape' or 'auto' \(got",
        ),
    ],
)
def test_malformed_card_names_the_key(card: object, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_params({**BASE_PARAMS, "card": card})
