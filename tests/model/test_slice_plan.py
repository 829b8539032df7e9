"""Which slices the card scores: the configured bins, or automatic quartiles of the most important
numeric features; and the score that ranks them, resolved for the task."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from mlgate.config import SliceSettings
from mlgate.data.feature_schema import FeatureSchema
from mlgate.errors import ArtifactError, ConfigError
from mlgate.model.slice_masks import cut_points
from mlgate.model.slice_plan import (
    AUTO_BINNED_FEATURES,
    AUTO_QUANTILES,
    importance_order,
    plan_slices,
)

NUMERIC = ("flat", "a", "b", "c", "d", "holes", "empty")
SCHEMA = FeatureSchema(target="y", labels=("no", "yes"), numeric=NUMERIC, categorical=("colour",))
REGRESSION = SCHEMA.model_copy(update={"task": "regression", "labels": ()})
# strongest first, as the evaluate stage writes reports/plots/importance.json
IMPORTANCE = ("colour", "flat", "empty", "holes", "c", "a", "d", "b")


def settings(**values: Any) -> SliceSettings:
    return SliceSettings.model_validate(values)


@pytest.fixture(scope="module")
def train() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    rows = 200
    holes = rng.normal(0, 1, rows)
    holes[rng.random(rows) < 0.3] = np.nan
    return pd.DataFrame(
        {
            "flat": np.full(rows, 3.0),  # constant: nothing to bin
            "a": rng.normal(0, 1, rows),
            "b": rng.normal(5, 2, rows),
            "c": rng.integers(0, 100, rows).astype("float64"),
            "d": np.r_[np.zeros(rows - 10), np.arange(1.0, 11.0)],  # near-constant
            "holes": holes,  # missing values
            "empty": np.full(rows, np.nan),  # all missing
            "colour": rng.choice(["red", "blue"], rows),
            "y": rng.choice(["no", "yes"], rows),
        }
    )


def test_auto_bins_the_most_important_binnable_numeric_features_in_quartiles(
    train: pd.DataFrame,
) -> None:
    plan = plan_slices(settings(), SCHEMA, train, IMPORTANCE)
    assert plan.automatic
    assert list(plan.numeric_bins) == ["holes", "c", "a"]  # categorical, constant, empty skipped
    assert len(plan.numeric_bins) == AUTO_BINNED_FEATURES == 3
    assert {bins.quantiles for bins in plan.numeric_bins.values()} == {AUTO_QUANTILES} == {4}


def test_auto_bins_a_near_constant_feature_into_fewer_bins(train: pd.DataFrame) -> None:
    plan = plan_slices(settings(), SCHEMA, train, ("d", "b"))
    assert list(plan.numeric_bins) == ["d", "b", "a"]
    assert cut_points(train["d"], plan.numeric_bins["d"]) == (0.0,)  # ≤ 0 and > 0


def test_features_importance_does_not_rank_come_after_in_schema_order(
    train: pd.DataFrame,
) -> None:
    assert list(plan_slices(settings(), SCHEMA, train, ("b",)).numeric_bins) == ["b", "a", "c"]
    assert list(plan_slices(settings(), SCHEMA, train, ()).numeric_bins) == ["a", "b", "c"]


def test_auto_with_nothing_to_bin_bins_nothing() -> None:
    frame = pd.DataFrame({"flat": [1.0] * 20, "colour": ["red"] * 20, "y": ["no", "yes"] * 10})
    schema = FeatureSchema(target="y", labels=("no", "yes"), numeric=("flat",), categorical=())
    assert plan_slices(settings(), schema, frame, ("flat",)).numeric_bins == {}


def test_configured_bins_are_kept_as_they_are(train: pd.DataFrame) -> None:
    plan = plan_slices(settings(numeric_bins={"b": 3, "a": [0.0, 1.0]}), SCHEMA, train, IMPORTANCE)
    assert not plan.automatic
    assert list(plan.numeric_bins) == ["b", "a"]
    assert plan.numeric_bins["b"].quantiles == 3
    assert plan.numeric_bins["a"].edges == (0.0, 1.0)


def test_no_bins_means_none(train: pd.DataFrame) -> None:
    plan = plan_slices(settings(numeric_bins={}), SCHEMA, train, IMPORTANCE)
    assert (plan.automatic, plan.numeric_bins) == (False, {})


def test_a_configured_column_that_does_not_exist_is_still_an_error(train: pd.DataFrame) -> None:
    with pytest.raises(
        ConfigError, match=r"^card\.slices\.numeric_bins\.mean radius: .*no such feature"
    ):
        plan_slices(settings(numeric_bins={"mean radius": 4}), SCHEMA, train, IMPORTANCE)


@pytest.mark.parametrize(
    ("schema", "metric", "expected"),
    [
        (SCHEMA, "auto", "accuracy"),  # as before auto: classification slices rank by accuracy
        (REGRESSION, "auto", "rmse"),
        (SCHEMA, "log_loss", "log_loss"),
        (REGRESSION, "r2", "r2"),
    ],
)
def test_slice_metric_resolves_for_the_task(
    train: pd.DataFrame, schema: FeatureSchema, metric: str, expected: str
) -> None:
    plan = plan_slices(settings(metric=metric, numeric_bins={}), schema, train, ())
    assert plan.metric == expected
    assert plan.min_rows == 10


@pytest.mark.parametrize(
    ("schema", "metric", "task"),
    [(SCHEMA, "rmse", "classification"), (REGRESSION, "accuracy", "regression")],
)
def test_a_metric_of_the_other_task_is_one_line_naming_the_key(
    train: pd.DataFrame, schema: FeatureSchema, metric: str, task: str
) -> None:
    with pytest.raises(
        ConfigError, match=rf"^card\.slices\.metric: {metric} is not a {task} score \(expected"
    ) as caught:
        plan_slices(settings(metric=metric), schema, train, ())
    assert "\n" not in str(caught.value)


def test_importance_order_reads_the_evaluate_stages_rows() -> None:
    rows = [{"feature": "b", "importance": 0.3}, {"feature": "a", "importance": -0.01}]
    assert importance_order(rows, "reports/plots/importance.json") == ("b", "a")


@pytest.mark.parametrize("body", [{"b": 0.3}, [{"feature": "b"}], [["b", 0.3]], None])
def test_malformed_importance_names_the_file_and_the_stage(body: object) -> None:
    with pytest.raises(
        ArtifactError, match=r"^reports/plots/importance\.json: .*`dvc repro evaluate`"
    ):
        importance_order(body, "reports/plots/importance.json")
