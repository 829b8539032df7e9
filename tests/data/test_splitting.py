import pandas as pd
import pytest

from mlgate.data.feature_schema import FeatureSchema
from mlgate.data.splitting import split_frame
from mlgate.errors import ConfigError

SCHEMA = FeatureSchema(
    target="outcome",
    labels=("high", "low", "mid"),
    numeric=("size", "weight"),
    categorical=("colour", "region"),
)


def test_split_is_stratified(custom_frame: pd.DataFrame) -> None:
    train, test = split_frame(custom_frame, SCHEMA, test_size=0.25, seed=1)
    assert len(train) + len(test) == len(custom_frame)
    assert len(test) == 75
    overall = custom_frame["outcome"].value_counts(normalize=True)
    for part in (train, test):
        shares = part["outcome"].value_counts(normalize=True)
        assert (shares - overall).abs().max() < 0.02


def test_same_seed_same_split_other_seed_other_split(custom_frame: pd.DataFrame) -> None:
    first, _ = split_frame(custom_frame, SCHEMA, test_size=0.25, seed=1)
    again, _ = split_frame(custom_frame, SCHEMA, test_size=0.25, seed=1)
    other, _ = split_frame(custom_frame, SCHEMA, test_size=0.25, seed=2)
    pd.testing.assert_frame_equal(first, again)
    assert not first.equals(other)


def test_split_keeps_only_schema_columns_with_stable_dtypes(custom_frame: pd.DataFrame) -> None:
    train, test = split_frame(custom_frame, SCHEMA, test_size=0.25, seed=1)
    for part in (train, test):
        assert list(part.columns) == ["size", "weight", "colour", "region", "outcome"]
        assert part["size"].dtype == "float64"


def test_too_small_test_size_is_a_config_error(custom_frame: pd.DataFrame) -> None:
    with pytest.raises(ConfigError, match=r"data\.test_size: 0\.001 of 300 rows gives 1 test"):
        split_frame(custom_frame, SCHEMA, test_size=0.001, seed=1)


def regression_frame(rows: int = 100) -> pd.DataFrame:
    x = [float(i) for i in range(rows)]
    return pd.DataFrame({"x": x, "price": [2.5 * v + 1 for v in x]})


REGRESSION = FeatureSchema(
    target="price", task="regression", labels=(), numeric=("x",), categorical=()
)


def test_a_regression_target_splits_seeded_and_stays_a_float() -> None:
    frame = regression_frame()
    frame.loc[[3, 7], "price"] = None  # data.missing_target: drop (validate counted them)
    train, test = split_frame(frame, REGRESSION, test_size=0.2, seed=1)
    assert (len(train), len(test)) == (78, 20)
    assert train["price"].dtype == "float64"
    assert not pd.concat([train, test])["price"].isna().any()
    again, _ = split_frame(frame, REGRESSION, test_size=0.2, seed=1)
    pd.testing.assert_frame_equal(train, again)


def test_a_regression_split_too_small_for_two_test_rows_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="a regression needs at least two of each"):
        split_frame(regression_frame(5), REGRESSION, test_size=0.1, seed=1)
