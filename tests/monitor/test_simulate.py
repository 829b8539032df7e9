"""Simulated production batches: seeded, and shifted exactly as asked."""

from __future__ import annotations

import pandas as pd
import pytest

from mlgate.data.feature_schema import FeatureSchema
from mlgate.errors import ConfigError
from mlgate.monitor.simulate import simulate_batch
from tests.support.datasets import make_custom_frame

SCHEMA = FeatureSchema(
    target="outcome",
    labels=("high", "low", "mid"),
    numeric=("size", "weight"),
    categorical=("colour", "region"),
)
HOLDOUT = make_custom_frame(200, seed=3).drop(columns=["row_id"])


def test_no_drift_resamples_the_holdout() -> None:
    batch = simulate_batch(HOLDOUT, SCHEMA, rows=500, drift=0.0, seed=1)
    assert list(batch.columns) == ["size", "weight", "colour", "region"]
    assert len(batch) == 500
    assert set(batch["colour"].dropna()) <= set(HOLDOUT["colour"].dropna())


def test_same_seed_same_batch() -> None:
    first = simulate_batch(HOLDOUT, SCHEMA, rows=50, drift=0.5, seed=7)
    assert first.equals(simulate_batch(HOLDOUT, SCHEMA, rows=50, drift=0.5, seed=7))


def test_numeric_shift_is_in_standard_deviations_and_only_where_asked() -> None:
    calm = simulate_batch(HOLDOUT, SCHEMA, rows=300, drift=0.0, seed=2)
    moved = simulate_batch(HOLDOUT, SCHEMA, rows=300, drift=2.0, columns=["size"], seed=2)
    assert (moved["size"] - calm["size"]).dropna().mean() == pytest.approx(
        2 * HOLDOUT["size"].std()
    )
    pd.testing.assert_series_equal(moved["weight"], calm["weight"])


def test_categorical_shift_moves_that_share_to_the_rarest_category() -> None:
    rarest = HOLDOUT["region"].value_counts().index[-1]
    moved = simulate_batch(HOLDOUT, SCHEMA, rows=2000, drift=0.8, columns=["region"], seed=4)
    assert (moved["region"] == rarest).mean() > 0.8


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"rows": 0, "drift": 0.0}, "--rows must be at least 1"),
        ({"rows": 10, "drift": -1.0}, "--drift must be between 0 and 10"),
        ({"rows": 10, "drift": 1.0, "columns": ["nope"]}, "--columns: not feature columns: nope"),
    ],
)
def test_bad_arguments(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        simulate_batch(HOLDOUT, SCHEMA, **kwargs)  # type: ignore[arg-type]
